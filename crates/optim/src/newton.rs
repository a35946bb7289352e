//! Newton polishing of stationary points with the exact Hessian.
//!
//! L-BFGS quenches stop at an RMS gradient of about 1e-6 (GMIN SLOPPYCONV). Frequencies, rates
//! and the deduplication of minima and transition states want far tighter points. A few Newton
//! steps with the exact Hessian, taken through its eigendecomposition, converge quadratically to
//! the nearby stationary point of any index.

use nalgebra::{DMatrix, SymmetricEigen};

use crate::error::{check_count, check_dim, check_non_negative, check_positive};
use crate::{HessianObjective, Lbfgs, MinimiseResult, OptimError, Termination};
use nnscape_model::max_qr_sweeps;
use nnscape_model::vector::rms;

/// Tolerance of the L-BFGS fallback in [`polish_minimum`]: GMIN TIGHTCONV (1e-9), where L-BFGS
/// still makes progress and Newton takes over again.
const FALLBACK_RMS_TOLERANCE: f64 = 1e-9;

/// Consecutive Newton steps that increase the RMS gradient before the run is declared to be
/// misbehaving. Newton can overshoot once when it starts outside its quadratic region; three
/// rises in a row do not happen near a non-degenerate stationary point.
const MAX_GRADIENT_RISES: usize = 3;

/// A step at most this many `step_tolerance`s long that stops halving is the round-off floor
/// (gradient noise ~1e-17 over a curvature of 1e-10 is 1e-7), and counts as converged: 1e-6 by
/// default, 1/300 of the smallest same-point distance (3e-4 at lambda = 1e-5).
const ROUND_OFF_STEPS: f64 = 100.0;

/// Settings of [`newton_polish`]; each field's doc gives its default and its source.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NewtonParams {
    /// Largest number of Newton steps. Default 20: a handful of quadratically convergent steps
    /// suffice from RMS gradient 1e-6, and 20 leave room for a start outside the quadratic
    /// region.
    pub max_iterations: usize,
    /// Stop when the RMS gradient is at or below this. Default 1e-10: one decade tighter than
    /// GMIN/OPTIM `CONVERGE`/`TIGHTCONV` 1e-9, so that polished points are unambiguous for
    /// PATHSAMPLE-style deduplication.
    pub rms_gradient_tolerance: f64,
    /// ... and the Newton step (the distance to the stationary point, to first order) is at
    /// most this long. Default 1e-8.
    ///
    /// Why both: a small gradient does not place a point when the Hessian is soft. The position
    /// error is `|H^-1 g|`, about `|g| / kappa` for the softest curvature `kappa`, and the loss has
    /// curvatures far below the regulariser's `2 lambda` (nodes that compute the same function
    /// split at curvature ~5e-3 lambda: 4.7e-8 at lambda = 1e-5). There an RMS gradient of 1e-11
    /// still leaves the point 1e-3 from the stationary point, as far as the same-point distance,
    /// so one point was stored twice. 1e-8 is 1e-5 of the smallest same-point distance
    /// ([`Tolerances::at_lambda`](crate::Tolerances::at_lambda)). When round-off keeps the step
    /// from shrinking (it stops halving while the gradient is already below tolerance), the point
    /// is as converged as the arithmetic allows and counts as converged, provided that step is
    /// at most 100 `step_tolerance` (a longer one is Newton converging slowly on a flat mode). `f64::INFINITY` turns
    /// the criterion off (a search that a tighter polish finishes).
    pub step_tolerance: f64,
    /// Modes with `|eigenvalue| <= singular_mode_cutoff * max(1, max_i |eigenvalue_i|)` are
    /// left out of the step (numerically singular directions must not be divided by): absolute
    /// for Hessians of norm up to 1, relative to the largest eigenvalue beyond. Default 1e-12,
    /// far below the landscape's zero-mode cut-off ([`Tolerances`](crate::Tolerances), 1e-7)
    /// so that small genuine curvatures (2 lambda = 2e-5 for the softmax shift at
    /// lambda = 1e-5) are kept. Not the index cut-off: that is the system's.
    pub singular_mode_cutoff: f64,
    /// Cap on the Euclidean length of one step. Default 0.1 (pele's tangent-space `maxstep`):
    /// the polish starts close to the point; a longer step means the quadratic model is not to
    /// be trusted.
    pub max_step: f64,
}

impl Default for NewtonParams {
    fn default() -> Self {
        Self {
            max_iterations: 20,
            rms_gradient_tolerance: 1e-10,
            step_tolerance: 1e-8,
            singular_mode_cutoff: 1e-12,
            max_step: 0.1,
        }
    }
}

impl NewtonParams {
    /// Checks every field; the error names the first bad field and its value.
    pub fn validate(&self) -> Result<(), OptimError> {
        check_count("max_iterations", self.max_iterations)?;
        check_positive("rms_gradient_tolerance", self.rms_gradient_tolerance)?;
        // Infinity is allowed: it turns the step criterion off.
        if self.step_tolerance.is_nan() || self.step_tolerance <= 0.0 {
            return Err(OptimError::InvalidParameter {
                name: "step_tolerance".to_owned(),
                value: self.step_tolerance,
                reason: "must be > 0 (infinity turns the step criterion off)",
            });
        }
        check_non_negative("singular_mode_cutoff", self.singular_mode_cutoff)?;
        check_positive("max_step", self.max_step)?;
        Ok(())
    }
}

/// Newton iteration towards the stationary point near `x0`, whatever its index.
///
/// Each step is `-sum_i v_i (v_i . g) / lambda_i` over the eigenpairs of the exact Hessian
/// (nalgebra `SymmetricEigen::try_new` with a bounded number of sweeps), with the actual signed
/// eigenvalues: near a saddle it converges to the saddle, so the transition-state code uses it
/// too. Modes below the cut-off (see [`NewtonParams::singular_mode_cutoff`]) are skipped and the
/// step is capped at `max_step`. No energy check is made, since the energy rises towards a saddle.
///
/// Terminations: `Converged` when RMS gradient <= tolerance and the Newton step is at most
/// `step_tolerance` (or stopped halving: the round-off floor); `MaxIterations`;
/// `NonFiniteEnergy` when the energy, gradient or Hessian is non-finite; `LineSearchFailure`
/// when the RMS gradient grew three steps in a row or the eigensolver did not converge. The
/// returned point is the one with the smallest RMS gradient seen.
///
/// # Errors
/// `params` fails [`NewtonParams::validate`], or `x0.len() != obj.dim()`.
pub fn newton_polish<O: HessianObjective + ?Sized>(
    obj: &mut O,
    x0: &[f64],
    params: &NewtonParams,
) -> Result<MinimiseResult, OptimError> {
    params.validate()?;
    let n = obj.dim();
    check_dim("x0", n, x0.len())?;

    let mut x = x0.to_vec();
    let mut g = vec![0.0; n];
    let mut x_new = vec![0.0; n];
    let mut g_new = vec![0.0; n];
    let mut step = vec![0.0; n];
    let mut hess = DMatrix::<f64>::zeros(n, n);

    let mut nfev = 1;
    let mut energy = obj.energy_gradient(&x, &mut g);
    let mut current_rms = rms(&g);
    if !energy.is_finite() || !current_rms.is_finite() {
        return Ok(MinimiseResult {
            x,
            energy,
            rms_gradient: current_rms,
            iterations: 0,
            function_evaluations: nfev,
            termination: Termination::NonFiniteEnergy,
        });
    }
    let mut best = (x.clone(), energy, current_rms);
    let mut rises = 0usize;
    let mut iterations = 0usize;

    let mut last_step = f64::INFINITY;
    let round_off_step = ROUND_OFF_STEPS * params.step_tolerance;
    let termination = loop {
        let gradient_converged = current_rms <= params.rms_gradient_tolerance;
        if gradient_converged && params.step_tolerance == f64::INFINITY {
            break Termination::Converged;
        }
        if iterations >= params.max_iterations {
            break if gradient_converged && last_step <= round_off_step {
                Termination::Converged
            } else {
                Termination::MaxIterations
            };
        }

        obj.hessian(&x, &mut hess);
        if hess.iter().any(|h| !h.is_finite()) {
            break Termination::NonFiniteEnergy;
        }
        // Symmetrise: implementations may fill the triangles with slightly different rounding.
        let sym = (&hess + hess.transpose()) * 0.5;
        let Some(eig) = SymmetricEigen::try_new(sym, f64::EPSILON, max_qr_sweeps(n)) else {
            break Termination::LineSearchFailure;
        };
        let largest = eig.eigenvalues.iter().fold(0.0f64, |a, l| a.max(l.abs()));
        let threshold = params.singular_mode_cutoff * largest.max(1.0);

        step.iter_mut().for_each(|s| *s = 0.0);
        for (i, &lambda) in eig.eigenvalues.iter().enumerate() {
            if lambda.abs() <= threshold {
                continue;
            }
            let v = eig.eigenvectors.column(i);
            let proj: f64 = v.iter().zip(&g).map(|(a, b)| a * b).sum();
            let c = -proj / lambda;
            step.iter_mut()
                .zip(v.iter())
                .for_each(|(s, vi)| *s += c * vi);
        }
        let norm = step.iter().map(|s| s * s).sum::<f64>().sqrt();
        // The round-off floor: a step that no longer halves, and is already short. A long step
        // that shrinks slowly is Newton converging linearly on a flat mode, not round-off.
        let at_floor = norm <= round_off_step && norm > 0.5 * last_step;
        if gradient_converged && (norm <= params.step_tolerance || at_floor) {
            break Termination::Converged;
        }
        last_step = norm;
        iterations += 1;
        let factor = if norm > params.max_step {
            params.max_step / norm
        } else {
            1.0
        };
        for ((xn, xi), s) in x_new.iter_mut().zip(&x).zip(&step) {
            *xn = xi + factor * s;
        }

        let e_new = obj.energy_gradient(&x_new, &mut g_new);
        nfev += 1;
        let rms_new = rms(&g_new);
        if !e_new.is_finite() || !rms_new.is_finite() {
            break Termination::NonFiniteEnergy;
        }
        rises = if rms_new > current_rms { rises + 1 } else { 0 };
        std::mem::swap(&mut x, &mut x_new);
        std::mem::swap(&mut g, &mut g_new);
        energy = e_new;
        current_rms = rms_new;
        if current_rms < best.2 {
            best.0.copy_from_slice(&x);
            best.1 = energy;
            best.2 = current_rms;
        }
        if rises >= MAX_GRADIENT_RISES {
            break Termination::LineSearchFailure;
        }
    };

    let (x, energy, rms_gradient) = best;
    Ok(MinimiseResult {
        x,
        energy,
        rms_gradient,
        iterations,
        function_evaluations: nfev,
        termination,
    })
}

/// Takes a minimum from a quench tolerance (RMS gradient ~1e-6) to a tight one (goal: <= 1e-10,
/// `newton.rms_gradient_tolerance`), when the function's rounding allows it.
///
/// Newton polish first. If it does not converge, L-BFGS continues with tolerance 1e-9 (GMIN
/// TIGHTCONV) from the lower-energy point of `x0` and the Newton result, then Newton again. The
/// result is the better (smaller RMS gradient) of the last two stages; its termination is
/// `Converged` when it meets `newton.rms_gradient_tolerance`, otherwise the final stage's.
/// `iterations` and `function_evaluations` add up all stages. `lbfgs`'s parameters are unchanged
/// on return.
///
/// Meant for points already near a minimum: Newton goes to the nearest stationary point, so
/// started near a saddle it would polish the saddle.
///
/// # Errors
/// As [`newton_polish`].
pub fn polish_minimum<O: HessianObjective + ?Sized>(
    obj: &mut O,
    x0: &[f64],
    lbfgs: &mut Lbfgs,
    newton: &NewtonParams,
) -> Result<MinimiseResult, OptimError> {
    let first = newton_polish(obj, x0, newton)?;
    if first.converged() {
        return Ok(first);
    }
    let e0 = obj.energy(x0);
    let start: &[f64] = if first.energy.is_finite() && (first.energy <= e0 || !e0.is_finite()) {
        &first.x
    } else {
        x0
    };
    let tol = FALLBACK_RMS_TOLERANCE.min(lbfgs.params().rms_gradient_tolerance);
    let quench = lbfgs.minimise_with_tolerance(obj, start, tol);
    let second = newton_polish(obj, &quench.x, newton)?;

    let iterations = first.iterations + quench.iterations + second.iterations;
    let function_evaluations =
        first.function_evaluations + 1 + quench.function_evaluations + second.function_evaluations;
    let mut result = if second.rms_gradient <= quench.rms_gradient {
        second
    } else {
        MinimiseResult {
            termination: second.termination,
            ..quench
        }
    };
    // `second` cannot claim convergence above tolerance, so only the quench can reach it here.
    if result.rms_gradient <= newton.rms_gradient_tolerance {
        result.termination = Termination::Converged;
    }
    result.iterations = iterations;
    result.function_evaluations = function_evaluations;
    Ok(result)
}
