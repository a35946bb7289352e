//! The verified-minimum step: quench, prove it is a minimum with the Hessian, polish.
//!
//! On the neural-network loss an L-BFGS quench can converge onto a saddle that sits in a
//! symmetry-invariant subspace (for example two hidden nodes with identical weights): the
//! gradient keeps the iterate inside the subspace, so the gradient test alone cannot tell the
//! saddle from a minimum. Only the Hessian can. [`verified_minimum`] therefore checks the
//! Hessian spectrum of every polished point and, when it finds a negative eigenvalue, pushes off
//! along that eigenvector and minimises again, as GMIN/OPTIM do when a "minimum" turns out to have
//! a negative eigenvalue. It never reports a saddle as a minimum.

use nalgebra::{DMatrix, SymmetricEigen};

use crate::error::{check_non_negative, check_positive};
use crate::{polish_minimum, HessianObjective, Lbfgs, NewtonParams, OptimError, Termination};

/// Settings of [`verified_minimum`]. Defaults: see [`VerifyParams::default`].
#[derive(Debug, Clone, PartialEq)]
pub struct VerifyParams {
    /// A Hessian eigenvalue below `-eigenvalue_cutoff` marks a saddle (absolute cut-off).
    pub eigenvalue_cutoff: f64,
    /// Largest number of push-offs from saddles before the point is given up.
    pub max_escapes: usize,
    /// First length of the push along the negative-curvature eigenvector.
    pub push: f64,
    /// The push is doubled until the energy drops by `min_energy_drop`, up to this length.
    pub max_push: f64,
    /// Energy drop (absolute) that counts as "clearly down" after a push, so that the following
    /// quench starts with a gradient that leads away from the saddle.
    pub min_energy_drop: f64,
    /// Newton polish of the result (tolerance: the reported RMS gradient).
    pub newton: NewtonParams,
}

impl Default for VerifyParams {
    fn default() -> Self {
        Self {
            // PATHSAMPLE EVCUT 1e-7: the eigenvalue cut-off for zero modes.
            eigenvalue_cutoff: 1e-7,
            // Bounded; on XOR one push-off almost always suffices.
            max_escapes: 10,
            // OPTIM PUSHOFF is 0.2 for transition states; start at half of it, and double.
            push: 0.1,
            // Weights on this loss are O(1-10); a longer push leaves the region of the saddle.
            max_push: 6.4,
            // A drop of 1e-6 lies far above rounding (1e-16 |E|) and the quench's own energy
            // noise, and the quench never climbs back over it (it only takes downhill steps).
            min_energy_drop: 1e-6,
            newton: NewtonParams::default(),
        }
    }
}

impl VerifyParams {
    /// Checks every field; the error names the first bad field and its value.
    pub fn validate(&self) -> Result<(), OptimError> {
        check_non_negative("eigenvalue_cutoff", self.eigenvalue_cutoff)?;
        // Zero escapes is meaningful: any saddle is reported as a failure at once.
        check_positive("push", self.push)?;
        check_positive("max_push", self.max_push)?;
        check_non_negative("min_energy_drop", self.min_energy_drop)?;
        if self.max_push < self.push {
            return Err(OptimError::InvalidParameter {
                name: "max_push",
                value: self.max_push,
                reason: "must be >= push",
            });
        }
        self.newton.validate()?;
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
    /// Hessian eigenvalues at `x`, ascending; the first is `>= -eigenvalue_cutoff`.
    pub eigenvalues: Vec<f64>,
    /// Push-offs from saddles needed on the way.
    pub escapes: usize,
    /// Energy-gradient evaluations spent, all stages (Hessians not counted).
    pub function_evaluations: usize,
}

impl Minimum {
    /// Number of eigenvalues below `-cutoff`: 0 for a verified minimum at its own cut-off.
    pub fn index(&self, cutoff: f64) -> usize {
        self.eigenvalues
            .iter()
            .take_while(|&&e| e < -cutoff)
            .count()
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
}

/// Sorted (ascending) eigenvalues of the Hessian at `x` and the eigenvector of the lowest one.
pub(crate) fn hessian_spectrum<O: HessianObjective + ?Sized>(
    obj: &mut O,
    x: &[f64],
    hess: &mut DMatrix<f64>,
) -> Option<(Vec<f64>, Vec<f64>)> {
    obj.hessian(x, hess);
    if hess.iter().any(|h| !h.is_finite()) {
        return None;
    }
    // Symmetrise: implementations may fill the two triangles with different rounding.
    let sym = (&*hess + hess.transpose()) * 0.5;
    let n = x.len();
    let eig = SymmetricEigen::try_new(sym, f64::EPSILON, 100 * n.max(10))?;
    let lowest = (0..n).min_by(|&a, &b| eig.eigenvalues[a].total_cmp(&eig.eigenvalues[b]))?;
    let mut values: Vec<f64> = eig.eigenvalues.iter().copied().collect();
    values.sort_by(f64::total_cmp);
    Some((
        values,
        eig.eigenvectors.column(lowest).iter().copied().collect(),
    ))
}

/// Minimises `obj` from `x0` to a Hessian-verified, polished minimum.
///
/// 1. Quench with `lbfgs` (its tolerance; GMIN SLOPPYCONV 1e-6 by default).
/// 2. Polish with [`polish_minimum`] to `params.newton.rms_gradient_tolerance` (1e-10).
/// 3. Diagonalise the Hessian at the polished point. No eigenvalue below
///    `-params.eigenvalue_cutoff`: done. Otherwise push off along the lowest eigenvector v:
///    x +/- h v with h = `push`, doubled up to `max_push` until the lower side lies
///    `min_energy_drop` below the saddle; quench from the lower side and go back to 2. At most
///    `max_escapes` push-offs.
///
/// The check is made on the polished point because that is the point reported, and Newton
/// converges to the nearest stationary point of any index.
///
/// # Panics
/// If `x0.len() != obj.dim()` or `params` fails [`VerifyParams::validate`].
pub fn verified_minimum<O: HessianObjective + ?Sized>(
    obj: &mut O,
    x0: &[f64],
    lbfgs: &mut Lbfgs,
    params: &VerifyParams,
) -> Result<Minimum, MinimumFailure> {
    if let Err(e) = params.validate() {
        panic!("verified_minimum: {e}");
    }
    let n = obj.dim();
    let mut hess = DMatrix::zeros(n, n);
    let mut nfev = 0;
    let mut quench = lbfgs.minimize(obj, x0);
    let mut escapes = 0;
    loop {
        nfev += quench.function_evaluations;
        if !quench.converged() {
            return Err(MinimumFailure::QuenchNotConverged {
                termination: quench.termination,
                rms_gradient: quench.rms_gradient,
            });
        }
        let polished = polish_minimum(obj, &quench.x, lbfgs, &params.newton);
        nfev += polished.function_evaluations;
        if !polished.converged() {
            return Err(MinimumFailure::PolishNotConverged {
                termination: polished.termination,
                rms_gradient: polished.rms_gradient,
            });
        }
        let (eigenvalues, v) =
            hessian_spectrum(obj, &polished.x, &mut hess).ok_or(MinimumFailure::Eigen)?;
        if eigenvalues[0] >= -params.eigenvalue_cutoff {
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
        let start = push_off(obj, &polished.x, polished.energy, &v, params, &mut nfev);
        quench = lbfgs.minimize(obj, &start);
    }
}

/// The point x +/- h v on the lower side, h doubled from `push` until the energy is clearly down.
fn push_off<O: HessianObjective + ?Sized>(
    obj: &mut O,
    x: &[f64],
    energy: f64,
    v: &[f64],
    params: &VerifyParams,
    nfev: &mut usize,
) -> Vec<f64> {
    let mut h = params.push;
    let mut trial = vec![0.0; x.len()];
    let mut best = (f64::INFINITY, x.to_vec());
    loop {
        for sign in [1.0, -1.0] {
            for ((t, xi), vi) in trial.iter_mut().zip(x).zip(v) {
                *t = xi + sign * h * vi;
            }
            let e = obj.energy(&trial);
            *nfev += 1;
            // Strictly lower only: at a symmetric saddle both sides tie and + is kept.
            if e < best.0 {
                best.0 = e;
                best.1.copy_from_slice(&trial);
            }
        }
        if best.0 <= energy - params.min_energy_drop || h * 2.0 > params.max_push {
            return best.1;
        }
        h *= 2.0;
    }
}
