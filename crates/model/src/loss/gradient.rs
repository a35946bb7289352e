//! The loss E(W) and its analytic gradient: the hot path of every minimisation.
//!
//! ```text
//! E(W) = (1/N_data) sum_d (lse_d - y_c(x_d)) + lambda sum_m W_m^2
//! dE/dw_o[i][j] = r_i h_j,  dE/db_o[i] = r_i,  dE/dw_h[j][k] = h'_j g_j x_k,  dE/db_h[j] = h'_j g_j
//! ```
//!
//! (per point, before the 1/N_data factor; `-ln p_c = lse - y_c`), plus 2 lambda W from the
//! regulariser. See the [parent module](super) for the notation.

use super::forward::{forward, Dims, Dyn, Fixed};
use super::Loss;

impl Loss {
    /// The loss E(W).
    pub fn energy(&mut self, w: &[f64]) -> f64 {
        self.check_len("w", w.len(), self.n_params());
        match (self.net.n_in(), self.net.n_out()) {
            (2, 2) => self.energy_in(Fixed::<2, 2>, w),
            _ => self.energy_in(Dyn::of(&self.net), w),
        }
    }

    fn energy_in<D: Dims>(&mut self, dims: D, w: &[f64]) -> f64 {
        self.data_term_in(dims, w) + self.regulariser(w)
    }

    /// The data term alone: the mean cross-entropy `-(1/N_data) sum_d ln p_c(x_d)`, without the
    /// L2 term (what dropout and compression compare: the regulariser is not a property of
    /// the function the network computes).
    ///
    /// ```
    /// let mut loss = nnscape_model::Loss::xor(2, 1e-3).unwrap();
    /// let w = vec![0.5; 12];
    /// let l2 = 1e-3 * 12.0 * 0.25;
    /// assert!((loss.data_loss(&w) + l2 - loss.energy(&w)).abs() < 1e-15);
    /// ```
    pub fn data_loss(&mut self, w: &[f64]) -> f64 {
        self.check_len("w", w.len(), self.n_params());
        match (self.net.n_in(), self.net.n_out()) {
            (2, 2) => self.data_term_in(Fixed::<2, 2>, w),
            _ => self.data_term_in(Dyn::of(&self.net), w),
        }
    }

    fn data_term_in<D: Dims>(&mut self, dims: D, w: &[f64]) -> f64 {
        let mut total = 0.0;
        for d in 0..self.data.len() {
            let lse = forward(dims, &self.net, w, self.data.input(d), &mut self.s);
            total += lse - self.s.y[self.data.label(d)];
        }
        total / self.data.len() as f64
    }

    /// The loss and its gradient, written into `grad`.
    pub fn energy_gradient(&mut self, w: &[f64], grad: &mut [f64]) -> f64 {
        self.check_len("w", w.len(), self.n_params());
        self.check_len("grad", grad.len(), self.n_params());
        // Two inputs and two classes (XOR) get loops of compile-time length, which the compiler
        // unrolls: the run-time-sized loops spent most of their instructions on loop control.
        let n = self.data.len();
        match (self.net.n_in(), self.net.n_out()) {
            (2, 2) => self.energy_gradient_in(Fixed::<2, 2>, w, grad, 0..n, n),
            _ => self.energy_gradient_in(Dyn::of(&self.net), w, grad, 0..n, n),
        }
    }

    /// The loss of a mini-batch and its gradient: the mean cross-entropy over the data points
    /// `batch` (indices into the data set, repeats allowed) plus the whole L2 term, so that its
    /// mean over a shuffled epoch of equal batches is the full loss. The data set's order is
    /// untouched; no allocation.
    ///
    /// Panics when `batch` is empty or holds an index out of range (a programming error).
    ///
    /// ```
    /// let mut loss = nnscape_model::Loss::xor(2, 1e-3).unwrap();
    /// let w: Vec<f64> = (0..12).map(|i| 0.1 * i as f64 - 0.5).collect();
    /// let (mut g, mut g01, mut g23) = (vec![0.0; 12], vec![0.0; 12], vec![0.0; 12]);
    /// let e = loss.energy_gradient(&w, &mut g);
    /// let e01 = loss.energy_gradient_batch(&w, &[0, 1], &mut g01);
    /// let e23 = loss.energy_gradient_batch(&w, &[2, 3], &mut g23);
    /// assert!((0.5 * (e01 + e23) - e).abs() < 1e-14);
    /// assert!(g.iter().zip(g01.iter().zip(&g23)).all(|(a, (b, c))| (0.5 * (b + c) - a).abs() < 1e-14));
    /// ```
    pub fn energy_gradient_batch(&mut self, w: &[f64], batch: &[usize], grad: &mut [f64]) -> f64 {
        self.check_len("w", w.len(), self.n_params());
        self.check_len("grad", grad.len(), self.n_params());
        let n = self.data.len();
        assert!(
            !batch.is_empty() && batch.iter().all(|&d| d < n),
            "a batch must be non-empty with indices below the {n} data points, got {batch:?}"
        );
        let points = batch.iter().copied();
        match (self.net.n_in(), self.net.n_out()) {
            (2, 2) => self.energy_gradient_in(Fixed::<2, 2>, w, grad, points, batch.len()),
            _ => self.energy_gradient_in(Dyn::of(&self.net), w, grad, points, batch.len()),
        }
    }

    /// Energy and gradient over the data points `points` (`n` of them): the one loop behind
    /// the full-batch and mini-batch gradients.
    fn energy_gradient_in<D: Dims>(
        &mut self,
        dims: D,
        w: &[f64],
        grad: &mut [f64],
        points: impl Iterator<Item = usize>,
        n: usize,
    ) -> f64 {
        let net = self.net;
        let (nin, nh, no) = (dims.n_in(), net.n_hidden(), dims.n_out());
        grad.fill(0.0);
        // Split into the four MLPVB3 blocks once, so the inner loops are plain slice walks.
        let wo = net.w_out(w);
        let (g_wh, rest) = grad.split_at_mut(nh * nin);
        let (g_wo, rest) = rest.split_at_mut(no * nh);
        let (g_bh, g_bo) = rest.split_at_mut(nh);
        let mut total = 0.0;
        for d in points {
            let x = self.data.input(d);
            let c = self.data.label(d);
            let lse = forward(dims, &net, w, x, &mut self.s);
            let s = &mut self.s;
            total += lse - s.y[c];
            s.g.fill(0.0);
            for i in 0..no {
                let ri = s.p[i] - if i == c { 1.0 } else { 0.0 };
                g_bo[i] += ri;
                let wo_row = &wo[i * nh..(i + 1) * nh];
                let g_row = &mut g_wo[i * nh..(i + 1) * nh];
                for j in 0..nh {
                    g_row[j] += ri * s.h[j];
                    s.g[j] += ri * wo_row[j];
                }
            }
            for j in 0..nh {
                let delta = s.dh[j] * s.g[j];
                g_bh[j] += delta;
                let g_row = &mut g_wh[j * nin..(j + 1) * nin];
                for k in 0..nin {
                    g_row[k] += delta * x[k];
                }
            }
        }
        let inv_n = 1.0 / n as f64;
        let two_lambda = 2.0 * net.lambda();
        let bias_start = net.b_hidden_range().start;
        let bias_factor = if net.regularises_biases() {
            two_lambda
        } else {
            0.0
        };
        for (m, (gm, wm)) in grad.iter_mut().zip(w).enumerate() {
            let reg = if m < bias_start {
                two_lambda
            } else {
                bias_factor
            };
            *gm = *gm * inv_n + reg * wm;
        }
        total * inv_n + self.regulariser(w)
    }
}
