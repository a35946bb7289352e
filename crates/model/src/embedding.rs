//! Embedding smaller networks in larger ones.
//!
//! A hidden node whose in-weights, bias and out-weights are all zero contributes nothing to the
//! outputs (tanh(0) = 0) and nothing to the regulariser, and the loss is stationary with respect
//! to its weights: `dE/dw_o[i][j] = r_i h_j = 0` and `dE/dw_h[j][k] = h'_j sum_i r_i w_o[i][j] x_k = 0`.
//! So every stationary point of an N_h network stays stationary, at the same energy, in the
//! N_h + 1 network when the extra node is all zero (its Hessian index may change; see the
//! analysis crate).

use std::cmp::Ordering;

use crate::error::ModelError;
use crate::network::Network;
use crate::symmetry::node_indices;

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
    let out = move_nodes(net, w, &big, |j| Some(if j < position { j } else { j + 1 }));
    Ok((big, out))
}

/// Maps a parameter vector of `net` to the network with one more hidden node by splitting
/// node `node` in two equal halves: [`split_node_into`] with two copies.
///
/// ```
/// use nnscape_model::{embedding::split_node, Network, NetworkSpec};
///
/// let spec = NetworkSpec { n_in: 2, n_hidden: 1, n_out: 2, lambda: 1e-3 };
/// let net = Network::new(spec).unwrap();
/// // w_h = [1, 2], w_o = [4, -4], b_h = [3], b_o = [0.5, -0.5]
/// let w = [1.0, 2.0, 4.0, -4.0, 3.0, 0.5, -0.5];
/// let (big, split) = split_node(&net, &w, 0).unwrap();
/// assert_eq!(big.n_hidden(), 2);
/// // w_h = [1, 2, 1, 2], w_o = [2, 2, -2, -2], b_h = [3, 3], b_o unchanged
/// assert_eq!(split, vec![1.0, 2.0, 1.0, 2.0, 2.0, 2.0, -2.0, -2.0, 3.0, 3.0, 0.5, -0.5]);
/// ```
pub fn split_node(
    net: &Network,
    w: &[f64],
    node: usize,
) -> Result<(Network, Vec<f64>), ModelError> {
    split_node_into(net, w, node, 2)
}

/// Maps a parameter vector of `net` to the network with `copies - 1` more hidden nodes by
/// splitting node `node` into `copies` equal parts: the new copies are appended last and every
/// copy carries `1 / copies` of its out-weights, so the outputs (and the data term) are
/// unchanged.
///
/// Why: the copies compute the same function, so the point lies in the fixed-point subspace of
/// their permutations, which gradient and Newton steps never leave. On that subspace the loss is
/// a smaller network's with the split node's in-weights regularised `copies` times, so the
/// smaller network's stationary points reappear there, next to the split point: often saddles
/// of the larger network whose only descent modes move the copies apart, and minima whose
/// splitting curvatures are a small fraction of lambda; random starts almost never reach them
/// (Fukumizu and Amari, Neural Networks 13, 317 (2000)). With `lambda > 0` the split point itself
/// is not stationary (the divided out-weights pay less regulariser), so it is a start for a
/// Newton polish, not a stationary point. Equal parts matter for more than two copies: a node
/// with three copies is not reached by halving one copy of a pair (the unequal out-weights break
/// the permutation symmetry the polish relies on).
///
/// ```
/// use nnscape_model::{embedding::split_node_into, Network, NetworkSpec};
///
/// let spec = NetworkSpec { n_in: 2, n_hidden: 1, n_out: 2, lambda: 1e-3 };
/// let net = Network::new(spec).unwrap();
/// let w = [1.0, 2.0, 3.0, -3.0, 3.0, 0.5, -0.5];
/// let (big, split) = split_node_into(&net, &w, 0, 3).unwrap();
/// assert_eq!(big.n_hidden(), 3);
/// // w_h = [1, 2] three times, w_o = [1, 1, 1, -1, -1, -1], b_h = [3, 3, 3]
/// assert_eq!(
///     split,
///     vec![1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 1.0, 1.0, -1.0, -1.0, -1.0, 3.0, 3.0, 3.0, 0.5, -0.5]
/// );
/// ```
pub fn split_node_into(
    net: &Network,
    w: &[f64],
    node: usize,
    copies: usize,
) -> Result<(Network, Vec<f64>), ModelError> {
    let nh = net.n_hidden();
    if node >= nh {
        return Err(ModelError::Node {
            node,
            message: format!("no such node in a network with N_h = {nh}"),
        });
    }
    if copies < 2 {
        return Err(ModelError::Node {
            node,
            message: format!("a node is split into at least 2 copies, not {copies}"),
        });
    }
    let (mut big, mut out) = embed(net, w, nh)?;
    for _ in 2..copies {
        let n = big.n_hidden();
        (big, out) = embed(&big, &out, n)?;
    }
    let share = 1.0 / copies as f64;
    for copy in nh..nh + copies - 1 {
        for (dst, src) in node_indices(&big, copy).zip(node_indices(net, node)) {
            out[dst] = w[src];
        }
    }
    for copy in std::iter::once(node).chain(nh..nh + copies - 1) {
        for i in 0..big.n_out() {
            out[big.idx_w_out(i, copy)] *= share;
        }
    }
    Ok((big, out))
}

/// Hidden nodes whose in-weights, bias and out-weights are all within `tol` of zero.
pub fn zero_nodes(net: &Network, w: &[f64], tol: f64) -> Vec<usize> {
    (0..net.n_hidden())
        .filter(|&j| node_indices(net, j).all(|m| w[m].abs() <= tol))
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
    let out = move_nodes(net, w, &small, |j| match j.cmp(&position) {
        Ordering::Less => Some(j),
        Ordering::Equal => None,
        Ordering::Greater => Some(j - 1),
    });
    Ok((small, out))
}

/// The parameter vector of `to` (same N_in and N_out as `from`, any N_h) holding `w`'s hidden
/// node j as node `new_index(j)` (dropped when `None`) and `w`'s output biases; every other
/// entry is zero. The one node copy behind [`embed`] and [`remove_node`].
fn move_nodes(
    from: &Network,
    w: &[f64],
    to: &Network,
    new_index: impl Fn(usize) -> Option<usize>,
) -> Vec<f64> {
    let mut out = vec![0.0; to.n_params()];
    for j in 0..from.n_hidden() {
        if let Some(jn) = new_index(j) {
            for (dst, src) in node_indices(to, jn).zip(node_indices(from, j)) {
                out[dst] = w[src];
            }
        }
    }
    for i in 0..from.n_out() {
        out[to.idx_b_out(i)] = w[from.idx_b_out(i)];
    }
    out
}
