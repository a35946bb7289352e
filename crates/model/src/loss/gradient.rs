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
        let mut total = 0.0;
        for d in 0..self.data.len() {
            let lse = forward(dims, &self.net, w, self.data.input(d), &mut self.s);
            total += lse - self.s.y[self.data.label(d)];
        }
        total / self.data.len() as f64 + self.regulariser(w)
    }

    /// The loss and its gradient, written into `grad`.
    pub fn energy_gradient(&mut self, w: &[f64], grad: &mut [f64]) -> f64 {
        self.check_len("w", w.len(), self.n_params());
        self.check_len("grad", grad.len(), self.n_params());
        // Two inputs and two classes (XOR) get loops of compile-time length, which the compiler
        // unrolls: the run-time-sized loops spent most of their instructions on loop control.
        match (self.net.n_in(), self.net.n_out()) {
            (2, 2) => self.energy_gradient_in(Fixed::<2, 2>, w, grad),
            _ => self.energy_gradient_in(Dyn::of(&self.net), w, grad),
        }
    }

    fn energy_gradient_in<D: Dims>(&mut self, dims: D, w: &[f64], grad: &mut [f64]) -> f64 {
        let net = self.net;
        let (nin, nh, no) = (dims.n_in(), net.n_hidden(), dims.n_out());
        grad.fill(0.0);
        // Split into the four MLPVB3 blocks once, so the inner loops are plain slice walks.
        let wo = net.w_out(w);
        let (g_wh, rest) = grad.split_at_mut(nh * nin);
        let (g_wo, rest) = rest.split_at_mut(no * nh);
        let (g_bh, g_bo) = rest.split_at_mut(nh);
        let mut total = 0.0;
        for d in 0..self.data.len() {
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
        let inv_n = 1.0 / self.data.len() as f64;
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
