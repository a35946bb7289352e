//! The SVG line plots of the study: counts against lambda and N_h, the TS/minima ratio, and the
//! sensitivity curves pooled over the grid.

use nnscape_analysis::sensitivity::LandscapeSensitivity;

use crate::explore::LandscapeResult;
use crate::grid::{lambda_label, sorted_unique, LandscapeKey};
use crate::plot::{Plot, Series};
use crate::summary::pooled_curves;
use crate::training::LandscapeTraining;

/// counts_vs_lambda.svg, counts_vs_nh.svg and ratio.svg.
pub(crate) fn count_plots(results: &[LandscapeResult]) -> Vec<(&'static str, Plot)> {
    let hidden = sorted_unique(results.iter().map(|r| r.n_hidden).collect());
    let lambdas = sorted_unique(results.iter().map(|r| r.lambda).collect());
    let unsat_note =
        "Hollow markers: not saturated within the time budget, or minima not all connected (lower bounds)."
            .to_string();
    let zero_note = "Zero counts cannot be drawn on a log axis and break the line.".to_string();
    let series = |name: String,
                  colour: usize,
                  dashed: bool,
                  rows: &[&LandscapeResult],
                  x: fn(&LandscapeResult) -> f64,
                  y: fn(&LandscapeResult) -> f64| Series {
        name,
        points: rows.iter().map(|r| (x(r), y(r))).collect(),
        hollow: rows.iter().map(|r| !r.saturated || !r.connected).collect(),
        colour,
        dashed,
        markers_only: false,
    };
    // One colour per line of the table: minima solid, transition states dashed.
    let minima_and_ts = |label: String,
                         colour: usize,
                         rows: &[&LandscapeResult],
                         x: fn(&LandscapeResult) -> f64| {
        [
            series(format!("{label} minima"), colour, false, rows, x, |r| {
                r.counts.n_minima as f64
            }),
            series(format!("{label} TS"), colour, true, rows, x, |r| {
                r.counts.n_transition_states as f64
            }),
        ]
    };
    let mut by_lambda = Vec::new();
    let mut ratio = Vec::new();
    for (i, &h) in hidden.iter().enumerate() {
        let mut rows: Vec<&LandscapeResult> = results.iter().filter(|r| r.n_hidden == h).collect();
        rows.sort_by(|a, b| a.lambda.total_cmp(&b.lambda));
        by_lambda.extend(minima_and_ts(format!("N_h = {h}"), i, &rows, |r| r.lambda));
        ratio.push(series(
            format!("N_h = {h}"),
            i,
            false,
            &rows,
            |r| r.lambda,
            |r| r.counts.ts_per_minimum,
        ));
    }
    let mut by_nh = Vec::new();
    for (i, &l) in lambdas.iter().rev().enumerate() {
        let mut rows: Vec<&LandscapeResult> = results.iter().filter(|r| r.lambda == l).collect();
        rows.sort_by_key(|r| r.n_hidden);
        let label = format!("lambda = {}", lambda_label(l));
        by_nh.extend(minima_and_ts(label, i, &rows, |r| r.n_hidden as f64));
    }
    vec![
        (
            "counts_vs_lambda.svg",
            Plot {
                title: "XOR: minima (solid) and transition states (dashed) vs lambda".into(),
                x_label: "lambda (L2 regularisation)".into(),
                y_label: "count up to network symmetry".into(),
                x_log: true,
                y_log: true,
                x_integer: false,
                y_range: None,
                series: by_lambda,
                notes: vec![unsat_note.clone(), zero_note.clone()],
            },
        ),
        (
            "counts_vs_nh.svg",
            Plot {
                title: "XOR: minima (solid) and transition states (dashed) vs N_h".into(),
                x_label: "N_h (hidden nodes)".into(),
                y_label: "count up to network symmetry".into(),
                x_log: false,
                y_log: true,
                x_integer: true,
                y_range: None,
                series: by_nh,
                notes: vec![unsat_note.clone(), zero_note],
            },
        ),
        (
            "ratio.svg",
            Plot {
                title: "XOR: transition states per minimum vs lambda".into(),
                x_label: "lambda (L2 regularisation)".into(),
                y_label: "transition states / minima".into(),
                x_log: true,
                y_log: false,
                x_integer: false,
                y_range: None,
                series: ratio,
                notes: vec![unsat_note],
            },
        ),
    ]
}

/// sensitivity.svg: mean fraction still correct vs sigma, per group, pooled over the grid.
pub(crate) fn sensitivity_plot(rows: &[(LandscapeKey, LandscapeSensitivity)]) -> Plot {
    let series = pooled_curves(rows)
        .into_iter()
        .enumerate()
        .map(|(i, c)| Series {
            name: format!("{} ({})", c.group.as_str(), c.count),
            points: c.points,
            hollow: vec![],
            colour: i,
            dashed: false,
            markers_only: false,
        })
        .collect();
    Plot {
        title: "XOR: classification under Gaussian input noise".into(),
        x_label: "sigma (noise on each input feature)".into(),
        y_label: "mean fraction of noisy inputs classified correctly".into(),
        x_log: true,
        y_log: false,
        x_integer: false,
        y_range: Some((-0.02, 1.02)),
        series,
        notes: vec![format!(
            "Means over every stationary point of {} landscape(s); (n) = number of points.",
            rows.len()
        )],
    }
}

/// landing.svg: per optimiser (one panel each), the probability that a run lands in each
/// minimum (pooled over the initialisations) against the minimum's energy, one colour per
/// landscape (lambda below 5e-4 hollow).
pub(crate) fn landing_svg(rows: &[LandscapeTraining]) -> String {
    let optimisers = ["gd", "sgd", "adam"];
    let panels: Vec<Plot> = optimisers
        .iter()
        .map(|&o| {
            let series = rows
                .iter()
                .enumerate()
                .filter_map(|(i, t)| {
                    let g = t.groups.iter().find(|g| g.optimiser == o && g.init == "all")?;
                    Some(Series {
                        name: format!("N_h = {}, lambda = {}", t.key.n_hidden, lambda_label(t.key.lambda)),
                        points: g.minima.iter().map(|m| (m.energy, m.landing.p)).collect(),
                        hollow: vec![t.key.lambda < 5e-4; g.minima.len()],
                        colour: i,
                        dashed: false,
                        markers_only: true,
                    })
                })
                .collect();
            let runs = rows
                .iter()
                .find_map(|t| t.groups.iter().find(|g| g.optimiser == o && g.init == "all"))
                .map_or(0, |g| g.runs);
            Plot {
                title: format!("XOR: where training lands ({o}, {runs} runs per landscape)"),
                x_label: "energy of the minimum".into(),
                y_label: "fraction of runs landing in it".into(),
                x_log: true,
                y_log: false,
                x_integer: false,
                y_range: Some((-0.02, 1.02)),
                series,
                notes: vec![
                    "One marker per minimum of the map; runs over the Glorot, He and uniform initialisations pooled.".into(),
                    "Hollow markers: lambda below 5e-4 (1e-4 in the default plan), filled: larger. Runs ending on saddles or plateaus are not drawn.".into(),
                ],
            }
        })
        .collect();
    Plot::panels(&panels)
}
