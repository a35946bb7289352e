//! Training throughput on the XOR loss: one run of 2,000 epochs from a Glorot start (per
//! optimiser, single-threaded), and 1,000 full-batch Adam runs of 2,000 epochs at N_h = 4 in
//! parallel on every core (`train_runs`, as `nnscape train` and `cargo xtask reproduce` run
//! them). Target (issue 13): 10,000 such runs in under a minute on 2 cores, i.e. the parallel
//! bench under 6 s.

use std::cell::RefCell;

use nnscape_model::Loss;
use nnscape_optim::train::{start_of, train_runs, Optimiser, TrainParams, Trainer};
use rand::SeedableRng;

fn main() {
    divan::main();
}

fn params(optimiser: Optimiser) -> TrainParams {
    // No early stop: every run costs the full budget, the worst case.
    TrainParams {
        optimiser,
        epochs: 2000,
        gradient_tolerance: 0.0,
        ..TrainParams::default()
    }
}

#[divan::bench(args = ["gd", "sgd", "adam"], sample_count = 50)]
fn one_run_h4(bencher: divan::Bencher, optimiser: &str) {
    let loss = Loss::xor(4, 1e-4).unwrap();
    let p = params(Optimiser::from_name(optimiser).unwrap());
    let state = RefCell::new((loss.clone(), Trainer::new(), 0usize));
    bencher.bench_local(|| {
        let (loss, trainer, run) = &mut *state.borrow_mut();
        *run += 1;
        let mut x = start_of(loss, &p, *run);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(*run as u64);
        trainer.train(loss, &mut x, &p, &mut rng)
    });
}

#[divan::bench(sample_count = 3)]
fn adam_1000_runs_h4_all_cores(bencher: divan::Bencher) {
    let loss = Loss::xor(4, 1e-4).unwrap();
    let p = params(Optimiser::adam());
    bencher.bench(|| train_runs(&loss, &p, 0..1000).unwrap());
}
