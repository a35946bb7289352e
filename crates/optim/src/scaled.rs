//! A potential seen at its own small scale: coordinates `u = (x - c) / s` about a centre `c`,
//! energies `(E(c + s u) - E_ref) / e` in units of `e`.
//!
//! Why: near a stationary point where the leading terms of the energy vanish, the stationary
//! points around it sit at distances of order `s` and energies of order `e` that can be far
//! below every absolute tolerance of the algorithms (RMS gradient 1e-6, push-offs of 0.01,
//! step caps of 0.2, energy drops of 1e-6). In scaled coordinates the same landscape is of
//! order one, so the standard algorithms and their standard settings apply unchanged:
//!
//! ```text
//! F(u) = (E(c + s u) - E_ref) / e,   grad F = (s / e) grad E,   Hess F = (s^2 / e) Hess E
//! ```
//!
//! For the XOR network at `W = 0` (balanced classes) the first-order coupling of every hidden
//! node vanishes and the data term starts at fourth order in the hidden weights, so with the
//! regulariser `E = ln 2 + lambda |W|^2 + Q4(W) + ...`: with `W = sqrt(lambda) u`,
//! `E - ln 2 = lambda^2 (|u|^2 + Q4(u)) + ...`. Hence `s = sqrt(lambda)`, `e = lambda^2`
//! ([`LocalScale::network_origin`]): the saddles next to `W = 0` sit at `|u|` of order one
//! (measured at N_h = 2, lambda = 1e-4: `|u|` = 3.5 and 5.3, `dE = 6.0 e` and `14.3 e`, lowest
//! Hessian eigenvalue `-4 lambda`, i.e. `-4` in scaled units).
//!
//! The output-bias difference keeps an O(1) curvature (1/2) at `W = 0`; in scaled units it is
//! stiff (`1 / (2 lambda)`), which Newton steps and L-BFGS's curvature-scaled steps handle.
//!
//! ```
//! use nnscape_model::Loss;
//! use nnscape_optim::{LocalScale, Objective, Scaled};
//!
//! let mut loss = Loss::xor(2, 1e-4).unwrap();
//! let scale = LocalScale::network_origin(&mut loss);
//! let mut f = Scaled::new(&mut loss, &scale);
//! let mut g = vec![0.0; 12];
//! // W = 0 is the scaled origin: F = 0 and a zero gradient.
//! assert_eq!(f.energy_gradient(&[0.0; 12], &mut g), 0.0);
//! // One scaled unit along a hidden weight costs lambda^2 |u|^2 to leading order: F ~ 1.
//! let mut u = vec![0.0; 12];
//! u[0] = 1.0;
//! assert!((f.energy(&u) - 1.0).abs() < 0.05);
//! ```

use nalgebra::DMatrix;
use nnscape_model::Loss;

use crate::{HessianObjective, Objective};

/// Where and at which scales to look: the centre `c`, the length `s` and the energy unit `e`,
/// with the reference energy `E_ref = E(c)`.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalScale {
    /// The centre `c`, in the potential's coordinates.
    pub centre: Vec<f64>,
    /// The length `s`: scaled coordinates are `(x - c) / s`.
    pub length: f64,
    /// The energy unit `e`.
    pub energy_unit: f64,
    /// `E(c)`, subtracted before scaling so that the scaled energy keeps its digits.
    pub energy_ref: f64,
}

impl LocalScale {
    /// The scales of a network loss next to `W = 0`: `s = sqrt(lambda)`, `e = lambda^2` (see
    /// the module documentation for the derivation). `lambda = 0` has no such scale (there is
    /// no finite minimum); the returned scale then has zero length, which callers must check.
    pub fn network_origin(loss: &mut Loss) -> Self {
        let lambda = loss.network().lambda();
        let centre = vec![0.0; loss.n_params()];
        let energy_ref = loss.energy(&centre);
        LocalScale {
            centre,
            length: lambda.sqrt(),
            energy_unit: lambda * lambda,
            energy_ref,
        }
    }

    /// No rescaling: `u = x - c`, energies relative to `energy_ref` in the potential's own
    /// units, for searches over the whole landscape with the same machinery.
    pub fn unit(centre: Vec<f64>, energy_ref: f64) -> Self {
        LocalScale {
            centre,
            length: 1.0,
            energy_unit: 1.0,
            energy_ref,
        }
    }

    /// `x = c + s u`.
    pub fn to_potential(&self, u: &[f64]) -> Vec<f64> {
        self.centre
            .iter()
            .zip(u)
            .map(|(c, ui)| c + self.length * ui)
            .collect()
    }

    /// `u = (x - c) / s`.
    pub fn to_scaled(&self, x: &[f64]) -> Vec<f64> {
        self.centre
            .iter()
            .zip(x)
            .map(|(c, xi)| (xi - c) / self.length)
            .collect()
    }

    /// `true` when the scale is usable (finite, positive length and energy unit).
    pub fn is_valid(&self) -> bool {
        self.length.is_finite()
            && self.length > 0.0
            && self.energy_unit.is_finite()
            && self.energy_unit > 0.0
    }
}

/// The potential `P` in the scaled coordinates of a [`LocalScale`] (see the module docs).
/// Allocation-free after construction: it keeps one buffer for `x = c + s u`.
#[derive(Debug)]
pub struct Scaled<'a, P: ?Sized> {
    inner: &'a mut P,
    scale: &'a LocalScale,
    x: Vec<f64>,
}

impl<'a, P: Objective + ?Sized> Scaled<'a, P> {
    /// `inner` seen through `scale`.
    pub fn new(inner: &'a mut P, scale: &'a LocalScale) -> Self {
        let x = scale.centre.clone();
        Scaled { inner, scale, x }
    }

    fn set_x(&mut self, u: &[f64]) {
        let s = self.scale.length;
        for ((x, c), ui) in self.x.iter_mut().zip(&self.scale.centre).zip(u) {
            *x = c + s * ui;
        }
    }
}

impl<P: Objective + ?Sized> Objective for Scaled<'_, P> {
    fn dim(&self) -> usize {
        self.inner.dim()
    }

    fn energy_gradient(&mut self, u: &[f64], grad: &mut [f64]) -> f64 {
        self.set_x(u);
        let e = self.inner.energy_gradient(&self.x, grad);
        let f = self.scale.length / self.scale.energy_unit;
        grad.iter_mut().for_each(|g| *g *= f);
        (e - self.scale.energy_ref) / self.scale.energy_unit
    }

    fn energy(&mut self, u: &[f64]) -> f64 {
        self.set_x(u);
        (self.inner.energy(&self.x) - self.scale.energy_ref) / self.scale.energy_unit
    }
}

impl<P: HessianObjective + ?Sized> HessianObjective for Scaled<'_, P> {
    fn hessian(&mut self, u: &[f64], hess: &mut DMatrix<f64>) {
        self.set_x(u);
        self.inner.hessian(&self.x, hess);
        let f = self.scale.length * self.scale.length / self.scale.energy_unit;
        hess.iter_mut().for_each(|h| *h *= f);
    }

    fn hessian_vector(&mut self, u: &[f64], v: &[f64], out: &mut [f64]) {
        self.set_x(u);
        self.inner.hessian_vector(&self.x, v, out);
        let f = self.scale.length * self.scale.length / self.scale.energy_unit;
        out.iter_mut().for_each(|o| *o *= f);
    }
}
