//! DNEB + HEF + verification + connection on the Mueller-Brown surface.

mod common;

use common::*;
use nnscape_ts::*;
use nnscape_ts::{NoSymmetry, System};

#[test]
fn literature_points_are_stationary_under_independent_newton() {
    for p in [MB_MIN_A, MB_MIN_B, MB_MIN_C, MB_TS_BC, MB_TS_AC] {
        let q = newton_2d(MuellerBrown::all, p);
        assert!(euclidean(&p, &q) < 1e-3, "{p:?} -> {q:?}");
    }
}

#[test]
fn dneb_and_hef_find_the_bc_saddle_and_its_minima() {
    let mut mb = MuellerBrown;
    let vp = VerifyParams::default();
    let a = minimise_to_minimum(&mut System::new(&mut mb, NoSymmetry), &MB_MIN_B, &vp).unwrap();
    let b = minimise_to_minimum(&mut System::new(&mut mb, NoSymmetry), &MB_MIN_C, &vp).unwrap();
    let band = dneb(&mut mb, &a.x, &b.x, &NoSymmetry, &DnebParams::default()).unwrap();
    assert!(band.images.len() >= 5 && band.images.len() <= 52);
    let top = &band.maxima[0];
    assert!(
        euclidean(&top.x, &MB_TS_BC) < 0.05,
        "band maximum at {:?}",
        top.x
    );

    let mut stats = VerifyStats::default();
    let path = verify_candidate(
        &mut System::new(&mut mb, &NoSymmetry),
        &top.x,
        Some(&top.tangent),
        &vp,
        &mut stats,
    )
    .unwrap();
    let ts = &path.ts;
    let reference = newton_2d(MuellerBrown::all, MB_TS_BC);
    assert!(ts.rms_gradient <= 1e-10, "rms {}", ts.rms_gradient);
    assert!(
        euclidean(&ts.x, &reference) < 1e-8,
        "{:?} vs {reference:?}",
        ts.x
    );
    assert!(euclidean(&ts.x, &MB_TS_BC) < 1e-3);
    assert!((ts.energy - (-72.249)).abs() < 5e-3, "E_ts = {}", ts.energy);
    assert!(ts.eigenvalue < 0.0);
    assert_eq!(stats.accepted, 1);

    // Push-off reaches the two known minima, one on each side.
    assert!(!path.same_minimum);
    let rb = newton_2d(MuellerBrown::all, MB_MIN_B);
    let rc = newton_2d(MuellerBrown::all, MB_MIN_C);
    let (m1, m2) = (&path.minus.x, &path.plus.x);
    let (near_b, near_c) = if euclidean(m1, &rb) < euclidean(m2, &rb) {
        (m1, m2)
    } else {
        (m2, m1)
    };
    assert!(euclidean(near_b, &rb) < 1e-8 && euclidean(near_b, &MB_MIN_B) < 1e-3);
    assert!(euclidean(near_c, &rc) < 1e-8 && euclidean(near_c, &MB_MIN_C) < 1e-3);
    for m in [&path.minus, &path.plus] {
        assert!(m.rms_gradient <= 1e-10);
        assert!(m.eigenvalues.iter().all(|&l| l > 0.0));
        assert!(m.energy > ts.energy - 40.0 && m.energy < ts.energy);
    }
}

#[test]
fn single_ended_search_from_a_minimum_finds_the_bc_saddle() {
    let mut mb = MuellerBrown;
    let vp = VerifyParams::default();
    let m = minimise_to_minimum(&mut System::new(&mut mb, NoSymmetry), &MB_MIN_B, &vp).unwrap();
    let found = single_ended(
        &mut System::new(&mut mb, &NoSymmetry),
        &m.x,
        2,
        &SingleEndedParams::default(),
    );
    assert!(!found.is_empty());
    let reference = newton_2d(MuellerBrown::all, MB_TS_BC);
    assert!(
        found.iter().any(|t| euclidean(&t.x, &reference) < 1e-8),
        "found {:?}",
        found.iter().map(|t| (&t.x, t.energy)).collect::<Vec<_>>()
    );
    for t in &found {
        assert!(t.rms_gradient <= 1e-10 && t.eigenvalue < 0.0);
    }
}

#[test]
fn connect_the_two_deepest_minima_through_the_intermediate() {
    let mut mb = MuellerBrown;
    let r = connect(
        &mut System::new(&mut mb, &NoSymmetry),
        &MB_MIN_A,
        &MB_MIN_B,
        &ConnectParams::default(),
    )
    .unwrap();
    assert!(r.connected, "attempts {} stats {:?}", r.attempts, r.stats);
    assert!(r.attempts <= 10);
    let rc = newton_2d(MuellerBrown::all, MB_MIN_C);
    // The path goes A -> C -> B through the two literature saddles.
    assert_eq!(r.path_minima.len(), 3, "path {:?}", r.path_minima);
    assert_eq!(r.path_minima[0], 0);
    assert_eq!(r.path_minima[2], 1);
    assert!(euclidean(&r.minima[r.path_minima[1]].x, &rc) < 1e-8);
    let mut ts: Vec<_> = r
        .path_ts
        .iter()
        .map(|&i| r.transition_states[i].ts.clone())
        .collect();
    ts.sort_by(|a, b| a.energy.total_cmp(&b.energy));
    assert!(euclidean(&ts[0].x, &newton_2d(MuellerBrown::all, MB_TS_BC)) < 1e-8);
    assert!(euclidean(&ts[1].x, &newton_2d(MuellerBrown::all, MB_TS_AC)) < 1e-8);
    assert!(
        (ts[1].energy - (-40.665)).abs() < 5e-3,
        "E = {}",
        ts[1].energy
    );
}

#[test]
fn matrix_free_lanczos_gives_the_same_saddle_and_minima() {
    let mut mb = MuellerBrown;
    let mut vp = VerifyParams::default();
    vp.hef.eigen.method = EigenMethod::Lanczos;
    let mut stats = VerifyStats::default();
    let path = verify_candidate(
        &mut System::new(&mut mb, &NoSymmetry),
        &[0.25, 0.25],
        None,
        &vp,
        &mut stats,
    )
    .unwrap();
    assert!(euclidean(&path.ts.x, &newton_2d(MuellerBrown::all, MB_TS_BC)) < 1e-8);
    let mins = [&path.minus.x, &path.plus.x];
    for m in [MB_MIN_B, MB_MIN_C] {
        let r = newton_2d(MuellerBrown::all, m);
        assert!(mins.iter().any(|x| euclidean(x, &r) < 1e-8));
    }
    let found = single_ended(
        &mut System::new(&mut mb, &NoSymmetry),
        &path.plus.x,
        2,
        &SingleEndedParams {
            verify: vp,
            ..Default::default()
        },
    );
    assert!(found.iter().any(|t| euclidean(&t.x, &path.ts.x) < 1e-8));
}
