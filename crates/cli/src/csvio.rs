//! The project's CSV formats for stationary points, shared by `minima`, `ts`, `connect` and
//! `export`: `id,energy,rms_gradient,index,n_correct[,min1,min2],w0,w1,...`, numbers in Rust's
//! shortest round-trip form so they read back bit for bit.

use std::io::Write;

use anyhow::{ensure, Result};

/// One row: a minimum (no `link`) or a transition state (`link` = its two minima's ids).
pub struct PointRow<'a> {
    pub id: i64,
    pub energy: f64,
    pub rms_gradient: f64,
    pub index: usize,
    pub n_correct: usize,
    pub link: Option<(i64, i64)>,
    pub params: &'a [f64],
}

/// Writes a header and the rows. `with_links` selects the transition-state format (min1, min2
/// columns); every row must then carry a link.
pub fn write_points_csv<'a, W: Write>(
    mut out: W,
    n_params: usize,
    with_links: bool,
    rows: impl IntoIterator<Item = PointRow<'a>>,
) -> Result<()> {
    let mut line = String::from("id,energy,rms_gradient,index,n_correct");
    if with_links {
        line.push_str(",min1,min2");
    }
    for i in 0..n_params {
        line.push_str(&format!(",w{i}"));
    }
    writeln!(out, "{line}")?;
    for r in rows {
        ensure!(
            r.params.len() == n_params,
            "point {} has {} parameters, expected {n_params}",
            r.id,
            r.params.len()
        );
        line = format!(
            "{},{},{},{},{}",
            r.id, r.energy, r.rms_gradient, r.index, r.n_correct
        );
        if with_links {
            let (a, b) = r
                .link
                .ok_or_else(|| anyhow::anyhow!("transition state {} has no minima", r.id))?;
            line.push_str(&format!(",{a},{b}"));
        }
        for w in r.params {
            line.push_str(&format!(",{w}"));
        }
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok(())
}
