//! Tests of the beyond-the-paper sections of SUMMARY.md (kept apart so that `beyond.rs` stays
//! readable).

use super::*;
use nnscape_analysis::training::stats::landing_groups;
use nnscape_analysis::training::Landing;
use nnscape_landscape::{MinimumRecord, StationaryPoint};

fn key(n_hidden: usize, lambda: f64) -> LandscapeKey {
    LandscapeKey { n_hidden, lambda }
}

fn row(kind: PointKind, id: i64, eff: usize, reduced: Reduced, correct: usize) -> CompressionRow {
    CompressionRow {
        kind,
        id,
        energy: 0.1 * id as f64,
        effective_hidden_nodes: eff,
        reduced,
        data_loss: 0.1,
        n_correct: correct,
        drop1_mean_loss: 0.3,
        drop1_max_loss: 0.5,
        drop1_mean_correct: 2.0,
        drop1_min_correct: 1,
        dropout_mean_loss: 0.4,
        dropout_mean_correct: if kind == PointKind::Minimum { 3.0 } else { 2.0 },
        dead_nodes: 0,
        constant_nodes: 0,
        merged_nodes: 0,
    }
}

#[test]
fn compression_counts_effective_nodes_and_compares_dropout() {
    use PointKind::{Minimum as M, TransitionState as T};
    let rows = vec![(
        key(2, 1e-3),
        vec![
            row(M, 1, 2, Reduced::Irreducible, 4),
            row(M, 2, 0, Reduced::Found(1), 0),
            row(T, 1, 1, Reduced::Found(2), 4),
            row(T, 2, 1, Reduced::NotFound, 2),
        ],
    )];
    let c = compression(&rows).unwrap();
    assert_eq!(c.effective[0].histogram, [1, 0, 1]);
    assert_eq!((c.effective[0].found, c.effective[0].with_database), (1, 1));
    assert_eq!(c.effective[1].histogram, [0, 2, 0]);
    assert_eq!((c.effective[1].found, c.effective[1].with_database), (1, 2));
    assert_eq!(c.largest, [(1e-3, vec![1, 0, 1])]);
    assert_eq!(c.dropout[0].points, 2);
    assert_eq!(c.dropout[0].correct, 2.0);
    assert_eq!(c.dropout_solving[0].points, 1);
    assert_eq!(c.dropout_solving[1].points, 1);
    let mut s = String::new();
    render_compression(&mut s, Some(&c), true);
    for line in [
        "- N_h = 2 minima: 1 of 2 use fewer nodes (by effective nodes 0..2: 1, 0, 1); 1 of the 1 with that map land on one of its minima.",
        "- N_h = 2 transition states: 2 of 2 use fewer nodes (by effective nodes 0..2: 0, 2, 0); 1 of the 2 with that map land on one of its minima.",
        "Of the 2 minima with N_h = 2 (over every lambda), 1 are really smaller networks (effective hidden nodes): 1 with 0, 0 with 1.",
        "By lambda (minima of N_h = 2 really smaller): lambda 1e-3: 1 of 2.",
        "- minima that solve XOR (1): 4.00 correct intact, 2.00 with one node removed (data term +0.200), 3.00 under dropout (+0.300).",
        "minima keep 0.75 of their correct points under dropout on average and transition states 0.50: minima are the more dropout-robust.",
    ] {
        assert!(s.contains(line), "missing {line:?} in\n{s}");
    }
    assert_eq!(compression(&[]), None);
}

fn minimum(id: i64, energy: f64, fvib: f64, n_correct: usize) -> MinimumRecord {
    MinimumRecord {
        id,
        point: StationaryPoint {
            energy,
            params: vec![],
            rms_gradient: 0.0,
            hessian_index: 0,
            eigenvalues: vec![],
            fvib,
            pgorder: 1,
            n_correct,
        },
    }
}

fn landing(optimiser: &'static str, run: usize, id: Option<i64>) -> Landing {
    Landing {
        optimiser,
        init: "glorot",
        run,
        epochs: 10,
        final_loss: 0.1,
        n_correct: 4,
        outcome: if id.is_some() {
            Outcome::Minimum
        } else {
            Outcome::Saddle
        },
        minimum_id: id,
        distance: Some(0.5),
    }
}

#[test]
fn training_reports_landing_and_whether_low_minima_win() {
    // Minimum 1 (lowest, widest) is reached by 3 of 4 runs, minimum 2 by one; one saddle.
    let minima = [
        minimum(1, 0.01, -5.0, 4),
        minimum(2, 0.3, 1.0, 2),
        minimum(3, 0.5, 2.0, 0),
    ];
    let landings = vec![
        landing("gd", 0, Some(1)),
        landing("gd", 1, Some(1)),
        landing("gd", 2, Some(2)),
        landing("gd", 3, None),
    ];
    let t = LandscapeTraining {
        key: key(2, 1e-3),
        groups: landing_groups(&landings, &minima, 4),
        landings,
        added_minima: 0,
        minima: 3,
    };
    let f = training(std::slice::from_ref(&t)).unwrap();
    assert_eq!(f.runs_per_setting, 4);
    let o = &f.lines[0].optimisers[0];
    assert_eq!((o.global.hits, o.all_correct.hits, o.stuck), (2, 2, 1));
    assert_eq!(o.rank_energy, Some(-1.0));
    let one = Negative {
        landscapes: 1,
        negative: 1,
    };
    assert_eq!(
        f.low_and_wide,
        [Trend {
            optimiser: "gd".into(),
            energy: one,
            fvib: one
        }]
    );
    let mut s = String::new();
    render_training(&mut s, Some(&f), true);
    for line in [
        "- h2_l1e-3 (3 minima): gd P(global) 0.50 [0.15, 0.85], P(solves) 0.50 [0.15, 0.85], 1 on saddles or plateaus.",
        "No run ended in a minimum the maps lack",
        "gd/glorot 0.50 [0.15, 0.85]",
        "gd: lower minima more often in 1 of 1 landscapes, wider (lower fvib) in 1 of 1",
    ] {
        assert!(s.contains(line), "missing {line:?} in\n{s}");
    }
    let mut s = String::new();
    render_training(&mut s, None, false);
    assert!(s.contains("Not computed in this run"));
}
