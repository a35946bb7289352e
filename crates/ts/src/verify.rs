//! Verification of transition-state candidates: refine by eigenvector-following, accept only
//! index 1, push off along both signs of the reaction coordinate and minimise each side.
//!
//! From a transition state `x_ts` (energy `E_ts`, unit eigenvector `v` of its negative
//! Hessian eigenvalue) the two sides start at `x_ts - s v` and `x_ts + s v`, where the
//! push-off `s` starts at `initial_push_off` and doubles (up to `max_push_off`) until the
//! energy has clearly dropped, `E(x_ts +- s v) < E_ts - push_off_energy_drop * max(1, |E_ts|)`.
//! Each side is then quenched to a Hessian-checked minimum
//! ([`nnscape_optim::verified_minimum`]), which approximates the steepest-descent path that
//! leaves the saddle along `+-v`.

use nnscape_model::vector::norm;
use nnscape_optim::{
    push_off, verified_minimum, Alignment, HessianObjective, Lbfgs, LbfgsParams, LocalScale,
    Minimum, MinimumParams, OptimError, Scaled, System,
};

use crate::check::{positive, push_off_range, require};
use crate::eigen::EigenError;
use crate::hef::{find_transition_state, HefParams, TransitionState, TsFailure};

/// Parameters of verification and of the minimisations that follow a push-off.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VerifyParams {
    /// Eigenvector-following settings (also supplies the eigen-solver).
    ///
    /// Default [`HefParams::default`].
    pub hef: HefParams,
    /// The saddle's length scale `L`: push-off and the first quench run in the coordinates
    /// `u = (x - x_ts) / L` with energies in units of `|lambda_ts| L^2` (`lambda_ts` the negative
    /// eigenvalue), where the saddle's own neighbourhood is of order one whatever its curvature
    /// ([`nnscape_optim::Scaled`]). Without this, a saddle whose barrier or curvature is below
    /// the absolute thresholds (an energy drop of 1e-6, a quench tolerance of 1e-6) cannot be
    /// verified: measured at N_h = 4, lambda = 1e-4, a saddle 9e-7 above its minimum with
    /// curvature -1.8e-5 failed every push-off.
    ///
    /// Default 0.1 (half of OPTIM's `PUSHOFF` 0.2 for networks).
    pub saddle_length: f64,
    /// First push-off length along the reaction coordinate, in the potential's units; it
    /// doubles until the energy has clearly dropped.
    ///
    /// Default 0.01: small, so that the push-off stays on the steepest-descent path of its side.
    pub initial_push_off: f64,
    /// Longest push-off tried, in the potential's units.
    ///
    /// Default 1.0 (100 times `initial_push_off`).
    pub max_push_off: f64,
    /// "Clearly dropped", in the saddle's energy unit `|lambda_ts| L^2`:
    /// `E < E_ts - push_off_energy_drop |lambda_ts| L^2` (the harmonic drop at a push of
    /// `initial_push_off` is `0.5 (0.01 / 0.1)^2 = 5e-3` such units).
    ///
    /// Default 1e-6: far above round-off at any curvature above ~1e-10, far below the harmonic
    /// drop, so the first push usually suffices.
    pub push_off_energy_drop: f64,
    /// The first quench from a push-off, in the saddle's scaled units (see `saddle_length`):
    /// [`LbfgsParams::default`] with step cap 0.2 (0.02 in the potential's units at `L` = 0.1:
    /// OPTIM `MAXSTEP` 0.01-0.02, keeping the quench on the steepest-descent path), RMS gradient
    /// 1e-6 (scaled) and at most 20 000 iterations. It stops when converged or when the point
    /// leaves `escape_radius`; `lbfgs` and `minimum` then finish in the potential's units.
    pub scaled_quench: LbfgsParams,
    /// Radius, in the saddle's scaled units, beyond which the first quench hands over to the
    /// unscaled one. Default 30 (3 in the potential's units at `L` = 0.1).
    pub escape_radius: f64,
    /// L-BFGS for the quench from a push-off.
    ///
    /// Default [`LbfgsParams::default`] with step cap 0.02 (OPTIM `MAXSTEP` 0.01-0.02: keeps
    /// the quench close to the steepest-descent path so the right minimum is found), RMS
    /// gradient tolerance 1e-6 (GMIN `SLOPPYCONV`; the Newton polish of `minimum` finishes)
    /// and at most 20 000 iterations (twice the L-BFGS default, as the steps are short).
    pub lbfgs: LbfgsParams,
    /// The Hessian check, saddle escape and Newton polish of each quench
    /// ([`nnscape_optim::verified_minimum`], the one implementation shared with basin-hopping).
    ///
    /// Default [`MinimumParams::default`].
    pub minimum: MinimumParams,
}

/// The values and their sources are given with each field of [`VerifyParams`].
impl Default for VerifyParams {
    fn default() -> Self {
        Self {
            hef: HefParams::default(),
            saddle_length: 0.1,
            scaled_quench: LbfgsParams {
                max_step: 0.2,
                rms_gradient_tolerance: 1e-6,
                max_iterations: 20_000,
                ..LbfgsParams::default()
            },
            escape_radius: 30.0,
            initial_push_off: 0.01,
            max_push_off: 1.0,
            push_off_energy_drop: 1e-6,
            lbfgs: LbfgsParams {
                max_step: 0.02,
                rms_gradient_tolerance: 1e-6,
                max_iterations: 20_000,
                ..LbfgsParams::default()
            },
            minimum: MinimumParams::default(),
        }
    }
}

impl VerifyParams {
    /// Checks every field; the error names the first bad one and its allowed range:
    /// `initial_push_off` finite and `> 0`, `max_push_off` finite and `>= initial_push_off`,
    /// `push_off_energy_drop` finite and `>= 0`; `hef`, `lbfgs` and `minimum` with their own
    /// `validate`.
    pub fn validate(&self) -> Result<(), OptimError> {
        self.hef.validate().map_err(|e| e.within("hef"))?;
        positive("saddle_length", self.saddle_length)?;
        positive("escape_radius", self.escape_radius)?;
        self.scaled_quench
            .validate()
            .map_err(|e| e.within("scaled_quench"))?;
        push_off_range(self.initial_push_off, self.max_push_off)?;
        require(
            self.push_off_energy_drop.is_finite() && self.push_off_energy_drop >= 0.0,
            "push_off_energy_drop",
            self.push_off_energy_drop,
            "must be finite and >= 0",
        )?;
        self.lbfgs.validate().map_err(|e| e.within("lbfgs"))?;
        self.minimum.validate().map_err(|e| e.within("minimum"))
    }
}

/// A verified minimum: nnscape-optim's [`Minimum`] (one type for a Hessian-checked minimum in
/// every crate).
pub type MinimumFound = Minimum;

/// A verified transition state with the minima on either side.
#[derive(Debug, Clone)]
pub struct TransitionPath {
    /// The saddle.
    pub ts: TransitionState,
    /// Minimum reached from `ts.x - s v`.
    pub minus: MinimumFound,
    /// Minimum reached from `ts.x + s v`.
    pub plus: MinimumFound,
    /// Both sides reached the same minimum (kept, flagged: a degenerate rearrangement).
    pub same_minimum: bool,
}

/// Why verification failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VerifyError {
    /// Eigenvector-following failed or found the wrong index.
    #[error("transition-state search: {0}")]
    Ts(#[from] TsFailure),
    /// No push-off up to `max_push_off` lowered the energy (flat direction).
    #[error("push-off did not lower the energy")]
    PushOffFailed,
    /// A quench did not converge to a minimum (or kept ending on saddles).
    #[error("minimisation did not reach a minimum")]
    MinimisationFailed,
    /// Eigen-solver failure while checking a minimum.
    #[error("eigen-solver: {0}")]
    Eigen(#[from] EigenError),
    /// L-BFGS, Newton or band settings were refused.
    #[error("invalid parameters: {0}")]
    InvalidParameters(#[from] OptimError),
}

/// Counts kept across candidates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyStats {
    /// Candidates given to verification.
    pub candidates: usize,
    /// Verified (index 1, both sides minimised).
    pub accepted: usize,
    /// Rejected because the refined point had index 2 or more.
    pub rejected_higher_index: usize,
    /// Rejected because the refined point was a minimum.
    pub rejected_no_negative: usize,
    /// Searches stopped by the climb limits of [`HefParams`] (no saddle within reach).
    pub climb_limit: usize,
    /// Other failures (step limit, non-finite, push-off or quench failure).
    pub failed: usize,
    /// Converged transition states already known (up to symmetry), not verified again.
    pub duplicates: usize,
}

impl VerifyStats {
    /// Counts a failed eigenvector-following search.
    pub fn count_failure(&mut self, e: &TsFailure) {
        match e {
            TsFailure::TooManyNegativeEigenvalues { .. } => self.rejected_higher_index += 1,
            TsFailure::NoNegativeEigenvalue => self.rejected_no_negative += 1,
            TsFailure::ClimbLimit => self.climb_limit += 1,
            _ => self.failed += 1,
        }
    }

    /// Adds another set of counts.
    pub fn merge(&mut self, o: &VerifyStats) {
        self.candidates += o.candidates;
        self.accepted += o.accepted;
        self.rejected_higher_index += o.rejected_higher_index;
        self.rejected_no_negative += o.rejected_no_negative;
        self.climb_limit += o.climb_limit;
        self.failed += o.failed;
        self.duplicates += o.duplicates;
    }
}

/// Quench from `x0` to a Hessian-verified, polished minimum with
/// [`nnscape_optim::verified_minimum`] (L-BFGS with `params.lbfgs`, Newton polish, push-off from
/// any saddle the quench stops on), so a saddle is never reported as a minimum.
pub fn minimise_to_minimum<O: HessianObjective, A>(
    sys: &mut System<O, A>,
    x0: &[f64],
    params: &VerifyParams,
) -> Result<Minimum, VerifyError> {
    params.validate()?;
    let mut lbfgs = Lbfgs::new(params.lbfgs.clone())?;
    verified_minimum(
        &mut sys.potential,
        x0,
        &mut lbfgs,
        &params.minimum,
        &sys.tolerances,
    )
    .map_err(|_| VerifyError::MinimisationFailed)
}

/// Push off a verified transition state along `-v` and `+v` and minimise both sides, at the
/// saddle's own scale (see [`VerifyParams::saddle_length`]).
pub fn push_off_and_minimise<O: HessianObjective, A: Alignment>(
    sys: &mut System<O, A>,
    ts: TransitionState,
    params: &VerifyParams,
) -> Result<TransitionPath, VerifyError> {
    params.validate()?;
    let l = params.saddle_length;
    let curvature = if ts.eigenvalue.is_finite() && ts.eigenvalue != 0.0 {
        ts.eigenvalue.abs()
    } else {
        1.0
    };
    let scale = LocalScale {
        centre: ts.x.clone(),
        length: l,
        energy_unit: curvature * l * l,
        energy_ref: ts.energy,
    };
    let descent = ScaledDescent {
        initial_push_off: params.initial_push_off / l,
        max_push_off: params.max_push_off / l,
        push_off_energy_drop: params.push_off_energy_drop,
        quench: &params.scaled_quench,
        escape_radius: params.escape_radius,
    };
    descend_both_sides(sys, ts, &scale, &descent, params)
}

/// Push-off and first quench in the scaled coordinates of a [`LocalScale`].
pub(crate) struct ScaledDescent<'a> {
    /// First push, scaled units.
    pub initial_push_off: f64,
    /// Longest push, scaled units.
    pub max_push_off: f64,
    /// Required drop, scaled energy units.
    pub push_off_energy_drop: f64,
    /// The scaled quench.
    pub quench: &'a LbfgsParams,
    /// Hand over to the unscaled quench beyond this scaled radius.
    pub escape_radius: f64,
}

/// The one push-off-and-quench of a saddle: push off along `-v` and `+v` and quench in the
/// scaled coordinates of `scale` (until converged, or until the point leaves
/// `escape_radius`), then polish and Hessian-check each end in the potential's own units
/// ([`minimise_to_minimum`] with `params`).
pub(crate) fn descend_both_sides<O: HessianObjective, A: Alignment>(
    sys: &mut System<O, A>,
    ts: TransitionState,
    scale: &LocalScale,
    descent: &ScaledDescent<'_>,
    params: &VerifyParams,
) -> Result<TransitionPath, VerifyError> {
    let u_ts = scale.to_scaled(&ts.x);
    let f_ts = (ts.energy - scale.energy_ref) / scale.energy_unit;
    // Rounds of at most 500 iterations, so that a quench that has left the scaled region is
    // handed over without spending the whole budget there.
    let per_round = descent.quench.max_iterations.min(500);
    let rounds = descent.quench.max_iterations.div_ceil(per_round);
    let mut lbfgs = Lbfgs::new(LbfgsParams {
        max_iterations: per_round,
        ..descent.quench.clone()
    })?;
    let mut sides = Vec::with_capacity(2);
    for sign in [-1.0, 1.0] {
        let start = {
            let mut f = Scaled::new(&mut sys.potential, scale);
            let pushed = push_off(
                &mut f,
                &u_ts,
                f_ts,
                &ts.eigenvector,
                &[sign],
                descent.initial_push_off,
                descent.max_push_off,
                descent.push_off_energy_drop,
            );
            if !pushed.dropped {
                return Err(VerifyError::PushOffFailed);
            }
            let mut u = pushed.x;
            for _ in 0..rounds {
                let res = lbfgs.minimise(&mut f, &u);
                let converged = res.converged();
                u = res.x;
                if converged || norm(&u) > descent.escape_radius {
                    break;
                }
            }
            scale.to_potential(&u)
        };
        sides.push(minimise_to_minimum(sys, &start, params)?);
    }
    let plus = sides.pop().expect("two sides");
    let minus = sides.pop().expect("two sides");
    let same_minimum = sys.same_point(&minus.x, minus.energy, &plus.x, plus.energy);
    Ok(TransitionPath {
        ts,
        minus,
        plus,
        same_minimum,
    })
}

/// Verify a candidate: refine by eigenvector-following from `x0` (optionally along
/// `direction`), accept only index 1, then push off and minimise both sides. Outcomes are
/// counted in `stats` (index-2+ candidates in `rejected_higher_index`).
pub fn verify_candidate<O: HessianObjective, A: Alignment>(
    sys: &mut System<O, A>,
    x0: &[f64],
    direction: Option<&[f64]>,
    params: &VerifyParams,
    stats: &mut VerifyStats,
) -> Result<TransitionPath, VerifyError> {
    // Settings errors are the caller's, not a candidate's: checked before counting.
    params.validate()?;
    stats.candidates += 1;
    let tolerances = sys.tolerances;
    let ts =
        match find_transition_state(&mut sys.potential, x0, direction, &params.hef, &tolerances) {
            Ok(ts) => ts,
            Err(e) => {
                stats.count_failure(&e);
                return Err(e.into());
            }
        };
    match push_off_and_minimise(sys, ts, params) {
        Ok(p) => {
            stats.accepted += 1;
            Ok(p)
        }
        Err(e) => {
            stats.failed += 1;
            Err(e)
        }
    }
}
