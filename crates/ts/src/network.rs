//! Glue to the network model of nnscape-model: the exact hidden-node symmetry as an
//! [`Alignment`], so bands interpolate between aligned copies and deduplication is up to
//! permutations and sign flips.

use nnscape_model::{symmetry, Network};

use crate::align::Alignment;

/// Alignment over the 2^N_h N_h! hidden-node symmetries (permutations and sign flips) of
/// `network`, solved exactly by [`nnscape_model::symmetry::align`] (linear assignment).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NetworkAlignment {
    /// The network whose parameter layout the points use.
    pub network: Network,
}

impl NetworkAlignment {
    /// Alignment for points of `network`.
    pub fn new(network: Network) -> Self {
        Self { network }
    }
}

impl Alignment for NetworkAlignment {
    /// Panics when a vector does not have `network.n_params()` entries.
    fn align(&self, a: &[f64], b: &[f64]) -> (f64, Vec<f64>) {
        let al = symmetry::align(&self.network, a, b);
        (al.distance, al.aligned)
    }

    /// The softmax shifts: for each hidden node j the common shift of `w_o[i][j]` over outputs
    /// i, and the common shift of `b_o`. The data term is exactly invariant along them (softmax
    /// is shift-invariant), so their curvature is only the regulariser's 2 lambda (or 0 for
    /// `b_o` without bias regularisation): at an XOR minimum they are the N_h + 1 lowest modes,
    /// and a search along them would climb a parabola for ever.
    fn invariant_directions(&self) -> Vec<Vec<f64>> {
        let net = &self.network;
        let n = net.n_params();
        let c = 1.0 / (net.n_out() as f64).sqrt();
        let mut dirs = Vec::with_capacity(net.n_hidden() + 1);
        for j in 0..net.n_hidden() {
            let mut d = vec![0.0; n];
            for i in 0..net.n_out() {
                d[net.idx_w_out(i, j)] = c;
            }
            dirs.push(d);
        }
        let mut d = vec![0.0; n];
        for i in 0..net.n_out() {
            d[net.idx_b_out(i)] = c;
        }
        dirs.push(d);
        dirs
    }
}
