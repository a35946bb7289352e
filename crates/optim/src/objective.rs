//! The small interface every minimiser and saddle search in this project works on.

use nalgebra::DMatrix;

/// A differentiable scalar function of `dim()` variables (an energy / loss).
///
/// Implementations should not allocate in [`Objective::energy_gradient`]: it is the hot path of
/// every quench. `&mut self` lets an implementation keep scratch buffers.
pub trait Objective {
    /// Number of variables.
    fn dim(&self) -> usize;
    /// Energy at `x`; writes the gradient into `grad` (`grad.len() == dim()`).
    fn energy_gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64;
    /// Energy alone. The default evaluates the gradient too (into a temporary); override when
    /// the energy is cheaper on its own.
    fn energy(&mut self, x: &[f64]) -> f64 {
        let mut g = vec![0.0; self.dim()];
        self.energy_gradient(x, &mut g)
    }
}

/// An [`Objective`] that also provides exact second derivatives.
pub trait HessianObjective: Objective {
    /// Writes the full symmetric Hessian at `x` into `hess` (`dim() x dim()`).
    fn hessian(&mut self, x: &[f64], hess: &mut DMatrix<f64>);
    /// Hessian-vector product `out = H(x) v`. The default forms the Hessian; override with a
    /// matrix-free product when one is available.
    fn hessian_vector(&mut self, x: &[f64], v: &[f64], out: &mut [f64]) {
        let n = self.dim();
        let mut h = DMatrix::zeros(n, n);
        self.hessian(x, &mut h);
        for (i, o) in out.iter_mut().enumerate() {
            *o = (0..n).map(|j| h[(i, j)] * v[j]).sum();
        }
    }
}

impl<T: Objective + ?Sized> Objective for &mut T {
    fn dim(&self) -> usize {
        (**self).dim()
    }
    fn energy_gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        (**self).energy_gradient(x, grad)
    }
    fn energy(&mut self, x: &[f64]) -> f64 {
        (**self).energy(x)
    }
}

impl<T: HessianObjective + ?Sized> HessianObjective for &mut T {
    fn hessian(&mut self, x: &[f64], hess: &mut DMatrix<f64>) {
        (**self).hessian(x, hess)
    }
    fn hessian_vector(&mut self, x: &[f64], v: &[f64], out: &mut [f64]) {
        (**self).hessian_vector(x, v, out)
    }
}
