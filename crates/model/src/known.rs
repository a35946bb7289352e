//! Points of the XOR landscape known in closed form, for tests, examples and documentation.
//!
//! Hidden node 1 computes OR and node 2 AND of the two inputs (tanh saturates at +-1 with input
//! weights 10), and the outputs read `y_1 - y_0 = margin (h_1 - h_2 - 1)`:
//!
//! ```text
//! x       OR  AND   y_1 - y_0    class
//! (0,0)   -1  -1    -margin      0
//! (0,1)   +1  -1    +margin      1
//! (1,0)   +1  -1    +margin      1
//! (1,1)   +1  +1    -margin      0
//! ```
//!
//! (up to tanh saturation, `1 - tanh(5) ~ 9e-5`), so every point is classified correctly with
//! `p_c ~ 1 / (1 + e^-margin)`.

use crate::network::Network;

/// Hand-set parameters of the N_h = 2 XOR network ([`Network::xor`]`(2, lambda)`, any lambda:
/// the layout does not depend on it) that solve XOR with the given output margin:
/// `h_1 = tanh(10 (x_1 + x_2) - 5)` (OR), `h_2 = tanh(10 (x_1 + x_2) - 15)` (AND), output
/// weights and biases `+-margin/2`. Not a stationary point of the loss: a point whose
/// predictions are known.
///
/// ```
/// use nnscape_model::{known, Dataset, Loss, Network};
///
/// let mut loss = Loss::new(Network::xor(2, 0.0).unwrap(), Dataset::xor()).unwrap();
/// assert_eq!(loss.n_correct(&known::xor_solution(4.0)), 4);
/// ```
pub fn xor_solution(margin: f64) -> Vec<f64> {
    let net = Network::xor(2, 0.0).expect("N_h = 2, lambda = 0 is a valid network");
    let half = margin / 2.0;
    let mut w = vec![0.0; net.n_params()];
    for k in 0..2 {
        w[net.idx_w_hidden(0, k)] = 10.0;
        w[net.idx_w_hidden(1, k)] = 10.0;
    }
    w[net.idx_b_hidden(0)] = -5.0;
    w[net.idx_b_hidden(1)] = -15.0;
    w[net.idx_w_out(1, 0)] = half;
    w[net.idx_w_out(0, 0)] = -half;
    w[net.idx_w_out(1, 1)] = -half;
    w[net.idx_w_out(0, 1)] = half;
    w[net.idx_b_out(1)] = -half;
    w[net.idx_b_out(0)] = half;
    w
}
