//! The forward pass of one data point and the machinery every evaluation shares: the scratch
//! buffers it writes into and the loop widths it runs with.
//!
//! ```text
//! a_j = sum_k w_h[j][k] x_k + b_h[j],   h_j = tanh(a_j),   h'_j = 1 - h_j^2
//! y_i = sum_j w_o[i][j] h_j + b_o[i],   p_i = exp(y_i - lse),   lse = ln sum_l exp(y_l)
//! ```

use crate::network::Network;

/// Per-point intermediate values, allocated once per [`Loss`](super::Loss) so that no
/// evaluation allocates.
#[derive(Debug, Clone)]
pub(super) struct Scratch {
    /// Hidden activations h_j.
    pub(super) h: Vec<f64>,
    /// tanh derivatives h'_j = 1 - h_j^2.
    pub(super) dh: Vec<f64>,
    /// Outputs y_i (logits).
    pub(super) y: Vec<f64>,
    /// Softmax probabilities p_i.
    pub(super) p: Vec<f64>,
    /// Residuals r_i = p_i - delta_ic.
    pub(super) r: Vec<f64>,
    /// Back-propagated g_j = sum_i r_i w_o[i][j] (and the input-sensitivity analogue).
    pub(super) g: Vec<f64>,
    // Hessian: output Jacobian (n_out x P, row-major) and its p-weighted column sums.
    pub(super) jac: Vec<f64>,
    pub(super) q: Vec<f64>,
    // Hessian-vector product: R-operator values.
    pub(super) ra: Vec<f64>,
    pub(super) rh: Vec<f64>,
    pub(super) ry: Vec<f64>,
    pub(super) rr: Vec<f64>,
}

impl Scratch {
    /// Buffers sized for `net`.
    pub(super) fn new(net: &Network) -> Self {
        let (nh, no, np) = (net.n_hidden(), net.n_out(), net.n_params());
        Self {
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
        }
    }
}

/// Forward pass for one point; fills h, h', y, p and returns log-sum-exp(y).
#[inline]
pub(super) fn forward<D: Dims>(
    dims: D,
    net: &Network,
    w: &[f64],
    x: &[f64],
    s: &mut Scratch,
) -> f64 {
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
pub(super) trait Dims: Copy {
    fn n_in(self) -> usize;
    fn n_out(self) -> usize;
}

/// Widths fixed at compile time, so the compiler unrolls the loops over inputs and outputs.
#[derive(Clone, Copy)]
pub(super) struct Fixed<const IN: usize, const OUT: usize>;

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

/// Widths read from the network at run time.
#[derive(Clone, Copy)]
pub(super) struct Dyn(usize, usize);

impl Dyn {
    pub(super) fn of(net: &Network) -> Self {
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
