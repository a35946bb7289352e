//! Storing nnscape-ts results in one call, and the checks of the exploration settings.

use nnscape_landscape::{ExploreParams, LandscapeDb, LandscapeError, StationaryPoint, StoredPath};
use nnscape_model::Loss;
use nnscape_optim::System;
use nnscape_ts::{
    single_ended_paths, ConnectResult, NetworkAlignment, SingleEndedParams, SingleEndedResult,
    TsEdge,
};

mod common;
use common::{h2_db, xor_loss};

/// Single-ended searches along the `modes` softest modes of W = 0, with the database's rules.
fn paths_from_zero(loss: &Loss, db: &LandscapeDb, modes: usize) -> SingleEndedResult {
    let mut system = System::new(loss.clone(), NetworkAlignment::new(*loss.network()))
        .with_tolerances(*db.tolerances());
    single_ended_paths(
        &mut system,
        &[0.0; 12],
        modes,
        &SingleEndedParams::default(),
    )
}

/// Every single-ended path from W = 0 is stored with its two minima; storing it again finds
/// the same rows; the ids are the ones a lookup of each point gives.
#[test]
fn a_path_is_stored_with_its_minima_once() {
    let (_dir, mut loss, db) = h2_db();
    let found = paths_from_zero(&loss, &db, 2);
    assert!(!found.paths.is_empty());
    for path in &found.paths {
        let ids = db.insert_path(&mut loss, path).unwrap().unwrap();
        let lookup = |x: &[f64], e: f64| db.find_minimum(e, x).unwrap().unwrap();
        assert_eq!(
            ids,
            StoredPath {
                ts: db
                    .find_transition_state(path.ts.energy, &path.ts.x)
                    .unwrap()
                    .unwrap(),
                min1: lookup(&path.minus.x, path.minus.energy),
                min2: lookup(&path.plus.x, path.plus.energy),
            }
        );
        let (m, t) = (
            db.count_minima().unwrap(),
            db.count_transition_states().unwrap(),
        );
        assert_eq!(db.insert_path(&mut loss, path).unwrap(), Some(ids));
        assert_eq!(
            (
                db.count_minima().unwrap(),
                db.count_transition_states().unwrap()
            ),
            (m, t)
        );
    }
    // The records of the stored minima are the ones from_minimum gives.
    let stored = db.minima().unwrap();
    let path = &found.paths[0];
    let p = StationaryPoint::from_minimum(&mut loss, &path.minus, db.tolerances()).unwrap();
    assert!(stored.iter().any(|m| m.point == p));
}

/// A "path" whose saddle is a minimum is refused, but its minima are kept; a loss of another
/// landscape is refused outright.
#[test]
fn wrong_points_and_wrong_losses_are_refused() {
    let (_dir, mut loss, db) = h2_db();
    let found = paths_from_zero(&loss, &db, 1);
    let mut fake = found.paths[0].clone();
    fake.ts.x = fake.minus.x.clone();
    assert_eq!(db.insert_path(&mut loss, &fake).unwrap(), None);
    assert!(db.count_minima().unwrap() >= 1);
    assert_eq!(db.count_transition_states().unwrap(), 0);

    let e = db
        .insert_path(&mut xor_loss(2, 1e-2), &found.paths[0])
        .unwrap_err();
    assert!(matches!(e, LandscapeError::Mismatch { .. }), "{e}");
    let m = &found.paths[0].minus;
    assert!(db
        .insert_verified_minimum(&mut xor_loss(3, 1e-3), m)
        .is_err());
    assert!(db.insert_verified_minimum(&mut loss, m).unwrap().is_some());
}

/// A connection result is stored edge by edge; an edge naming a minimum the result does not
/// hold is an error, not a panic.
#[test]
fn connect_results_are_stored_edge_by_edge() {
    let (_dir, mut loss, db) = h2_db();
    let found = paths_from_zero(&loss, &db, 1);
    let path = &found.paths[0];
    let edge = TsEdge {
        ts: path.ts.clone(),
        minus: 0,
        plus: 1,
        same_minimum: false,
    };
    let mut result = ConnectResult {
        minima: vec![path.minus.clone(), path.plus.clone()],
        transition_states: vec![edge.clone()],
        attempts: 1,
        connected: true,
        path_minima: vec![0, 1],
        path_ts: vec![0],
        stats: Default::default(),
    };
    let stored = db.insert_connect_result(&mut loss, &result).unwrap();
    assert_eq!(stored, vec![db.insert_path(&mut loss, path).unwrap()]);
    result.transition_states.push(TsEdge { plus: 7, ..edge });
    let e = db.insert_connect_result(&mut loss, &result).unwrap_err();
    assert!(e.to_string().contains("minimum 7 of 2"), "{e}");
}

/// Makes one setting invalid.
type Spoil = fn(&mut ExploreParams);

/// Bad nested settings are refused before anything runs, named by their field path.
#[test]
fn nested_settings_are_named_by_their_path() {
    let cases: Vec<(Spoil, &str)> = vec![
        (
            |p| p.basin_hopping.quench.max_step = 0.0,
            "basin_hopping.quench.max_step",
        ),
        (
            |p| p.basin_hopping.verify.newton.max_iterations = 0,
            "basin_hopping.verify.newton.max_iterations",
        ),
        (|p| p.basin_hopping.chains = 0, "basin_hopping.chains"),
        (
            |p| p.single_ended.verify.lbfgs.memory = 0,
            "single_ended.verify.lbfgs.memory",
        ),
        (
            |p| p.single_ended.verify.minimum.push = f64::NAN,
            "single_ended.verify.minimum.push",
        ),
        (
            |p| p.connect.verify.minimum.newton.max_step = -1.0,
            "connect.verify.minimum.newton.max_step",
        ),
        (|p| p.single_ended_modes = 0, "single_ended_modes"),
    ];
    for (spoil, field) in cases {
        let mut p = ExploreParams::default();
        spoil(&mut p);
        let e = p.validate().unwrap_err();
        assert!(
            e.to_string()
                .starts_with(&format!("invalid setting {field} = ")),
            "{field}: {e}"
        );
    }
    // Wrong-length starting points are found when the landscape is known: named as well.
    let (_dir, loss, db) = h2_db();
    let mut p = ExploreParams::default();
    p.basin_hopping.initial_points = vec![vec![0.0; 3]];
    let e = nnscape_landscape::explore(&db, &loss, &p, |_| {}).unwrap_err();
    assert!(
        e.to_string().contains("basin_hopping.initial_points"),
        "{e}"
    );
}
