//! The landscape database: dedup up to symmetry, identity checks, corruption, persistence.

use nnscape_landscape::{
    LandscapeDb, LandscapeError, LandscapeIdentity, SearchMethod, StationaryPoint, Tolerances,
};
use nnscape_model::{symmetry, SymmetryOp};

mod common;
use common::{a_minimum, h2_db, minimum_from, xor_loss};

fn all_ops(n_hidden: usize) -> Vec<SymmetryOp> {
    let mut perms: Vec<Vec<usize>> = vec![vec![]];
    for _ in 0..n_hidden {
        perms = perms
            .into_iter()
            .flat_map(|p| {
                (0..n_hidden)
                    .filter(|j| !p.contains(j))
                    .map(|j| [p.clone(), vec![j]].concat())
                    .collect::<Vec<_>>()
            })
            .collect();
    }
    perms
        .into_iter()
        .flat_map(|p| {
            (0..1u32 << n_hidden).map(move |mask| SymmetryOp {
                permutation: p.clone(),
                flips: (0..n_hidden).map(|j| mask >> j & 1 == 1).collect(),
            })
        })
        .collect()
}

#[test]
fn every_symmetry_copy_is_one_row() {
    let (_dir, mut loss, db) = h2_db();
    let m = a_minimum(&mut loss);
    let net = *loss.network();
    let mut ids = vec![];
    for op in all_ops(2) {
        let copy = symmetry::apply(&net, &m.params, &op).unwrap();
        let p = StationaryPoint::evaluate(&mut loss, &copy, &Tolerances::default()).unwrap();
        ids.push(db.insert_minimum(&p).unwrap());
    }
    assert_eq!(ids.len(), 8);
    assert!(ids[0].1 && ids[1..].iter().all(|(id, new)| *id == ids[0].0 && !new));
    assert_eq!(db.count_minima().unwrap(), 1);
    let stored = &db.minima().unwrap()[0];
    assert_eq!(stored.point.params, m.params); // bit-exact round trip through the blob
    assert_eq!(stored.point.energy, m.energy);
    assert_eq!(stored.point.eigenvalues.len(), 6);
}

/// Swapping the two inputs maps XOR onto itself, so it maps a minimum to another minimum of equal
/// energy that is (for an asymmetric minimum) not a network-symmetry copy: two rows.
#[test]
fn different_minima_with_equal_energy_stay_two_rows() {
    let (_dir, mut loss, db) = h2_db();
    let net = *loss.network();
    let swap = |w: &[f64]| {
        let mut s = w.to_vec();
        for j in 0..2 {
            s.swap(net.idx_w_hidden(j, 0), net.idx_w_hidden(j, 1));
        }
        s
    };
    // Many minima (the global one among them) are themselves symmetric under the swap: search a
    // fixed sequence of starts for one that is not.
    let m = (0..50)
        .map(|i| {
            let start: Vec<f64> = (0..12)
                .map(|k| ((i * 12 + k) as f64 * 0.7548776662).fract() * 4.0 - 2.0)
                .collect();
            minimum_from(&mut loss, &start)
        })
        .find(|m| symmetry::distance(&net, &m.params, &swap(&m.params)) > 0.1)
        .expect("an asymmetric minimum among 50 quenches");
    let swapped = swap(&m.params);
    let s = StationaryPoint::evaluate(&mut loss, &swapped, &Tolerances::default()).unwrap();
    assert!((s.energy - m.energy).abs() < 1e-12);
    assert_eq!(s.hessian_index, 0);
    assert!(db.insert_minimum(&m).unwrap().1);
    assert!(db.insert_minimum(&s).unwrap().1);
    assert_eq!(db.count_minima().unwrap(), 2);
}

#[test]
fn transition_states_need_index_one_and_known_minima() {
    let (_dir, mut loss, db) = h2_db();
    let m = a_minimum(&mut loss);
    let (id, _) = db.insert_minimum(&m).unwrap();
    // A minimum offered as a transition state, or a saddle as a minimum: refused.
    let e = db.insert_transition_state(&m, id, id).unwrap_err();
    assert!(e.to_string().contains("index 1"), "{e}");
    let mut fake_ts = m.clone();
    fake_ts.hessian_index = 1;
    let e = db.insert_minimum(&fake_ts).unwrap_err();
    assert!(e.to_string().contains("index 0"), "{e}");
    assert!(matches!(
        db.insert_transition_state(&fake_ts, id, 99),
        Err(LandscapeError::UnknownMinimum(99))
    ));
    let mut short = m.clone();
    short.params.pop();
    assert!(db
        .insert_minimum(&short)
        .unwrap_err()
        .to_string()
        .contains("11 entries"));
    assert_eq!(db.count_transition_states().unwrap(), 0);
}

#[test]
fn mismatched_landscapes_are_refused_and_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h2.sqlite");
    let mut loss = xor_loss(2, 1e-3);
    let identity = LandscapeIdentity::of(&loss);
    {
        let db = LandscapeDb::open_or_create(&path, &identity, Tolerances::default()).unwrap();
        db.insert_minimum(&a_minimum(&mut loss)).unwrap();
        db.log_search(SearchMethod::SingleEnded, Some(1), None, "2 found")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let cases: Vec<(LandscapeIdentity, &str)> = vec![
        (
            LandscapeIdentity {
                n_hidden: 3,
                ..identity.clone()
            },
            "N_h",
        ),
        (
            LandscapeIdentity {
                lambda: 1e-4,
                ..identity.clone()
            },
            "lambda",
        ),
        (
            LandscapeIdentity {
                regularise_biases: false,
                ..identity.clone()
            },
            "bias regularisation",
        ),
        (
            LandscapeIdentity {
                dataset_name: "other".into(),
                dataset_hash: "0123456789abcdef".into(),
                ..identity.clone()
            },
            "data set",
        ),
    ];
    for (other, field) in cases {
        let err = LandscapeDb::open_or_create(&path, &other, Tolerances::default())
            .err()
            .expect("mismatch must be refused");
        assert!(matches!(err, LandscapeError::Mismatch { .. }), "{err:?}");
        let msg = err.to_string();
        assert!(
            msg.contains(field) && msg.contains("h2.sqlite") && msg.contains("untouched"),
            "{msg}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }
    // The right identity reopens it, with its points and search log.
    let db = LandscapeDb::open_or_create(&path, &identity, Tolerances::default()).unwrap();
    assert_eq!(db.count_minima().unwrap(), 1);
    assert_eq!(
        db.searches_done(SearchMethod::SingleEnded, Some(1), None)
            .unwrap(),
        1
    );
    assert_eq!(
        db.searches_done(SearchMethod::SingleEnded, Some(2), None)
            .unwrap(),
        0
    );
    assert_eq!(db.integrity_check().unwrap(), "ok");
}

#[test]
fn foreign_corrupt_and_truncated_files_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let mut loss = xor_loss(2, 1e-3);
    let identity = LandscapeIdentity::of(&loss);
    // Not a database at all.
    let text = dir.path().join("notes.sqlite");
    std::fs::write(&text, "x1,x2,label\n0,0,0\n".repeat(200)).unwrap();
    let err = LandscapeDb::open_or_create(&text, &identity, Tolerances::default())
        .err()
        .unwrap();
    assert!(matches!(err, LandscapeError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("notes.sqlite"), "{err}");
    assert_eq!(
        std::fs::read(&text).unwrap(),
        "x1,x2,label\n0,0,0\n".repeat(200).as_bytes()
    );

    // An SQLite database that is not a landscape database.
    let other = dir.path().join("other.sqlite");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
        .unwrap();
    let before = std::fs::read(&other).unwrap();
    let err = LandscapeDb::open_or_create(&other, &identity, Tolerances::default())
        .err()
        .unwrap();
    assert!(err.to_string().contains("no landscape table"), "{err}");
    assert_eq!(std::fs::read(&other).unwrap(), before);

    // A real landscape database, truncated to half its size (checkpointed first so the data is
    // in the main file).
    let path = dir.path().join("h2.sqlite");
    {
        let db = LandscapeDb::open_or_create(&path, &identity, Tolerances::default()).unwrap();
        let m = a_minimum(&mut loss);
        db.insert_minimum(&m).unwrap();
        let mut p = m.clone();
        for i in 0..200 {
            p.params[0] = m.params[0] + 0.01 * (i + 1) as f64;
            p.energy = m.energy + 1e-3 * (i + 1) as f64;
            db.insert_minimum(&p).unwrap();
        }
    }
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.len() > 8192, "{}", bytes.len());
    let truncated = &bytes[..bytes.len() / 2];
    std::fs::write(&path, truncated).unwrap();
    let err = LandscapeDb::open_or_create(&path, &identity, Tolerances::default())
        .err()
        .expect("a truncated database must be refused");
    assert!(matches!(err, LandscapeError::Corrupt { .. }), "{err:?}");
    assert_eq!(std::fs::read(&path).unwrap(), truncated);

    // Invalid dedup settings.
    let e = LandscapeDb::open_or_create(
        dir.path().join("new.sqlite"),
        &identity,
        Tolerances {
            energy: -1.0,
            ..Default::default()
        },
    )
    .err()
    .unwrap();
    assert!(e.to_string().contains("tolerances.energy"), "{e}");
    assert!(!dir.path().join("new.sqlite").exists());
}
