//! Quench throughput on the XOR loss: L-BFGS from uniform random starts in [-2, 2] to RMS
//! gradient 1e-6 (GMIN SLOPPYCONV), Newton polish from there to 1e-10, and the full verified
//! step (quench, polish, Hessian check). Time per iteration = one quench; quenches per second
//! per core = 1 / time (divan runs single-threaded).

use std::cell::RefCell;

use nnscape_model::{Dataset, Loss, Network};
use nnscape_optim::Tolerances;
use nnscape_optim::{
    polish_minimum, verified_minimum, Lbfgs, LbfgsParams, MinimumParams, NewtonParams,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

fn main() {
    divan::main();
}

const LAMBDA: f64 = 1e-4;
const STARTS: usize = 512;

fn setup(n_hidden: usize) -> (Loss, Vec<Vec<f64>>) {
    let loss = Loss::new(Network::xor(n_hidden, LAMBDA).unwrap(), Dataset::xor()).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(1);
    let starts = (0..STARTS)
        .map(|_| {
            (0..loss.n_params())
                .map(|_| 2.0 * (2.0 * rng.random::<f64>() - 1.0))
                .collect()
        })
        .collect();
    (loss, starts)
}

#[divan::bench(args = [2, 3, 4], sample_count = 512)]
fn quench(bencher: divan::Bencher, n_hidden: usize) {
    let (loss, starts) = setup(n_hidden);
    let state = RefCell::new((loss, Lbfgs::new(LbfgsParams::default()).unwrap(), 0usize));
    bencher.bench_local(|| {
        let (loss, lbfgs, i) = &mut *state.borrow_mut();
        *i = (*i + 1) % STARTS;
        lbfgs.minimise(loss, &starts[*i])
    });
}

#[divan::bench(args = [2, 3, 4], sample_count = 512)]
fn polish(bencher: divan::Bencher, n_hidden: usize) {
    let (mut loss, starts) = setup(n_hidden);
    let mut lbfgs = Lbfgs::new(LbfgsParams::default()).unwrap();
    let quenched: Vec<Vec<f64>> = starts
        .iter()
        .map(|s| lbfgs.minimise(&mut loss, s).x)
        .collect();
    let newton = NewtonParams::default();
    let state = RefCell::new((loss, lbfgs, 0usize));
    bencher.bench_local(|| {
        let (loss, lbfgs, i) = &mut *state.borrow_mut();
        *i = (*i + 1) % STARTS;
        polish_minimum(loss, &quenched[*i], lbfgs, &newton).unwrap()
    });
}

#[divan::bench(args = [2, 3, 4], sample_count = 512)]
fn verified(bencher: divan::Bencher, n_hidden: usize) {
    let (loss, starts) = setup(n_hidden);
    let params = MinimumParams::default();
    let state = RefCell::new((loss, Lbfgs::new(LbfgsParams::default()).unwrap(), 0usize));
    bencher.bench_local(|| {
        let (loss, lbfgs, i) = &mut *state.borrow_mut();
        *i = (*i + 1) % STARTS;
        verified_minimum(loss, &starts[*i], lbfgs, &params, &Tolerances::default()).ok()
    });
}
