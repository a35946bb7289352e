//! Storing nnscape-ts results in one call, and the checks of the exploration settings.

use nnscape_landscape::{ExploreParams, LandscapeDb, LandscapeError, StationaryPoint, StoredPath};
use nnscape_model::Loss;
use nnscape_optim::System;
use nnscape_ts::{
    connect, single_ended_paths, ConnectParams, NetworkAlignment, SingleEndedParams,
    SingleEndedResult, TsEdge,
};

mod common;
use common::{h2_db, new_db, xor_loss};

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
    // lambda = 1e-2: at 1e-3 the connections between the two sides of these saddles find none.
    let dir = tempfile::tempdir().unwrap();
    let mut loss = xor_loss(2, 1e-2);
    let db = new_db(&dir, "h2.sqlite", &loss);
    let mut system = System::new(loss.clone(), NetworkAlignment::new(*loss.network()))
        .with_tolerances(*db.tolerances());
    // A connection run between the two sides of a saddle next to W = 0 that finds a saddle.
    let mut result = paths_from_zero(&loss, &db, 1)
        .paths
        .iter()
        .map(|p| {
            connect(
                &mut system,
                &p.minus.x,
                &p.plus.x,
                &ConnectParams::default(),
            )
            .unwrap()
        })
        .find(|r| !r.transition_states.is_empty())
        .expect("one of the connections finds a transition state");
    let stored = db.insert_connect_result(&mut loss, &result).unwrap();
    assert_eq!(stored.len(), result.transition_states.len());
    for (edge, ids) in result.transition_states.iter().zip(&stored) {
        let ids = ids.expect("found with the database's rules");
        let ts = &edge.ts;
        assert_eq!(
            db.find_transition_state(ts.energy, &ts.x).unwrap(),
            Some(ids.ts)
        );
        let minus = &result.minima[edge.minus];
        assert_eq!(
            db.find_minimum(minus.energy, &minus.x).unwrap(),
            Some(ids.min1)
        );
    }
    // An edge naming a minimum the result does not hold.
    let bad = TsEdge {
        plus: 7,
        ..result.transition_states[0].clone()
    };
    let n = result.minima.len();
    result.transition_states.push(bad);
    let e = db.insert_connect_result(&mut loss, &result).unwrap_err();
    assert!(e.to_string().contains(&format!("minimum 7 of {n}")), "{e}");
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

/// Every stored point comes with its images under the data's input symmetries (XOR: the
/// x1 <-> x2 swap), each transition state joined to the images of its minima: which of a pair
/// a search reaches must not change the map.
#[test]
fn images_under_the_data_symmetries_are_stored() {
    let (_dir, mut loss, db) = h2_db();
    let net = *loss.network();
    let found = paths_from_zero(&loss, &db, 2);
    assert!(!found.paths.is_empty());
    for path in &found.paths {
        db.insert_path(&mut loss, path).unwrap().unwrap();
    }
    let swap = |x: &[f64]| nnscape_model::symmetry::permute_inputs(&net, x, &[1, 0]);
    let minima = db.minima().unwrap();
    for t in db.transition_states().unwrap() {
        let image = swap(&t.point.params);
        let id = db
            .find_transition_state(t.point.energy, &image)
            .unwrap()
            .expect("the image of every transition state is stored");
        let image_ts = db
            .transition_states()
            .unwrap()
            .into_iter()
            .find(|s| s.id == id)
            .unwrap();
        // Its minima are the images of this one's minima.
        let image_of = |m: i64| {
            let p = &minima.iter().find(|x| x.id == m).unwrap().point;
            db.find_minimum(p.energy, &swap(&p.params))
                .unwrap()
                .unwrap()
        };
        let mut expected = [image_of(t.min1), image_of(t.min2)];
        let mut got = [image_ts.min1, image_ts.min2];
        expected.sort();
        got.sort();
        assert_eq!(expected, got);
    }
    for m in &minima {
        assert!(db
            .find_minimum(m.point.energy, &swap(&m.point.params))
            .unwrap()
            .is_some());
    }
}
