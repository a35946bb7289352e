// Shared helpers for the model tests (included with `mod common;`).
#![allow(dead_code)]

use nnscape_model::{Dataset, Loss, Network, NetworkSpec};
use proptest::prelude::*;

/// A random data set with `n_data` points in [-1, 1]^n_in, labels cycling through all classes.
pub fn dataset(n_in: usize, n_out: usize, inputs: Vec<f64>) -> Dataset {
    let n_data = inputs.len() / n_in;
    let labels = (0..n_data).map(|d| d % n_out).collect();
    Dataset::new("random", n_in, inputs, labels).unwrap()
}

/// Weights: mostly moderate, some large (5..10 in magnitude) where tanh saturates.
pub fn weight() -> impl Strategy<Value = f64> {
    prop_oneof![
        3 => -2.0..2.0f64,
        1 => (5.0..10.0f64, any::<bool>()).prop_map(|(v, s)| if s { v } else { -v }),
    ]
}

/// (loss, parameters) for N_h 1..=6, N_in 1..=4, N_out 2..=4, lambda in {0, 1e-5, 1e-2}, with and
/// without bias regularisation.
pub fn loss_and_params() -> impl Strategy<Value = (Loss, Vec<f64>)> {
    (
        1usize..=6,
        1usize..=4,
        2usize..=4,
        0usize..3,
        any::<bool>(),
        0usize..4,
    )
        .prop_flat_map(|(nh, nin, nout, li, regb, extra)| {
            let lambda = [0.0, 1e-5, 1e-2][li];
            let net = Network::new(NetworkSpec {
                n_in: nin,
                n_hidden: nh,
                n_out: nout,
                lambda,
            })
            .unwrap()
            .with_bias_regularisation(regb);
            let n_data = nout + extra;
            (
                proptest::collection::vec(-1.0..1.0f64, n_data * nin),
                proptest::collection::vec(weight(), net.n_params()),
            )
                .prop_map(move |(x, w)| (Loss::new(net, dataset(nin, nout, x)).unwrap(), w))
        })
}

pub fn xor_loss(n_hidden: usize, lambda: f64) -> Loss {
    Loss::xor(n_hidden, lambda).unwrap()
}
