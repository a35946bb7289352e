//! Line plots: axes with linear or log ticks ([`super::axis`]), one polyline with markers per
//! series, a legend on the right and notes underneath. Enough for the trend figures of the
//! study (counts against N_h and lambda, noise sensitivity), written with [`super::Document`].

use super::axis::Axis;
use super::{fixed, points, Document, Element};

/// One line of a plot.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    /// (x, y) points, drawn in the given order. Points that cannot be drawn (non-finite, or
    /// <= 0 on a log axis) break the line.
    pub points: Vec<(f64, f64)>,
    /// Per point: draw the marker hollow (used for "not saturated"). Empty: all filled.
    pub hollow: Vec<bool>,
    /// Index into the colour palette.
    pub colour: usize,
    pub dashed: bool,
    /// Markers without the line through them (a scatter plot).
    pub markers_only: bool,
}

/// A plot with its axes.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_log: bool,
    pub y_log: bool,
    /// Only integer ticks on the (linear) x axis.
    pub x_integer: bool,
    /// Fixed y range (else the data range, padded).
    pub y_range: Option<(f64, f64)>,
    pub series: Vec<Series>,
    /// Lines of small print under the plot.
    pub notes: Vec<String>,
}

/// Colour-blind-safe palette (Okabe and Ito; olive instead of their pale yellow), then two more.
pub const PALETTE: [&str; 10] = [
    "#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#bcbd22",
    "#999999", "#8c564b",
];

/// At most this many intervals between linear ticks: a plot is wide enough for seven.
const MAX_TICK_INTERVALS: usize = 7;

impl Plot {
    /// Width and height of the drawing, in pixels.
    pub fn size(&self) -> (f64, f64) {
        (860.0, 520.0 + 16.0 * self.notes.len() as f64)
    }

    /// Several plots stacked in one SVG document, one panel each (nested `<svg>` elements).
    pub fn panels(plots: &[Plot]) -> String {
        let width = plots.iter().map(|p| p.size().0).fold(0.0, f64::max);
        let height: f64 = plots.iter().map(|p| p.size().1).sum();
        let mut doc = Document::new(width, height);
        let mut y = 0.0;
        for p in plots {
            let inner = p.to_svg();
            // The panel's own root, placed at its offset.
            doc.buf
                .push_str(&inner.replacen("<svg ", &format!("<svg x=\"0\" y=\"{y}\" "), 1));
            y += p.size().1;
        }
        doc.finish()
    }

    /// The plot as a standalone SVG document.
    pub fn to_svg(&self) -> String {
        let legend_w = 190.0;
        let (width, height) = self.size();
        let (top, left, bottom) = (40.0, 80.0, 60.0 + 16.0 * self.notes.len() as f64);
        let plot_w = width - left - legend_w - 20.0;
        let plot_h = height - top - bottom;
        let pts = || self.series.iter().flat_map(|s| s.points.iter());
        let xa = Axis::fit(pts().map(|p| p.0), self.x_log);
        let ya = match self.y_range {
            Some((lo, hi)) => Axis {
                lo,
                hi,
                log: self.y_log,
            },
            None => Axis::fit(pts().map(|p| p.1), self.y_log),
        };
        let px = |x: f64| left + plot_w * xa.unit(x);
        let py = |y: f64| top + plot_h * (1.0 - ya.unit(y));
        let c2 = |v: f64| fixed(v, 2);
        let mut doc = Document::new(width, height);
        doc.element("title").text(&self.title);
        doc.element("rect")
            .attr("x", 0)
            .attr("y", 0)
            .attr("width", width)
            .attr("height", height)
            .attr("fill", "white")
            .end();
        doc.element("text")
            .attr("x", fixed(left + plot_w / 2.0, 1))
            .attr("y", 22)
            .attr("text-anchor", "middle")
            .attr("font-size", 15)
            .text(&self.title);
        // Grid and ticks.
        let xt = xa.ticks(MAX_TICK_INTERVALS, self.x_integer);
        let yt = ya.ticks(MAX_TICK_INTERVALS, false);
        let bottom_y = top + plot_h;
        let right_x = left + plot_w;
        // A vertical grid line per x tick, a horizontal one per y tick; labels outside.
        let x_line = |v: f64| [px(v), top, px(v), bottom_y];
        let y_line = |v: f64| [left, py(v), right_x, py(v)];
        let in_x = |v: f64| v >= xa.lo && v <= xa.hi;
        let in_y = |v: f64| v >= ya.lo && v <= ya.hi;
        for v in xt.minor.into_iter().filter(|&v| in_x(v)) {
            grid_line(&mut doc, MINOR, x_line(v));
        }
        for v in yt.minor.into_iter().filter(|&v| in_y(v)) {
            grid_line(&mut doc, MINOR, y_line(v));
        }
        for t in xt.major.iter().filter(|t| in_x(t.value)) {
            grid_line(&mut doc, MAJOR, x_line(t.value));
            let (x, y) = (px(t.value), bottom_y + 18.0);
            tick_label(&mut doc, "xtick", [x, y], "middle", &t.label);
        }
        for t in yt.major.iter().filter(|t| in_y(t.value)) {
            grid_line(&mut doc, MAJOR, y_line(t.value));
            let (x, y) = (left - 6.0, py(t.value) + 4.0);
            tick_label(&mut doc, "ytick", [x, y], "end", &t.label);
        }
        doc.element("rect")
            .attr("x", left)
            .attr("y", top)
            .attr("width", plot_w)
            .attr("height", plot_h)
            .attr("fill", "none")
            .attr("stroke", "black")
            .end();
        doc.element("text")
            .attr("x", fixed(left + plot_w / 2.0, 1))
            .attr("y", fixed(bottom_y + 40.0, 1))
            .attr("text-anchor", "middle")
            .text(&self.x_label);
        let mid = fixed(top + plot_h / 2.0, 1);
        doc.element("text")
            .attr("x", 18)
            .attr("y", mid)
            .attr("text-anchor", "middle")
            .attr("transform", format!("rotate(-90 18 {mid})"))
            .text(&self.y_label);
        // Series.
        for (i, ser) in self.series.iter().enumerate() {
            let colour = PALETTE[ser.colour % PALETTE.len()];
            doc.element("g")
                .attr("class", "series")
                .attr("data-name", &ser.name)
                .open();
            // Runs of drawable points: a point that cannot be drawn breaks the line.
            let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
            for (k, &(x, y)) in ser.points.iter().enumerate() {
                if xa.drawable(x) && ya.drawable(y) {
                    runs.last_mut().expect("one run at least").push((x, y));
                    let hollow = ser.hollow.get(k).copied().unwrap_or(false);
                    doc.element("circle")
                        .attr("cx", c2(px(x)))
                        .attr("cy", c2(py(y)))
                        .attr("r", 3.5)
                        .attr("fill", if hollow { "white" } else { colour })
                        .attr("stroke", colour)
                        .end();
                } else {
                    let run = runs.last().expect("one run at least");
                    if !ser.markers_only {
                        polyline(&mut doc, run, &px, &py, colour, ser.dashed);
                    }
                    runs.push(Vec::new());
                }
            }
            let run = runs.last().expect("one run at least");
            if !ser.markers_only {
                polyline(&mut doc, run, &px, &py, colour, ser.dashed);
            }
            doc.close("g");
            // Legend entry.
            let ly = top + 10.0 + 18.0 * i as f64;
            let lx = left + plot_w + 16.0;
            if ser.markers_only {
                let hollow = !ser.hollow.is_empty() && ser.hollow.iter().all(|&h| h);
                doc.element("circle")
                    .attr("cx", fixed(lx + 13.0, 1))
                    .attr("cy", fixed(ly, 1))
                    .attr("r", 3.5)
                    .attr("fill", if hollow { "white" } else { colour })
                    .attr("stroke", colour)
                    .end();
            } else {
                let legend_line = doc.element("line").coords(
                    fixed(lx, 1),
                    fixed(ly, 1),
                    fixed(lx + 26.0, 1),
                    fixed(ly, 1),
                );
                stroke(legend_line, colour, ser.dashed).end();
            }
            doc.element("text")
                .attr("class", "legend")
                .attr("x", fixed(lx + 32.0, 1))
                .attr("y", fixed(ly + 4.0, 1))
                .text(&ser.name);
        }
        for (i, note) in self.notes.iter().enumerate() {
            doc.element("text")
                .attr("class", "note")
                .attr("x", left)
                .attr("y", fixed(bottom_y + 58.0 + 16.0 * i as f64, 1))
                .attr("font-size", 11)
                .attr("fill", "#444")
                .text(note);
        }
        doc.finish()
    }
}

/// Class and colour of the grid lines at minor (unlabelled) and major ticks.
const MINOR: (&str, &str) = ("minor", "#f2f2f2");
const MAJOR: (&str, &str) = ("grid", "#e0e0e0");

/// A grid line `[x1, y1, x2, y2]` (pixels) of the given (class, colour).
fn grid_line(doc: &mut Document, (class, colour): (&str, &str), [x1, y1, x2, y2]: [f64; 4]) {
    let c2 = |v: f64| fixed(v, 2);
    doc.element("line")
        .attr("class", class)
        .coords(c2(x1), c2(y1), c2(x2), c2(y2))
        .attr("stroke", colour)
        .end();
}

/// A tick label at `[x, y]` (pixels).
fn tick_label(doc: &mut Document, class: &str, [x, y]: [f64; 2], anchor: &str, label: &str) {
    doc.element("text")
        .attr("class", class)
        .attr("x", fixed(x, 2))
        .attr("y", fixed(y, 2))
        .attr("text-anchor", anchor)
        .text(label);
}

/// The stroke of a series: its colour, 1.8 px, dashed or not.
fn stroke<'a>(e: Element<'a>, colour: &str, dashed: bool) -> Element<'a> {
    let e = e.attr("stroke", colour).attr("stroke-width", 1.8);
    if dashed {
        e.attr("stroke-dasharray", "6 4")
    } else {
        e
    }
}

/// The line through one run of points (nothing for fewer than two).
fn polyline(
    doc: &mut Document,
    run: &[(f64, f64)],
    px: &dyn Fn(f64) -> f64,
    py: &dyn Fn(f64) -> f64,
    colour: &str,
    dashed: bool,
) {
    if run.len() > 1 {
        let e = doc
            .element("polyline")
            .attr(
                "points",
                points(run.iter().map(|&(x, y)| (px(x), py(y))), 2),
            )
            .attr("fill", "none");
        stroke(e, colour, dashed).end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_on_a_log_axis_breaks_the_line() {
        let p = Plot {
            title: "t".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            x_log: true,
            y_log: true,
            x_integer: false,
            y_range: None,
            series: vec![Series {
                name: "a & b \"c\"".into(),
                points: vec![(1.0, 1.0), (10.0, 0.0), (100.0, 5.0), (1000.0, 7.0)],
                hollow: vec![false, false, false, true],
                colour: 0,
                dashed: false,
                markers_only: false,
            }],
            notes: vec!["note".into()],
        };
        let svg = p.to_svg();
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains(r#"data-name="a &amp; b &quot;c&quot;""#));
        assert!(svg.contains(r#">a &amp; b "c"</text>"#));
        roxmltree::Document::parse(&svg).unwrap();
    }
}
