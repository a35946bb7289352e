//! At small lambda the W = 0 minimum is joined to the rest of the landscape: the exploration's
//! scale-aware search finds the transition states next to it (E = ln 2 + 6.02 lambda^2 and
//! ln 2 + 14.3 lambda^2 at N_h = 2), which the ordinary searches, with their absolute
//! tolerances, never resolved.

mod common;

use std::f64::consts::LN_2;

use common::{new_db, xor_loss};
use nnscape_landscape::{
    add_stationary_points, embedded_stationary_points, explore, split_node_starts, ExploreParams,
    SearchMethod,
};

#[test]
fn w0_is_connected_at_small_lambda() {
    for lambda in [1e-4, 1e-5] {
        let dir = tempfile::tempdir().unwrap();
        let loss = xor_loss(2, lambda);
        let db = new_db(&dir, "h2.sqlite", &loss);
        let report = explore(&db, &loss, &ExploreParams::default(), |_| {}).unwrap();
        let minima = db.minima().unwrap();
        let zero = minima
            .iter()
            .find(|m| m.point.params.iter().all(|w| w.abs() < 1e-6))
            .expect("W = 0 is a stored minimum");
        let ts = db.transition_states().unwrap();
        let at_zero: Vec<_> = ts
            .iter()
            .filter(|t| t.min1 == zero.id || t.min2 == zero.id)
            .collect();
        assert!(!at_zero.is_empty(), "lambda = {lambda}: W = 0 has no TS");
        // The lowest one is the saddle of the scaling law.
        let lowest = at_zero
            .iter()
            .map(|t| (t.point.energy - LN_2) / (lambda * lambda))
            .fold(f64::INFINITY, f64::min);
        assert!((lowest - 6.03).abs() < 0.05, "lambda = {lambda}: {lowest}");
        assert!(report.summary.connected, "lambda = {lambda}: {report:?}");
        assert_eq!(
            db.searches_done(SearchMethod::NearOrigin, None, None)
                .unwrap(),
            1
        );
    }
}

/// Issue 11: a complete map does not depend on the seed. Three explorations with different
/// master seeds, each made as the study makes it (the N_h = 1 map first, then N_h = 2 seeded
/// with its points embedded and split), store the same minima and transition states (compared
/// by energy, pairwise within the same-point tolerance; counts equal), and each is certified.
#[test]
fn three_seeds_give_the_same_map() {
    for lambda in [1e-4, 1e-5] {
        let maps: Vec<(Vec<f64>, Vec<f64>)> = (0..3)
            .map(|seed| {
                let dir = tempfile::tempdir().unwrap();
                let params = ExploreParams {
                    seed,
                    ..ExploreParams::default()
                };
                let small_loss = xor_loss(1, lambda);
                let small = new_db(&dir, "h1.sqlite", &small_loss);
                explore(&small, &small_loss, &params, |_| {}).unwrap();
                let loss = xor_loss(2, lambda);
                let db = new_db(&dir, "h2.sqlite", &loss);
                let mut seeds = embedded_stationary_points(&small).unwrap();
                seeds.extend(split_node_starts(&small, small.network().n_hidden() + 1).unwrap());
                add_stationary_points(&db, &loss, &seeds, &params).unwrap();
                let report = explore(&db, &loss, &params, |_| {}).unwrap();
                let c = report.certificate.expect("a certificate was evaluated");
                assert!(
                    c.certified(),
                    "lambda = {lambda}, seed {seed}: failed {}",
                    c.failed_text()
                );
                let energies = |mut e: Vec<f64>| {
                    e.sort_by(f64::total_cmp);
                    e
                };
                (
                    energies(
                        db.minima()
                            .unwrap()
                            .iter()
                            .map(|m| m.point.energy)
                            .collect(),
                    ),
                    energies(
                        db.transition_states()
                            .unwrap()
                            .iter()
                            .map(|t| t.point.energy)
                            .collect(),
                    ),
                )
            })
            .collect();
        let same = |a: &[f64], b: &[f64]| {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| (x - y).abs() <= 1e-7 * x.abs().max(1.0))
        };
        for (seed, m) in maps.iter().enumerate().skip(1) {
            assert!(
                same(&maps[0].0, &m.0),
                "lambda = {lambda}: minima of seed 0 {:?} and seed {seed} {:?}",
                maps[0].0,
                m.0
            );
            assert!(
                same(&maps[0].1, &m.1),
                "lambda = {lambda}: transition states of seed 0 {:?} and seed {seed} {:?}",
                maps[0].1,
                m.1
            );
        }
        // N_h = 2 at these lambdas: 7 minima (W = 0 among them), measured.
        assert_eq!(maps[0].0.len(), 7, "lambda = {lambda}");
    }
}
