//! The completeness certificate on real XOR landscapes: a complete map is certified, an
//! incomplete one fails and is filled, and the certificate does not depend on the thread count.

use nnscape_landscape::{
    certify, explore, good_turing, Certificate, CertificateTest, ExploreParams, ExploreStopReason,
    GoodTuring, LandscapeDb,
};

mod common;
use common::{new_db, pool, run, xor_loss};

#[test]
fn good_turing_on_a_hand_made_hit_list() {
    // Four minima hit 5, 1, 1 and 3 times in 10 quenches: f1 = 2, P = 2 / 10.
    assert_eq!(good_turing(&[5, 1, 1, 3], 0, 10), 0.2);
    // One quench more that ended at a minimum the map lacked: (2 + 1) / 11.
    assert_eq!(good_turing(&[5, 1, 1, 3], 1, 11), 3.0 / 11.0);
    assert_eq!(good_turing(&[], 0, 0), 1.0);
    // The same from trial outcomes: ids 1..=4 stored (mark 4), id 5 new, one failed trial.
    let outcomes = [
        Some(1),
        Some(1),
        Some(2),
        Some(1),
        Some(3),
        Some(4),
        Some(1),
        Some(4),
        Some(1),
        Some(4),
        Some(5),
        None,
    ];
    let g = GoodTuring::of(&outcomes, 4);
    assert_eq!(
        (g.trials, g.reached, g.distinct, g.once, g.new_trials),
        (12, 11, 5, 2, 1)
    );
    // Per trial, the failed one included.
    assert_eq!(g.p_unseen, 3.0 / 12.0);
}

/// XOR with N_h = 2, lambda = 1e-2 is small and complete: the default exploration ends
/// certified, with the Good-Turing estimate within its bound, nothing new, seed agreement and a
/// connected map.
#[test]
fn a_complete_landscape_is_certified() {
    let dir = tempfile::tempdir().unwrap();
    let loss = xor_loss(2, 1e-2);
    let db = new_db(&dir, "h2.sqlite", &loss);
    let started = std::time::Instant::now();
    let report = run(&db, &loss, 2);
    eprintln!("{:.2} s", started.elapsed().as_secs_f64());
    assert_eq!(report.stop, ExploreStopReason::Saturated, "{report:?}");
    let c = report.certificate.expect("a certificate");
    assert!(c.certified(), "{c:?}");
    assert!(c.minima.p_unseen <= 1e-3, "{c:?}");
    assert_eq!(c.minima.trials, 3000);
    assert!(c.minima.reached >= 2990, "{c:?}");
    assert_eq!((c.new_minima, c.new_transition_states), (0, 0));
    assert!(c.seed_agreement() && c.connected && c.disconnected.is_empty());
    assert!(c.transition_states.reached > 0, "{c:?}");
    // Every minimum of the map was reached by some quench (none is an artefact).
    assert_eq!(c.minima.distinct, db.count_minima().unwrap(), "{c:?}");
    // Stored (after the evaluations that failed because they found transition states: the
    // exploration misses a few), and a rerun neither repeats it nor searches.
    let all = db.certificates().unwrap();
    assert_eq!(all.last(), Some(&c));
    assert!(all[..all.len() - 1]
        .iter()
        .all(|e| e.failed == [CertificateTest::TransitionStates] && e.new_transition_states > 0));
    let again = run(&db, &loss, 1);
    assert_eq!(
        (again.stop, again.searches),
        (ExploreStopReason::Saturated, 0)
    );
    assert_eq!(again.certificate, Some(c));
}

/// A map holding only the global minimum fails: the quenches find the missing minima (stored),
/// the other seeds add points, and the report names the failing tests.
#[test]
fn an_incomplete_map_fails_and_is_filled() {
    let dir = tempfile::tempdir().unwrap();
    let loss = xor_loss(2, 1e-2);
    let full = new_db(&dir, "full.sqlite", &loss);
    run(&full, &loss, 2);
    let complete = full.count_minima().unwrap();
    let global_id = full.latest_certificate().unwrap().unwrap();
    assert!(global_id.certified());
    let summary = nnscape_landscape::summarise(&full, 4).unwrap();
    let (gid, _) = summary.global_minimum.unwrap();
    let global = full
        .minima()
        .unwrap()
        .into_iter()
        .find(|m| m.id == gid)
        .unwrap();

    let db = new_db(&dir, "one.sqlite", &loss);
    db.insert_minimum(&global.point).unwrap();
    let c: Certificate = pool(2)
        .install(|| certify(&db, &loss, &ExploreParams::default(), |_| {}))
        .unwrap()
        .expect("no budget");
    assert!(!c.certified());
    assert!(c.failed.contains(&CertificateTest::Minima), "{c:?}");
    assert!(
        c.failed.contains(&CertificateTest::TransitionStates),
        "{c:?}"
    );
    assert!(c.new_minima > 0 && c.minima.new_trials > 0, "{c:?}");
    assert!(c.minima.p_unseen > 1e-3);
    assert!(c.new_transition_states > 0, "{c:?}");
    // The missing minima are stored now: every minimum of the complete map is there.
    for m in full.minima().unwrap() {
        assert!(
            db.find_minimum(m.point.energy, &m.point.params)
                .unwrap()
                .is_some(),
            "minimum {} of the complete map is missing",
            m.id
        );
    }
    assert!(db.count_minima().unwrap() >= complete);
    // The failing tests are stored with it.
    assert_eq!(db.latest_certificate().unwrap(), Some(c.clone()));
    assert!(c.failed_text().contains("minima"));
}

/// A run stopped by a time budget anywhere (inside a certificate evaluation too) and rerun until
/// it finishes ends with the database and certificates of an uninterrupted run.
#[test]
fn interrupted_certificates_resume() {
    let dir = tempfile::tempdir().unwrap();
    let loss = xor_loss(2, 1e-2);
    let whole = new_db(&dir, "whole.sqlite", &loss);
    run(&whole, &loss, 2);
    let db = new_db(&dir, "pieces.sqlite", &loss);
    let params = ExploreParams {
        max_time: Some(std::time::Duration::from_millis(300)),
        ..ExploreParams::default()
    };
    let mut runs = 0;
    loop {
        runs += 1;
        let r = pool(2)
            .install(|| explore(&db, &loss, &params, |_| {}))
            .unwrap();
        if r.stop != ExploreStopReason::TimeBudget {
            assert_eq!(r.stop, ExploreStopReason::Saturated);
            break;
        }
        assert!(runs < 200, "no progress");
    }
    assert!(runs > 2, "the budget never interrupted the run");
    assert_eq!(db.certificates().unwrap(), whole.certificates().unwrap());
    let energies = |d: &LandscapeDb| -> (Vec<u64>, Vec<(u64, i64, i64)>) {
        (
            d.minima()
                .unwrap()
                .iter()
                .map(|m| m.point.energy.to_bits())
                .collect(),
            d.transition_states()
                .unwrap()
                .iter()
                .map(|t| (t.point.energy.to_bits(), t.min1, t.min2))
                .collect(),
        )
    };
    assert_eq!(energies(&db), energies(&whole));
}

#[test]
fn bad_certificate_settings_are_named() {
    let db_dir = tempfile::tempdir().unwrap();
    let loss = xor_loss(2, 1e-2);
    let db = new_db(&db_dir, "h2.sqlite", &loss);
    let with = |edit: fn(&mut nnscape_landscape::CertificateParams)| {
        let mut params = ExploreParams::default();
        edit(params.certificate.as_mut().unwrap());
        explore(&db, &loss, &params, |_| {})
            .unwrap_err()
            .to_string()
    };
    let e = with(|c| c.quenches = 0);
    assert!(e.contains("certificate.quenches"), "{e}");
    let e = with(|c| c.max_p_unseen_minimum = 1.5);
    assert!(e.contains("certificate.max_p_unseen_minimum"), "{e}");
    let e = with(|c| c.start_scales = vec![nnscape_landscape::StartScale::Absolute(-1.0)]);
    assert!(e.contains("certificate.start_scales"), "{e}");
    let e = with(|c| c.start_scales.clear());
    assert!(e.contains("certificate.start_scales"), "{e}");
    // Nothing was written by the refused runs.
    assert!(db.certificates().unwrap().is_empty() && db.cycles().unwrap().is_empty());
}
