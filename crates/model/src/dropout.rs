//! Dropout masks on the hidden layer: each hidden activation `h_j` multiplied by a factor
//! (0 drops the node, `1 / (1 - p)` keeps it under inverted dropout at rate p). Since
//! `y_i = sum_j w_o[i][j] h_j + b_o[i]`, that is the same as multiplying node j's output
//! weights, which is how it is done here: the masked point is an ordinary parameter vector.
//!
//! ```
//! use nnscape_model::dropout::{drop_each_node, masked};
//! use nnscape_model::{known, Loss};
//!
//! let mut loss = Loss::xor(2, 0.0).unwrap();
//! let w = known::xor_solution(8.0);
//! // y_1 - y_0 = 8 (OR - AND - 1): without either node three points sit at (or, saturated,
//! // just past) the decision boundary, and only one stays right.
//! let effects = drop_each_node(&mut loss, &w).unwrap();
//! assert_eq!((effects[0].n_correct, effects[1].n_correct), (1, 1));
//! // Keeping both nodes (factor 1) changes nothing.
//! let same = masked(&mut loss, &w, &[1.0, 1.0]).unwrap();
//! assert_eq!(same.n_correct, 4);
//! ```

use crate::error::ModelError;
use crate::loss::Loss;

/// The data term and the training points classified correctly under one mask.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DropoutEffect {
    /// Mean cross-entropy on the data (no L2 term: the mask changes the function, not the
    /// weights the regulariser is paid on).
    pub data_loss: f64,
    /// Training points whose true class is strictly the most probable.
    pub n_correct: usize,
}

/// `w` with hidden node j's output weights multiplied by `factors[j]`.
pub fn scale_nodes(
    net: &crate::Network,
    w: &[f64],
    factors: &[f64],
) -> Result<Vec<f64>, ModelError> {
    net.check_params(w)?;
    if factors.len() != net.n_hidden() {
        return Err(ModelError::InvalidSetting {
            name: "factors",
            value: factors.len() as f64,
            reason: "a dropout mask needs one factor per hidden node",
        });
    }
    if let Some(&f) = factors.iter().find(|f| !f.is_finite()) {
        return Err(ModelError::InvalidSetting {
            name: "factors",
            value: f,
            reason: "mask factors must be finite",
        });
    }
    let mut out = w.to_vec();
    for (j, &f) in factors.iter().enumerate() {
        for i in 0..net.n_out() {
            out[net.idx_w_out(i, j)] *= f;
        }
    }
    Ok(out)
}

/// The effect of one mask (`factors`, one per hidden node) on the point `w` of `loss`.
pub fn masked(loss: &mut Loss, w: &[f64], factors: &[f64]) -> Result<DropoutEffect, ModelError> {
    let v = scale_nodes(loss.network(), w, factors)?;
    Ok(DropoutEffect {
        data_loss: loss.data_loss(&v),
        n_correct: loss.n_correct(&v),
    })
}

/// The effect of removing each hidden node in turn (factor 0, the others 1: no rescaling, as
/// at evaluation), node 0 first.
pub fn drop_each_node(loss: &mut Loss, w: &[f64]) -> Result<Vec<DropoutEffect>, ModelError> {
    let nh = loss.network().n_hidden();
    let mut factors = vec![1.0; nh];
    (0..nh)
        .map(|j| {
            factors[j] = 0.0;
            let e = masked(loss, w, &factors);
            factors[j] = 1.0;
            e
        })
        .collect()
}
