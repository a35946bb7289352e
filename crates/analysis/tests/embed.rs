//! Embedding N_h = 2 stationary points in N_h = 3, and the zero-node Hessian block.

mod common;

use nnscape_analysis::embed::{
    check_larger_landscape, embed_landscape, write_embed_csv, zero_node_block, LargerLandscape,
};
use nnscape_analysis::PointKind;
use nnscape_landscape::{LandscapeIdentity, StationaryPoint};
use nnscape_model::{embedding, Dataset};
use nnscape_ts::Tolerances;

fn count_negative(ev: &[f64]) -> usize {
    ev.iter().filter(|&&e| e < -1e-7).count()
}

#[test]
fn embedded_points_stay_stationary_with_the_predicted_index() {
    let small = common::shared_h2();
    let dir = tempfile::tempdir().unwrap();
    let mut big_loss = common::loss(3);
    let larger = common::open(&dir.path().join("h3.sqlite"), &big_loss);
    // Store the embedded lowest minimum in the larger db: it must be found again.
    let lowest = small
        .minima()
        .unwrap()
        .into_iter()
        .min_by(|a, b| a.point.energy.total_cmp(&b.point.energy))
        .unwrap();
    let (_, w_big) = embedding::embed(small.network(), &lowest.point.params, 2).unwrap();
    let p_big = StationaryPoint::evaluate(&mut big_loss, &w_big, &Tolerances::default()).unwrap();
    let stored = (p_big.hessian_index == 0).then(|| larger.insert_minimum(&p_big).unwrap().0);

    let rows = embed_landscape(&small, Some(&larger), &Dataset::xor()).unwrap();
    let n_points = small.count_minima().unwrap() + small.count_transition_states().unwrap();
    assert_eq!(rows.len(), n_points);
    assert!(rows.iter().any(|r| r.kind == PointKind::TransitionState));
    let mut small_loss = common::loss(2);
    let mut increases = 0;
    for r in &rows {
        assert!(r.rms_gradient_embedded < 1e-10, "{r:?}");
        assert!(
            (r.energy_embedded - r.energy).abs() <= 1e-14 * r.energy.abs().max(1.0),
            "{r:?}"
        );
        // Independent check: direct eigendecompositions in both networks.
        let params = match r.kind {
            PointKind::Minimum => {
                small
                    .minima()
                    .unwrap()
                    .into_iter()
                    .find(|m| m.id == r.id)
                    .unwrap()
                    .point
                    .params
            }
            PointKind::TransitionState => {
                small
                    .transition_states()
                    .unwrap()
                    .into_iter()
                    .find(|t| t.id == r.id)
                    .unwrap()
                    .point
                    .params
            }
        };
        let ev_small = small_loss.hessian_eigenvalues(&params).unwrap();
        let (_, w) = embedding::embed(small.network(), &params, 2).unwrap();
        let ev_big = big_loss.hessian_eigenvalues(&w).unwrap();
        assert_eq!(r.index_small, count_negative(&ev_small));
        assert_eq!(r.index_large, count_negative(&ev_big));
        assert_eq!(r.index_large, r.index_predicted, "{r:?}");
        assert!(r.index_large - r.index_small <= 1); // rank C <= N_out - 1 = 1
        increases += r.index_large - r.index_small;
        if Some(r.id) == Some(lowest.id) && r.kind == PointKind::Minimum {
            assert_eq!(
                r.found_in_larger,
                stored.map_or(LargerLandscape::NotFound, LargerLandscape::Found)
            );
        }
        if r.index_large >= 2 {
            assert_eq!(r.found_in_larger, LargerLandscape::NotFound);
        }
    }
    eprintln!("index increases over {} points: {increases}", rows.len());
    let mut csv = Vec::new();
    write_embed_csv(&rows, &mut csv).unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert!(text.starts_with(
        "kind,id,energy,rms_gradient_embedded,index_small,index_large,found_in_larger\n"
    ));
    assert_eq!(text.lines().count(), 1 + n_points);
}

/// The spectrum of the embedded Hessian is the small spectrum plus 2 lambda +/- sigma_i(C) (and
/// 2 lambda for the rest): checked at arbitrary (non-stationary) weights, where the block
/// structure holds just the same, with weights large enough that sigma > 2 lambda.
#[test]
fn zero_node_block_formula_matches_direct_eigendecomposition() {
    let mut small = common::loss(2);
    let mut big = common::loss(3);
    let two_lambda = 2.0 * common::LAMBDA;
    let mut seen_increase = false;
    for seed in 0..8 {
        let w = common::pseudo_random(12, 100 + seed, 2.0);
        let block = zero_node_block(&mut small, &w).unwrap();
        // Eigenvalues of the block: 2 lambda +/- sigma_i, 2 lambda for the rest (N_in + 1 + N_out = 5).
        let mut expected: Vec<f64> = Vec::new();
        for s in &block.singular_values {
            expected.push(two_lambda + s);
            expected.push(two_lambda - s);
        }
        while expected.len() < 5 {
            expected.push(two_lambda);
        }
        expected.sort_by(f64::total_cmp);
        for (a, b) in expected.iter().zip(&block.eigenvalues) {
            assert!(
                (a - b).abs() < 1e-13,
                "{expected:?} vs {:?}",
                block.eigenvalues
            );
        }
        // C has rank <= 1 with two outputs (its rows sum to zero).
        assert!(block.singular_values[1] < 1e-14);
        let increase = block
            .singular_values
            .iter()
            .filter(|&&s| s > two_lambda + 1e-7)
            .count();
        assert_eq!(block.index_increase(1e-7), increase);
        seen_increase |= increase > 0;
        // The embedded spectrum is the union of the small spectrum and the block's.
        let mut union = small.hessian_eigenvalues(&w).unwrap();
        union.extend_from_slice(&block.eigenvalues);
        union.sort_by(f64::total_cmp);
        for position in 0..=2 {
            let (_, wb) = embedding::embed(small.network(), &w, position).unwrap();
            let direct = big.hessian_eigenvalues(&wb).unwrap();
            assert_eq!(direct.len(), union.len());
            for (a, b) in union.iter().zip(&direct) {
                assert!((a - b).abs() < 1e-10 * b.abs().max(1.0), "{a} vs {b}");
            }
            assert_eq!(
                count_negative(&direct),
                count_negative(&small.hessian_eigenvalues(&w).unwrap()) + increase
            );
        }
    }
    assert!(seen_increase);
}

#[test]
fn only_the_n_h_plus_one_landscape_is_the_larger_one() {
    let identity = |n_hidden, lambda| LandscapeIdentity::of(&common::loss_with(n_hidden, lambda));
    let small = identity(2, common::LAMBDA);
    assert!(check_larger_landscape(&small, &identity(3, common::LAMBDA)).is_ok());
    for other in [
        identity(2, common::LAMBDA),
        identity(4, common::LAMBDA),
        identity(3, 0.5),
    ] {
        let err = check_larger_landscape(&small, &other)
            .unwrap_err()
            .to_string();
        assert!(err.contains("expected N_in 2 N_h 3 N_out 2"), "{err}");
    }
    let mut other_data = identity(3, common::LAMBDA);
    other_data.dataset_hash.push('x');
    assert!(check_larger_landscape(&small, &other_data).is_err());
}
