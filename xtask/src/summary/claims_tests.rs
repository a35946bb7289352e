//! Each claim on hand-made tables, with the numbers worked out by hand.

use std::path::PathBuf;

use nnscape_analysis::classification::{ClassificationRow, PointClassification};
use nnscape_analysis::counts::LandscapeCounts;
use nnscape_analysis::embed::LargerLandscape;
use nnscape_analysis::sensitivity::{PointSensitivity, SensitivityRow};

use super::*;

fn key(n_hidden: usize, lambda: f64) -> LandscapeKey {
    LandscapeKey { n_hidden, lambda }
}

/// A saturated, connected landscape with `minima` minima and `ts` transition states.
fn result(n_hidden: usize, lambda: f64, minima: usize, ts: usize) -> LandscapeResult {
    let k = key(n_hidden, lambda);
    LandscapeResult {
        name: k.name(),
        n_hidden,
        lambda,
        db: PathBuf::from(format!("db/{}.sqlite", k.name())),
        saturated: true,
        stop: "saturated".into(),
        connected: true,
        cycles: 2,
        searches_this_run: 0,
        searches_total: 0,
        seconds_this_run: 0.0,
        seconds_total: 0.0,
        budget_seconds: 1.0,
        certificate: Some(crate::explore::CertificateFigures {
            p_unseen_minimum: 0.0,
            p_unseen_ts: 0.01,
            seed_agreement: true,
            certified: true,
            failed: "none".into(),
            disconnected: 0,
            evaluations: 1,
        }),
        counts: LandscapeCounts {
            n_hidden,
            lambda,
            n_minima: minima,
            n_transition_states: ts,
            ts_per_minimum: if minima > 0 {
                ts as f64 / minima as f64
            } else {
                f64::NAN
            },
            global_minimum_energy: 0.0,
            n_minima_all_correct: 0,
            n_data_symmetries: 2,
            n_minima_classes: minima,
            n_ts_classes: ts,
        },
    }
}

/// The counts of the quick grid (N_h 1..=3, lambda 1e-1, 1e-2, 1e-3) as one run found them.
fn quick_table() -> Vec<LandscapeResult> {
    let counts = [
        (1, 1e-1, 1, 0),
        (1, 1e-2, 5, 4),
        (1, 1e-3, 5, 4),
        (2, 1e-1, 1, 0),
        (2, 1e-2, 5, 11),
        (2, 1e-3, 7, 15),
        (3, 1e-1, 1, 0),
        (3, 1e-2, 4, 12),
        (3, 1e-3, 7, 18),
    ];
    counts
        .into_iter()
        .map(|(h, l, m, t)| result(h, l, m, t))
        .collect()
}

#[test]
fn axes_are_nh_ascending_and_lambda_descending() {
    let mut res = quick_table();
    res.reverse();
    assert_eq!(
        Axes::of(&res),
        Axes {
            hidden: vec![1, 2, 3],
            lambdas: vec![1e-1, 1e-2, 1e-3]
        }
    );
}

#[test]
fn overview_lists_the_open_and_the_disconnected_landscapes() {
    let mut res = quick_table();
    res[2].saturated = false;
    res[2].stop = "time budget".into();
    res[4].connected = false;
    let o = overview(&Grid::quick(), &res);
    assert_eq!((o.n_landscapes, o.n_saturated), (9, 8));
    assert_eq!(
        o.unsaturated,
        [("h1_l1e-3".to_owned(), "time budget".to_owned())]
    );
    assert_eq!(o.disconnected, ["h2_l1e-2"]);
    assert_eq!(o.grid_hidden, [1, 2, 3]);
}

#[test]
fn counts_table_has_a_cell_per_landscape_and_none_for_missing_ones() {
    let mut res = quick_table();
    res.remove(3); // N_h = 2, lambda = 1e-1
    res[0].saturated = false;
    let t = counts_table(&res);
    assert_eq!(t.cells.len(), 3);
    assert_eq!(t.cells[1][0], None);
    assert_eq!(
        t.cells[0][0],
        Some(CountCell {
            minima: 1,
            ts: 0,
            saturated: false,
            connected: true
        })
    );
    assert_eq!(t.cells[2][2].map(|c| (c.minima, c.ts)), Some((7, 18)));
}

#[test]
fn growth_counts_the_lambdas_that_follow_the_paper_and_lists_the_others() {
    let g = growth(&quick_table()).unwrap();
    assert_eq!((g.h_first, g.h_last, g.n_lambdas), (1, 3, 3));
    // Minima 5, 5, 4 at lambda 1e-2 decrease; every TS sequence grows.
    assert_eq!((g.minima_non_decreasing, g.ts_non_decreasing), (2, 3));
    // Only at 1e-3 are both counts larger at N_h = 3 (7 > 5 and 18 > 4).
    assert_eq!(g.both_grew, 1);
    assert_eq!(
        g.exceptions,
        [Exception {
            points: Points::Minima,
            at: 1e-2,
            counts: vec![5, 5, 4]
        }]
    );
    assert_eq!(g.first, Totals { minima: 11, ts: 8 });
    assert_eq!(g.last, Totals { minima: 12, ts: 30 });
}

#[test]
fn growth_skips_a_lambda_with_one_nh_and_needs_two_nh() {
    let mut res = quick_table();
    res.retain(|r| !(r.lambda == 1e-1 && r.n_hidden > 1));
    assert_eq!(growth(&res).unwrap().n_lambdas, 2);
    res.retain(|r| r.n_hidden == 2);
    assert_eq!(growth(&res), None);
}

#[test]
fn lambda_dependence_reads_counts_by_increasing_lambda() {
    let d = lambda_dependence(&quick_table()).unwrap();
    assert_eq!((d.lambda_smallest, d.lambda_largest), (1e-3, 1e-1));
    assert_eq!(
        (
            d.n_hidden_values,
            d.minima_non_increasing,
            d.ts_non_increasing
        ),
        (3, 3, 3)
    );
    assert!(d.exceptions.is_empty());
    assert_eq!(d.smallest, Totals { minima: 19, ts: 37 });
    assert_eq!(d.largest, Totals { minima: 3, ts: 0 });

    // More TS at the larger lambda breaks the trend: reported by increasing lambda.
    let res = vec![result(2, 1e-1, 1, 3), result(2, 1e-3, 4, 2)];
    let d = lambda_dependence(&res).unwrap();
    assert_eq!((d.minima_non_increasing, d.ts_non_increasing), (1, 0));
    assert_eq!(
        d.exceptions,
        [Exception {
            points: Points::Ts,
            at: 2,
            counts: vec![2, 3]
        }]
    );
    assert_eq!(lambda_dependence(&res[..1]), None);
}

#[test]
fn ratio_gives_mean_and_range_per_nh() {
    let r = ratio(&quick_table());
    let means: Vec<(usize, f64, f64, f64)> = r
        .by_hidden
        .iter()
        .map(|b| (b.n_hidden, b.mean, b.min, b.max))
        .collect();
    let want = [
        (1, 1.6 / 3.0, 0.0, 0.8),
        (2, (2.2 + 15.0 / 7.0) / 3.0, 0.0, 2.2),
        (3, (3.0 + 18.0 / 7.0) / 3.0, 0.0, 3.0),
    ];
    for (got, want) in means.iter().zip(want) {
        assert_eq!((got.0, got.2, got.3), (want.0, want.2, want.3));
        assert!((got.1 - want.1).abs() < 1e-12, "{got:?} vs {want:?}");
    }
    assert_eq!((r.ts_outnumber_minima, r.n_landscapes), (4, 9));
    assert_eq!(r.mean_never_decreases, Some(true));
}

#[test]
fn ratio_leaves_out_landscapes_without_minima_and_needs_two_nh_to_compare() {
    let r = ratio(&[result(1, 1e-1, 0, 0), result(1, 1e-2, 2, 1)]);
    assert_eq!(r.by_hidden.len(), 1);
    assert_eq!(r.by_hidden[0].mean, 0.5);
    assert_eq!(r.mean_never_decreases, None);
    let r = ratio(&[result(1, 1e-1, 1, 2), result(2, 1e-1, 2, 1)]);
    assert_eq!(r.mean_never_decreases, Some(false));
}

fn embed_row(
    kind: PointKind,
    rms: f64,
    index: (usize, usize, usize),
    found: LargerLandscape,
) -> EmbedRow {
    EmbedRow {
        kind,
        id: 1,
        energy: 0.5,
        energy_embedded: 0.5,
        rms_gradient_embedded: rms,
        index_small: index.0,
        index_large: index.1,
        index_predicted: index.2,
        found_in_larger: found,
    }
}

#[test]
fn embedding_counts_stationary_points_indices_and_database_hits() {
    use PointKind::{Minimum, TransitionState};
    let rows = vec![
        (
            key(1, 1e-2),
            vec![
                embed_row(Minimum, 1e-9, (0, 0, 0), LargerLandscape::Found(1)),
                embed_row(Minimum, 1e-9, (0, 1, 1), LargerLandscape::NotFound),
            ],
        ),
        (
            key(2, 1e-2),
            vec![
                // Not stationary, and its index is not the predicted one.
                embed_row(TransitionState, 1e-3, (1, 2, 1), LargerLandscape::NotFound),
                embed_row(TransitionState, 1e-9, (1, 1, 1), LargerLandscape::Found(4)),
            ],
        ),
    ];
    assert_eq!(
        embedding(&rows),
        Some(Embedding {
            n_points: 4,
            n_pairs: 2,
            stationary: 3,
            index_as_predicted: 3,
            n_minima: 2,
            minima_stay: 1,
            n_ts: 2,
            ts_stay: 1,
            in_larger_db: Fraction { hits: 2, of: 3 },
        })
    );
    assert_eq!(embedding(&[]), None);
}

fn class_row(kind: PointKind, id: i64, energy: f64, n_correct: usize) -> ClassificationRow {
    ClassificationRow {
        kind,
        id,
        energy,
        hessian_index: usize::from(kind == PointKind::TransitionState),
        classification: PointClassification {
            probabilities: vec![],
            correct: vec![],
            n_correct,
            min_margin: 0.0,
            auc: None,
        },
    }
}

#[test]
fn classification_sums_histograms_and_checks_the_global_minimum() {
    use PointKind::{Minimum, TransitionState};
    let a = LandscapeClassification {
        // The global minimum is id 2 (lower energy): 2 of 4 right.
        rows: vec![
            class_row(Minimum, 1, 0.5, 4),
            class_row(Minimum, 2, 0.2, 2),
            class_row(TransitionState, 1, 0.9, 4),
        ],
        minima_histogram: vec![0, 0, 1, 0, 1],
        ts_histogram: vec![0, 0, 0, 0, 1],
    };
    let b = LandscapeClassification {
        // Equal energies: the lower id (all 4 right) is the global minimum.
        rows: vec![
            class_row(Minimum, 1, 0.1, 4),
            class_row(Minimum, 2, 0.1, 3),
            class_row(TransitionState, 1, 0.7, 2),
            class_row(TransitionState, 2, 0.8, 0),
        ],
        minima_histogram: vec![0, 0, 0, 1, 1],
        ts_histogram: vec![1, 0, 1, 0, 0],
    };
    let rows = vec![(key(1, 1e-1), a), (key(2, 1e-2), b)];
    let axes = Axes {
        hidden: vec![1, 2],
        lambdas: vec![1e-1, 1e-2],
    };
    let c = classification(&rows, &axes, 4);
    assert_eq!(c.minima_all_correct, Fraction { hits: 2, of: 4 });
    assert_eq!(c.ts_all_correct, Fraction { hits: 1, of: 3 });
    // (4 + 2 + 4 + 3) / 4 and (4 + 2 + 0) / 3.
    assert_eq!((c.mean_correct_minimum, c.mean_correct_ts), (3.25, 2.0));
    assert_eq!((c.global_minimum_all_correct, c.n_landscapes), (1, 2));
    let half = Fraction { hits: 1, of: 2 };
    assert_eq!(c.minima_all_correct_by_hidden, [(1, half), (2, half)]);
    assert_eq!(c.at_largest_lambda, (Some(1e-1), half));
    assert_eq!(c.at_smallest_lambda, (Some(1e-2), half));

    let empty = classification(&[], &Axes::of(&[]), 4);
    assert!(empty.mean_correct_minimum.is_nan());
    assert_eq!(empty.at_largest_lambda, (None, Fraction::default()));
}

fn sens_row(kind: PointKind, id: i64, energy: f64, fraction_correct: [f64; 2]) -> SensitivityRow {
    SensitivityRow {
        kind,
        id,
        energy,
        sensitivity: PointSensitivity {
            fraction_correct: fraction_correct.to_vec(),
            mean_input_gradient_norm: 0.0,
        },
    }
}

fn landscape_sensitivity(rows: Vec<SensitivityRow>) -> LandscapeSensitivity {
    LandscapeSensitivity {
        sigmas: vec![0.1, 1.0],
        rows,
        groups: vec![],
    }
}

#[test]
fn sensitivity_pools_each_group_for_the_table_and_compares_groups_within_landscapes() {
    use PointKind::{Minimum, TransitionState};
    // Landscape a: global minimum (id 2, E 0.1) 0.5, other minimum 1.0, TS 1.0 at sigma 0.1.
    let a = landscape_sensitivity(vec![
        sens_row(Minimum, 1, 0.3, [1.0, 0.5]),
        sens_row(Minimum, 2, 0.1, [0.5, 0.25]),
        sens_row(TransitionState, 1, 0.9, [1.0, 1.0]),
    ]);
    // Landscape b: global minimum 1.0, no other minimum, TS mean (0.5 + 0.0) / 2 = 0.25.
    let b = landscape_sensitivity(vec![
        sens_row(Minimum, 1, 0.2, [1.0, 0.0]),
        sens_row(TransitionState, 1, 0.5, [0.5, 0.5]),
        sens_row(TransitionState, 2, 0.6, [0.0, 0.5]),
    ]);
    let s = sensitivity(&[(key(1, 1e-1), a), (key(2, 1e-1), b)]).unwrap();
    let counts: Vec<(Group, usize)> = s.curves.iter().map(|c| (c.group, c.count)).collect();
    assert_eq!(
        counts,
        [
            (Group::GlobalMinimum, 2),
            (Group::OtherMinima, 1),
            (Group::TransitionStates, 3)
        ]
    );
    assert_eq!(s.curves[0].points, [(0.1, 0.75), (1.0, 0.125)]);
    assert_eq!(s.sigma, 0.1);
    // Global minimum vs other minima: only landscape a has both, and there the other is better.
    let p = &s.pairs[0];
    assert_eq!(
        (p.landscapes, p.a_more_robust, p.ties, p.b_more_robust),
        (1, 0, 0, 1)
    );
    assert_eq!(p.median_difference, -0.5);
    // Global minimum vs TS: a: 0.5 - 1.0 = -0.5, b: 1.0 - 0.25 = +0.75.
    let p = &s.pairs[1];
    assert_eq!((p.a, p.b), (Group::GlobalMinimum, Group::TransitionStates));
    assert_eq!(
        (p.landscapes, p.a_more_robust, p.ties, p.b_more_robust),
        (2, 1, 0, 1)
    );
    assert_eq!(p.median_difference, 0.125);
    // Other minima vs TS: only a, 1.0 - 1.0: a tie.
    let p = &s.pairs[2];
    assert_eq!((p.landscapes, p.ties), (1, 1));
}

#[test]
fn sensitivity_pairs_only_landscapes_with_both_groups() {
    let only_ts = landscape_sensitivity(vec![sens_row(
        PointKind::TransitionState,
        1,
        0.5,
        [1.0, 0.5],
    )]);
    let s = sensitivity(&[(key(1, 1e-1), only_ts)]).unwrap();
    assert_eq!(s.curves[0].count, 0);
    assert!(s.pairs.iter().all(|p| p.landscapes == 0));
    assert!(s.pairs[0].median_difference.is_nan());
    assert_eq!(sensitivity(&[]), None);
}

#[test]
fn the_renderer_writes_the_numbers_of_each_claim() {
    use crate::grid::{Output, Selection};
    let res = quick_table();
    let text = crate::summary::summary_markdown(&crate::summary::SummaryInput {
        grid: &Grid::quick(),
        selection: &Selection::Output(Output::Counts),
        results: &res,
        classification: &[],
        sensitivity: &[],
        embedding: &[],
        training: &[],
        compression: &[],
        dataset_len: 4,
        embed_seeds: true,
    });
    for line in [
        "| 2 | 1 / 0 | 5 / 11 | 7 / 15 |",
        "Where it does not follow the paper (counts by increasing N_h): minima at lambda 1e-2: 5, 5, 4.",
        "Summed over N_h, lambda = 1e-3 gives 19 minima and 37 TS, lambda = 1e-1 gives 3 minima and 0 TS.",
        "Here: TS per minimum by N_h (over lambda): N_h = 1: mean 0.53 (range 0.00 .. 0.80); N_h = 2: mean 1.45 (range 0.00 .. 2.20); N_h = 3: mean 1.86 (range 0.00 .. 3.00). TS outnumber minima in 4 of 9 landscapes; the mean ratio never decreases with N_h.",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    // Embedding, classification, sensitivity, training and compression were not selected.
    assert_eq!(
        text.matches("Not computed in this run (`--only`).").count(),
        5
    );
}

#[test]
fn certainty_per_group_takes_the_worst_estimate_and_names_the_open_landscapes() {
    let mut res = quick_table();
    let c = res[4].certificate.as_mut().unwrap();
    c.p_unseen_minimum = 5e-4;
    c.p_unseen_ts = 0.04;
    res[5].saturated = false;
    let c = res[5].certificate.as_mut().unwrap();
    c.certified = false;
    c.seed_agreement = false;
    c.failed = "seed-agreement, connected".into();
    res[8].saturated = false;
    res[8].certificate = None;
    res[8].stop = "time budget".into();
    let g = certainty(&res);
    assert_eq!(g.len(), 3);
    assert_eq!((g[0].n_hidden, g[0].certified, g[0].evaluated), (1, 3, 3));
    assert_eq!(g[1].worst_p_minimum, Some(5e-4));
    assert_eq!(g[1].worst_p_ts, Some(0.04));
    assert_eq!((g[1].certified, g[1].seed_agreement), (2, 2));
    assert_eq!(
        g[1].not_certified,
        [(
            "h2_l1e-3".to_string(),
            "seed-agreement, connected".to_string()
        )]
    );
    assert_eq!((g[2].certified, g[2].evaluated), (2, 2));
    assert_eq!(
        g[2].not_certified,
        [(
            "h3_l1e-3".to_string(),
            "no certificate: time budget".to_string()
        )]
    );
}
