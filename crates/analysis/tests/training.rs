//! Training runs matched to a map: the one minimum of a simple landscape, minima the map lacks
//! (stored, and reported the same on a rerun), thread-count independence and the statistics.

mod common;

use std::path::Path;

use nnscape_analysis::training::stats::{landing_groups, Proportion};
use nnscape_analysis::training::{land_runs, Landing, LandingParams, Outcome};
use nnscape_landscape::{LandscapeDb, SearchMethod, StationaryPoint, Tolerances};
use nnscape_model::Dataset;
use nnscape_optim::train::{Init, Optimiser, TrainParams};

fn params(optimiser: Optimiser, epochs: usize) -> TrainParams {
    TrainParams {
        optimiser,
        init: Init::GlorotUniform,
        epochs,
        seed: 11,
        ..TrainParams::default()
    }
}

/// A database of N_h = 2 at `lambda` holding only the minimum W = 0.
fn only_origin(path: &Path, lambda: f64) -> LandscapeDb {
    let mut loss = common::loss_with(2, lambda);
    let db = common::open(path, &loss);
    let zero = StationaryPoint::evaluate(&mut loss, &[0.0; 12], db.tolerances()).unwrap();
    assert_eq!(zero.hessian_index, 0);
    db.insert_minimum(&zero).unwrap();
    db
}

#[test]
fn every_run_lands_in_the_only_minimum() {
    // lambda = 0.1: W = 0 is the one minimum of the N_h = 2 landscape (counts.csv: 1 / 0).
    let dir = tempfile::tempdir().unwrap();
    let db = only_origin(&dir.path().join("h2.sqlite"), 0.1);
    for optimiser in Optimiser::all() {
        let p = params(optimiser, 2000);
        let runs = land_runs(&db, &Dataset::xor(), &p, 0..6, &LandingParams::default()).unwrap();
        assert_eq!(runs.len(), 6);
        for r in &runs {
            assert_eq!(r.outcome, Outcome::Minimum, "{r:?}");
            assert_eq!(r.minimum_id, Some(1));
            // Next to W = 0, where every p = 1/2: the loss is about ln 2, and the trained
            // network (not the minimum, which ties every point) is nearly linear there, so it
            // cannot classify all four XOR points.
            assert!(
                (r.final_loss - std::f64::consts::LN_2).abs() < 0.05,
                "{r:?}"
            );
            assert!(r.n_correct < 4, "{r:?}");
            if optimiser == Optimiser::gradient_descent() {
                // Early stopping at RMS gradient 1e-4 on a bowl of curvature >= 2 lambda.
                assert!(r.epochs < 2000 && r.distance.unwrap() < 0.01, "{r:?}");
            }
        }
    }
    assert_eq!(db.count_minima().unwrap(), 1);
}

/// The landings as CSV records (bit-exact floats), to compare runs.
fn records(l: &[Landing]) -> Vec<Vec<String>> {
    l.iter().map(Landing::csv_record).collect()
}

#[test]
fn minima_the_map_lacks_are_stored_and_stay_unmatched() {
    let dir = tempfile::tempdir().unwrap();
    let db = only_origin(&dir.path().join("h2.sqlite"), common::LAMBDA);
    let p = params(Optimiser::adam(), 400);
    let data = Dataset::xor();
    let first = land_runs(&db, &data, &p, 0..16, &LandingParams::default()).unwrap();
    let unmatched: Vec<&Landing> = first
        .iter()
        .filter(|l| l.outcome == Outcome::Unmatched)
        .collect();
    assert!(
        !unmatched.is_empty(),
        "W = 0 alone cannot hold every landing"
    );
    let added = db.logged_minima(SearchMethod::Training).unwrap();
    let n_minima = db.count_minima().unwrap();
    // Every minimum but W = 0 came from training (with its x1 <-> x2 images).
    assert_eq!(added.len(), n_minima - 1);
    for l in &unmatched {
        assert!(added.contains(&l.minimum_id.unwrap()));
    }
    for l in &first {
        assert!(
            matches!(l.outcome, Outcome::Minimum | Outcome::Unmatched),
            "{l:?}"
        );
        assert!(l.distance.unwrap() >= 0.0);
    }
    // A rerun finds them stored and reports the same: nothing new, same outcomes.
    let second = land_runs(&db, &data, &p, 0..16, &LandingParams::default()).unwrap();
    assert_eq!(records(&first), records(&second));
    assert_eq!(db.count_minima().unwrap(), n_minima);
}

#[test]
fn landings_do_not_depend_on_the_thread_count() {
    let shared = common::shared_h2();
    let dir = tempfile::tempdir().unwrap();
    let copy = |name: &str| {
        let path = dir.path().join(name);
        std::fs::copy(shared.path(), &path).unwrap();
        common::open(&path, &common::loss(2))
    };
    let (a, b) = (copy("a.sqlite"), copy("b.sqlite"));
    let data = Dataset::xor();
    let pool = |t| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .build()
            .unwrap()
    };
    let mut all = Vec::new();
    for optimiser in Optimiser::all() {
        let p = params(optimiser, 300);
        let lp = LandingParams::default();
        let one = pool(1).install(|| land_runs(&a, &data, &p, 0..10, &lp).unwrap());
        let two = pool(2).install(|| land_runs(&b, &data, &p, 0..10, &lp).unwrap());
        assert_eq!(records(&one), records(&two));
        all.extend(one);
    }
    let stored = |db: &LandscapeDb| -> Vec<(i64, Vec<f64>)> {
        db.minima()
            .unwrap()
            .into_iter()
            .map(|m| (m.id, m.point.params))
            .collect()
    };
    assert_eq!(stored(&a), stored(&b));

    // The statistics: per optimiser and initialisation, then per optimiser over every one.
    let minima = a.minima().unwrap();
    let groups = landing_groups(&all, &minima, 4);
    let names: Vec<(&str, &str)> = groups
        .iter()
        .map(|g| (g.optimiser.as_str(), g.init.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("gd", "glorot"),
            ("sgd", "glorot"),
            ("adam", "glorot"),
            ("gd", "all"),
            ("sgd", "all"),
            ("adam", "all")
        ]
    );
    for g in &groups {
        assert_eq!(g.runs, 10);
        let landed: usize = g.minima.iter().map(|m| m.landing.hits).sum();
        let elsewhere: usize = g
            .outcomes
            .iter()
            .filter(|(o, _)| !matches!(o, Outcome::Minimum | Outcome::Unmatched))
            .map(|(_, n)| n)
            .sum();
        assert_eq!(landed + elsewhere, 10);
        assert_eq!(g.minima.len(), minima.len());
        assert!(g.minima.windows(2).all(|w| w[0].energy <= w[1].energy));
        // The global minimum is the lowest of the map.
        assert_eq!(g.global_minimum.hits, g.minima[0].landing.hits);
        assert!(g.all_correct.hits <= landed);
        let Proportion { p, lo, hi, .. } = g.global_minimum;
        assert!(lo <= p && p <= hi);
    }
    let _ = Tolerances::default();
}
