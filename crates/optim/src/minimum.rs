//! The verified-minimum step: quench, prove it is a minimum with the Hessian, polish.
//!
//! On the neural-network loss an L-BFGS quench can converge onto a saddle that sits in a
//! symmetry-invariant subspace (for example two hidden nodes with identical weights): the
//! gradient keeps the iterate inside the subspace, so the gradient test alone cannot tell the
//! saddle from a minimum. Only the Hessian can. [`verified_minimum`] therefore checks the
//! Hessian spectrum of every polished point and, when it finds a negative eigenvalue, pushes off
//! along that eigenvector and minimises again, as GMIN/OPTIM do when a "minimum" turns out to have
//! a negative eigenvalue. It never reports a saddle as a minimum.

use nalgebra::DMatrix;
use nnscape_model::symmetric_eigen;

use crate::error::{check_dim, check_non_negative, check_positive};
use crate::system::Tolerances;
use crate::{
    polish_minimum, HessianObjective, Lbfgs, NewtonParams, Objective, OptimError, Termination,
};

/// Settings of [`verified_minimum`]; each field's doc gives its default and its source.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MinimumParams {
    /// Largest number of push-offs from saddles before the point is given up. Default 10
    /// (bounded; on XOR one push-off almost always suffices). Zero reports any saddle as a
    /// failure at once.
    pub max_escapes: usize,
    /// First length of the push along the negative-curvature eigenvector. Default 0.1, half of
    /// OPTIM's `PUSHOFF` 0.2 for transition states; it doubles as needed.
    pub push: f64,
    /// The push is doubled until the energy drops by `min_energy_drop`, up to this length.
    /// Default 6.4: weights on this loss are of order 1-10, and a longer push leaves the
    /// region of the saddle.
    pub max_push: f64,
    /// Energy drop (relative to `max(1, |E|)`) that counts as "clearly down" after a push, so
    /// that the following quench starts with a gradient that leads away from the saddle.
    /// Default 1e-6: far above rounding (1e-16 `|E|`) and the quench's own energy noise; the
    /// quench only takes downhill steps, so it never climbs back over it.
    pub min_energy_drop: f64,
    /// Newton polish of the result (tolerance: the reported RMS gradient). Default:
    /// [`NewtonParams::default`].
    pub newton: NewtonParams,
}

impl Default for MinimumParams {
    fn default() -> Self {
        Self {
            max_escapes: 10,
            push: 0.1,
            max_push: 6.4,
            min_energy_drop: 1e-6,
            newton: NewtonParams::default(),
        }
    }
}

impl MinimumParams {
    /// Checks every field; the error names the first bad field and its value.
    pub fn validate(&self) -> Result<(), OptimError> {
        // Zero escapes is meaningful: any saddle is reported as a failure at once.
        check_positive("push", self.push)?;
        check_positive("max_push", self.max_push)?;
        check_non_negative("min_energy_drop", self.min_energy_drop)?;
        if self.max_push < self.push {
            return Err(OptimError::InvalidParameter {
                name: "max_push".into(),
                value: self.max_push,
                reason: "must be >= push",
            });
        }
        self.newton.validate().map_err(|e| e.within("newton"))?;
        Ok(())
    }
}

/// A local minimum proven by its Hessian and polished.
#[derive(Debug, Clone, PartialEq)]
pub struct Minimum {
    /// Coordinates.
    pub x: Vec<f64>,
    /// Energy at `x`.
    pub energy: f64,
    /// RMS gradient at `x` (at most the Newton tolerance, 1e-10 by default).
    pub rms_gradient: f64,
    /// Hessian eigenvalues at `x`, ascending; the first is `>= -eigenvalue_cutoff` of the
    /// [`Tolerances`] it was verified with.
    pub eigenvalues: Vec<f64>,
    /// Push-offs from saddles needed on the way.
    pub escapes: usize,
    /// Energy-gradient evaluations spent, all stages (Hessians not counted).
    pub function_evaluations: usize,
}

impl Minimum {
    /// Number of eigenvalues below `-cutoff`: 0 for a verified minimum at its own cut-off.
    pub fn index(&self, cutoff: f64) -> usize {
        nnscape_model::hessian_index(&self.eigenvalues, cutoff)
    }
}

/// Why [`verified_minimum`] gave up on a start point.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MinimumFailure {
    /// The L-BFGS quench did not reach its tolerance.
    #[error("quench did not converge ({termination}, RMS gradient {rms_gradient:e})")]
    QuenchNotConverged {
        /// How the quench ended.
        termination: Termination,
        /// RMS gradient at its last point.
        rms_gradient: f64,
    },
    /// The Newton polish did not reach its tolerance.
    #[error("polish did not converge ({termination}, RMS gradient {rms_gradient:e})")]
    PolishNotConverged {
        /// How the polish ended.
        termination: Termination,
        /// Best RMS gradient reached.
        rms_gradient: f64,
    },
    /// Still at a saddle after `max_escapes` push-offs.
    #[error(
        "still at a saddle after {escapes} push-offs (lowest eigenvalue {lowest_eigenvalue:e})"
    )]
    Saddle {
        /// Push-offs made.
        escapes: usize,
        /// Lowest Hessian eigenvalue at the last point.
        lowest_eigenvalue: f64,
    },
    /// The Hessian was not finite or its eigendecomposition did not converge.
    #[error("Hessian eigendecomposition failed")]
    Eigen,
    /// The settings or the start point were refused before any work.
    #[error("{0}")]
    Invalid(#[from] OptimError),
}

/// Sorted (ascending) eigenvalues of the Hessian at `x` and the eigenvector of the lowest one.
pub(crate) fn hessian_spectrum<O: HessianObjective + ?Sized>(
    obj: &mut O,
    x: &[f64],
    hess: &mut DMatrix<f64>,
) -> Option<(Vec<f64>, Vec<f64>)> {
    obj.hessian(x, hess);
    let eig = symmetric_eigen(hess.clone()).ok()?;
    let lowest = eig.vector(0);
    Some((eig.eigenvalues, lowest))
}

/// Minimises `obj` from `x0` to a Hessian-verified, polished minimum.
///
/// 1. Quench with `lbfgs` (its tolerance; GMIN SLOPPYCONV 1e-6 by default).
/// 2. Polish with [`polish_minimum`] to `params.newton.rms_gradient_tolerance` (1e-10).
/// 3. Diagonalise the Hessian at the polished point. No eigenvalue below
///    `-tolerances.eigenvalue_cutoff`: done. Otherwise push off along the lowest eigenvector v:
///    x +/- h v with h = `push`, doubled up to `max_push` until the lower side lies
///    `min_energy_drop` below the saddle; quench from the lower side and go back to 2. At most
///    `max_escapes` push-offs. That quench's RMS-gradient tolerance is at most 1e-2 of the
///    gradient the push leaves (`|eigenvalue| h / sqrt(n)`): on a soft saddle an absolute
///    tolerance is met at once and the polish returns to the saddle.
///
/// The check is made on the polished point because that is the point reported, and Newton
/// converges to the nearest stationary point of any index.
///
/// # Errors
/// [`MinimumFailure::Invalid`] when `params` or `tolerances` fail validation or `x0` has the
/// wrong length; otherwise the reason no minimum was reached.
pub fn verified_minimum<O: HessianObjective + ?Sized>(
    obj: &mut O,
    x0: &[f64],
    lbfgs: &mut Lbfgs,
    params: &MinimumParams,
    tolerances: &Tolerances,
) -> Result<Minimum, MinimumFailure> {
    params.validate()?;
    tolerances.validate()?;
    let n = obj.dim();
    check_dim("x0", n, x0.len())?;
    let mut hess = DMatrix::zeros(n, n);
    let mut nfev = 0;
    let mut quench = lbfgs.minimise(obj, x0);
    let mut escapes = 0;
    loop {
        nfev += quench.function_evaluations;
        if !quench.converged() {
            return Err(MinimumFailure::QuenchNotConverged {
                termination: quench.termination,
                rms_gradient: quench.rms_gradient,
            });
        }
        let polished = polish_minimum(obj, &quench.x, lbfgs, &params.newton)?;
        nfev += polished.function_evaluations;
        if !polished.converged() {
            return Err(MinimumFailure::PolishNotConverged {
                termination: polished.termination,
                rms_gradient: polished.rms_gradient,
            });
        }
        let (eigenvalues, v) =
            hessian_spectrum(obj, &polished.x, &mut hess).ok_or(MinimumFailure::Eigen)?;
        if eigenvalues[0] >= -tolerances.eigenvalue_cutoff {
            return Ok(Minimum {
                x: polished.x,
                energy: polished.energy,
                rms_gradient: polished.rms_gradient,
                eigenvalues,
                escapes,
                function_evaluations: nfev,
            });
        }
        if escapes >= params.max_escapes {
            return Err(MinimumFailure::Saddle {
                escapes,
                lowest_eigenvalue: eigenvalues[0],
            });
        }
        escapes += 1;
        let pushed = push_off(
            obj,
            &polished.x,
            polished.energy,
            &v,
            &[1.0, -1.0],
            params.push,
            params.max_push,
            params.min_energy_drop,
        );
        nfev += pushed.evaluations;
        // The push leaves a gradient of about |curvature| * push along the unstable mode. On a
        // soft saddle (curvature ~1e-6 = 0.06 lambda at N_h = 5, lambda = 3e-5) that is below
        // the quench's absolute tolerance (1e-6), so the quench stopped at once and the polish
        // went back to the saddle, ten times over. The quench must reduce it a hundredfold.
        let push = nnscape_model::vector::euclidean(&pushed.x, &polished.x);
        let tol = lbfgs
            .params()
            .rms_gradient_tolerance
            .min(1e-2 * eigenvalues[0].abs() * push / (n as f64).sqrt())
            // Above round-off, where L-BFGS still converges.
            .max(1e-12);
        quench = lbfgs.minimise_with_tolerance(obj, &pushed.x, tol);
    }
}

/// A push-off along a direction: where it ended and whether the energy dropped enough.
#[derive(Debug, Clone, PartialEq)]
pub struct PushOff {
    /// The lowest point tried.
    pub x: Vec<f64>,
    /// Its energy.
    pub energy: f64,
    /// True when `energy <= e0 - min_drop * max(1, |e0|)`.
    pub dropped: bool,
    /// Energy evaluations made.
    pub evaluations: usize,
}

/// Pushes off a stationary point `x` (energy `e0`) along `direction`, on each side in `signs`
/// (e.g. `[1.0, -1.0]` for whichever is lower, `[1.0]` for one side): the step h starts at
/// `initial` and doubles, up to `max`, until the lowest point tried lies clearly below the
/// stationary point (`min_drop` relative to max(1, |e0|)). A fixed small push is not enough on
/// flat saddles: the quench that follows would stop on the saddle itself. When no length up to
/// `max` drops, h halves from `initial / 2` down to `initial / 1024`: where the unstable
/// direction curves strongly, the energy along the straight line falls only within a short
/// distance of the saddle (the cubic term overtakes the quadratic one), on one side at least.
#[allow(clippy::too_many_arguments)]
pub fn push_off<O: Objective + ?Sized>(
    obj: &mut O,
    x: &[f64],
    e0: f64,
    direction: &[f64],
    signs: &[f64],
    initial: f64,
    max: f64,
    min_drop: f64,
) -> PushOff {
    let threshold = e0 - min_drop * e0.abs().max(1.0);
    let mut trial = vec![0.0; x.len()];
    let mut best = PushOff {
        x: x.to_vec(),
        energy: f64::INFINITY,
        dropped: false,
        evaluations: 0,
    };
    let mut try_length = |h: f64, best: &mut PushOff| {
        for &sign in signs {
            for ((t, xi), vi) in trial.iter_mut().zip(x).zip(direction) {
                *t = xi + sign * h * vi;
            }
            let e = obj.energy(&trial);
            best.evaluations += 1;
            // Strictly lower only: at a symmetric saddle both sides tie and the first is kept.
            if e < best.energy {
                best.energy = e;
                best.x.copy_from_slice(&trial);
            }
        }
        best.energy <= threshold
    };
    let mut h = initial;
    loop {
        if try_length(h, &mut best) {
            best.dropped = true;
            return best;
        }
        if h * 2.0 > max * (1.0 + 1e-12) {
            break;
        }
        h *= 2.0;
    }
    // Shorter pushes, each judged on its own (the lowest point of the long ones rose).
    let mut h = initial;
    for _ in 0..10 {
        h *= 0.5;
        let mut short = PushOff {
            x: x.to_vec(),
            energy: f64::INFINITY,
            dropped: false,
            evaluations: best.evaluations,
        };
        if try_length(h, &mut short) {
            short.dropped = true;
            return short;
        }
        best.evaluations = short.evaluations;
    }
    best
}
