//! The network specification and the MLPVB3 parameter layout: `w_h` (N_h x N_in), `w_o`
//! (N_out x N_h), `b_h` (N_h), `b_o` (N_out) in that order, P = N_h (N_in + N_out + 1) + N_out
//! parameters, with the index and slice of every block.

use std::ops::Range;

use crate::error::ModelError;

/// Most parameters a network may have: 4,096. Its Hessian (P^2 doubles, 128 MiB here) and the
/// dense eigen-solver (P^3 work) bound what can be computed; the check comes before anything
/// is allocated, so an absurd size is an error, not an aborted allocation.
pub const MAX_PARAMS: usize = 4096;

/// A one-hidden-layer tanh network with a softmax output and L2 regularisation.
///
/// Parameters are laid out exactly as GMIN/OPTIM's MLPVB3 potential so that parameter vectors
/// can be exchanged with OPTIM and PATHSAMPLE:
/// `w_h` (N_h x N_in, row-major), then `w_o` (N_out x N_h, row-major), then `b_h` (N_h), then
/// `b_o` (N_out). For XOR (N_in = N_out = 2) that is 5 N_h + 2 parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Network {
    n_in: usize,
    n_hidden: usize,
    n_out: usize,
    lambda: f64,
    regularise_biases: bool,
}

impl std::fmt::Display for Network {
    /// `N_in-N_h-N_out, lambda = ...` (and `no bias regularisation` when off).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}-{}-{}, lambda = {:e}",
            self.n_in, self.n_hidden, self.n_out, self.lambda
        )?;
        if !self.regularise_biases {
            f.write_str(", no bias regularisation")?;
        }
        Ok(())
    }
}

/// The sizes and regularisation of a [`Network`], by name (four positional numbers are easy to
/// swap).
///
/// ```
/// use nnscape_model::{Network, NetworkSpec};
/// let net = Network::new(NetworkSpec { n_in: 3, n_hidden: 4, n_out: 2, lambda: 1e-4 }).unwrap();
/// assert_eq!(net.n_params(), 4 * 3 + 2 * 4 + 4 + 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NetworkSpec {
    /// Inputs per data point (N_in >= 1).
    pub n_in: usize,
    /// Hidden tanh nodes (N_h >= 1).
    pub n_hidden: usize,
    /// Classes, the softmax outputs (N_out >= 2).
    pub n_out: usize,
    /// L2 coefficient lambda >= 0 (the term is lambda sum W^2, not lambda/2).
    pub lambda: f64,
}

impl Network {
    /// A network with biases regularised (the MLPVB3 default; see
    /// [`Network::with_bias_regularisation`]).
    ///
    /// Errors: `n_in < 1`, `n_hidden < 1`, `n_out < 2`, more than [`MAX_PARAMS`] parameters, or
    /// lambda negative / not finite.
    pub fn new(spec: NetworkSpec) -> Result<Self, ModelError> {
        let NetworkSpec {
            n_in,
            n_hidden,
            n_out,
            lambda,
        } = spec;
        for (what, min, value) in [("N_in", 1, n_in), ("N_h", 1, n_hidden), ("N_out", 2, n_out)] {
            if value < min {
                return Err(ModelError::LayerSize { what, min, value });
            }
        }
        let per_node = n_in.saturating_add(n_out).saturating_add(1);
        let n_params = n_hidden.saturating_mul(per_node).saturating_add(n_out);
        if n_params > MAX_PARAMS {
            return Err(ModelError::TooLarge {
                n_in,
                n_hidden,
                n_out,
                max_params: MAX_PARAMS,
                max_hidden: MAX_PARAMS.saturating_sub(n_out) / per_node,
            });
        }
        if !(lambda.is_finite() && lambda >= 0.0) {
            return Err(ModelError::Lambda(lambda));
        }
        Ok(Self {
            n_in,
            n_hidden,
            n_out,
            lambda,
            regularise_biases: true,
        })
    }

    /// The XOR network: N_in = N_out = 2.
    pub fn xor(n_hidden: usize, lambda: f64) -> Result<Self, ModelError> {
        Self::new(NetworkSpec {
            n_in: 2,
            n_hidden,
            n_out: 2,
            lambda,
        })
    }

    /// Whether the biases are included in the L2 term (OPTIM's NOREGBIAS switches it off).
    pub fn with_bias_regularisation(mut self, on: bool) -> Self {
        self.regularise_biases = on;
        self
    }

    /// The same network with `n_hidden` hidden nodes.
    pub fn with_hidden(self, n_hidden: usize) -> Result<Self, ModelError> {
        Ok(Self::new(NetworkSpec {
            n_hidden,
            ..self.spec()
        })?
        .with_bias_regularisation(self.regularise_biases))
    }

    /// The sizes and lambda of this network.
    pub fn spec(&self) -> NetworkSpec {
        NetworkSpec {
            n_in: self.n_in,
            n_hidden: self.n_hidden,
            n_out: self.n_out,
            lambda: self.lambda,
        }
    }

    /// Inputs per data point, N_in.
    pub fn n_in(&self) -> usize {
        self.n_in
    }
    /// Hidden tanh nodes, N_h.
    pub fn n_hidden(&self) -> usize {
        self.n_hidden
    }
    /// Softmax outputs (classes), N_out.
    pub fn n_out(&self) -> usize {
        self.n_out
    }
    /// The L2 coefficient lambda (the term is lambda sum W^2).
    pub fn lambda(&self) -> f64 {
        self.lambda
    }
    /// Whether the biases are in the L2 term (see [`Network::with_bias_regularisation`]).
    pub fn regularises_biases(&self) -> bool {
        self.regularise_biases
    }

    /// Total number of parameters, N_h N_in + N_out N_h + N_h + N_out.
    pub fn n_params(&self) -> usize {
        self.n_hidden * (self.n_in + self.n_out + 1) + self.n_out
    }

    /// Index of `w_h[j][k]` (hidden node j, input k).
    #[inline]
    pub fn idx_w_hidden(&self, j: usize, k: usize) -> usize {
        j * self.n_in + k
    }
    /// Index of `w_o[i][j]` (output i, hidden node j).
    #[inline]
    pub fn idx_w_out(&self, i: usize, j: usize) -> usize {
        self.n_hidden * self.n_in + i * self.n_hidden + j
    }
    /// Index of `b_h[j]`.
    #[inline]
    pub fn idx_b_hidden(&self, j: usize) -> usize {
        self.n_hidden * (self.n_in + self.n_out) + j
    }
    /// Index of `b_o[i]`.
    #[inline]
    pub fn idx_b_out(&self, i: usize) -> usize {
        self.n_hidden * (self.n_in + self.n_out + 1) + i
    }

    /// Range of the `w_h` block.
    pub fn w_hidden_range(&self) -> Range<usize> {
        0..self.n_hidden * self.n_in
    }
    /// Range of the `w_o` block.
    pub fn w_out_range(&self) -> Range<usize> {
        let s = self.n_hidden * self.n_in;
        s..s + self.n_out * self.n_hidden
    }
    /// Range of the `b_h` block.
    pub fn b_hidden_range(&self) -> Range<usize> {
        let s = self.n_hidden * (self.n_in + self.n_out);
        s..s + self.n_hidden
    }
    /// Range of the `b_o` block.
    pub fn b_out_range(&self) -> Range<usize> {
        let s = self.n_hidden * (self.n_in + self.n_out + 1);
        s..s + self.n_out
    }

    /// `w_h` as a row-major slice (N_h x N_in).
    pub fn w_hidden<'a>(&self, w: &'a [f64]) -> &'a [f64] {
        &w[self.w_hidden_range()]
    }
    /// `w_o` as a row-major slice (N_out x N_h).
    pub fn w_out<'a>(&self, w: &'a [f64]) -> &'a [f64] {
        &w[self.w_out_range()]
    }
    /// `b_h` (N_h).
    pub fn b_hidden<'a>(&self, w: &'a [f64]) -> &'a [f64] {
        &w[self.b_hidden_range()]
    }
    /// `b_o` (N_out).
    pub fn b_out<'a>(&self, w: &'a [f64]) -> &'a [f64] {
        &w[self.b_out_range()]
    }

    /// Whether parameter `m` is a bias (only matters when biases are not regularised).
    pub fn is_bias(&self, m: usize) -> bool {
        m >= self.b_hidden_range().start
    }

    /// Checks a parameter vector's length and finiteness.
    pub fn check_params(&self, w: &[f64]) -> Result<(), ModelError> {
        if w.len() != self.n_params() {
            return Err(ModelError::ParameterLength {
                found: w.len(),
                expected: self.n_params(),
                n_in: self.n_in,
                n_hidden: self.n_hidden,
                n_out: self.n_out,
            });
        }
        if let Some(index) = w.iter().position(|v| !v.is_finite()) {
            return Err(ModelError::NonFiniteParameter {
                index,
                value: w[index],
            });
        }
        Ok(())
    }
}
