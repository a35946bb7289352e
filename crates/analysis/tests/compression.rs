//! Compression of stored stationary points to the smaller landscape they are really in, and
//! their dropout figures.

mod common;

use nnscape_analysis::compression::{
    compress_landscape, dropout_mean, CompressionParams, DropoutParams, Reduced,
};
use nnscape_analysis::{AnalysisError, PointKind};
use nnscape_landscape::{LandscapeDb, StationaryPoint, Tolerances};
use nnscape_model::embedding::{embed, split_node};
use nnscape_model::{known, Dataset, Loss};
use nnscape_optim::{verified_minimum, Lbfgs, LbfgsParams, MinimumParams};

/// Minima of N_h = 1 (W = 0 and quenches from a few starts) and of N_h = 2: the N_h = 1
/// minima embedded with a zero node and split in two (polished), where they are minima, and
/// the minimum near the hand-set XOR solution. Returns (h1, h2, the h1 id each h2 minimum
/// came from).
fn landscapes(dir: &std::path::Path) -> (LandscapeDb, LandscapeDb, Vec<(i64, Option<i64>)>) {
    let tol = Tolerances::default();
    let mut l1 = common::loss(1);
    let mut l2 = common::loss(2);
    let h1 = common::open(&dir.join("h1.sqlite"), &l1);
    let h2 = common::open(&dir.join("h2.sqlite"), &l2);
    let mut lbfgs = Lbfgs::new(LbfgsParams::default()).unwrap();
    let mp = MinimumParams::default();
    let zero = StationaryPoint::evaluate(&mut l1, &[0.0; 7], &tol).unwrap();
    h1.insert_minimum(&zero).unwrap();
    for seed in 0..6 {
        let x0 = common::pseudo_random(7, seed, 3.0);
        if let Ok(m) = verified_minimum(&mut l1, &x0, &mut lbfgs, &mp, &tol) {
            h1.insert_verified_minimum(&mut l1, &m).unwrap();
        }
    }
    let mut origin = Vec::new();
    for m in h1.minima().unwrap() {
        let (net2, w2) = embed(l1.network(), &m.point.params, 1).unwrap();
        assert_eq!(net2, *l2.network());
        let p = StationaryPoint::evaluate(&mut l2, &w2, &tol).unwrap();
        if p.hessian_index == 0 {
            origin.push((h2.insert_minimum(&p).unwrap().0, Some(m.id)));
        }
        // Split in two: stationary only after a polish (the halves pay half the L2).
        let (_, split) = split_node(l1.network(), &m.point.params, 0).unwrap();
        if let Ok(q) = nnscape_optim::newton_polish(&mut l2, &split, &Default::default()) {
            let p = StationaryPoint::evaluate(&mut l2, &q.x, &tol).unwrap();
            if q.converged() && p.hessian_index == 0 {
                origin.push((h2.insert_minimum(&p).unwrap().0, Some(m.id)));
            }
        }
    }
    let m = verified_minimum(&mut l2, &known::xor_solution(4.0), &mut lbfgs, &mp, &tol).unwrap();
    origin.push((
        h2.insert_verified_minimum(&mut l2, &m).unwrap().unwrap(),
        None,
    ));
    (h1, h2, origin)
}

#[test]
fn embedded_and_split_minima_reduce_to_their_origin() {
    let dir = tempfile::tempdir().unwrap();
    let (h1, h2, origin) = landscapes(dir.path());
    assert!(origin.len() >= 3, "{origin:?}");
    let params = CompressionParams::default();
    let rows = compress_landscape(&h2, &[&h1], &Dataset::xor(), &params).unwrap();
    assert_eq!(rows.len(), h2.count_minima().unwrap());
    for (id, from) in &origin {
        let r = rows.iter().find(|r| r.id == *id).unwrap();
        assert_eq!(r.kind, PointKind::Minimum);
        match from {
            // Back in N_h = 1, at the minimum it came from (W = 0 has no effective node and
            // lands on the N_h = 1 W = 0).
            Some(from) => {
                assert!(r.effective_hidden_nodes <= 1, "{r:?}");
                assert_eq!(r.reduced, Reduced::Found(*from), "{r:?}");
                assert_eq!(r.dead_nodes + r.merged_nodes, 2 - r.effective_hidden_nodes);
            }
            // The XOR solution needs both nodes, and loses points without either.
            None => {
                assert_eq!(
                    (r.effective_hidden_nodes, r.reduced),
                    (2, Reduced::Irreducible)
                );
                assert_eq!(r.n_correct, 4);
                assert!(r.drop1_min_correct < 4 && r.drop1_max_loss > r.data_loss);
            }
        }
        assert!(r.drop1_max_loss >= r.drop1_mean_loss);
        assert!((0.0..=4.0).contains(&r.dropout_mean_correct));
    }
    // A zero node dropped changes nothing: the embedded W = 0 keeps its loss, ln 2.
    let zero = rows
        .iter()
        .find(|r| r.effective_hidden_nodes == 0)
        .expect("W = 0 embedded");
    assert!((zero.drop1_max_loss - std::f64::consts::LN_2).abs() < 1e-15);
    assert!((zero.dropout_mean_loss - std::f64::consts::LN_2).abs() < 1e-15);
    // Without the smaller database the reduction is still counted, the minimum not named.
    let alone = compress_landscape(&h2, &[], &Dataset::xor(), &params).unwrap();
    for (a, r) in alone.iter().zip(&rows) {
        assert_eq!(a.effective_hidden_nodes, r.effective_hidden_nodes);
        if r.effective_hidden_nodes == 1 {
            assert_eq!(a.reduced, Reduced::NoDatabase);
        }
    }
    // Thread-count independence.
    let pool = |t| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .unwrap()
    };
    let one = pool(1).install(|| compress_landscape(&h2, &[&h1], &Dataset::xor(), &params));
    assert_eq!(one.unwrap(), rows);
}

#[test]
fn another_landscape_is_not_a_smaller_one() {
    let dir = tempfile::tempdir().unwrap();
    let (h1, h2, _) = landscapes(dir.path());
    let other = common::open(&dir.path().join("o.sqlite"), &common::loss_with(1, 1e-2));
    let e = compress_landscape(
        &h2,
        &[&other],
        &Dataset::xor(),
        &CompressionParams::default(),
    )
    .unwrap_err();
    assert!(matches!(e, AnalysisError::NotTheSmallerLandscape(_)), "{e}");
    let e = compress_landscape(&h1, &[&h2], &Dataset::xor(), &CompressionParams::default())
        .unwrap_err();
    assert!(e.to_string().contains("fewer hidden nodes"), "{e}");
    let bad = CompressionParams {
        dropout: DropoutParams {
            rate: 1.0,
            ..DropoutParams::default()
        },
        ..CompressionParams::default()
    };
    let e = compress_landscape(&h2, &[], &Dataset::xor(), &bad).unwrap_err();
    assert!(e.to_string().contains("dropout.rate"), "{e}");
}

#[test]
fn exact_dropout_mean_matches_sampled_masks() {
    let mut loss = Loss::xor(2, 0.0).unwrap();
    let w = known::xor_solution(6.0);
    let exact = dropout_mean(&mut loss, &w, &DropoutParams::default()).unwrap();
    let sampled = DropoutParams {
        max_exact_hidden: 1,
        samples: 20_000,
        ..DropoutParams::default()
    };
    let mc = dropout_mean(&mut loss, &w, &sampled).unwrap();
    assert!((exact.0 - mc.0).abs() < 0.05 * exact.0, "{exact:?} {mc:?}");
    assert!((exact.1 - mc.1).abs() < 0.05, "{exact:?} {mc:?}");
    // By hand: the four masks of two nodes at rate 1/2, each weight 1/4; both kept (doubled)
    // classifies all four points.
    let masks: [[f64; 2]; 4] = [[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]];
    let mean_correct: f64 = masks
        .iter()
        .map(|f| {
            nnscape_model::dropout::masked(&mut loss, &w, f)
                .unwrap()
                .n_correct as f64
                / 4.0
        })
        .sum();
    assert_eq!(exact.1, mean_correct);
}
