//! Counts up to network and data symmetries.

mod common;

use nnscape_analysis::counts::{landscape_counts, write_counts_csv, COUNTS_HEADER};
use nnscape_landscape::StationaryPoint;
use nnscape_model::symmetry::permute_inputs;
use nnscape_model::{symmetry, Dataset};
use nnscape_ts::{minimise_to_minimum, VerifyParams};
use nnscape_ts::{NoSymmetry, System, Tolerances};

#[test]
fn mirror_images_form_one_class() {
    let mut loss = common::loss(2);
    let net = *loss.network();
    assert_eq!(
        Dataset::xor().feature_symmetries(),
        vec![vec![0, 1], vec![1, 0]]
    );
    // Find a minimum that is not its own x1 <-> x2 mirror image up to the network symmetries.
    let vp = VerifyParams::default();
    let (w, mirror) = (0..20)
        .find_map(|seed| {
            let m = minimise_to_minimum(
                &mut System::new(&mut loss, NoSymmetry),
                &common::pseudo_random(12, seed, 3.0),
                &vp,
            )
            .ok()?;
            let mirror = permute_inputs(&net, &m.x, &[1, 0]);
            (symmetry::distance(&net, &m.x, &mirror) > 0.1).then_some((m.x, mirror))
        })
        .expect("an asymmetric minimum");
    let a = StationaryPoint::evaluate(&mut loss, &w, &Tolerances::default()).unwrap();
    let b = StationaryPoint::evaluate(&mut loss, &mirror, &Tolerances::default()).unwrap();
    assert!((a.energy - b.energy).abs() < 1e-14);
    assert_eq!(b.hessian_index, 0);
    let dir = tempfile::tempdir().unwrap();
    let db = common::open(&dir.path().join("h2.sqlite"), &loss);
    assert!(db.insert_minimum(&a).unwrap().1);
    assert!(db.insert_minimum(&b).unwrap().1);
    let zero = StationaryPoint::evaluate(&mut loss, &[0.0; 12], &Tolerances::default()).unwrap();
    db.insert_minimum(&zero).unwrap();
    let c = landscape_counts(&db, &Dataset::xor()).unwrap();
    assert_eq!(c.n_minima, 3);
    assert_eq!(c.n_minima_classes, 2); // {w, mirror} and {0}
    assert_eq!(c.n_data_symmetries, 2);
    assert_eq!(c.n_transition_states, 0);
    assert_eq!(c.ts_per_minimum, 0.0);
    assert_eq!(c.global_minimum_energy, a.energy.min(zero.energy));
    assert_eq!(c.n_minima_all_correct, if a.n_correct == 4 { 2 } else { 0 });
    let mut out = Vec::new();
    write_counts_csv(&[c], &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().next().unwrap(), COUNTS_HEADER.join(","));
    assert_eq!(text.lines().count(), 2);
}

#[test]
fn explored_landscape_counts() {
    let db = common::shared_h2();
    let c = landscape_counts(&db, &Dataset::xor()).unwrap();
    assert_eq!(c.n_minima, db.count_minima().unwrap());
    assert_eq!(c.n_transition_states, db.count_transition_states().unwrap());
    assert!(c.n_minima_classes <= c.n_minima && 2 * c.n_minima_classes >= c.n_minima);
    assert!(c.n_ts_classes <= c.n_transition_states && 2 * c.n_ts_classes >= c.n_transition_states);
}
