//! The exploration driver on real XOR landscapes, and the PATHSAMPLE round trip.

use std::collections::HashSet;

use nnscape_landscape::{
    explore, pathsample, ExploreParams, ExploreStopReason, Tolerances, TrialKind,
};
use nnscape_optim::System;
use nnscape_ts::{push_off_and_minimise, NetworkAlignment, TransitionState, VerifyParams};

mod common;
use common::{new_db, run, run_with, xor_loss};

/// XOR with N_h = 2 and lambda = 1e-2 explores to saturation, its graph is connected, every
/// stored transition state has index 1 and its two stored minima are the ones its push-off
/// reaches.
#[test]
fn complete_small_map() {
    let dir = tempfile::tempdir().unwrap();
    let mut loss = xor_loss(2, 1e-2);
    let db = new_db(&dir, "h2.sqlite", &loss);
    let report = run(&db, &loss, 2);
    assert_eq!(report.stop, ExploreStopReason::Saturated, "{report:?}");
    let s = &report.summary;
    assert!(s.connected, "{s:?}");
    assert!(s.minima >= 4, "{s:?}");
    assert!(s.transition_states >= s.minima - 1, "{s:?}");
    // The global minimum classifies all four points; W = 0 is among the minima.
    let minima = db.minima().unwrap();
    let global = minima
        .iter()
        .find(|m| m.id == s.global_minimum.unwrap().0)
        .unwrap();
    assert_eq!(global.point.n_correct, 4);
    assert!(minima
        .iter()
        .any(|m| (m.point.energy - std::f64::consts::LN_2).abs() < 1e-9 && m.point.n_correct == 0));
    for m in &minima {
        assert_eq!(m.point.hessian_index, 0);
        assert!(m.point.rms_gradient <= 1e-10, "{:?}", m.point);
        assert!(m.point.eigenvalues[0] > 0.0);
    }
    let align = NetworkAlignment::new(*loss.network());
    let vp = VerifyParams::default();
    for t in db.transition_states().unwrap() {
        let p = &t.point;
        assert_eq!(p.hessian_index, 1);
        assert!(p.rms_gradient <= 1e-10);
        assert!(
            p.eigenvalues[0] < -1e-7 && p.eigenvalues[1] > -1e-7,
            "{:?}",
            p.eigenvalues
        );
        let e1 = minima.iter().find(|m| m.id == t.min1).unwrap().point.energy;
        let e2 = minima.iter().find(|m| m.id == t.min2).unwrap().point.energy;
        assert!(p.energy > e1 && p.energy > e2);
        // Push off again, independently, and look the two minima up.
        let eig = loss.hessian(&p.params).symmetric_eigen();
        let lowest = (0..eig.eigenvalues.len())
            .min_by(|&a, &b| eig.eigenvalues[a].total_cmp(&eig.eigenvalues[b]))
            .unwrap();
        let ts = TransitionState {
            x: p.params.clone(),
            energy: p.energy,
            rms_gradient: p.rms_gradient,
            eigenvalue: eig.eigenvalues[lowest],
            eigenvector: eig.eigenvectors.column(lowest).iter().copied().collect(),
            iterations: 0,
        };
        let path = push_off_and_minimise(&mut System::new(&mut loss, &align), ts, &vp).unwrap();
        let found: HashSet<i64> = [&path.minus, &path.plus]
            .iter()
            .map(|m| {
                db.find_minimum(m.energy, &m.x)
                    .unwrap()
                    .expect("push-off minimum is stored")
            })
            .collect();
        assert_eq!(
            found,
            HashSet::from([t.min1, t.min2]),
            "transition state {}",
            t.id
        );
    }
}

#[test]
fn same_database_for_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let loss = xor_loss(3, 1e-2);
    let a = new_db(&dir, "a.sqlite", &loss);
    let b = new_db(&dir, "b.sqlite", &loss);
    let ra = run(&a, &loss, 1);
    let rb = run(&b, &loss, 2);
    assert_eq!(ra.summary, rb.summary);
    assert_eq!(a.snapshot().unwrap(), b.snapshot().unwrap());
    // The same certificate rows too: seeds, numbers and every trial's outcome.
    assert_eq!(ra.certificate, rb.certificate);
    let ca = a.certificates().unwrap();
    assert!(!ca.is_empty());
    assert_eq!(ca, b.certificates().unwrap());
    for c in &ca {
        for kind in [TrialKind::Quench, TrialKind::TsSearch] {
            assert_eq!(
                a.certificate_trials(c.evaluation, kind).unwrap(),
                b.certificate_trials(c.evaluation, kind).unwrap()
            );
        }
    }
    // Rerunning a saturated database does nothing.
    let again = run(&a, &loss, 2);
    assert_eq!(again.stop, ExploreStopReason::Saturated);
    assert_eq!(again.searches, 0);
    assert_eq!(a.snapshot().unwrap(), b.snapshot().unwrap());
}

#[test]
fn search_budget_stops_and_a_rerun_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let loss = xor_loss(3, 1e-3);
    // One search per batch so the budget bites exactly (the batch size is part of the recipe).
    let params = ExploreParams {
        batch_size: 1,
        ..ExploreParams::default()
    };
    let full = new_db(&dir, "full.sqlite", &loss);
    let full_report = run_with(&full, &loss, 2, &params);
    let db = new_db(&dir, "budget.sqlite", &loss);
    let budget = ExploreParams {
        max_searches: Some(2),
        ..params.clone()
    };
    let r = run_with(&db, &loss, 2, &budget);
    assert_eq!(r.stop, ExploreStopReason::SearchBudget);
    assert!(!r.stop.is_saturated());
    assert_eq!(r.searches, 2);
    assert!(db.count_minima().unwrap() > 0);
    let resumed = run_with(&db, &loss, 2, &params);
    assert_eq!(resumed.stop, full_report.stop);
    assert_eq!(db.snapshot().unwrap(), full.snapshot().unwrap());
}

#[test]
fn explore_refuses_another_landscape() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_db(&dir, "h2.sqlite", &xor_loss(2, 1e-2));
    let err = explore(&db, &xor_loss(2, 1e-3), &ExploreParams::default(), |_| {}).unwrap_err();
    assert!(err.to_string().contains("different landscape"), "{err}");
    let bad = ExploreParams {
        batch_size: 0,
        ..ExploreParams::default()
    };
    let err = explore(&db, &xor_loss(2, 1e-2), &bad, |_| {}).unwrap_err();
    assert!(err.to_string().contains("batch_size"), "{err}");
}

#[test]
fn pathsample_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let mut loss = xor_loss(2, 1e-2);
    let db = new_db(&dir, "h2.sqlite", &loss);
    run(&db, &loss, 2);
    let out = dir.path().join("ps");
    let (nm, nt) = pathsample::export(&db, &out).unwrap();
    assert_eq!(
        (nm, nt),
        (
            db.count_minima().unwrap(),
            db.count_transition_states().unwrap()
        )
    );
    // min.data has one line per minimum with six fields; points.min n_params doubles each.
    let min_data = std::fs::read_to_string(out.join("min.data")).unwrap();
    assert_eq!(min_data.lines().count(), nm);
    assert!(min_data.lines().all(|l| l.split_whitespace().count() == 6));
    assert_eq!(
        std::fs::metadata(out.join("points.min")).unwrap().len(),
        (nm * 12 * 8) as u64
    );
    let ts_data = std::fs::read_to_string(out.join("ts.data")).unwrap();
    assert!(ts_data.lines().all(|l| l.split_whitespace().count() == 8));

    let copy = new_db(&dir, "copy.sqlite", &loss);
    let (im, it) = pathsample::import(&copy, &mut loss, &out).unwrap();
    assert_eq!((im, it), (nm, nt));
    assert_eq!(copy.snapshot().unwrap(), db.snapshot().unwrap());
    // Importing again adds nothing (deduplicated).
    assert_eq!(pathsample::import(&copy, &mut loss, &out).unwrap(), (0, 0));

    // Points of another landscape are refused with the file and line named.
    let other = new_db(&dir, "other.sqlite", &xor_loss(2, 1e-3));
    let err = pathsample::import(&other, &mut xor_loss(2, 1e-3), &out).unwrap_err();
    let msg = err.to_string();
    // (Line 1 is W = 0, whose energy is ln 2 at every lambda; the first mismatch comes later.)
    assert!(
        msg.contains("min.data: line") && msg.contains("another landscape"),
        "{msg}"
    );
    // A truncated points file is refused.
    let bytes = std::fs::read(out.join("points.min")).unwrap();
    std::fs::write(out.join("points.min"), &bytes[..bytes.len() - 8]).unwrap();
    let err = pathsample::import(&copy, &mut loss, &out).unwrap_err();
    assert!(err.to_string().contains("points.min"), "{err}");
}

/// The stationary points of N_h = 2 embedded in N_h = 3 seed the larger landscape: every
/// embedded point that is a minimum of the larger network is stored as one, every embedded
/// transition state with its push-off minima, and exploration carries on from there.
#[test]
fn smaller_landscape_seeds_the_larger_one() {
    use nnscape_landscape::{add_stationary_points, embedded_stationary_points, StationaryPoint};
    let dir = tempfile::tempdir().unwrap();
    let small_loss = xor_loss(2, 1e-2);
    let small = new_db(&dir, "h2.sqlite", &small_loss);
    run(&small, &small_loss, 2);
    let mut big_loss = xor_loss(3, 1e-2);
    let big = new_db(&dir, "h3.sqlite", &big_loss);
    let seeds = embedded_stationary_points(&small).unwrap();
    assert_eq!(
        seeds.len(),
        small.count_minima().unwrap() + small.count_transition_states().unwrap()
    );
    let (new_minima, new_ts) =
        add_stationary_points(&big, &big_loss, &seeds, &ExploreParams::default()).unwrap();
    let mut expected_minima = 0;
    let mut expected_ts = 0;
    for x in &seeds {
        let p = StationaryPoint::evaluate(&mut big_loss, x, &Tolerances::default()).unwrap();
        assert!(
            p.rms_gradient <= 1e-10,
            "embedded point not stationary: {}",
            p.rms_gradient
        );
        match p.hessian_index {
            0 => {
                expected_minima += 1;
                assert!(big.find_minimum(p.energy, x).unwrap().is_some());
            }
            1 => {
                expected_ts += 1;
                assert!(big.find_transition_state(p.energy, x).unwrap().is_some());
            }
            _ => {}
        }
    }
    assert!(expected_minima + expected_ts > 0);
    // Every new point comes with its image under the data's x1 <-> x2 swap.
    assert!(
        new_minima >= expected_minima && new_ts >= expected_ts && new_ts <= 2 * expected_ts,
        "{new_minima} {new_ts}"
    );
    // The split nodes: starts next to the points where two nodes compute the same function.
    let splits =
        nnscape_landscape::split_node_starts(&small, small.network().n_hidden() + 1).unwrap();
    assert_eq!(splits.len(), 2 * seeds.len());
    let (split_minima, split_ts) =
        add_stationary_points(&big, &big_loss, &splits, &ExploreParams::default()).unwrap();
    // Measured: six merged-node saddles (three pairs of x1 <-> x2 images), no minimum.
    assert_eq!((split_minima, split_ts), (0, 6));
    let net = *big.network();
    let merged = |x: &[f64]| {
        let node = |j: usize| -> Vec<f64> {
            vec![
                x[net.idx_w_hidden(j, 0)],
                x[net.idx_w_hidden(j, 1)],
                x[net.idx_b_hidden(j)],
                x[net.idx_w_out(0, j)],
                x[net.idx_w_out(1, j)],
            ]
        };
        (0..3).any(|a| {
            (a + 1..3).any(|b| {
                let (u, v) = (node(a), node(b));
                let norm = u.iter().map(|c| c * c).sum::<f64>().sqrt();
                norm > 1e-3
                    && (u.iter().zip(&v).all(|(p, q)| (p - q).abs() < 1e-6)
                        || u.iter().zip(&v).all(|(p, q)| (p + q).abs() < 1e-6))
            })
        })
    };
    let stored_merged = big
        .transition_states()
        .unwrap()
        .iter()
        .filter(|t| merged(&t.point.params))
        .count();
    assert!(
        split_ts > 0 && stored_merged > 0,
        "{split_ts} {stored_merged}"
    );
    // Seeding twice adds nothing; exploring from the seeds saturates.
    assert_eq!(
        add_stationary_points(&big, &big_loss, &seeds, &ExploreParams::default()).unwrap(),
        (0, 0)
    );
    let r = run(&big, &big_loss, 2);
    assert_eq!(r.stop, ExploreStopReason::Saturated, "{:?}", r.certificate);
}
