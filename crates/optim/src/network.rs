//! The neural-network loss of `nnscape-model` as an [`Objective`] / [`HessianObjective`].

use nalgebra::DMatrix;
use nnscape_model::Loss;

use crate::objective::{HessianObjective, Objective};

impl Objective for Loss {
    fn dim(&self) -> usize {
        self.n_params()
    }
    #[inline]
    fn energy_gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        Loss::energy_gradient(self, x, grad)
    }
    #[inline]
    fn energy(&mut self, x: &[f64]) -> f64 {
        Loss::energy(self, x)
    }
}

impl HessianObjective for Loss {
    fn hessian(&mut self, x: &[f64], hess: &mut DMatrix<f64>) {
        self.hessian_matrix_into(x, hess);
    }
    fn hessian_vector(&mut self, x: &[f64], v: &[f64], out: &mut [f64]) {
        Loss::hessian_vector(self, x, v, out);
    }
}
