//! The Mueller-Brown potential (Mueller and Brown 1979): a sum of four Gaussians on the plane
//! with three minima and two transition states, the standard test of path-finding methods.

use nnscape_optim::nalgebra::DMatrix;
use nnscape_optim::{HessianObjective, Objective};

/// `E(x, y) = sum_i A_i exp(a_i (x - x0_i)^2 + b_i (x - x0_i)(y - y0_i) + c_i (y - y0_i)^2)`.
#[derive(Debug, Clone, Copy)]
pub struct MuellerBrown;

const A: [f64; 4] = [-200.0, -100.0, -170.0, 15.0];
const AA: [f64; 4] = [-1.0, -1.0, -6.5, 0.7];
const BB: [f64; 4] = [0.0, 0.0, 11.0, 0.6];
const CC: [f64; 4] = [-10.0, -10.0, -6.5, 0.7];
const X0: [f64; 4] = [1.0, 0.0, -0.5, -1.0];
const Y0: [f64; 4] = [0.0, 0.5, 1.5, 1.0];

impl MuellerBrown {
    /// Energy, gradient and Hessian (row-major 2x2).
    pub fn all(p: &[f64]) -> (f64, [f64; 2], [f64; 4]) {
        let (mut e, mut g, mut h) = (0.0, [0.0; 2], [0.0; 4]);
        for i in 0..4 {
            let (dx, dy) = (p[0] - X0[i], p[1] - Y0[i]);
            let t = A[i] * (AA[i] * dx * dx + BB[i] * dx * dy + CC[i] * dy * dy).exp();
            let qx = 2.0 * AA[i] * dx + BB[i] * dy;
            let qy = BB[i] * dx + 2.0 * CC[i] * dy;
            e += t;
            g[0] += t * qx;
            g[1] += t * qy;
            h[0] += t * (qx * qx + 2.0 * AA[i]);
            h[1] += t * (qx * qy + BB[i]);
            h[3] += t * (qy * qy + 2.0 * CC[i]);
        }
        h[2] = h[1];
        (e, g, h)
    }
}

impl Objective for MuellerBrown {
    fn dim(&self) -> usize {
        2
    }
    fn energy_gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        let (e, g, _) = Self::all(x);
        grad.copy_from_slice(&g);
        e
    }
}

impl HessianObjective for MuellerBrown {
    fn hessian(&mut self, x: &[f64], hess: &mut DMatrix<f64>) {
        hess.copy_from_slice(&Self::all(x).2);
    }
}
