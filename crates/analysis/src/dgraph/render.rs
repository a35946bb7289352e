//! The disconnectivity graph as an SVG document (through [`crate::svg`]): an energy axis, the
//! segments with leaves coloured by how many training points their minimum classifies
//! correctly, a colour legend, and notes on the minima that are disconnected or above Emax.

use std::collections::HashMap;

use super::DisconnectivityGraph;
use crate::svg::axis::linear_ticks;
use crate::svg::{fixed, trimmed, Document};

/// At most this many intervals between energy ticks (the axis is tall and the labels short,
/// but the levels should stay readable between them).
const MAX_TICK_INTERVALS: usize = 6;

/// Colour for `k` of `n` points correct: red (none) through yellow to blue (all).
pub fn correct_colour(k: usize, n: usize) -> String {
    let t = if n == 0 { 1.0 } else { k as f64 / n as f64 };
    let stops = [(0.84, 0.15, 0.16), (0.93, 0.69, 0.13), (0.12, 0.47, 0.71)];
    let (a, b, u) = if t <= 0.5 {
        (stops[0], stops[1], t / 0.5)
    } else {
        (stops[1], stops[2], (t - 0.5) / 0.5)
    };
    let mix = |x: f64, y: f64| ((x + (y - x) * u) * 255.0).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

impl DisconnectivityGraph {
    /// The drawing as an SVG document: energy axis with ticks, leaves coloured by how many
    /// training points their minimum classifies correctly (legend), the disconnected and
    /// above-Emax minima listed below the plot. Leaf lines have `class="leaf"` and
    /// `data-minimum="id"`; group lines `class="branch"`.
    pub fn to_svg(&self) -> String {
        let (width, height) = (900.0, 640.0);
        let (left, right, top, bottom) = (90.0, 190.0, 30.0, 70.0);
        let n_slots = self.leaf_x.iter().map(|l| l.1).fold(0.0, f64::max) + 1.0;
        let plot_w = width - left - right;
        let plot_h = height - top - bottom;
        let e_lo = self
            .minima
            .iter()
            .filter(|m| !self.above_emax.contains(&m.id))
            .map(|m| m.energy)
            .fold(f64::INFINITY, f64::min);
        let e_hi = *self.levels.last().expect("at least one level");
        let pad = 0.03 * (e_hi - e_lo);
        let (y_lo, y_hi) = (e_lo - pad, e_hi + pad);
        let px = |x: f64| fixed(left + plot_w * (x + 0.5) / n_slots, 2);
        let py = |e: f64| top + plot_h * (y_hi - e) / (y_hi - y_lo);
        let n_correct: HashMap<i64, usize> =
            self.minima.iter().map(|m| (m.id, m.n_correct)).collect();
        let mut doc = Document::new(width, height);
        doc.element("rect")
            .attr("width", "100%")
            .attr("height", "100%")
            .attr("fill", "white")
            .end();
        // Energy axis.
        doc.element("line")
            .attr("class", "axis")
            .coords(left - 10.0, py(y_hi), left - 10.0, py(y_lo))
            .attr("stroke", "black")
            .end();
        for t in linear_ticks(y_lo, y_hi, MAX_TICK_INTERVALS, false) {
            let y = py(t.value);
            doc.element("line")
                .attr("class", "tick")
                .coords(left - 16.0, fixed(y, 2), left - 10.0, fixed(y, 2))
                .attr("stroke", "black")
                .inline()
                .end();
            doc.element("text")
                .attr("x", left - 19.0)
                .attr("y", fixed(y + 4.0, 2))
                .attr("text-anchor", "end")
                .text(&t.label);
        }
        let mid = fixed(top + plot_h / 2.0, 2);
        doc.element("text")
            .attr("class", "axis-label")
            .attr("x", 20)
            .attr("y", mid)
            .attr("text-anchor", "middle")
            .attr("transform", format!("rotate(-90 20 {mid})"))
            .text("Energy (loss)");
        for seg in &self.segments {
            let line = doc.element("line");
            let line = if seg.leaf {
                line.attr("class", "leaf")
                    .attr("data-minimum", seg.minimum_id)
            } else {
                line.attr("class", "branch")
            };
            let colour = if seg.leaf {
                let k = n_correct.get(&seg.minimum_id).copied().unwrap_or(0);
                correct_colour(k, self.n_data)
            } else {
                "black".to_owned()
            };
            line.coords(
                px(seg.x1),
                fixed(py(seg.y1), 2),
                px(seg.x2),
                fixed(py(seg.y2), 2),
            )
            .attr("stroke", colour)
            .attr("stroke-width", if seg.leaf { 2.0 } else { 1.0 })
            .end();
        }
        // Legend.
        let lx = width - right + 20.0;
        doc.element("g").attr("class", "legend").inline().open();
        doc.element("text")
            .attr("x", lx)
            .attr("y", top + 10.0)
            .text("points correct");
        for (row, k) in (0..=self.n_data).rev().enumerate() {
            let y = top + 30.0 + 18.0 * row as f64;
            doc.element("line")
                .coords(lx, y, lx + 24.0, y)
                .attr("stroke", correct_colour(k, self.n_data))
                .attr("stroke-width", 3)
                .inline()
                .end();
            doc.element("text")
                .attr("x", lx + 30.0)
                .attr("y", y + 4.0)
                .text(&format!("{k}/{}", self.n_data));
        }
        doc.close("g");
        for (i, note) in self.notes(e_hi).iter().enumerate() {
            doc.element("text")
                .attr("class", "note")
                .attr("x", left)
                .attr("y", height - bottom + 30.0 + 16.0 * i as f64)
                .text(note);
        }
        doc.finish()
    }

    /// The lines under the drawing: sizes and Emax (`e_hi`), then the minima not drawn in the
    /// global minimum's tree.
    fn notes(&self, e_hi: f64) -> Vec<String> {
        let list = |ids: &[i64]| {
            ids.iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut notes = vec![format!(
            "{} minima, {} levels, Emax = {}; global minimum {}",
            self.minima.len(),
            self.levels.len(),
            trimmed(e_hi),
            self.global_minimum
        )];
        if !self.disconnected.is_empty() {
            notes.push(format!(
                "not connected to the global minimum (drawn at the right): {}",
                list(&self.disconnected)
            ));
        }
        if !self.above_emax.is_empty() {
            notes.push(format!(
                "above Emax (not drawn): {}",
                list(&self.above_emax)
            ));
        }
        notes
    }
}
