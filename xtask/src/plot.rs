//! A small, dependency-free SVG line plot: axes with linear or log ticks, one polyline with
//! markers per series, a legend on the right. Enough for the trend figures of the study, and
//! deterministic (the same data gives the same bytes).

use std::fmt::Write as _;

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

/// Label of a decade: plain for 10^0 .. 10^5, `1e-3` style otherwise.
fn decade_label(k: i32) -> String {
    if (0..=5).contains(&k) {
        format!("{}", 10u64.pow(k as u32))
    } else {
        format!("1e{k}")
    }
}

/// Major ticks of an axis (value, label), and minor grid values (log axes: 2..9 x 10^k).
fn ticks(lo: f64, hi: f64, log: bool, integer: bool) -> (Vec<(f64, String)>, Vec<f64>) {
    if log {
        let (a, b) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
        let stride = ((b - a) as f64 / 8.0).ceil().max(1.0) as i32;
        let mut major: Vec<(f64, String)> = (a..=b)
            .filter(|k| (k - a) % stride == 0)
            .map(|k| (10f64.powi(k), decade_label(k)))
            .collect();
        let mut minor = Vec::new();
        if stride == 1 {
            for k in a..b {
                for m in 2..=9 {
                    let v = m as f64 * 10f64.powi(k);
                    // Few decades: label 2 and 5 too.
                    if b - a <= 2 && (m == 2 || m == 5) {
                        let label = if (0..=5).contains(&k) {
                            format!("{}", m * 10u64.pow(k as u32))
                        } else {
                            format!("{m}e{k}")
                        };
                        major.push((v, label));
                    } else {
                        minor.push(v);
                    }
                }
            }
        }
        (major, minor)
    } else {
        let span = (hi - lo).max(f64::MIN_POSITIVE);
        let raw = span / 6.0;
        let mag = 10f64.powf(raw.log10().floor());
        let mut step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * mag)
            .find(|s| span / s <= 7.0)
            .unwrap_or(10.0 * mag);
        if integer {
            step = step.max(1.0).round();
        }
        let first = (lo / step).ceil() as i64;
        let last = (hi / step).floor() as i64;
        let decimals = (-step.log10().floor()).max(0.0) as usize;
        let major = (first..=last)
            .map(|i| {
                let v = i as f64 * step;
                (v, format!("{v:.decimals$}"))
            })
            .collect();
        (major, Vec::new())
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Data range of an axis with some padding; the transform maps values to [0, 1].
struct Axis {
    lo: f64,
    hi: f64,
    log: bool,
}

impl Axis {
    fn new(values: impl Iterator<Item = f64>, log: bool) -> Self {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.filter(|v| v.is_finite() && (!log || *v > 0.0)) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if !lo.is_finite() {
            (lo, hi) = if log { (1.0, 10.0) } else { (0.0, 1.0) };
        }
        if log {
            let (a, b) = (lo.log10(), hi.log10());
            let pad = ((b - a) * 0.05).max(0.15);
            Self {
                lo: 10f64.powf(a - pad),
                hi: 10f64.powf(b + pad),
                log,
            }
        } else {
            let pad = if hi > lo { (hi - lo) * 0.06 } else { 0.5 };
            Self {
                lo: lo - pad,
                hi: hi + pad,
                log,
            }
        }
    }
    fn unit(&self, v: f64) -> f64 {
        if self.log {
            (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        }
    }
    fn drawable(&self, v: f64) -> bool {
        v.is_finite() && (!self.log || v > 0.0)
    }
}

impl Plot {
    /// The plot as a standalone SVG document.
    pub fn to_svg(&self) -> String {
        let legend_w = 190.0;
        let (width, top, left, bottom) = (860.0, 40.0, 80.0, 60.0 + 16.0 * self.notes.len() as f64);
        let height = 520.0 + 16.0 * self.notes.len() as f64;
        let plot_w = width - left - legend_w - 20.0;
        let plot_h = height - top - bottom;
        let pts = || self.series.iter().flat_map(|s| s.points.iter());
        let xa = Axis::new(pts().map(|p| p.0), self.x_log);
        let ya = match self.y_range {
            Some((lo, hi)) => Axis {
                lo,
                hi,
                log: self.y_log,
            },
            None => Axis::new(pts().map(|p| p.1), self.y_log),
        };
        let px = |x: f64| left + plot_w * xa.unit(x);
        let py = |y: f64| top + plot_h * (1.0 - ya.unit(y));
        let mut s = String::new();
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
        );
        let _ = writeln!(s, r#"<title>{}</title>"#, esc(&self.title));
        let _ = writeln!(
            s,
            r#"<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>"#
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="22" text-anchor="middle" font-size="15">{}</text>"#,
            left + plot_w / 2.0,
            esc(&self.title)
        );
        // Grid and ticks.
        let (x_major, x_minor) = ticks(xa.lo, xa.hi, xa.log, self.x_integer);
        let (y_major, y_minor) = ticks(ya.lo, ya.hi, ya.log, false);
        for v in x_minor.into_iter().filter(|v| *v >= xa.lo && *v <= xa.hi) {
            let x = px(v);
            let _ = writeln!(
                s,
                r##"<line class="minor" x1="{x:.2}" y1="{top:.2}" x2="{x:.2}" y2="{:.2}" stroke="#f2f2f2"/>"##,
                top + plot_h
            );
        }
        for v in y_minor.into_iter().filter(|v| *v >= ya.lo && *v <= ya.hi) {
            let y = py(v);
            let _ = writeln!(
                s,
                r##"<line class="minor" x1="{left:.2}" y1="{y:.2}" x2="{:.2}" y2="{y:.2}" stroke="#f2f2f2"/>"##,
                left + plot_w
            );
        }
        for (v, label) in x_major {
            if v < xa.lo || v > xa.hi {
                continue;
            }
            let x = px(v);
            let _ = writeln!(
                s,
                r##"<line class="grid" x1="{x:.2}" y1="{top:.2}" x2="{x:.2}" y2="{:.2}" stroke="#e0e0e0"/>"##,
                top + plot_h
            );
            let _ = writeln!(
                s,
                r#"<text class="xtick" x="{x:.2}" y="{:.2}" text-anchor="middle">{}</text>"#,
                top + plot_h + 18.0,
                esc(&label)
            );
        }
        for (v, label) in y_major {
            if v < ya.lo || v > ya.hi {
                continue;
            }
            let y = py(v);
            let _ = writeln!(
                s,
                r##"<line class="grid" x1="{left:.2}" y1="{y:.2}" x2="{:.2}" y2="{y:.2}" stroke="#e0e0e0"/>"##,
                left + plot_w
            );
            let _ = writeln!(
                s,
                r#"<text class="ytick" x="{:.2}" y="{:.2}" text-anchor="end">{}</text>"#,
                left - 6.0,
                y + 4.0,
                esc(&label)
            );
        }
        let _ = writeln!(
            s,
            r#"<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="black"/>"#
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            left + plot_w / 2.0,
            top + plot_h + 40.0,
            esc(&self.x_label)
        );
        let _ = writeln!(
            s,
            r#"<text x="18" y="{:.1}" text-anchor="middle" transform="rotate(-90 18 {:.1})">{}</text>"#,
            top + plot_h / 2.0,
            top + plot_h / 2.0,
            esc(&self.y_label)
        );
        // Series.
        for (i, ser) in self.series.iter().enumerate() {
            let colour = PALETTE[ser.colour % PALETTE.len()];
            let dash = if ser.dashed {
                r#" stroke-dasharray="6 4""#
            } else {
                ""
            };
            let _ = writeln!(s, r#"<g class="series" data-name="{}">"#, esc(&ser.name));
            let mut run: Vec<(f64, f64)> = Vec::new();
            let flush = |run: &mut Vec<(f64, f64)>, s: &mut String| {
                if run.len() > 1 {
                    let p: Vec<String> = run
                        .iter()
                        .map(|(x, y)| format!("{:.2},{:.2}", px(*x), py(*y)))
                        .collect();
                    let _ = writeln!(
                        s,
                        r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="1.8"{dash}/>"#,
                        p.join(" ")
                    );
                }
                run.clear();
            };
            for (k, &(x, y)) in ser.points.iter().enumerate() {
                if xa.drawable(x) && ya.drawable(y) {
                    run.push((x, y));
                    let hollow = ser.hollow.get(k).copied().unwrap_or(false);
                    let fill = if hollow { "white" } else { colour };
                    let _ = writeln!(
                        s,
                        r#"<circle cx="{:.2}" cy="{:.2}" r="3.5" fill="{fill}" stroke="{colour}"/>"#,
                        px(x),
                        py(y)
                    );
                } else {
                    flush(&mut run, &mut s);
                }
            }
            flush(&mut run, &mut s);
            let _ = writeln!(s, "</g>");
            // Legend entry.
            let ly = top + 10.0 + 18.0 * i as f64;
            let lx = left + plot_w + 16.0;
            let _ = writeln!(
                s,
                r#"<line x1="{lx:.1}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" stroke="{colour}" stroke-width="1.8"{dash}/>"#,
                lx + 26.0
            );
            let _ = writeln!(
                s,
                r#"<text class="legend" x="{:.1}" y="{:.1}">{}</text>"#,
                lx + 32.0,
                ly + 4.0,
                esc(&ser.name)
            );
        }
        for (i, note) in self.notes.iter().enumerate() {
            let _ = writeln!(
                s,
                r##"<text class="note" x="{left}" y="{:.1}" font-size="11" fill="#444">{}</text>"##,
                top + plot_h + 58.0 + 16.0 * i as f64,
                esc(note)
            );
        }
        s.push_str("</svg>\n");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ticks_are_decades() {
        let (t, minor) = ticks(2e-5, 0.2, true, false);
        assert_eq!(t.first().unwrap().1, "1e-5");
        assert_eq!(t.last().unwrap().1, "1");
        assert_eq!(minor.len(), 5 * 8);
        let (t, _) = ticks(1.5, 40.0, true, false);
        let labels: Vec<&str> = t.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["1", "10", "100", "2", "5", "20", "50"]);
    }

    #[test]
    fn linear_ticks_are_round() {
        let (t, _) = ticks(0.7, 5.3, false, false);
        let labels: Vec<&str> = t.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["1", "2", "3", "4", "5"]);
        let (t, _) = ticks(0.9, 3.1, false, true);
        let labels: Vec<&str> = t.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["1", "2", "3"]);
        let (t, _) = ticks(0.35, 0.75, false, false);
        let labels: Vec<&str> = t.iter().map(|t| t.1.as_str()).collect();
        assert_eq!(labels, ["0.4", "0.5", "0.6", "0.7"]);
    }

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
                name: "a & b".into(),
                points: vec![(1.0, 1.0), (10.0, 0.0), (100.0, 5.0), (1000.0, 7.0)],
                hollow: vec![false, false, false, true],
                colour: 0,
                dashed: false,
            }],
            notes: vec!["note".into()],
        };
        let svg = p.to_svg();
        assert_eq!(svg.matches("<polyline").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains("a &amp; b"));
    }
}
