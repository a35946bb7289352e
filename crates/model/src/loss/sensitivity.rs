//! Input sensitivity: how a class probability moves when the data point itself is perturbed,
//! the gradient of p_c with respect to the inputs x at fixed weights (formula on the method).

use super::forward::{forward, Dyn};
use super::Loss;

impl Loss {
    /// Probability of `class` at inputs `x`, and its gradient with respect to the inputs written
    /// into `grad_x` (length N_in): the local sensitivity of the prediction to perturbed data.
    ///
    /// `dp_c/dx_k = p_c sum_i (delta_ic - p_i) sum_j w_o[i][j] h'_j w_h[j][k]`.
    pub fn class_probability_input_gradient(
        &mut self,
        w: &[f64],
        x: &[f64],
        class: usize,
        grad_x: &mut [f64],
    ) -> f64 {
        let net = self.net;
        forward(Dyn::of(&net), &net, w, x, &mut self.s);
        let s = &mut self.s;
        let pc = s.p[class];
        // Reuse g as u_j = sum_i (delta_ic - p_i) w_o[i][j] h'_j.
        for j in 0..net.n_hidden() {
            let mut u = 0.0;
            for i in 0..net.n_out() {
                let coeff = if i == class { 1.0 } else { 0.0 } - s.p[i];
                u += coeff * w[net.idx_w_out(i, j)];
            }
            s.g[j] = u * s.dh[j];
        }
        for (k, gk) in grad_x.iter_mut().enumerate() {
            *gk = pc
                * (0..net.n_hidden())
                    .map(|j| s.g[j] * w[net.idx_w_hidden(j, k)])
                    .sum::<f64>();
        }
        pc
    }
}
