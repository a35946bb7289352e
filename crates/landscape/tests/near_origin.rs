//! At small lambda the W = 0 minimum is joined to the rest of the landscape: the exploration's
//! scale-aware search finds the transition states next to it (E = ln 2 + 6.02 lambda^2 and
//! ln 2 + 14.3 lambda^2 at N_h = 2), which the ordinary searches, with their absolute
//! tolerances, never resolved.

mod common;

use std::f64::consts::LN_2;

use common::{new_db, xor_loss};
use nnscape_landscape::{explore, ExploreParams, SearchMethod};

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
