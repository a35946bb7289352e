//! A small real N_h = 2 XOR landscape for the tests: minima quenched from fixed starts and the
//! transition states of single-ended searches from the lowest of them, all Hessian-verified.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use nnscape_landscape::{LandscapeDb, LandscapeIdentity, StationaryPoint, Tolerances};
use nnscape_model::{Dataset, Loss, Network};
use nnscape_ts::{
    minimise_to_minimum, single_ended_paths, NetworkAlignment, SingleEndedParams, VerifyParams,
};
use nnscape_ts::{NoSymmetry, System};

pub const LAMBDA: f64 = 1e-3;

/// Deterministic pseudo-random vector in [-scale, scale] (an LCG: no RNG dependency needed).
pub fn pseudo_random(n: usize, seed: u64, scale: f64) -> Vec<f64> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((s >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0) * scale
        })
        .collect()
}

/// The XOR loss with `n_hidden` hidden nodes at [`LAMBDA`].
pub fn loss(n_hidden: usize) -> Loss {
    loss_with(n_hidden, LAMBDA)
}

/// The XOR loss with `n_hidden` hidden nodes at `lambda`.
pub fn loss_with(n_hidden: usize, lambda: f64) -> Loss {
    Loss::new(Network::xor(n_hidden, lambda).unwrap(), Dataset::xor()).unwrap()
}

pub fn open(path: &Path, loss: &Loss) -> LandscapeDb {
    LandscapeDb::open_or_create(path, &LandscapeIdentity::of(loss), Tolerances::default()).unwrap()
}

/// Minima from `n_starts` quenches plus the verified paths of single-ended searches from the
/// lowest minimum. Returns the database.
pub fn build_h2(path: &Path, n_starts: u64) -> LandscapeDb {
    let mut loss = loss(2);
    let db = open(path, &loss);
    let vp = VerifyParams::default();
    let mut minima = Vec::new();
    for seed in 0..n_starts {
        let x0 = pseudo_random(12, seed, 3.0);
        if let Ok(m) = minimise_to_minimum(&mut System::new(&mut loss, NoSymmetry), &x0, &vp) {
            let p = StationaryPoint::evaluate(&mut loss, &m.x, &Tolerances::default()).unwrap();
            if p.hessian_index == 0 {
                db.insert_minimum(&p).unwrap();
                minima.push(m);
            }
        }
    }
    minima.sort_by(|a, b| a.energy.total_cmp(&b.energy));
    let align = NetworkAlignment::new(*loss.network());
    let params = SingleEndedParams::default();
    for m in minima.iter().take(2) {
        let res = single_ended_paths(&mut System::new(&mut loss, &align), &m.x, 6, &params);
        for path in res.paths {
            let ts =
                StationaryPoint::evaluate(&mut loss, &path.ts.x, &Tolerances::default()).unwrap();
            let a = StationaryPoint::evaluate(&mut loss, &path.minus.x, &Tolerances::default())
                .unwrap();
            let b =
                StationaryPoint::evaluate(&mut loss, &path.plus.x, &Tolerances::default()).unwrap();
            if ts.hessian_index != 1 || a.hessian_index != 0 || b.hessian_index != 0 {
                continue;
            }
            let (ia, _) = db.insert_minimum(&a).unwrap();
            let (ib, _) = db.insert_minimum(&b).unwrap();
            db.insert_transition_state(&ts, ia, ib).unwrap();
        }
    }
    db
}

/// One N_h = 2 database per test binary (built once, about 4 s in debug), opened afresh by
/// each test.
pub fn shared_h2() -> LandscapeDb {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h2.sqlite");
        build_h2(&path, 6);
        (dir, path)
    });
    LandscapeDb::open_existing(path).unwrap()
}

/// Weights (N_h = 2) that solve XOR with a wide margin: y_c - y_other ~ 5 at every point.
pub fn xor_solution() -> Vec<f64> {
    nnscape_model::known::xor_solution(5.0)
}
