//! Settings of basin-hopping: the perturbation, the Metropolis temperature, the adaptive step and
//! the stopping rule, with their defaults and the sources they come from.

use crate::error::{check_count, check_non_negative, check_positive};
use crate::{LbfgsParams, MinimumParams, OptimError};

/// When basin-hopping stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Stop {
    /// Every chain makes exactly this many basin-hopping steps (after its initial quench).
    Steps(usize),
    /// Stop when the last `no_new_for` quenches, in merge order, found no new distinct minimum,
    /// or when every chain has made `max_steps` steps.
    Saturation {
        /// Number of consecutive quenches without a new minimum that ends the run.
        no_new_for: usize,
        /// Step budget per chain.
        max_steps: usize,
    },
}

/// pele-style adaptive step (its `AdaptiveStepsize`), driven by the escape ratio: a step of
/// 1.0 almost never leaves the current minimum on the XOR loss, one near 3 does about half the
/// time, so the step is tuned to leave it about half the time.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AdaptiveStep {
    /// Steps between adjustments (per chain). Default 100 (pele `AdaptiveStepsize` interval).
    pub interval: usize,
    /// Multiplier < 1: the step is multiplied by it when more than `target_escape_ratio` of the
    /// last `interval` quenches escaped, divided by it otherwise. Default 0.9 (pele).
    pub factor: f64,
    /// Wanted fraction of quenches that end in a minimum other than the current one.
    /// Default 0.5 (pele's target acceptance, applied here to escapes).
    pub target_escape_ratio: f64,
}

impl Default for AdaptiveStep {
    fn default() -> Self {
        Self {
            interval: 100,
            factor: 0.9,
            target_escape_ratio: 0.5,
        }
    }
}

/// Settings of [`basin_hopping`](crate::basin_hopping); each field's doc gives its default and
/// where it comes from.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BasinHoppingParams {
    /// Initial half-width of the uniform perturbation of every parameter. Default 1.0 (GMIN
    /// `STEP 1.0`, the value of the Wales group's workflow for these networks); the adaptive
    /// step then changes it.
    pub step: f64,
    /// Metropolis temperature on quenched energies (0: accept only non-increasing energies).
    /// Default 2.0 (GMIN `TEMPERATURE 2.0` in the same workflow).
    pub temperature: f64,
    /// Step adaptation; `None` keeps `step` fixed. Default: [`AdaptiveStep::default`].
    pub adaptive_step: Option<AdaptiveStep>,
    /// The L-BFGS quench. Default: [`LbfgsParams::default`] (GMIN `SLOPPYCONV 1e-6`).
    pub quench: LbfgsParams,
    /// Hessian check, saddle escape and Newton polish (to RMS gradient 1e-10) of each quench.
    /// When two minima are the same, and the eigenvalue cut-off, are the
    /// [`System`](crate::System)'s [`Tolerances`](crate::Tolerances).
    pub verify: MinimumParams,
    /// Random starting points are uniform in `[-initial_range, initial_range]` per parameter.
    /// Default 2.0: weights of order 1 cover the XOR minima found at small lambda.
    pub initial_range: f64,
    /// Number of independent chains. Default 4.
    pub chains: usize,
    /// Seed of every chain's RNG (chain c uses stream c). Default 0.
    pub seed: u64,
    /// Stopping rule. Default [`Stop::Steps`]`(1000)`.
    pub stop: Stop,
    /// Steps each chain makes between two merges (and progress reports). Default 20: short
    /// rounds keep saturation checks timely, and at about 0.1 ms a quench 20 steps amortise the
    /// synchronisation.
    pub round_steps: usize,
    /// Chain c starts its first quench at `initial_points[c]` when given, at a random point
    /// otherwise. At most `chains` points. Default: none.
    pub initial_points: Vec<Vec<f64>>,
}

impl Default for BasinHoppingParams {
    fn default() -> Self {
        Self {
            step: 1.0,
            temperature: 2.0,
            adaptive_step: Some(AdaptiveStep::default()),
            quench: LbfgsParams::default(),
            verify: MinimumParams::default(),
            initial_range: 2.0,
            chains: 4,
            seed: 0,
            stop: Stop::Steps(1000),
            round_steps: 20,
            initial_points: Vec::new(),
        }
    }
}

impl BasinHoppingParams {
    /// Checks every field; the error names the first bad field and its value.
    pub fn validate(&self) -> Result<(), OptimError> {
        check_positive("step", self.step)?;
        check_non_negative("temperature", self.temperature)?;
        if let Some(a) = &self.adaptive_step {
            check_count("adaptive_step.interval", a.interval)?;
            if !(a.factor > 0.0 && a.factor < 1.0) {
                return Err(OptimError::InvalidParameter {
                    name: "adaptive_step.factor".into(),
                    value: a.factor,
                    reason: "must lie strictly between 0 and 1",
                });
            }
            if !(a.target_escape_ratio > 0.0 && a.target_escape_ratio < 1.0) {
                return Err(OptimError::InvalidParameter {
                    name: "adaptive_step.target_escape_ratio".into(),
                    value: a.target_escape_ratio,
                    reason: "must lie strictly between 0 and 1",
                });
            }
        }
        self.quench.validate().map_err(|e| e.within("quench"))?;
        self.verify.validate().map_err(|e| e.within("verify"))?;
        check_positive("initial_range", self.initial_range)?;
        check_count("chains", self.chains)?;
        match self.stop {
            Stop::Steps(n) => check_count("stop.steps", n)?,
            Stop::Saturation {
                no_new_for,
                max_steps,
            } => {
                check_count("stop.no_new_for", no_new_for)?;
                check_count("stop.max_steps", max_steps)?;
            }
        }
        check_count("round_steps", self.round_steps)?;
        if self.initial_points.len() > self.chains {
            return Err(OptimError::InvalidParameter {
                name: "initial_points".into(),
                value: self.initial_points.len() as f64,
                reason: "at most one starting point per chain",
            });
        }
        Ok(())
    }
}
