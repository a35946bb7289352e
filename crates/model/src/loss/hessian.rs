//! Second derivatives: the full Hessian, and the Hessian-vector product without forming it.
//!
//! ```text
//! Hessian = J^T S J + sum_i r_i d2y_i     (J_l = dy_l/dW, S_il = p_i delta_il - p_i p_l)
//! ```
//!
//! with the three non-zero second derivatives of the outputs listed in the
//! [parent module](super), and 2 lambda on the diagonal from the regulariser. The
//! Hessian-vector product applies Pearlmutter's R-operator `R{f} = d/dt f(W + t v)|_{t=0}` to the
//! gradient expressions, so it costs about two gradients and never forms H.

use nalgebra::DMatrix;

use super::forward::{forward, Dyn, Scratch};
use super::Loss;

impl Loss {
    /// The full Hessian into a `P x P` buffer (symmetric, so row- and column-major agree).
    pub fn hessian_into(&mut self, w: &[f64], out: &mut [f64]) {
        let net = self.net;
        let (nin, nh, no, np) = (net.n_in(), net.n_hidden(), net.n_out(), net.n_params());
        self.check_len("w", w.len(), np);
        self.check_len("out", out.len(), np * np);
        out.fill(0.0);
        self.for_each_point_with_residuals(w, out, move |x, s, out| {
            for j in 0..nh {
                s.g[j] = (0..no).map(|i| s.r[i] * w[net.idx_w_out(i, j)]).sum();
            }
            // Output Jacobian J[l][a] = dy_l / dW_a.
            s.jac.fill(0.0);
            for l in 0..no {
                let row = &mut s.jac[l * np..(l + 1) * np];
                for j in 0..nh {
                    let t = w[net.idx_w_out(l, j)] * s.dh[j];
                    for k in 0..nin {
                        row[net.idx_w_hidden(j, k)] = t * x[k];
                    }
                    row[net.idx_b_hidden(j)] = t;
                    row[net.idx_w_out(l, j)] = s.h[j];
                }
                row[net.idx_b_out(l)] = 1.0;
            }
            // Gauss-Newton part J^T (diag p - p p^T) J, upper triangle.
            for a in 0..np {
                s.q[a] = (0..no).map(|l| s.p[l] * s.jac[l * np + a]).sum();
            }
            for a in 0..np {
                let qa = s.q[a];
                let orow = &mut out[a * np..(a + 1) * np];
                for l in 0..no {
                    let jla = s.p[l] * s.jac[l * np + a];
                    if jla == 0.0 {
                        continue;
                    }
                    let jrow = &s.jac[l * np..(l + 1) * np];
                    for b in a..np {
                        orow[b] += jla * jrow[b];
                    }
                }
                for b in a..np {
                    orow[b] -= qa * s.q[b];
                }
            }
            // Second-derivative terms sum_i r_i d2y_i (upper triangle: w_h < w_o < b_h < b_o).
            for j in 0..nh {
                let dhj = s.dh[j];
                let bh = net.idx_b_hidden(j);
                for i in 0..no {
                    let t = s.r[i] * dhj;
                    let wo = net.idx_w_out(i, j);
                    for k in 0..nin {
                        out[net.idx_w_hidden(j, k) * np + wo] += t * x[k];
                    }
                    out[wo * np + bh] += t;
                }
                let t = s.g[j] * (-2.0 * s.h[j] * dhj);
                for k in 0..nin {
                    let a = net.idx_w_hidden(j, k);
                    for k2 in k..nin {
                        out[a * np + net.idx_w_hidden(j, k2)] += t * x[k] * x[k2];
                    }
                    out[a * np + bh] += t * x[k];
                }
                out[bh * np + bh] += t;
            }
        });
        let inv_n = 1.0 / self.data.len() as f64;
        let two_lambda = 2.0 * net.lambda();
        for a in 0..np {
            for b in a..np {
                out[a * np + b] *= inv_n;
            }
            out[a * np + a] += two_lambda * self.reg_mask(a);
            for b in 0..a {
                out[a * np + b] = out[b * np + a];
            }
        }
    }

    /// The full Hessian into a `P x P` nalgebra matrix (resized if needed).
    pub fn hessian_matrix_into(&mut self, w: &[f64], out: &mut DMatrix<f64>) {
        let np = self.n_params();
        if out.nrows() != np || out.ncols() != np {
            *out = DMatrix::zeros(np, np);
        }
        self.hessian_into(w, out.as_mut_slice());
    }

    /// The full Hessian as a new matrix (allocates; use [`Loss::hessian_into`] in loops).
    pub fn hessian(&mut self, w: &[f64]) -> DMatrix<f64> {
        let mut h = DMatrix::zeros(self.n_params(), self.n_params());
        self.hessian_into(w, h.as_mut_slice());
        h
    }

    /// Hessian eigenvalues in ascending order (dense symmetric eigendecomposition with a bounded
    /// iteration count; nalgebra returns them unsorted). `None` if it fails to converge, which
    /// only happens for non-finite input.
    pub fn hessian_eigenvalues(&mut self, w: &[f64]) -> Option<Vec<f64>> {
        crate::spectrum::sorted_eigenvalues(self.hessian(w))
    }

    /// Hessian-vector product `out = H(W) v` without forming H (Pearlmutter's R-operator).
    pub fn hessian_vector(&mut self, w: &[f64], v: &[f64], out: &mut [f64]) {
        let net = self.net;
        let (nin, nh, no, np) = (net.n_in(), net.n_hidden(), net.n_out(), net.n_params());
        self.check_len("w", w.len(), np);
        self.check_len("v", v.len(), np);
        self.check_len("out", out.len(), np);
        out.fill(0.0);
        self.for_each_point_with_residuals(w, out, move |x, s, out| {
            for j in 0..nh {
                let mut a = v[net.idx_b_hidden(j)];
                for k in 0..nin {
                    a += v[net.idx_w_hidden(j, k)] * x[k];
                }
                s.ra[j] = a;
                s.rh[j] = s.dh[j] * a;
            }
            let mut p_ry = 0.0;
            for i in 0..no {
                let mut yi = v[net.idx_b_out(i)];
                for j in 0..nh {
                    yi += v[net.idx_w_out(i, j)] * s.h[j] + w[net.idx_w_out(i, j)] * s.rh[j];
                }
                s.ry[i] = yi;
                p_ry += s.p[i] * yi;
            }
            for i in 0..no {
                s.rr[i] = s.p[i] * (s.ry[i] - p_ry);
                out[net.idx_b_out(i)] += s.rr[i];
                for j in 0..nh {
                    out[net.idx_w_out(i, j)] += s.rr[i] * s.h[j] + s.r[i] * s.rh[j];
                }
            }
            for j in 0..nh {
                let mut g = 0.0;
                let mut rg = 0.0;
                for i in 0..no {
                    let wo = net.idx_w_out(i, j);
                    g += s.r[i] * w[wo];
                    rg += s.rr[i] * w[wo] + s.r[i] * v[wo];
                }
                let rdelta = -2.0 * s.h[j] * s.dh[j] * s.ra[j] * g + s.dh[j] * rg;
                out[net.idx_b_hidden(j)] += rdelta;
                for k in 0..nin {
                    out[net.idx_w_hidden(j, k)] += rdelta * x[k];
                }
            }
        });
        let inv_n = 1.0 / self.data.len() as f64;
        let two_lambda = 2.0 * net.lambda();
        for m in 0..np {
            out[m] = out[m] * inv_n + two_lambda * self.reg_mask(m) * v[m];
        }
    }

    /// The loop both second-derivative evaluations share: at every data point, the forward pass
    /// and the residuals `r_i = p_i - delta_ic`, then `per_point(x, scratch, out)`. Generic over
    /// the closure so each caller's body is inlined into the loop, as when it was written out
    /// twice. `out` is handed through, and callers pass `move` closures, so that sizes and slices
    /// are copies the loops keep in registers rather than reads through captured references
    /// (measurably slower for the Hessian).
    #[inline(always)]
    fn for_each_point_with_residuals(
        &mut self,
        w: &[f64],
        out: &mut [f64],
        mut per_point: impl FnMut(&[f64], &mut Scratch, &mut [f64]),
    ) {
        let net = self.net;
        let no = net.n_out();
        for d in 0..self.data.len() {
            let x = self.data.input(d);
            let c = self.data.label(d);
            forward(Dyn::of(&net), &net, w, x, &mut self.s);
            let s = &mut self.s;
            for i in 0..no {
                s.r[i] = s.p[i] - if i == c { 1.0 } else { 0.0 };
            }
            per_point(x, s, out);
        }
    }
}
