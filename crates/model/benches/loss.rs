//! Energy+gradient, Hessian and Hessian-vector product of the XOR loss at N_h = 2, 4, 8.
//! Run with `cargo bench -p nnscape-model`.

use divan::{black_box, Bencher};
use nnscape_model::{Dataset, Loss, Network};

fn main() {
    divan::main();
}

fn setup(n_hidden: usize) -> (Loss, Vec<f64>) {
    let net = Network::xor(n_hidden, 1e-4).unwrap();
    let loss = Loss::new(net, Dataset::xor()).unwrap();
    // A fixed, non-symmetric point with moderate weights.
    let w = (0..net.n_params())
        .map(|m| ((m as f64 * 0.7548776662).fract() - 0.5) * 3.0)
        .collect();
    (loss, w)
}

#[divan::bench(args = [2, 4, 8])]
fn energy_gradient(bencher: Bencher, n_hidden: usize) {
    let (mut loss, w) = setup(n_hidden);
    let mut g = vec![0.0; w.len()];
    bencher.bench_local(|| black_box(loss.energy_gradient(black_box(&w), &mut g)));
}

#[divan::bench(args = [2, 4, 8])]
fn energy(bencher: Bencher, n_hidden: usize) {
    let (mut loss, w) = setup(n_hidden);
    bencher.bench_local(|| black_box(loss.energy(black_box(&w))));
}

#[divan::bench(args = [2, 4, 8])]
fn hessian(bencher: Bencher, n_hidden: usize) {
    let (mut loss, w) = setup(n_hidden);
    let mut h = vec![0.0; w.len() * w.len()];
    bencher.bench_local(|| {
        loss.hessian_into(black_box(&w), &mut h);
        black_box(h[0])
    });
}

#[divan::bench(args = [2, 4, 8])]
fn hessian_vector(bencher: Bencher, n_hidden: usize) {
    let (mut loss, w) = setup(n_hidden);
    let v: Vec<f64> = (0..w.len()).map(|m| (m as f64).sin()).collect();
    let mut out = vec![0.0; w.len()];
    bencher.bench_local(|| {
        loss.hessian_vector(black_box(&w), &v, &mut out);
        black_box(out[0])
    });
}
