//! Second minimiser backend: L-BFGS-B (Byrd, Lu, Nocedal, Zhu 1995) through the `lbfgsb` crate,
//! a wrapper of Stephen Becker's C translation of the Fortran code. Used to cross-check the
//! landscape-style [`Lbfgs`](crate::Lbfgs), and for box-constrained problems.

use std::sync::Mutex;

use crate::error::check_dim;
use crate::{LbfgsParams, MinimiseResult, Objective, OptimError, Termination};
use nnscape_model::vector::rms;

/// L-BFGS-B-C is an f2c translation whose routines keep their locals in `static` variables, so
/// two runs at once (e.g. parallel tests or rayon workers) corrupt each other. Runs through this
/// module are serialised; direct users of the `lbfgsb` crate in the same process bypass the lock.
static LBFGSB_LOCK: Mutex<()> = Mutex::new(());

/// Minimises `obj` from `x0` with L-BFGS-B, optionally within `bounds` (`(lower, upper)` per
/// variable; an infinite side is unbounded).
///
/// Uses from `params`: `memory` (m), `rms_gradient_tolerance` (passed as `pgtol`, the max-norm
/// of the projected gradient, which implies the RMS criterion) and `max_iterations`. L-BFGS-B has
/// its own Moré-Thuente line search, so `max_step`, `max_energy_rise`, `max_step_reductions`
/// and `initial_inverse_hessian` do not apply. The relative-reduction test is switched off
/// (`factr = 0`), so only the gradient decides convergence.
///
/// The wrapped crate does not expose L-BFGS-B's iteration counter: `max_iterations` caps the
/// function evaluations instead, and `iterations` reports them (an upper bound on iterations).
/// `rms_gradient` is that of the projected gradient (components pushing into an active bound
/// are zero), which vanishes at a constrained minimum.
///
/// Terminations: `Converged` (projected RMS gradient < tolerance), `MaxIterations`,
/// `NonFiniteEnergy` (returns the lowest-energy point evaluated), `LineSearchFailure` (L-BFGS-B
/// stopped without meeting the tolerance, e.g. abnormal line-search termination).
///
/// Not parallel: calls are serialised by a process-wide lock (the C code is not reentrant).
///
/// # Errors
/// Invalid `params`, `x0` or `bounds` of the wrong length, or a bound pair that is NaN or has
/// `lower > upper`.
pub fn minimise_lbfgsb<O: Objective + ?Sized>(
    obj: &mut O,
    x0: &[f64],
    bounds: Option<&[(f64, f64)]>,
    params: &LbfgsParams,
) -> Result<MinimiseResult, OptimError> {
    params.validate()?;
    let n = obj.dim();
    check_dim("x0", n, x0.len())?;
    if let Some(b) = bounds {
        check_dim("bounds", n, b.len())?;
        for &(lo, hi) in b {
            if lo.is_nan() || hi.is_nan() || lo > hi {
                return Err(OptimError::InvalidParameter {
                    name: "bounds".into(),
                    value: if lo.is_nan() { lo } else { hi },
                    reason: "each (lower, upper) pair must be non-NaN with lower <= upper",
                });
            }
        }
    }

    let max_evaluations = params.max_iterations;
    let mut evaluations = 0usize;
    let mut stop: Option<Termination> = None;
    // Lowest finite energy seen, for runs cancelled by a non-finite value.
    let mut best_x = x0.to_vec();
    let mut best_energy = f64::INFINITY;
    let mut best_rms = f64::INFINITY;

    let mut problem = lbfgsb::LbfgsbProblem::build(x0.to_vec(), |x: &[f64], g: &mut [f64]| {
        // Returning an error is the crate's only way to cancel a run; the error value itself
        // is discarded, `stop` records why.
        if evaluations >= max_evaluations {
            stop = Some(Termination::MaxIterations);
            return Err(std::fmt::Error.into());
        }
        evaluations += 1;
        let e = obj.energy_gradient(x, g);
        if !e.is_finite() || g.iter().any(|v| !v.is_finite()) {
            stop = Some(Termination::NonFiniteEnergy);
            return Err(std::fmt::Error.into());
        }
        if e < best_energy {
            best_x.copy_from_slice(x);
            best_energy = e;
            best_rms = projected_rms(x, g, bounds);
        }
        Ok(e)
    });
    if let Some(b) = bounds {
        problem.set_bounds(b.iter().map(|&(lo, hi)| {
            (
                (lo > f64::NEG_INFINITY).then_some(lo),
                (hi < f64::INFINITY).then_some(hi),
            )
        }));
    }
    let solver_params = lbfgsb::LbfgsbParameter {
        m: params.memory,
        factr: 0.0,
        pgtol: params.rms_gradient_tolerance,
        iprint: -1,
    };
    let mut state = lbfgsb::LbfgsbState::new(problem, solver_params);
    let outcome = {
        // A panic in an earlier objective left no broken state behind: every run restarts the
        // C code with task = START.
        let _guard = LBFGSB_LOCK.lock().unwrap_or_else(|e| e.into_inner());
        state.minimize()
    };
    let (x, energy, grad) = (state.x().to_vec(), state.fx(), state.gx().to_vec());
    drop(state);

    if outcome.is_err() {
        // Cancelled by the closure: the solver's stored values may belong to a line-search
        // trial, so report the lowest point evaluated.
        return Ok(MinimiseResult {
            x: best_x,
            energy: best_energy,
            rms_gradient: best_rms,
            iterations: evaluations,
            function_evaluations: evaluations,
            termination: stop.unwrap_or(Termination::LineSearchFailure),
        });
    }

    let rms_gradient = projected_rms(&x, &grad, bounds);
    let termination = if rms_gradient < params.rms_gradient_tolerance {
        Termination::Converged
    } else {
        Termination::LineSearchFailure
    };
    Ok(MinimiseResult {
        x,
        energy,
        rms_gradient,
        iterations: evaluations,
        function_evaluations: evaluations,
        termination,
    })
}

/// RMS of the projected gradient: components that push into an active bound count as zero.
fn projected_rms(x: &[f64], g: &[f64], bounds: Option<&[(f64, f64)]>) -> f64 {
    let Some(b) = bounds else {
        return rms(g);
    };
    if g.is_empty() {
        return 0.0;
    }
    let sum: f64 = g
        .iter()
        .zip(x)
        .zip(b)
        .map(|((&gi, &xi), &(lo, hi))| {
            if (xi <= lo && gi > 0.0) || (xi >= hi && gi < 0.0) {
                0.0
            } else {
                gi * gi
            }
        })
        .sum();
    (sum / g.len() as f64).sqrt()
}
