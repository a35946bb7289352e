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

use nnscape_optim::{
    push_off, verified_minimum, Alignment, HessianObjective, Lbfgs, LbfgsParams, Minimum,
    MinimumParams, OptimError, System,
};

use crate::check::{positive, require};
use crate::eigen::EigenError;
use crate::hef::{find_transition_state, HefParams, TransitionState, TsFailure};

/// Parameters of verification and of the minimisations that follow a push-off.
#[derive(Debug, Clone, serde::Serialize)]
pub struct VerifyParams {
    /// Eigenvector-following settings (also supplies the eigen-solver).
    ///
    /// Default [`HefParams::default`].
    pub hef: HefParams,
    /// First push-off length along the reaction coordinate; it doubles until the energy has
    /// clearly dropped.
    ///
    /// Default 0.01: small (OPTIM's `PUSHOFF` is 0.2 for networks) so that the push-off stays
    /// on the steepest-descent path of its side.
    pub initial_push_off: f64,
    /// Longest push-off tried.
    ///
    /// Default 1.0 (a setting of this crate: 100 times `initial_push_off`).
    pub max_push_off: f64,
    /// "Clearly dropped": `E < E_ts - push_off_energy_drop * max(1, |E_ts|)`.
    ///
    /// Default 1e-6: relative 1e-6 is far above round-off of the energy yet reached within a
    /// few doublings for any curvature above ~1e-4.
    pub push_off_energy_drop: f64,
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
        positive("initial_push_off", self.initial_push_off)?;
        require(
            self.max_push_off.is_finite() && self.max_push_off >= self.initial_push_off,
            "max_push_off",
            self.max_push_off,
            "must be finite and >= initial_push_off",
        )?;
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

/// Push off a verified transition state along `-v` and `+v` and minimise both sides.
pub fn push_off_and_minimise<O: HessianObjective, A: Alignment>(
    sys: &mut System<O, A>,
    ts: TransitionState,
    params: &VerifyParams,
) -> Result<TransitionPath, VerifyError> {
    params.validate()?;
    let mut sides = Vec::with_capacity(2);
    for sign in [-1.0, 1.0] {
        let pushed = push_off(
            &mut sys.potential,
            &ts.x,
            ts.energy,
            &ts.eigenvector,
            &[sign],
            params.initial_push_off,
            params.max_push_off,
            params.push_off_energy_drop,
        );
        if !pushed.dropped {
            return Err(VerifyError::PushOffFailed);
        }
        sides.push(minimise_to_minimum(sys, &pushed.x, params)?);
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
