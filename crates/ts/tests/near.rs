//! Transition states next to W = 0 found at their own scale, and the scaling law that puts them
//! there: |W| proportional to sqrt(lambda), E - ln 2 proportional to lambda^2, lowest Hessian
//! eigenvalue proportional to lambda (derived in `nnscape_optim::scaled`).

use std::f64::consts::LN_2;

use nnscape_model::vector::norm;
use nnscape_model::Loss;
use nnscape_optim::{LocalScale, System};
use nnscape_ts::{saddles_near, NearSearchParams, NearSearchResult};

fn search(n_hidden: usize, lambda: f64) -> NearSearchResult {
    let mut loss = Loss::xor(n_hidden, lambda).unwrap();
    let scale = LocalScale::network_origin(&mut loss);
    let mut sys = System::network(loss);
    saddles_near(&mut sys, &scale, &NearSearchParams::default()).unwrap()
}

/// (E - ln 2) / lambda^2, |W| / sqrt(lambda), eigenvalue / lambda of the lowest saddle.
fn lowest_in_scaled_units(r: &NearSearchResult, lambda: f64) -> (f64, f64, f64) {
    let p = r
        .paths
        .iter()
        .min_by(|a, b| a.ts.energy.total_cmp(&b.ts.energy))
        .expect("a saddle next to W = 0");
    (
        (p.ts.energy - LN_2) / (lambda * lambda),
        norm(&p.ts.x) / lambda.sqrt(),
        p.ts.eigenvalue / lambda,
    )
}

#[test]
fn saddles_next_to_the_origin_join_it_to_the_landscape() {
    for lambda in [1e-4, 1e-5] {
        let r = search(2, lambda);
        assert!(!r.paths.is_empty(), "lambda = {lambda}: {r:?}");
        for p in &r.paths {
            assert!(p.ts.rms_gradient < 1e-10);
            assert!(p.ts.eigenvalue < -1e-7);
            // One side is W = 0 itself, the other a minimum of the ordinary landscape.
            let (near, far) = if norm(&p.minus.x) < norm(&p.plus.x) {
                (&p.minus, &p.plus)
            } else {
                (&p.plus, &p.minus)
            };
            assert!(norm(&near.x) < 1e-6, "{}", norm(&near.x));
            assert!((near.energy - LN_2).abs() < 1e-12);
            assert!(norm(&far.x) > 1.0 && far.energy < 0.5);
            assert!(!p.same_minimum);
            assert!(p.ts.energy > LN_2 && p.ts.energy - LN_2 < 100.0 * lambda * lambda);
        }
    }
}

#[test]
fn the_saddles_scale_with_sqrt_lambda_and_lambda_squared() {
    let (e4, r4, l4) = lowest_in_scaled_units(&search(2, 1e-4), 1e-4);
    let (e5, r5, l5) = lowest_in_scaled_units(&search(2, 1e-5), 1e-5);
    // Leading order is lambda-independent in scaled units; corrections are O(lambda).
    assert!(
        (e4 - 6.03).abs() < 0.05 && (e5 - 6.02).abs() < 0.05,
        "{e4} {e5}"
    );
    assert!((e4 - e5).abs() < 0.02, "{e4} {e5}");
    assert!(
        (r4 - r5).abs() < 0.05 && (3.0..4.0).contains(&r5),
        "{r4} {r5}"
    );
    assert!(
        (l4 - l5).abs() < 0.05 && (l5 + 4.0).abs() < 0.01,
        "{l4} {l5}"
    );
}
