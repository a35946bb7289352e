//! Test surfaces: analytic ones with exact gradients and Hessians, and the XOR loss.
#![allow(dead_code)]

use nalgebra::DMatrix;
use nnscape_model::{Dataset, Loss, Network};
use nnscape_optim::{HessianObjective, Objective};

/// The XOR network with `nh` hidden nodes and regularisation `lambda`, and its loss (MLPVB3).
pub fn xor_loss(nh: usize, lambda: f64) -> (Network, Loss) {
    let net = Network::xor(nh, lambda).unwrap();
    (net, Loss::new(net, Dataset::xor()).unwrap())
}

// One definition of the Mueller-Brown surface, shared with the example that maps it.
#[path = "../../examples/mueller_brown/potential.rs"]
mod mueller_brown;
#[allow(unused_imports)] // not every test file uses it
pub use mueller_brown::MuellerBrown;

/// Literature stationary points (Mueller and Brown 1979), 3 decimals.
pub const MB_MIN_A: [f64; 2] = [-0.558, 1.442];
pub const MB_MIN_B: [f64; 2] = [0.623, 0.028];
pub const MB_MIN_C: [f64; 2] = [-0.050, 0.467];
pub const MB_TS_BC: [f64; 2] = [0.212, 0.293];
pub const MB_TS_AC: [f64; 2] = [-0.822, 0.624];

/// Independent plain Newton solve of grad = 0 on a 2-D surface (Cramer's rule), used to check
/// the crate's results against the literature coordinates.
pub fn newton_2d(f: impl Fn(&[f64]) -> (f64, [f64; 2], [f64; 4]), x0: [f64; 2]) -> [f64; 2] {
    let mut x = x0;
    for _ in 0..100 {
        let (_, g, h) = f(&x);
        if g[0].hypot(g[1]) < 1e-13 {
            break;
        }
        let det = h[0] * h[3] - h[1] * h[2];
        x[0] -= (h[3] * g[0] - h[1] * g[1]) / det;
        x[1] -= (-h[2] * g[0] + h[0] * g[1]) / det;
    }
    x
}

/// (x^2 - 1)^2 + y^2: minima (+-1, 0), saddle at the origin (eigenvalues -4, 2).
pub struct DoubleWell;

impl DoubleWell {
    pub fn all(p: &[f64]) -> (f64, [f64; 2], [f64; 4]) {
        let (x, y) = (p[0], p[1]);
        (
            (x * x - 1.0).powi(2) + y * y,
            [4.0 * x * (x * x - 1.0), 2.0 * y],
            [12.0 * x * x - 4.0, 0.0, 0.0, 2.0],
        )
    }
}

impl Objective for DoubleWell {
    fn dim(&self) -> usize {
        2
    }
    fn energy_gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        let (e, g, _) = Self::all(x);
        grad.copy_from_slice(&g);
        e
    }
}

impl HessianObjective for DoubleWell {
    fn hessian(&mut self, x: &[f64], hess: &mut DMatrix<f64>) {
        hess.copy_from_slice(&Self::all(x).2);
    }
}

/// cos x + cos y: a maximum (index 2) at the origin, saddles at (pi, 0), minima at (pi, pi).
pub struct EggBox;

impl Objective for EggBox {
    fn dim(&self) -> usize {
        2
    }
    fn energy_gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        grad[0] = -x[0].sin();
        grad[1] = -x[1].sin();
        x[0].cos() + x[1].cos()
    }
}

impl HessianObjective for EggBox {
    fn hessian(&mut self, x: &[f64], hess: &mut DMatrix<f64>) {
        hess.fill(0.0);
        hess[(0, 0)] = -x[0].cos();
        hess[(1, 1)] = -x[1].cos();
    }
}

/// 0.5 x^T A x with a symmetric A; matrix-free Hessian-vector product.
pub struct Quadratic(pub DMatrix<f64>);

impl Objective for Quadratic {
    fn dim(&self) -> usize {
        self.0.nrows()
    }
    fn energy_gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        let n = self.dim();
        let mut e = 0.0;
        for i in 0..n {
            grad[i] = (0..n).map(|j| self.0[(i, j)] * x[j]).sum();
            e += 0.5 * x[i] * grad[i];
        }
        e
    }
}

impl HessianObjective for Quadratic {
    fn hessian(&mut self, _x: &[f64], hess: &mut DMatrix<f64>) {
        hess.copy_from(&self.0);
    }
    fn hessian_vector(&mut self, _x: &[f64], v: &[f64], out: &mut [f64]) {
        let n = self.dim();
        for (i, o) in out.iter_mut().enumerate() {
            *o = (0..n).map(|j| self.0[(i, j)] * v[j]).sum();
        }
    }
}
