//! Compression: the smallest network that computes the same loss on the data, the inverse of
//! the embedding N_h -> N_h + 1 ([`crate::embedding`]).
//!
//! Three reductions leave the outputs on the data unchanged (Reference: "Compression and
//! dropout"):
//!
//! - **dead node**: its output weights are equal across the outputs (zero, at a stationary
//!   point with lambda > 0), so it shifts every logit by the same amount and softmax ignores it:
//!   removed;
//! - **constant node**: its activation takes the same value `c` on every data point (zero
//!   in-weights, or saturated): folded into the output biases, `b_o[i] += w_o[i][j] c`;
//! - **merged nodes**: two nodes with equal (or sign-flipped) in-weights and bias compute the
//!   same (or the opposite) function, `h_k = s h_j`: node k is removed and node j's output
//!   weights become `w_o[., j] + s w_o[., k]`.
//!
//! They are applied one at a time, dead nodes first, then merges, then constant nodes, until
//! none applies; each is kept only when the data term (mean cross-entropy) of the reduced
//! network stays within [`CompressParams::loss_tolerance`] of the original's. The L2 term
//! changes (a merged node's in-weights are paid once instead of twice), so the reduced point
//! is a point of the smaller landscape near, not at, one of its stationary points: quench it
//! there to name the minimum (the analysis crate does).
//!
//! ```
//! use nnscape_model::compress::{compress, CompressParams};
//! use nnscape_model::{embedding::embed, known, Loss};
//!
//! // The hand-set N_h = 2 XOR solution with an all-zero third node: really a 2-node network.
//! let loss2 = Loss::xor(2, 1e-3).unwrap();
//! let w2 = known::xor_solution(4.0);
//! let (net3, w3) = embed(loss2.network(), &w2, 1).unwrap();
//! let loss3 = Loss::new(net3, loss2.dataset().clone()).unwrap();
//! let c = compress(&loss3, &w3, &CompressParams::default()).unwrap();
//! assert_eq!(c.effective_hidden_nodes, 2);
//! assert_eq!(c.params, w2);
//! ```

use crate::error::ModelError;
use crate::loss::Loss;
use crate::network::Network;

/// Settings of [`compress`]; each field's doc gives its default and its source.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CompressParams {
    /// Two nodes merge when their in-weights and biases differ (after the better sign) by at
    /// most this times `max(1, largest |entry|)`; a node is dead when its output weights differ
    /// across the outputs by at most this. Default 1e-6: the database's `PGORDER_TOLERANCE`
    /// for the same question (are two node vectors equal?) on points polished to RMS gradient
    /// 1e-10, where copies agree to about 1e-9.
    pub weight_tolerance: f64,
    /// A node is constant on the data when its activations differ by at most this over the
    /// data points. Default 1e-6, as `weight_tolerance` (tanh within 1e-6 of +-1 needs
    /// |a| >= 7.6 at every point).
    pub activation_tolerance: f64,
    /// A reduction is kept only when the data term of the reduced network differs from the
    /// original's by at most this times `max(1, data term)`. Default 1e-7: the landscape
    /// databases' energy tolerance for "the same point" (`Tolerances::energy`).
    pub loss_tolerance: f64,
}

impl Default for CompressParams {
    fn default() -> Self {
        Self {
            weight_tolerance: 1e-6,
            activation_tolerance: 1e-6,
            loss_tolerance: 1e-7,
        }
    }
}

impl CompressParams {
    /// Checks every field (finite, `>= 0`); the error names the bad field.
    pub fn validate(&self) -> Result<(), ModelError> {
        for (name, value) in [
            ("weight_tolerance", self.weight_tolerance),
            ("activation_tolerance", self.activation_tolerance),
            ("loss_tolerance", self.loss_tolerance),
        ] {
            if !(value.is_finite() && value >= 0.0) {
                return Err(ModelError::InvalidSetting {
                    name,
                    value,
                    reason: "must be finite and >= 0",
                });
            }
        }
        Ok(())
    }
}

/// One reduction, naming hidden nodes by their index in the original network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reduction {
    /// The node's output weights were equal across outputs: removed.
    Dead {
        /// The node removed.
        node: usize,
    },
    /// The node was constant (`value`) on the data: folded into the output biases.
    Constant {
        /// The node removed.
        node: usize,
        /// Its activation on the data.
        value: f64,
    },
    /// The node computed `sign` times node `into`'s function: merged into it.
    Merged {
        /// The node removed.
        node: usize,
        /// The node that carries both now.
        into: usize,
        /// +1 (same function) or -1 (opposite).
        sign: f64,
    },
}

/// A point reduced to the smallest network with the same data term.
#[derive(Debug, Clone, PartialEq)]
pub struct Compressed {
    /// Hidden nodes the point really uses (0 when its outputs are constant).
    pub effective_hidden_nodes: usize,
    /// The reduced network: N_h = max(1, effective) (a network has at least one node; with no
    /// effective node, that node is all zero).
    pub network: Network,
    /// The reduced point in [`Compressed::network`]'s parameter layout.
    pub params: Vec<f64>,
    /// The reductions made, in order.
    pub reductions: Vec<Reduction>,
    /// Data term of the original point.
    pub data_loss: f64,
    /// Data term of the reduced point.
    pub reduced_data_loss: f64,
}

impl Compressed {
    /// How many reductions of each kind: (dead, constant, merged).
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for r in &self.reductions {
            match r {
                Reduction::Dead { .. } => c.0 += 1,
                Reduction::Constant { .. } => c.1 += 1,
                Reduction::Merged { .. } => c.2 += 1,
            }
        }
        c
    }
}

/// One hidden node being reduced: its original index, in-weights with the bias last, output
/// weights.
#[derive(Debug, Clone)]
struct Node {
    original: usize,
    input: Vec<f64>,
    output: Vec<f64>,
}

/// The nodes and output biases of a point while it is reduced.
#[derive(Debug, Clone)]
struct Parts {
    nodes: Vec<Node>,
    b_out: Vec<f64>,
}

impl Parts {
    fn of(net: &Network, w: &[f64]) -> Self {
        let nodes = (0..net.n_hidden())
            .map(|j| Node {
                original: j,
                input: (0..net.n_in())
                    .map(|k| w[net.idx_w_hidden(j, k)])
                    .chain(std::iter::once(w[net.idx_b_hidden(j)]))
                    .collect(),
                output: (0..net.n_out()).map(|i| w[net.idx_w_out(i, j)]).collect(),
            })
            .collect();
        Self {
            nodes,
            b_out: net.b_out(w).to_vec(),
        }
    }

    /// The network (at least one node) and the parameter vector.
    fn assemble(&self, net: &Network) -> Result<(Network, Vec<f64>), ModelError> {
        let small = net.with_hidden(self.nodes.len().max(1))?;
        let mut w = vec![0.0; small.n_params()];
        for (j, node) in self.nodes.iter().enumerate() {
            for k in 0..net.n_in() {
                w[small.idx_w_hidden(j, k)] = node.input[k];
            }
            w[small.idx_b_hidden(j)] = node.input[net.n_in()];
            for i in 0..net.n_out() {
                w[small.idx_w_out(i, j)] = node.output[i];
            }
        }
        for i in 0..net.n_out() {
            w[small.idx_b_out(i)] = self.b_out[i];
        }
        Ok((small, w))
    }
}

fn max_abs(v: impl Iterator<Item = f64>) -> f64 {
    v.fold(0.0, |m, x| m.max(x.abs()))
}

fn spread(v: &[f64]) -> f64 {
    let (lo, hi) = v
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    hi - lo
}

/// Reduces the point `w` of `loss`'s network to the smallest network with the same data term
/// (see the [module documentation](self)).
///
/// Errors: bad `params` (naming the field), or `w` of the wrong length or not finite.
pub fn compress(loss: &Loss, w: &[f64], params: &CompressParams) -> Result<Compressed, ModelError> {
    params.validate()?;
    let net = *loss.network();
    net.check_params(w)?;
    let data = loss.dataset();
    let mut eval = loss.clone();
    let data_loss = eval.data_loss(w);
    let bound = params.loss_tolerance * data_loss.abs().max(1.0);
    let mut parts = Parts::of(&net, w);
    let mut reductions = Vec::new();
    // The data term of a candidate; a fresh loss per size (reductions are few).
    let data_term = |p: &Parts| -> Result<f64, ModelError> {
        let (small, v) = p.assemble(&net)?;
        Ok(Loss::new(small, data.clone())?.data_loss(&v))
    };
    // Candidates in order (dead, merges, constants); the first that keeps the data term is
    // applied and the search starts again on the smaller network.
    while let Some((p, reduction)) = first_reduction(&parts, data, params, |p| {
        Ok((data_term(p)? - data_loss).abs() <= bound)
    })? {
        parts = p;
        reductions.push(reduction);
    }
    let (network, params) = parts.assemble(&net)?;
    let reduced_data_loss = Loss::new(network, data.clone())?.data_loss(&params);
    Ok(Compressed {
        effective_hidden_nodes: parts.nodes.len(),
        network,
        params,
        reductions,
        data_loss,
        reduced_data_loss,
    })
}

/// The first candidate reduction of `parts` that `accept` takes, with the reduced parts.
fn first_reduction(
    parts: &Parts,
    data: &crate::Dataset,
    params: &CompressParams,
    mut accept: impl FnMut(&Parts) -> Result<bool, ModelError>,
) -> Result<Option<(Parts, Reduction)>, ModelError> {
    for (j, node) in parts.nodes.iter().enumerate() {
        if spread(&node.output) <= params.weight_tolerance {
            let mut p = parts.clone();
            p.nodes.remove(j);
            if accept(&p)? {
                return Ok(Some((
                    p,
                    Reduction::Dead {
                        node: node.original,
                    },
                )));
            }
        }
    }
    for j in 0..parts.nodes.len() {
        for k in j + 1..parts.nodes.len() {
            let (a, b) = (&parts.nodes[j], &parts.nodes[k]);
            let scale = max_abs(a.input.iter().copied()).max(1.0);
            for sign in [1.0, -1.0] {
                let diff = max_abs(a.input.iter().zip(&b.input).map(|(x, y)| x - sign * y));
                if diff > params.weight_tolerance * scale {
                    continue;
                }
                let mut p = parts.clone();
                let removed = p.nodes.remove(k);
                for (o, r) in p.nodes[j].output.iter_mut().zip(&removed.output) {
                    *o += sign * r;
                }
                if accept(&p)? {
                    let (node, into) = (removed.original, a.original);
                    return Ok(Some((p, Reduction::Merged { node, into, sign })));
                }
            }
        }
    }
    let mut activations = vec![0.0; data.len()];
    for (j, node) in parts.nodes.iter().enumerate() {
        for (d, h) in activations.iter_mut().enumerate() {
            let x = data.input(d);
            let (w, bias) = node.input.split_at(x.len());
            let a: f64 = w.iter().zip(x).map(|(wk, xk)| wk * xk).sum::<f64>() + bias[0];
            *h = a.tanh();
        }
        if spread(&activations) <= params.activation_tolerance {
            let value = activations.iter().sum::<f64>() / activations.len() as f64;
            let mut p = parts.clone();
            p.nodes.remove(j);
            for (b, o) in p.b_out.iter_mut().zip(&node.output) {
                *b += o * value;
            }
            if accept(&p)? {
                let node = node.original;
                return Ok(Some((p, Reduction::Constant { node, value })));
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_settings_name_the_field() {
        let p = CompressParams {
            loss_tolerance: -1.0,
            ..CompressParams::default()
        };
        let e = p.validate().unwrap_err().to_string();
        assert!(e.contains("`loss_tolerance` = -1"), "{e}");
        let loss = Loss::xor(2, 1e-3).unwrap();
        let e = compress(&loss, &[0.0; 11], &CompressParams::default()).unwrap_err();
        assert!(e.to_string().contains("has 11 entries"), "{e}");
    }
}
