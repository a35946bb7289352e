//! Hybrid eigenvector-following (HEF; Munro and Wales 1999; Kumeda, Munro and Wales 2001):
//! climb along the lowest Hessian eigenvector, minimise in the space orthogonal to it, repeat,
//! and finish with a Newton polish.
//!
//! At a point `x` with energy `E`, gradient `g` and lowest Hessian eigenpair `(l, v)`, one
//! cycle of [`find_transition_state`] is:
//!
//! 1. **Uphill step** along `v`. With `F = g . v`, the eigenvector-following step that
//!    maximises the quadratic model `E + F h + l h^2 / 2` along `v` when `l < 0` is
//!
//!    `h = 2 F / (|l| (1 + sqrt(1 + 4 F^2 / l^2)))`,
//!
//!    capped at the trust radius `r`: `x <- x + h v`. While `l >= 0` (no negative curvature
//!    yet) the step is the full `r` uphill.
//! 2. **Trust radius** from the ratio of actual to predicted change,
//!    `rho = (E(x + h v) - E(x)) / (F h + l h^2 / 2)`: `r` grows by 1.2 (up to
//!    `max_uphill_step`) when `0.5 <= rho <= 2`, halves (down to `min_uphill_step`) when `rho`
//!    lies outside `0.2..=5`, and a step with `rho < 0` is retried shorter.
//! 3. **Tangent-space minimisation**: `tangent_steps` L-BFGS steps on `E` with the gradient
//!    projected orthogonal to `v`, `g - (g . v) v`, so the point relaxes in every direction
//!    but the one it climbs.
//! 4. **Newton switch**: once `l < -eigenvalue_cutoff` and the RMS gradient is below
//!    `newton_switch_rms`, a Newton polish with the exact Hessian converges to the saddle; it
//!    is accepted when the RMS gradient is at most `rms_gradient_tolerance` and exactly one
//!    Hessian eigenvalue is below `-eigenvalue_cutoff`.

mod climb;

use nnscape_optim::{HessianObjective, NewtonParams, OptimError, Tolerances};

use crate::check::{count, positive, require};
use crate::eigen::{lowest_eigenpairs, EigenError, EigenMethod, EigenParams};
use climb::Climb;

/// Parameters of [`find_transition_state`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct HefParams {
    /// Converged when the RMS gradient is at most this (and the index is exactly 1).
    ///
    /// Default 1e-10: tighter than OPTIM `CONVERGE 1e-9` because the Newton polish gets there
    /// for free.
    pub rms_gradient_tolerance: f64,
    /// Hybrid cycles (uphill step + tangent minimisation) before giving up.
    ///
    /// Default 1000, a generous cap: most searches that converge on XOR and Mueller-Brown need
    /// under 100 cycles, a few on XOR 500-800 (after undone cycles); climbs that never meet
    /// negative curvature are stopped much earlier by `max_convex_cycles`.
    pub max_iterations: usize,
    /// Initial uphill trust radius.
    ///
    /// Default 0.2 (pele `max_uphill_step_initial`).
    pub initial_uphill_step: f64,
    /// Largest uphill trust radius.
    ///
    /// Default 0.5 (pele `max_uphill_step`).
    pub max_uphill_step: f64,
    /// Smallest uphill trust radius.
    ///
    /// Default 0.01 (pele `min_uphill_step`).
    pub min_uphill_step: f64,
    /// L-BFGS steps in the tangent space per cycle.
    ///
    /// Default 10 (pele `nsteps_tangent1`).
    pub tangent_steps: usize,
    /// Step cap of the tangent-space L-BFGS (halved each time a cycle loses negative curvature
    /// and is undone).
    ///
    /// Default 0.1 (pele `tangent_space_max_step`).
    pub tangent_max_step: f64,
    /// L-BFGS memory in the tangent space.
    ///
    /// Default 4 (GMIN/OPTIM `M`, pele).
    pub lbfgs_memory: usize,
    /// Switch to the Newton polish once the RMS gradient is below this and the lowest
    /// eigenvalue is negative (divided by 10 after each polish that does not converge).
    ///
    /// Default 1e-4: pele's HEF stops at 1e-4 and refines afterwards.
    pub newton_switch_rms: f64,
    /// Newton polish settings.
    ///
    /// Default [`NewtonParams::default`] (nnscape-optim; the polish of minima too).
    pub newton: NewtonParams,
    /// Eigen-solver settings.
    ///
    /// Default [`EigenParams::default`]: exact dense eigendecomposition.
    pub eigen: EigenParams,
    /// Give up ([`TsFailure::ClimbLimit`]) after this many hybrid cycles without ever having met
    /// negative curvature: the search is climbing a wall with no saddle.
    ///
    /// Default 100, measured on XOR (N_h 2-4, lambda 1e-2..1e-4, single-ended from 3-6 minima
    /// each, 2k starts): searches that converged met negative curvature within 20 cycles in
    /// ~90% of cases, and caps of 50, 100, 200 and 1000 found exactly the same distinct
    /// transition states, while the climbs that never met negative curvature used all 1000
    /// cycles (about 3/4 of the search time).
    pub max_convex_cycles: usize,
    /// Give up ([`TsFailure::ClimbLimit`]) when the energy has risen this much above the start
    /// (with or without negative curvature): the search is running away.
    ///
    /// Default off (infinite), because it depends on the energy scale (Mueller-Brown barriers
    /// are ~100, XOR's < 1); on XOR (same runs as above) caps of 1 and 2 lost no transition
    /// state but saved no measurable time once `max_convex_cycles` was in place.
    pub max_energy_rise: f64,
}

/// The values and their sources are given with each field of [`HefParams`].
impl Default for HefParams {
    fn default() -> Self {
        Self {
            rms_gradient_tolerance: 1e-10,
            max_iterations: 1000,
            initial_uphill_step: 0.2,
            max_uphill_step: 0.5,
            min_uphill_step: 0.01,
            tangent_steps: 10,
            tangent_max_step: 0.1,
            lbfgs_memory: 4,
            newton_switch_rms: 1e-4,
            newton: NewtonParams::default(),
            eigen: EigenParams::default(),
            max_convex_cycles: 100,
            max_energy_rise: f64::INFINITY,
        }
    }
}

impl HefParams {
    /// Checks every field; the error names the first bad one and its allowed range. Tolerances
    /// and step caps are finite and `> 0`; counts (`max_iterations`, `tangent_steps`,
    /// `lbfgs_memory`) at least 1; `min_uphill_step <= initial_uphill_step <=
    /// max_uphill_step`; `max_energy_rise > 0` (infinite: off); `max_convex_cycles` any value
    /// (0: give up as soon as a cycle starts without negative curvature). `newton` and `eigen`
    /// are checked with their own `validate`.
    pub fn validate(&self) -> Result<(), OptimError> {
        positive("rms_gradient_tolerance", self.rms_gradient_tolerance)?;
        count("max_iterations", self.max_iterations)?;
        positive("min_uphill_step", self.min_uphill_step)?;
        require(
            self.max_uphill_step.is_finite() && self.max_uphill_step >= self.min_uphill_step,
            "max_uphill_step",
            self.max_uphill_step,
            "must be finite and >= min_uphill_step",
        )?;
        require(
            (self.min_uphill_step..=self.max_uphill_step).contains(&self.initial_uphill_step),
            "initial_uphill_step",
            self.initial_uphill_step,
            "must lie in [min_uphill_step, max_uphill_step]",
        )?;
        count("tangent_steps", self.tangent_steps)?;
        positive("tangent_max_step", self.tangent_max_step)?;
        count("lbfgs_memory", self.lbfgs_memory)?;
        positive("newton_switch_rms", self.newton_switch_rms)?;
        require(
            self.max_energy_rise > 0.0,
            "max_energy_rise",
            self.max_energy_rise,
            "must be > 0 (infinite turns the limit off)",
        )?;
        self.newton.validate().map_err(|e| e.within("newton"))?;
        self.eigen.validate().map_err(|e| e.within("eigen"))
    }
}

/// A converged, verified transition state (index exactly 1).
#[derive(Debug, Clone)]
pub struct TransitionState {
    /// Coordinates.
    pub x: Vec<f64>,
    /// Energy.
    pub energy: f64,
    /// RMS gradient `|g| / sqrt(n)`.
    pub rms_gradient: f64,
    /// The single negative Hessian eigenvalue.
    pub eigenvalue: f64,
    /// Its unit eigenvector (the reaction coordinate at the saddle).
    pub eigenvector: Vec<f64>,
    /// Hybrid cycles used.
    pub iterations: usize,
}

/// Why a transition-state search failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TsFailure {
    /// Converged to a stationary point of index 2 or more.
    #[error("stationary point has {index} negative Hessian eigenvalues")]
    TooManyNegativeEigenvalues {
        /// Number of eigenvalues below the cut-off.
        index: usize,
    },
    /// Converged to a stationary point without a negative eigenvalue (a minimum).
    #[error("stationary point has no negative Hessian eigenvalue")]
    NoNegativeEigenvalue,
    /// Iteration limit reached without convergence.
    #[error("iteration limit reached")]
    StepLimit,
    /// Climbed `max_convex_cycles` cycles without meeting negative curvature, or the energy rose
    /// more than `max_energy_rise`.
    #[error("climb limit reached (no negative curvature, or energy rise too large)")]
    ClimbLimit,
    /// Energy, gradient or Hessian became NaN or infinite.
    #[error("non-finite energy, gradient or Hessian")]
    NonFinite,
    /// The eigen-solver failed to converge.
    #[error("eigen-solver failed: {0}")]
    Eigen(EigenError),
    /// The L-BFGS or Newton settings were refused.
    #[error("invalid parameters: {0}")]
    InvalidParameters(#[from] OptimError),
}

impl From<EigenError> for TsFailure {
    fn from(e: EigenError) -> Self {
        match e {
            EigenError::NonFinite => TsFailure::NonFinite,
            other => TsFailure::Eigen(other),
        }
    }
}

/// Classify a stationary point: `Ok` with the lowest pair when the index is exactly 1.
pub(crate) fn check_index_one<O: HessianObjective + ?Sized>(
    obj: &mut O,
    x: &[f64],
    start: Option<&[f64]>,
    params: &HefParams,
    tolerances: &Tolerances,
) -> Result<(f64, Vec<f64>), TsFailure> {
    // Exact gives the full spectrum; Lanczos the two lowest, which decide "exactly one".
    let k = match params.eigen.method {
        EigenMethod::Exact => obj.dim(),
        EigenMethod::Lanczos => 2,
    };
    let eig = lowest_eigenpairs(obj, x, k, start, &params.eigen)?;
    match tolerances.index(&eig.eigenvalues) {
        1 => Ok((eig.eigenvalues[0], eig.vector(0))),
        0 => Err(TsFailure::NoNegativeEigenvalue),
        index => Err(TsFailure::TooManyNegativeEigenvalues { index }),
    }
}

/// Hybrid eigenvector-following from `x0`.
///
/// Each cycle: find the lowest Hessian eigenpair `(l, v)`; step uphill along `v` by
/// `h = 2F / (|l| (1 + sqrt(1 + 4F^2/l^2)))`, `F = g.v` (Munro and Wales 1999), capped by an
/// adaptive trust radius; then a few L-BFGS steps with the gradient projected orthogonal to
/// `v`. Near convergence a Newton polish (true eigenvalues) takes the point to the stationary
/// point, which is accepted only with exactly one negative eigenvalue.
///
/// `initial_direction`: while the Hessian has no negative eigenvalue (e.g. starting at a
/// minimum) the search follows the eigenvector closest to this direction instead of the
/// lowest (mode following; with Lanczos the direction itself), climbing away from `x0`.
///
/// Negative curvature and the final index are judged with `tolerances.eigenvalue_cutoff`.
///
/// Settings that fail [`HefParams::validate`] or [`Tolerances::validate`], and an `x0` or
/// `initial_direction` whose length is not the objective's dimension, give
/// [`TsFailure::InvalidParameters`] before any evaluation.
pub fn find_transition_state<O: HessianObjective + ?Sized>(
    obj: &mut O,
    x0: &[f64],
    initial_direction: Option<&[f64]>,
    params: &HefParams,
    tolerances: &Tolerances,
) -> Result<TransitionState, TsFailure> {
    params.validate()?;
    tolerances.validate()?;
    let n = obj.dim();
    for (what, v) in [("x0", Some(x0)), ("initial_direction", initial_direction)] {
        if let Some(v) = v.filter(|v| v.len() != n) {
            return Err(OptimError::DimensionMismatch {
                what,
                expected: n,
                found: v.len(),
            }
            .into());
        }
    }
    let mut climb = Climb::new(obj, x0, initial_direction, params, tolerances)?;
    for iter in 0..params.max_iterations {
        climb.check_finite()?;
        let (l, v) = climb.climbing_mode()?;
        if climb.lost_negative_curvature(l, &v) {
            climb.step_back()?;
            continue;
        }
        climb.check_climb_limits(l, iter)?;
        climb.remember_if_negative(l, &v);
        if let Some(ts) = climb.try_newton(l, &v, iter)? {
            return Ok(ts);
        }
        // A stationary point without negative curvature (a minimum, or a zero mode only) is not
        // an answer: keep climbing.
        let h = climb.uphill_step(l, &v)?;
        climb.turn_followed_mode(h, &v);
        climb.minimise_in_tangent_space(l, v);
    }
    Err(TsFailure::StepLimit)
}
