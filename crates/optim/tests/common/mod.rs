//! Test functions with exactly known stationary points.
#![allow(dead_code)] // each test binary uses a different subset

use nalgebra::DMatrix;
use nnscape_optim::{HessianObjective, Objective};

/// Chained Rosenbrock: sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2; global minimum 0 at (1,...,1).
pub struct Rosenbrock {
    pub n: usize,
}

impl Objective for Rosenbrock {
    fn dim(&self) -> usize {
        self.n
    }
    fn energy_gradient(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
        g.iter_mut().for_each(|v| *v = 0.0);
        let mut f = 0.0;
        for i in 0..self.n - 1 {
            let a = 1.0 - x[i];
            let b = x[i + 1] - x[i] * x[i];
            f += a * a + 100.0 * b * b;
            g[i] += -2.0 * a - 400.0 * x[i] * b;
            g[i + 1] += 200.0 * b;
        }
        f
    }
}

impl HessianObjective for Rosenbrock {
    fn hessian(&mut self, x: &[f64], h: &mut DMatrix<f64>) {
        h.fill(0.0);
        for i in 0..self.n - 1 {
            h[(i, i)] += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0;
            h[(i + 1, i + 1)] += 200.0;
            h[(i, i + 1)] -= 400.0 * x[i];
            h[(i + 1, i)] -= 400.0 * x[i];
        }
    }
}

/// Standard start of the chained (generalised) Rosenbrock problem, CUTEst GENROSE:
/// x_i = i / (n + 1), i = 1..n.
pub fn rosenbrock_start(n: usize) -> Vec<f64> {
    (1..=n).map(|i| i as f64 / (n + 1) as f64).collect()
}

/// The extended-Rosenbrock start (-1.2, 1, -1.2, 1, ...) of Moré, Garbow, Hillstrom (1981).
/// For the chained function with n >= 4 it drains to the known second local minimum near
/// x_1 = -0.99 rather than to (1, ..., 1).
pub fn mgh_start(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect()
}

/// f = u^2 - v^2 + v^4/4 + u v with u = x - 1, v = y + 0.5. Exactly one saddle, at (1, -0.5)
/// with f = 0 and Hessian [[2, 1], [1, -2]] (eigenvalues +-sqrt 5); minima at v^2 = 2.5.
pub struct CoupledSaddle;

pub const SADDLE: [f64; 2] = [1.0, -0.5];

impl Objective for CoupledSaddle {
    fn dim(&self) -> usize {
        2
    }
    fn energy_gradient(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
        let (u, v) = (x[0] - SADDLE[0], x[1] - SADDLE[1]);
        g[0] = 2.0 * u + v;
        g[1] = -2.0 * v + v * v * v + u;
        u * u - v * v + v.powi(4) / 4.0 + u * v
    }
}

impl HessianObjective for CoupledSaddle {
    fn hessian(&mut self, x: &[f64], h: &mut DMatrix<f64>) {
        let v = x[1] - SADDLE[1];
        h[(0, 0)] = 2.0;
        h[(0, 1)] = 1.0;
        h[(1, 0)] = 1.0;
        h[(1, 1)] = -2.0 + 3.0 * v * v;
    }
}

/// (x^2 - 1)^2 + y^2: minima (+-1, 0), saddle (0, 0).
pub struct DoubleWell;

impl Objective for DoubleWell {
    fn dim(&self) -> usize {
        2
    }
    fn energy_gradient(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
        let a = x[0] * x[0] - 1.0;
        g[0] = 4.0 * x[0] * a;
        g[1] = 2.0 * x[1];
        a * a + x[1] * x[1]
    }
}

/// f = -cos(20 x) + y^2: narrow wells at x = k pi / 10, ridges half-way between.
pub struct Corrugated;

impl Objective for Corrugated {
    fn dim(&self) -> usize {
        2
    }
    fn energy_gradient(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
        g[0] = 20.0 * (20.0 * x[0]).sin();
        g[1] = 2.0 * x[1];
        -(20.0 * x[0]).cos() + x[1] * x[1]
    }
}

/// s |x|^2, finite only for x[0] > 0.5 (NaN beyond), so any quench must leave the finite region.
pub struct NanAwayFromStart {
    pub scale: f64,
}

impl Objective for NanAwayFromStart {
    fn dim(&self) -> usize {
        2
    }
    fn energy_gradient(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
        if x[0] <= 0.5 {
            g.iter_mut().for_each(|v| *v = f64::NAN);
            return f64::NAN;
        }
        for (gi, xi) in g.iter_mut().zip(x) {
            *gi = 2.0 * self.scale * xi;
        }
        self.scale * x.iter().map(|v| v * v).sum::<f64>()
    }
}

/// Wraps an objective and reports minus its gradient (and Hessian): a lying derivative.
pub struct Lying<O>(pub O);

impl<O: Objective> Objective for Lying<O> {
    fn dim(&self) -> usize {
        self.0.dim()
    }
    fn energy_gradient(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
        let e = self.0.energy_gradient(x, g);
        g.iter_mut().for_each(|v| *v = -*v);
        e
    }
}

impl<O: HessianObjective> HessianObjective for Lying<O> {
    fn hessian(&mut self, x: &[f64], h: &mut DMatrix<f64>) {
        self.0.hessian(x, h);
        h.iter_mut().for_each(|v| *v = -*v);
    }
}

/// s |x|^2 in n dimensions.
pub struct Sphere {
    pub n: usize,
    pub scale: f64,
}

impl Objective for Sphere {
    fn dim(&self) -> usize {
        self.n
    }
    fn energy_gradient(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
        for (gi, xi) in g.iter_mut().zip(x) {
            *gi = 2.0 * self.scale * xi;
        }
        self.scale * x.iter().map(|v| v * v).sum::<f64>()
    }
}

impl HessianObjective for Sphere {
    fn hessian(&mut self, _x: &[f64], h: &mut DMatrix<f64>) {
        h.fill(0.0);
        h.fill_diagonal(2.0 * self.scale);
    }
}

/// 1/2 x^T A x - b^T x.
pub struct Quadratic {
    pub a: DMatrix<f64>,
    pub b: Vec<f64>,
}

impl Objective for Quadratic {
    fn dim(&self) -> usize {
        self.b.len()
    }
    fn energy_gradient(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
        let n = self.b.len();
        let mut f = 0.0;
        for i in 0..n {
            let ax: f64 = (0..n).map(|j| self.a[(i, j)] * x[j]).sum();
            g[i] = ax - self.b[i];
            f += 0.5 * x[i] * ax - self.b[i] * x[i];
        }
        f
    }
}

pub fn max_abs_diff(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(p, q)| (p - q).abs())
        .fold(0.0, f64::max)
}
