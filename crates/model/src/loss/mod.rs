//! The MLPVB3 loss, its analytic gradient, Hessian and Hessian-vector product.
//!
//! For data point d with inputs x and class c:
//!
//! ```text
//! a_j = sum_k w_h[j][k] x_k + b_h[j],   h_j = tanh(a_j)
//! y_i = sum_j w_o[i][j] h_j + b_o[i],   p = softmax(y)
//! E(W) = -(1/N_data) sum_d ln p_c(x_d) + lambda * sum_m W_m^2
//! ```
//!
//! Derivatives (per point, before the 1/N_data factor):
//!
//! ```text
//! r_i = p_i - delta_ic,  S_il = p_i delta_il - p_i p_l,  h'_j = 1 - h_j^2,
//! h''_j = -2 h_j h'_j,   g_j = sum_i r_i w_o[i][j]
//!
//! dE/dw_o[i][j] = r_i h_j,  dE/db_o[i] = r_i,  dE/dw_h[j][k] = h'_j g_j x_k,  dE/db_h[j] = h'_j g_j
//!
//! Hessian = J^T S J + sum_i r_i d2y_i     (J_l = dy_l/dW, the output Jacobian: Gauss-Newton part)
//! d2y_i/(dw_o[i][j] dw_h[j][k])  = h'_j x_k
//! d2y_i/(dw_o[i][j] db_h[j])     = h'_j
//! d2y_i/(dw_h[j][k] dw_h[j][k']) = w_o[i][j] h''_j x_k x_k'     (bias: x = 1)
//! ```
//!
//! These are the only non-zero second derivatives of the outputs. The regulariser adds
//! 2 lambda W to the gradient and 2 lambda to the Hessian diagonal.
//!
//! The Hessian-vector product is Pearlmutter's R-operator applied to the same expressions, so
//! the Hessian is never formed.
//!
//! One job per file: the forward pass with its scratch buffers and loop widths (`forward`), the
//! energy and gradient (`gradient`), the Hessian and Hessian-vector product (`hessian`),
//! predictions and the correctness rule (`predict`), and the input sensitivity (`sensitivity`).
//! This file holds [`Loss`] itself and the regulariser.

mod forward;
mod gradient;
mod hessian;
mod predict;
mod sensitivity;

pub use predict::{classify, is_correct, PointPrediction, TIE_TOLERANCE};

use crate::dataset::Dataset;
use crate::error::ModelError;
use crate::network::Network;
use forward::Scratch;

/// The loss of a network on a data set, with reusable scratch space.
///
/// Evaluation methods take `&mut self` only for the scratch buffers: energy, gradient, Hessian
/// and Hessian-vector product never allocate. Clone one per thread for parallel work.
///
/// Slices passed in must have `n_params()` entries: a wrong length panics with a message naming
/// the slice (in release builds too); validate untrusted vectors with
/// [`Network::check_params`], which also rejects non-finite entries.
#[derive(Debug, Clone)]
pub struct Loss {
    net: Network,
    data: Dataset,
    s: Scratch,
}

impl Loss {
    /// The loss of the XOR network with `n_hidden` hidden nodes and L2 coefficient `lambda` on
    /// the four XOR points: the landscape of the paper.
    ///
    /// ```
    /// let loss = nnscape_model::Loss::xor(2, 1e-3).unwrap();
    /// assert_eq!(loss.n_params(), 12);
    /// ```
    pub fn xor(n_hidden: usize, lambda: f64) -> Result<Self, ModelError> {
        Self::new(Network::xor(n_hidden, lambda)?, Dataset::xor())
    }

    /// Pairs a network with a data set. Errors when the input width differs or the data has more
    /// classes than the network has outputs.
    pub fn new(net: Network, data: Dataset) -> Result<Self, ModelError> {
        let mismatch = |message| {
            Err(ModelError::DatasetMismatch {
                dataset: data.name().to_owned(),
                message,
            })
        };
        if data.n_in() != net.n_in() {
            let (found, n_in) = (data.n_in(), net.n_in());
            return mismatch(format!("it has {found} inputs, the network N_in = {n_in}"));
        }
        if data.n_classes() > net.n_out() {
            let (found, n_out) = (data.n_classes(), net.n_out());
            return mismatch(format!(
                "it has {found} classes, the network N_out = {n_out}"
            ));
        }
        let s = Scratch::new(&net);
        Ok(Self { net, data, s })
    }

    /// The network specification.
    pub fn network(&self) -> &Network {
        &self.net
    }
    /// The data set.
    pub fn dataset(&self) -> &Dataset {
        &self.data
    }
    /// Number of parameters.
    pub fn n_params(&self) -> usize {
        self.net.n_params()
    }

    /// Regularisation weight of parameter m: 1 when it is in the L2 sum, 0 otherwise.
    #[inline]
    fn reg_mask(&self, m: usize) -> f64 {
        if self.net.regularises_biases() || !self.net.is_bias(m) {
            1.0
        } else {
            0.0
        }
    }

    /// The L2 term lambda sum_m W_m^2 (over the weights only when biases are not regularised).
    fn regulariser(&self, w: &[f64]) -> f64 {
        let lambda = self.net.lambda();
        if lambda == 0.0 {
            return 0.0;
        }
        let end = if self.net.regularises_biases() {
            w.len()
        } else {
            self.net.b_hidden_range().start
        };
        lambda * w[..end].iter().map(|v| v * v).sum::<f64>()
    }

    /// Panics with a message naming the slice when its length is wrong: a programming error
    /// that would otherwise read or write the wrong parameters silently. One comparison per
    /// call, negligible next to the loss.
    #[inline]
    #[track_caller]
    fn check_len(&self, what: &str, found: usize, expected: usize) {
        assert!(
            found == expected,
            "{what} has {found} entries but the {} network needs {expected} \
             (check lengths with Network::check_params first)",
            self.net
        );
    }
}
