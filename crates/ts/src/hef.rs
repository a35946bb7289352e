//! Hybrid eigenvector-following (Munro and Wales 1999; Kumeda, Munro and Wales 2001): climb
//! along the lowest Hessian eigenvector, minimise in the space orthogonal to it, repeat, and
//! finish with a Newton polish.

use nalgebra::DMatrix;
use nnscape_model::symmetric_eigen;
use nnscape_model::vector::{dot, norm, rms};
use nnscape_optim::{
    newton_polish, HessianObjective, Lbfgs, LbfgsParams, NewtonParams, Objective, OptimError,
    Termination, Tolerances,
};

use crate::eigen::{lowest_eigenpair, lowest_eigenpairs, EigenError, EigenMethod, EigenParams};

/// Parameters of [`find_transition_state`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct HefParams {
    /// Converged when the RMS gradient is at most this (and the index is exactly 1). Tighter
    /// than OPTIM `CONVERGE 1e-9` because the Newton polish gets there for free.
    pub rms_gradient_tolerance: f64,
    /// Hybrid cycles (uphill step + tangent minimisation) before giving up.
    pub max_iterations: usize,
    /// Initial uphill trust radius (pele `max_uphill_step_initial` 0.2).
    pub initial_uphill_step: f64,
    /// Largest uphill trust radius (pele `max_uphill_step` 0.5).
    pub max_uphill_step: f64,
    /// Smallest uphill trust radius (pele `min_uphill_step` 0.01).
    pub min_uphill_step: f64,
    /// L-BFGS steps in the tangent space per cycle (pele `nsteps_tangent1` 10).
    pub tangent_steps: usize,
    /// Step cap of the tangent-space L-BFGS (pele `tangent_space_max_step` 0.1).
    pub tangent_max_step: f64,
    /// L-BFGS memory in the tangent space (GMIN/OPTIM M = 4).
    pub lbfgs_memory: usize,
    /// Switch to the Newton polish once the RMS gradient is below this and the lowest
    /// eigenvalue is negative (pele's HEF stops at 1e-4 and refines afterwards).
    pub newton_switch_rms: f64,
    /// Newton polish settings (from nnscape-optim).
    pub newton: NewtonParams,
    /// Eigen-solver settings.
    pub eigen: EigenParams,
    /// Give up ([`TsFailure::ClimbLimit`]) after this many hybrid cycles without ever having met
    /// negative curvature: the search is climbing a wall with no saddle. 100, measured on XOR
    /// (N_h 2-4, lambda 1e-2..1e-4, single-ended from 3-6 minima each, 2k starts): searches
    /// that converged met negative curvature within 20 cycles in ~90% of cases, and caps of 50,
    /// 100, 200 and 1000 found exactly the same distinct transition states, while the climbs
    /// that never met negative curvature used all 1000 cycles (about 3/4 of the search time).
    pub max_convex_cycles: usize,
    /// Give up ([`TsFailure::ClimbLimit`]) when the energy has risen this much above the start
    /// (with or without negative curvature): the search is running away. Off (infinite) by
    /// default because it depends on the energy scale (Mueller-Brown barriers are ~100, XOR's
    /// < 1); on XOR (same runs as above) caps of 1 and 2 lost no transition state but saved no
    /// measurable time once `max_convex_cycles` was in place.
    pub max_energy_rise: f64,
}

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

/// The objective restricted to the space orthogonal to `v`: true energy, projected gradient.
/// L-BFGS directions are combinations of projected gradients, so every step stays orthogonal
/// to `v`.
struct Projected<'a, O: ?Sized> {
    obj: &'a mut O,
    v: &'a [f64],
}

impl<O: Objective + ?Sized> Objective for Projected<'_, O> {
    fn dim(&self) -> usize {
        self.obj.dim()
    }
    fn energy_gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        let e = self.obj.energy_gradient(x, grad);
        let c = dot(grad, self.v);
        for (g, v) in grad.iter_mut().zip(self.v) {
            *g -= c * v;
        }
        e
    }
    fn energy(&mut self, x: &[f64]) -> f64 {
        self.obj.energy(x)
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

/// Eigenvector of the full spectrum with the largest overlap with `dir` (mode following).
fn follow_mode<O: HessianObjective + ?Sized>(
    obj: &mut O,
    x: &[f64],
    dir: &[f64],
    params: &EigenParams,
    hv: &mut [f64],
) -> Result<(f64, Vec<f64>, f64), EigenError> {
    match params.method {
        EigenMethod::Exact => {
            let n = obj.dim();
            let mut h = DMatrix::zeros(n, n);
            obj.hessian(x, &mut h);
            let h = (&h + h.transpose()) * 0.5;
            let e = symmetric_eigen(h)?;
            let best = (0..n)
                .max_by(|&a, &b| {
                    let overlap = |c: usize| {
                        let col = e.eigenvectors.column(c);
                        col.iter().zip(dir).map(|(p, q)| p * q).sum::<f64>().abs()
                    };
                    overlap(a).total_cmp(&overlap(b))
                })
                .unwrap_or(0);
            Ok((e.eigenvalues[best], e.vector(best), e.eigenvalues[0]))
        }
        EigenMethod::Lanczos => {
            // Matrix-free: follow the given direction itself with its Rayleigh quotient.
            let (l0, _) = lowest_eigenpair(obj, x, Some(dir), params)?;
            obj.hessian_vector(x, dir, hv);
            Ok((dot(dir, hv), dir.to_vec(), l0))
        }
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
pub fn find_transition_state<O: HessianObjective + ?Sized>(
    obj: &mut O,
    x0: &[f64],
    initial_direction: Option<&[f64]>,
    params: &HefParams,
    tolerances: &Tolerances,
) -> Result<TransitionState, TsFailure> {
    let n = obj.dim();
    let cutoff = tolerances.eigenvalue_cutoff;
    let mut x = x0.to_vec();
    let mut g = vec![0.0; n];
    let mut g_trial = vec![0.0; n];
    let mut x_trial = vec![0.0; n];
    let mut hv = vec![0.0; n];
    let mut e = obj.energy_gradient(&x, &mut g);
    let e0 = e;
    let mut trust = params.initial_uphill_step;
    let mut follow: Option<Vec<f64>> = initial_direction.and_then(|d| {
        let nd = norm(d);
        (nd > 0.0).then(|| d.iter().map(|v| v / nd).collect())
    });
    let mut v_prev: Option<Vec<f64>> = None;
    let mut newton_switch = params.newton_switch_rms;
    let tangent_params = |max_step: f64| LbfgsParams {
        memory: params.lbfgs_memory,
        max_step,
        rms_gradient_tolerance: params.rms_gradient_tolerance,
        max_iterations: params.tangent_steps,
        ..LbfgsParams::default()
    };
    let mut tangent_step = params.tangent_max_step;
    let mut tangent = Lbfgs::new(tangent_params(tangent_step))?;
    params.newton.validate()?;
    // Last point with negative curvature, to return to if a cycle loses it.
    let mut x_neg = vec![0.0; n];
    let mut g_neg = vec![0.0; n];
    let mut v_neg = vec![0.0; n];
    let mut e_neg = f64::NAN;
    let mut have_neg = false;

    for iter in 0..params.max_iterations {
        if !e.is_finite() || g.iter().any(|v| !v.is_finite()) {
            return Err(TsFailure::NonFinite);
        }
        // Direction to climb: the lowest mode, or the followed mode while still convex.
        let (l, v) = match &follow {
            Some(dir) => {
                let (l, v, lowest) = follow_mode(obj, &x, dir, &params.eigen, &mut hv)?;
                if lowest < -cutoff {
                    follow = None;
                    lowest_eigenpair(obj, &x, v_prev.as_deref(), &params.eigen)?
                } else {
                    (l, v)
                }
            }
            None => lowest_eigenpair(obj, &x, v_prev.as_deref(), &params.eigen)?,
        };
        // A cycle from a point with negative curvature went wrong when the curvature is gone or
        // the lowest eigenvector turned by more than 60 degrees: the tangent-space minimisation
        // slid along a stale eigenvector into another region. Go back and take shorter steps
        // (pele also steps back when the eigenvalue turns positive).
        let lost = have_neg && (l >= -cutoff || dot(&v, &v_neg).abs() < 0.5);
        if lost && tangent_step > params.tangent_max_step / 64.0 {
            x.copy_from_slice(&x_neg);
            g.copy_from_slice(&g_neg);
            e = e_neg;
            trust = (trust * 0.5).max(params.min_uphill_step);
            tangent_step *= 0.5;
            tangent = Lbfgs::new(tangent_params(tangent_step))?;
            continue;
        }
        // (Once the tangent step has been halved six times the new region is accepted.)
        let convex_too_long = !have_neg && l >= -cutoff && iter >= params.max_convex_cycles;
        if convex_too_long || e - e0 > params.max_energy_rise {
            return Err(TsFailure::ClimbLimit);
        }
        if l < -cutoff {
            x_neg.copy_from_slice(&x);
            g_neg.copy_from_slice(&g);
            v_neg.copy_from_slice(&v);
            e_neg = e;
            have_neg = true;
        }
        let r = rms(&g);
        if l < -cutoff && r < newton_switch {
            let res = newton_polish(obj, &x, &params.newton)?;
            if res.termination == Termination::Converged
                && res.rms_gradient <= params.rms_gradient_tolerance
            {
                let (eigenvalue, eigenvector) =
                    check_index_one(obj, &res.x, Some(&v), params, tolerances)?;
                return Ok(TransitionState {
                    x: res.x,
                    energy: res.energy,
                    rms_gradient: res.rms_gradient,
                    eigenvalue,
                    eigenvector,
                    iterations: iter,
                });
            }
            // Newton did not settle: get closer with more hybrid cycles first.
            newton_switch *= 0.1;
        }
        // A stationary point without negative curvature (a minimum, or a zero mode only) is not
        // an answer: keep climbing.

        // Uphill step along v.
        let f = dot(&g, &v);
        let mut h = if l < -cutoff {
            2.0 * f / (l.abs() * (1.0 + (1.0 + 4.0 * f * f / (l * l)).sqrt()))
        } else {
            // No negative curvature: the Newton-like step would go downhill, so take the full
            // trust radius uphill (along the followed direction if F vanishes).
            let along = match &follow {
                Some(dir) if f.abs() < 1e-12 => dot(dir, &v).signum(),
                _ if f == 0.0 => 1.0,
                _ => f.signum(),
            };
            along * trust
        };
        if h.abs() > trust {
            h = trust * h.signum();
        }
        loop {
            for i in 0..n {
                x_trial[i] = x[i] + h * v[i];
            }
            let e_trial = obj.energy_gradient(&x_trial, &mut g_trial);
            if !e_trial.is_finite() {
                if trust > params.min_uphill_step {
                    trust = (trust * 0.5).max(params.min_uphill_step);
                    h = h.signum() * h.abs().min(trust);
                    continue;
                }
                return Err(TsFailure::NonFinite);
            }
            let predicted = f * h + 0.5 * l * h * h;
            let actual = e_trial - e;
            let ratio = if predicted.abs() > 1e-300 {
                actual / predicted
            } else {
                1.0
            };
            // Trust-radius update in the spirit of pele: grow when the quadratic model is good,
            // shrink when it is poor, reject a step that went the wrong way.
            if (0.5..=2.0).contains(&ratio) {
                trust = (trust * 1.2).min(params.max_uphill_step);
            } else if !(0.2..=5.0).contains(&ratio) {
                trust = (trust * 0.5).max(params.min_uphill_step);
            }
            if ratio < 0.0 && h.abs() > params.min_uphill_step && predicted.abs() > 1e-12 {
                h = h.signum() * trust.min(h.abs() * 0.5);
                continue;
            }
            x.copy_from_slice(&x_trial);
            break;
        }
        if let Some(dir) = follow.as_mut() {
            let s = h.signum();
            for (d, vi) in dir.iter_mut().zip(&v) {
                *d = s * vi;
            }
        }

        // Minimise in the space orthogonal to v.
        let e_before = e;
        let res = tangent.minimize(
            &mut Projected {
                obj: &mut *obj,
                v: &v,
            },
            &x,
        );
        // Still in the convex region, a cycle that ends below where it started has slid over a
        // ridge into another basin: keep the uphill step only and shrink the trust radius.
        let slid = l >= -cutoff && res.energy < e_before;
        if slid {
            trust = (trust * 0.5).max(params.min_uphill_step);
        } else if res.energy.is_finite() {
            x.copy_from_slice(&res.x);
        }
        e = obj.energy_gradient(&x, &mut g);
        v_prev = Some(v);
    }
    Err(TsFailure::StepLimit)
}
