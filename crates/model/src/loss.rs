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

use nalgebra::DMatrix;

use crate::dataset::Dataset;
use crate::error::ModelError;
use crate::network::Network;

/// Class probabilities and prediction for one data point.
#[derive(Debug, Clone, PartialEq)]
pub struct PointPrediction {
    /// softmax outputs, one per class.
    pub probabilities: Vec<f64>,
    /// The class with the highest probability (lowest index on ties).
    pub predicted: usize,
    /// True when the true class has the highest probability by more than [`TIE_TOLERANCE`]
    /// (a tie, or a numerical near-tie, is wrong).
    pub correct: bool,
}

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

#[derive(Debug, Clone)]
struct Scratch {
    h: Vec<f64>,
    dh: Vec<f64>,
    y: Vec<f64>,
    p: Vec<f64>,
    r: Vec<f64>,
    g: Vec<f64>,
    // Hessian: output Jacobian (n_out x P, row-major) and its p-weighted column sums.
    jac: Vec<f64>,
    q: Vec<f64>,
    // Hessian-vector product: R-operator values.
    ra: Vec<f64>,
    rh: Vec<f64>,
    ry: Vec<f64>,
    rr: Vec<f64>,
}

impl Loss {
    /// Pairs a network with a data set. Errors when the input width differs or the data has more
    /// classes than the network has outputs.
    pub fn new(net: Network, data: Dataset) -> Result<Self, ModelError> {
        if data.n_in() != net.n_in() {
            return Err(ModelError::DatasetMismatch {
                dataset: data.name().to_owned(),
                message: format!(
                    "it has {} inputs, the network N_in = {}",
                    data.n_in(),
                    net.n_in()
                ),
            });
        }
        if data.n_classes() > net.n_out() {
            return Err(ModelError::DatasetMismatch {
                dataset: data.name().to_owned(),
                message: format!(
                    "it has {} classes, the network N_out = {}",
                    data.n_classes(),
                    net.n_out()
                ),
            });
        }
        let (nh, no, np) = (net.n_hidden(), net.n_out(), net.n_params());
        let s = Scratch {
            h: vec![0.0; nh],
            dh: vec![0.0; nh],
            y: vec![0.0; no],
            p: vec![0.0; no],
            r: vec![0.0; no],
            g: vec![0.0; nh],
            jac: vec![0.0; no * np],
            q: vec![0.0; np],
            ra: vec![0.0; nh],
            rh: vec![0.0; nh],
            ry: vec![0.0; no],
            rr: vec![0.0; no],
        };
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

    /// The full Hessian into a `P x P` buffer (symmetric, so row- and column-major agree).
    pub fn hessian_into(&mut self, w: &[f64], out: &mut [f64]) {
        let net = self.net;
        let (nin, nh, no, np) = (net.n_in(), net.n_hidden(), net.n_out(), net.n_params());
        self.check_len("w", w.len(), np);
        self.check_len("out", out.len(), np * np);
        out.fill(0.0);
        for d in 0..self.data.len() {
            let x = self.data.input(d);
            let c = self.data.label(d);
            forward(Dyn::of(&net), &net, w, x, &mut self.s);
            let s = &mut self.s;
            for i in 0..no {
                s.r[i] = s.p[i] - if i == c { 1.0 } else { 0.0 };
            }
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
        }
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
        for d in 0..self.data.len() {
            let x = self.data.input(d);
            let c = self.data.label(d);
            forward(Dyn::of(&net), &net, w, x, &mut self.s);
            let s = &mut self.s;
            for i in 0..no {
                s.r[i] = s.p[i] - if i == c { 1.0 } else { 0.0 };
            }
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
        }
        let inv_n = 1.0 / self.data.len() as f64;
        let two_lambda = 2.0 * net.lambda();
        for m in 0..np {
            out[m] = out[m] * inv_n + two_lambda * self.reg_mask(m) * v[m];
        }
    }

    /// Class probabilities for arbitrary inputs `x` (length N_in) into `probs` (length N_out).
    pub fn probabilities_into(&mut self, w: &[f64], x: &[f64], probs: &mut [f64]) {
        forward(Dyn::of(&self.net), &self.net, w, x, &mut self.s);
        probs.copy_from_slice(&self.s.p);
    }

    /// Probabilities, predicted class and correctness for every training point.
    pub fn predict(&mut self, w: &[f64]) -> Vec<PointPrediction> {
        (0..self.data.len())
            .map(|d| {
                let mut probs = vec![0.0; self.net.n_out()];
                let x = self.data.input(d).to_vec();
                self.probabilities_into(w, &x, &mut probs);
                let c = self.data.label(d);
                classify(probs, c)
            })
            .collect()
    }

    /// Number of training points classified correctly (true class strictly most probable).
    pub fn n_correct(&mut self, w: &[f64]) -> usize {
        let mut n = 0;
        for d in 0..self.data.len() {
            forward(
                Dyn::of(&self.net),
                &self.net,
                w,
                self.data.input(d),
                &mut self.s,
            );
            let c = self.data.label(d);
            if is_correct(&self.s.p, c) {
                n += 1;
            }
        }
        n
    }

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

/// Probability differences up to this count as ties. Stationary points are stored converged to
/// RMS gradient 1e-10, so a point that sits exactly on the decision boundary (W = 0, where every
/// p = 1/2) comes out of the polish with margins of ~1e-12 of either sign; 1e-9 is far above that
/// noise and far below any margin that means something.
pub const TIE_TOLERANCE: f64 = 1e-9;

/// True when class `c` has the highest probability by more than [`TIE_TOLERANCE`] (a tie counts
/// as wrong).
pub fn is_correct(probabilities: &[f64], c: usize) -> bool {
    let pc = probabilities[c];
    probabilities
        .iter()
        .enumerate()
        .all(|(i, &pi)| i == c || pi < pc - TIE_TOLERANCE)
}

/// Turns probabilities into a prediction for true class `c`.
pub fn classify(probabilities: Vec<f64>, c: usize) -> PointPrediction {
    let mut predicted = 0;
    for (i, &pi) in probabilities.iter().enumerate() {
        if pi > probabilities[predicted] {
            predicted = i;
        }
    }
    let correct = is_correct(&probabilities, c);
    PointPrediction {
        probabilities,
        predicted,
        correct,
    }
}

/// Forward pass for one point; fills h, h', y, p and returns log-sum-exp(y).
#[inline]
fn forward<D: Dims>(dims: D, net: &Network, w: &[f64], x: &[f64], s: &mut Scratch) -> f64 {
    let (nin, nh, no) = (dims.n_in(), net.n_hidden(), dims.n_out());
    let wh = net.w_hidden(w);
    let bh = net.b_hidden(w);
    for j in 0..nh {
        let row = &wh[j * nin..(j + 1) * nin];
        let mut a = bh[j];
        for k in 0..nin {
            a += row[k] * x[k];
        }
        let h = tanh(a);
        s.h[j] = h;
        s.dh[j] = 1.0 - h * h;
    }
    let wo = net.w_out(w);
    let bo = net.b_out(w);
    let mut ymax = f64::NEG_INFINITY;
    for i in 0..no {
        let row = &wo[i * nh..(i + 1) * nh];
        let mut y = bo[i];
        for j in 0..nh {
            y += row[j] * s.h[j];
        }
        s.y[i] = y;
        ymax = ymax.max(y);
    }
    // Stable softmax: shift by the per-point maximum.
    let mut sum = 0.0;
    for i in 0..no {
        // exp(0) = 1 for the maximum itself: skipping it saves one exp per point.
        let e = if s.y[i] == ymax {
            1.0
        } else {
            (s.y[i] - ymax).exp()
        };
        s.p[i] = e;
        sum += e;
    }
    let inv = 1.0 / sum;
    for i in 0..no {
        s.p[i] *= inv;
    }
    ymax + sum.ln()
}

/// Input and output widths of the loops in the hot path: known at compile time ([`Fixed`]) or
/// read from the network ([`Dyn`]).
trait Dims: Copy {
    fn n_in(self) -> usize;
    fn n_out(self) -> usize;
}

#[derive(Clone, Copy)]
struct Fixed<const IN: usize, const OUT: usize>;

impl<const IN: usize, const OUT: usize> Dims for Fixed<IN, OUT> {
    #[inline(always)]
    fn n_in(self) -> usize {
        IN
    }
    #[inline(always)]
    fn n_out(self) -> usize {
        OUT
    }
}

#[derive(Clone, Copy)]
struct Dyn(usize, usize);

impl Dyn {
    fn of(net: &Network) -> Self {
        Dyn(net.n_in(), net.n_out())
    }
}

impl Dims for Dyn {
    #[inline(always)]
    fn n_in(self) -> usize {
        self.0
    }
    #[inline(always)]
    fn n_out(self) -> usize {
        self.1
    }
}

/// tanh through expm1: about twice as fast as libm's tanh here and accurate to a few ulp
/// (relative), including near 0 where 1 - 2/(e^2a + 1) would cancel.
#[inline]
fn tanh(a: f64) -> f64 {
    let e = (-2.0 * a.abs()).exp_m1(); // in (-1, 0]
    (-e / (2.0 + e)).copysign(a)
}
