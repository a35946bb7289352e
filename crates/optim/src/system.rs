//! The landscape's rules in one place: which points are the same (up to symmetry), which
//! Hessian eigenvalues count as zero, and the potential they apply to.
//!
//! Every algorithm of nnscape (basin-hopping here, transition-state searches and connection in
//! `nnscape-ts`, the database and exploration in `nnscape-landscape`) asks a [`System`] instead
//! of carrying its own copy of these rules, as pele's `BaseSystem` does:
//!
//! - an [`Alignment`]: the distance between two points after removing the potential's discrete
//!   symmetries (for a network, [`NetworkAlignment`](crate::NetworkAlignment): hidden-node
//!   permutations and sign flips), plus its continuous invariances;
//! - [`Tolerances`]: two stationary points are the same when
//!   `|E_a - E_b| <= energy * max(1, |E_a|, |E_b|)` and their aligned distance is at most
//!   `distance`; a Hessian eigenvalue below `-eigenvalue_cutoff` is negative.
//!
//! ```
//! use nnscape_optim::{NoSymmetry, System, Tolerances};
//!
//! let sys = System::new((), NoSymmetry);
//! assert_eq!(sys.tolerances, Tolerances::default());
//! assert!(sys.same_point(&[0.0, 0.0], 1.0, &[0.0, 1e-4], 1.0 + 1e-8));
//! assert!(!sys.same_point(&[0.0, 0.0], 1.0, &[0.0, 1e-2], 1.0));
//! ```

pub use nnscape_model::vector::euclidean;

use crate::error::check_non_negative;
use crate::OptimError;

/// Distance between two points after removing symmetries (permutations of hidden units, sign
/// flips, ...). Network-specific implementations: [`NetworkAlignment`](crate::NetworkAlignment).
pub trait Alignment {
    /// Distance between `a` and `b` minimised over symmetries, and `b`'s copy aligned to `a`.
    fn align(&self, a: &[f64], b: &[f64]) -> (f64, Vec<f64>);

    /// The aligned distance alone. Override when it is cheaper than [`Alignment::align`].
    fn distance(&self, a: &[f64], b: &[f64]) -> f64 {
        self.align(a, b).0
    }

    /// Orthonormal directions along which the energy is invariant up to a simple convex term
    /// (continuous symmetries, e.g. the softmax shift of a network's output weights, curved only
    /// by the regulariser). No saddle lies along them, so single-ended searches skip them.
    /// Default: none.
    fn invariant_directions(&self) -> Vec<Vec<f64>> {
        Vec::new()
    }
}

/// No symmetry: plain Euclidean distance, `b` returned unchanged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoSymmetry;

impl Alignment for NoSymmetry {
    fn align(&self, a: &[f64], b: &[f64]) -> (f64, Vec<f64>) {
        (euclidean(a, b), b.to_vec())
    }
    fn distance(&self, a: &[f64], b: &[f64]) -> f64 {
        euclidean(a, b)
    }
}

impl<T: Alignment + ?Sized> Alignment for &T {
    fn align(&self, a: &[f64], b: &[f64]) -> (f64, Vec<f64>) {
        (**self).align(a, b)
    }
    fn distance(&self, a: &[f64], b: &[f64]) -> f64 {
        (**self).distance(a, b)
    }
    fn invariant_directions(&self) -> Vec<Vec<f64>> {
        (**self).invariant_directions()
    }
}

/// When two stationary points are the same, and which Hessian eigenvalues are zero modes.
/// The one definition every crate uses. Defaults: see [`Tolerances::default`].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Tolerances {
    /// Relative energy tolerance: same point needs
    /// `|E_a - E_b| <= energy * max(1, |E_a|, |E_b|)`.
    ///
    /// Default 1e-7. Polished points (RMS gradient 1e-10) agree in energy to about 1e-15, so
    /// 1e-7 is far above that and far below the gaps between distinct minima; PATHSAMPLE's
    /// `EDIFFTOL` 1e-4 was set for unpolished points.
    pub energy: f64,
    /// Largest distance after optimal alignment between two copies of one point.
    ///
    /// Default 1e-3. Polished copies agree to about 1e-8 after alignment; 1e-3 is far below the
    /// distance between distinct minima (PATHSAMPLE `GEOMDIFFTOL` 0.1-0.2 with `PERMDIST`).
    pub distance: f64,
    /// A Hessian eigenvalue below `-eigenvalue_cutoff` is negative (counts in the index); one
    /// of magnitude at most this is a zero mode.
    ///
    /// Default [`nnscape_model::DEFAULT_EIGENVALUE_CUTOFF`] = 1e-7 (PATHSAMPLE `EVCUT`).
    pub eigenvalue_cutoff: f64,
}

impl Default for Tolerances {
    fn default() -> Self {
        Self {
            energy: 1e-7,
            distance: 1e-3,
            eigenvalue_cutoff: nnscape_model::DEFAULT_EIGENVALUE_CUTOFF,
        }
    }
}

/// Smallest eigenvalue cut-off [`Tolerances::at_lambda`] uses: above the round-off of an
/// analytic Hessian's eigenvalues (machine epsilon times its norm, ~1e-14 for these networks).
const EIGENVALUE_CUTOFF_FLOOR: f64 = 1e-12;

impl Tolerances {
    /// The tolerances of a network landscape with L2 coefficient `lambda`: the defaults where
    /// they are far from the landscape's own scales, scaled with `lambda` where they are not.
    ///
    /// - **Eigenvalue cut-off** `1e-4 lambda`, at most PATHSAMPLE's 1e-7 and at least 1e-12.
    ///   The regulariser gives every direction the curvature `2 lambda`, and the data term
    ///   cancels part of it where hidden nodes duplicate one another: there the loss has real
    ///   curvatures of a few 1e-3 lambda (four equal nodes at N_h = 5, lambda = 1e-5 split at
    ///   4.7e-8 = 4.7e-3 lambda, and the saddle between the split and unsplit arrangements has
    ///   the negative eigenvalue -4.7e-8). A fixed 1e-7 counted that transition state as a
    ///   minimum. `1e-4 lambda` keeps a factor of about 50 below the softest curvature measured
    ///   and stays far above round-off for every lambda the study uses.
    /// - **Distance** `0.1 sqrt(lambda)`, at most 1e-3. Next to `W = 0` the stationary points
    ///   sit at distances of order `sqrt(lambda)` ([`LocalScale::network_origin`](crate::LocalScale::network_origin)),
    ///   so a fixed 1e-3 is a third of that scale at lambda = 1e-5. Polished points (Newton step
    ///   below 1e-8, [`NewtonParams::step_tolerance`](crate::NewtonParams::step_tolerance)) sit
    ///   far closer than either.
    /// - **Energy** 1e-7 relative, as the default: it only preselects candidates for the
    ///   distance test.
    ///
    /// `lambda = 0` (or a non-finite value) has no such scale and gives the defaults.
    ///
    /// ```
    /// use nnscape_optim::Tolerances;
    ///
    /// let t = Tolerances::at_lambda(1e-5);
    /// assert_eq!(t.eigenvalue_cutoff, 1e-9);
    /// assert!((t.distance - 0.1 * 1e-5f64.sqrt()).abs() < 1e-15);
    /// assert_eq!(Tolerances::at_lambda(1e-2), Tolerances::default());
    /// ```
    pub fn at_lambda(lambda: f64) -> Self {
        let d = Self::default();
        if !(lambda.is_finite() && lambda > 0.0) {
            return d;
        }
        Self {
            energy: d.energy,
            distance: d.distance.min(0.1 * lambda.sqrt()),
            eigenvalue_cutoff: (1e-4 * lambda).clamp(EIGENVALUE_CUTOFF_FLOOR, d.eigenvalue_cutoff),
        }
    }

    /// Checks every field (finite, `>= 0`); the error names the bad field.
    pub fn validate(&self) -> Result<(), OptimError> {
        check_non_negative("tolerances.energy", self.energy)?;
        check_non_negative("tolerances.distance", self.distance)?;
        check_non_negative("tolerances.eigenvalue_cutoff", self.eigenvalue_cutoff)
    }

    /// Half-width of the energy window in which a copy of a point of energy `e` may lie: every
    /// `e'` with [`Tolerances::energies_match`]`(e, e')` lies in `[e - w, e + w]`.
    pub fn energy_window(&self, e: f64) -> f64 {
        // max(1, |e|, |e'|) <= max(1, |e|) + |e - e'| bounds |e - e'| by energy max(1, |e|) / (1 - energy),
        // which (1 + 2 energy) exceeds for any energy below 1/2.
        self.energy * e.abs().max(1.0) * (1.0 + 2.0 * self.energy)
    }

    /// The energy half of the same-point rule.
    pub fn energies_match(&self, ea: f64, eb: f64) -> bool {
        (ea - eb).abs() <= self.energy * ea.abs().max(eb.abs()).max(1.0)
    }

    /// The same-point rule: energies match and the aligned distance is at most `distance`.
    pub fn same_point<A: Alignment + ?Sized>(
        &self,
        alignment: &A,
        xa: &[f64],
        ea: f64,
        xb: &[f64],
        eb: f64,
    ) -> bool {
        self.energies_match(ea, eb) && alignment.distance(xa, xb) <= self.distance
    }

    /// Hessian index: eigenvalues below `-eigenvalue_cutoff`.
    pub fn index(&self, eigenvalues: &[f64]) -> usize {
        nnscape_model::hessian_index(eigenvalues, self.eigenvalue_cutoff)
    }
}

/// A landscape: the potential, its symmetries and the rules that say when two points are the
/// same. Algorithms that run in parallel clone it (one potential with its scratch buffers per
/// worker).
#[derive(Debug, Clone, PartialEq)]
pub struct System<P, A> {
    /// The energy (an [`Objective`](crate::Objective) / [`HessianObjective`](crate::HessianObjective)).
    pub potential: P,
    /// Its symmetries.
    pub alignment: A,
    /// Same-point rule and zero-mode cut-off.
    pub tolerances: Tolerances,
}

impl<P, A: Alignment> System<P, A> {
    /// A system with the default [`Tolerances`].
    pub fn new(potential: P, alignment: A) -> Self {
        Self {
            potential,
            alignment,
            tolerances: Tolerances::default(),
        }
    }

    /// The same system with other tolerances.
    pub fn with_tolerances(self, tolerances: Tolerances) -> Self {
        Self { tolerances, ..self }
    }

    /// [`Tolerances::same_point`] under this system's alignment.
    pub fn same_point(&self, xa: &[f64], ea: f64, xb: &[f64], eb: f64) -> bool {
        self.tolerances.same_point(&self.alignment, xa, ea, xb, eb)
    }

    /// Aligned distance between two points.
    pub fn distance(&self, a: &[f64], b: &[f64]) -> f64 {
        self.alignment.distance(a, b)
    }
}
