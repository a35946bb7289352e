//! Helpers shared by the landscape crate's integration tests.

#![allow(dead_code)] // each test file uses its own subset

use nnscape_landscape::{LandscapeDb, LandscapeIdentity, StationaryPoint, Tolerances};
use nnscape_model::Loss;
use nnscape_optim::{polish_minimum, Lbfgs, LbfgsParams, NewtonParams};

/// The XOR loss of a network with `n_hidden` hidden nodes.
pub fn xor_loss(n_hidden: usize, lambda: f64) -> Loss {
    Loss::xor(n_hidden, lambda).unwrap()
}

/// A new database `name` in `dir` for `loss`'s landscape, default tolerances.
pub fn new_db(dir: &tempfile::TempDir, name: &str, loss: &Loss) -> LandscapeDb {
    LandscapeDb::open_or_create(
        dir.path().join(name),
        &LandscapeIdentity::of(loss),
        Tolerances::default(),
    )
    .unwrap()
}

/// A fresh N_h = 2, lambda = 1e-3 landscape: its directory (keep it alive), loss and database.
pub fn h2_db() -> (tempfile::TempDir, Loss, LandscapeDb) {
    let dir = tempfile::tempdir().unwrap();
    let loss = xor_loss(2, 1e-3);
    let db = new_db(&dir, "l.sqlite", &loss);
    (dir, loss, db)
}

/// A polished minimum of the N_h = 2, lambda = 1e-3 landscape from a fixed start.
pub fn a_minimum(loss: &mut Loss) -> StationaryPoint {
    minimum_from(
        loss,
        &[
            1.3, -0.7, 0.4, 1.1, -0.9, 0.8, 0.6, -1.2, 0.3, -0.2, 0.1, -0.1,
        ],
    )
}

/// The polished minimum an L-BFGS quench from `start` reaches.
pub fn minimum_from(loss: &mut Loss, start: &[f64]) -> StationaryPoint {
    let mut lbfgs = Lbfgs::new(LbfgsParams::default()).unwrap();
    let q = lbfgs.minimise(loss, start);
    let p = polish_minimum(loss, &q.x, &mut lbfgs, &NewtonParams::default()).unwrap();
    let point = StationaryPoint::evaluate(loss, &p.x, &Tolerances::default()).unwrap();
    assert_eq!(point.hessian_index, 0, "{:?}", point.eigenvalues);
    assert!(point.rms_gradient <= 1e-10);
    point
}

/// A rayon pool of `threads` workers (results must not depend on it).
pub fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
}

/// `explore` with `params` on a pool of `threads` workers.
pub fn run_with(
    db: &LandscapeDb,
    loss: &Loss,
    threads: usize,
    params: &nnscape_landscape::ExploreParams,
) -> nnscape_landscape::ExploreReport {
    pool(threads)
        .install(|| nnscape_landscape::explore(db, loss, params, |_| {}))
        .unwrap()
}

/// `explore` with the default settings on a pool of `threads` workers.
pub fn run(db: &LandscapeDb, loss: &Loss, threads: usize) -> nnscape_landscape::ExploreReport {
    run_with(
        db,
        loss,
        threads,
        &nnscape_landscape::ExploreParams::default(),
    )
}
