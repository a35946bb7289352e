//! Inserts into a landscape database that already holds 100,000 minima: new points (an energy
//! index lookup, a symmetry-aware comparison with the few stored points in the energy window,
//! one committed transaction) and duplicates (lookup only). `cargo bench -p nnscape-landscape`.

use std::cell::Cell;

use divan::Bencher;
use nnscape_landscape::{LandscapeDb, LandscapeIdentity, StationaryPoint, Tolerances};
use nnscape_model::{Dataset, Loss, Network};

fn main() {
    divan::main();
}

const STORED: usize = 100_000;

/// A deterministic pseudo-random minimum of the N_h = 4 XOR landscape (22 parameters).
fn point(i: u64) -> StationaryPoint {
    let mut s = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    StationaryPoint {
        energy: next(),
        params: (0..22).map(|_| 4.0 * next() - 2.0).collect(),
        rms_gradient: 1e-11,
        hessian_index: 0,
        eigenvalues: vec![1e-3; 6],
        fvib: -10.0,
        pgorder: 1,
        n_correct: 4,
    }
}

fn filled() -> (tempfile::TempDir, LandscapeDb) {
    let dir = tempfile::tempdir().unwrap();
    let loss = Loss::new(Network::xor(4, 1e-4).unwrap(), Dataset::xor()).unwrap();
    let db = LandscapeDb::open_or_create(
        dir.path().join("bench.sqlite"),
        &LandscapeIdentity::of(&loss),
        Tolerances::default(),
    )
    .unwrap();
    for i in 0..STORED as u64 {
        db.insert_minimum(&point(i)).unwrap();
    }
    (dir, db)
}

#[divan::bench(sample_count = 20, sample_size = 100)]
fn insert_new_into_100k(bencher: Bencher) {
    let (_dir, db) = filled();
    let next = Cell::new(STORED as u64);
    bencher.bench_local(|| {
        let i = next.get();
        next.set(i + 1);
        assert!(db.insert_minimum(&point(i)).unwrap().1);
    });
}

#[divan::bench(sample_count = 20, sample_size = 100)]
fn insert_duplicate_into_100k(bencher: Bencher) {
    let (_dir, db) = filled();
    let next = Cell::new(0u64);
    bencher.bench_local(|| {
        let i = next.get();
        next.set((i + 7919) % STORED as u64);
        assert!(!db.insert_minimum(&point(i)).unwrap().1);
    });
}
