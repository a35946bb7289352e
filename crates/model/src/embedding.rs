//! Embedding smaller networks in larger ones.
//!
//! A hidden node whose in-weights, bias and out-weights are all zero contributes nothing to the
//! outputs (tanh(0) = 0) and nothing to the regulariser, and the loss is stationary with respect
//! to its weights: `dE/dw_o[i][j] = r_i h_j = 0` and `dE/dw_h[j][k] = h'_j sum_i r_i w_o[i][j] x_k = 0`.
//! So every stationary point of an N_h network stays stationary, at the same energy, in the
//! N_h + 1 network when the extra node is all zero (its Hessian index may change; see the
//! analysis crate).

use crate::error::ModelError;
use crate::network::Network;

/// Maps a parameter vector of `net` to the network with one more hidden node, inserting an
/// all-zero node at `position` (0..=N_h).
pub fn embed(net: &Network, w: &[f64], position: usize) -> Result<(Network, Vec<f64>), ModelError> {
    net.check_params(w)?;
    let nh = net.n_hidden();
    if position > nh {
        return Err(ModelError::Node {
            node: position,
            message: format!("insertion position must be in 0..={nh}"),
        });
    }
    let big = net.with_hidden(nh + 1)?;
    let mut out = vec![0.0; big.n_params()];
    let new_index = |j: usize| if j < position { j } else { j + 1 };
    for j in 0..nh {
        let jn = new_index(j);
        for k in 0..net.n_in() {
            out[big.idx_w_hidden(jn, k)] = w[net.idx_w_hidden(j, k)];
        }
        for i in 0..net.n_out() {
            out[big.idx_w_out(i, jn)] = w[net.idx_w_out(i, j)];
        }
        out[big.idx_b_hidden(jn)] = w[net.idx_b_hidden(j)];
    }
    for i in 0..net.n_out() {
        out[big.idx_b_out(i)] = w[net.idx_b_out(i)];
    }
    Ok((big, out))
}

/// Hidden nodes whose in-weights, bias and out-weights are all within `tol` of zero.
pub fn zero_nodes(net: &Network, w: &[f64], tol: f64) -> Vec<usize> {
    (0..net.n_hidden())
        .filter(|&j| {
            (0..net.n_in()).all(|k| w[net.idx_w_hidden(j, k)].abs() <= tol)
                && (0..net.n_out()).all(|i| w[net.idx_w_out(i, j)].abs() <= tol)
                && w[net.idx_b_hidden(j)].abs() <= tol
        })
        .collect()
}

/// The inverse of [`embed`]: removes hidden node `position`, which must be all zero (within
/// `tol`), giving the parameter vector of the network with one node fewer.
pub fn remove_node(
    net: &Network,
    w: &[f64],
    position: usize,
    tol: f64,
) -> Result<(Network, Vec<f64>), ModelError> {
    net.check_params(w)?;
    let nh = net.n_hidden();
    if position >= nh {
        return Err(ModelError::Node {
            node: position,
            message: format!("no such node in a network with N_h = {nh}"),
        });
    }
    if nh < 2 {
        return Err(ModelError::Node {
            node: position,
            message: "cannot remove the only hidden node".into(),
        });
    }
    if !zero_nodes(net, w, tol).contains(&position) {
        return Err(ModelError::Node {
            node: position,
            message: format!("its weights are not all zero (tolerance {tol})"),
        });
    }
    let small = net.with_hidden(nh - 1)?;
    let mut out = vec![0.0; small.n_params()];
    for j in (0..nh).filter(|&j| j != position) {
        let js = if j < position { j } else { j - 1 };
        for k in 0..net.n_in() {
            out[small.idx_w_hidden(js, k)] = w[net.idx_w_hidden(j, k)];
        }
        for i in 0..net.n_out() {
            out[small.idx_w_out(i, js)] = w[net.idx_w_out(i, j)];
        }
        out[small.idx_b_hidden(js)] = w[net.idx_b_hidden(j)];
    }
    for i in 0..net.n_out() {
        out[small.idx_b_out(i)] = w[net.idx_b_out(i)];
    }
    Ok((small, out))
}
