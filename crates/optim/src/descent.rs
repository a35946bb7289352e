//! Steepest-descent path following, for connecting a transition state to its two minima.
//!
//! From a point pushed off a saddle along +/- the unstable mode, the energy is followed downhill
//! to the minimum that this side drains to. A small step cap and no tolerated energy rise keep
//! the path inside the basin it starts in: a step can neither climb back over the ridge nor jump
//! across a neighbouring one.

use crate::error::{check_count, check_dim, check_positive};
use crate::{Lbfgs, LbfgsParams, MinimiseResult, Objective, OptimError};

/// Settings of [`descend`]; each field's doc gives its default and its source.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DescentParams {
    /// Cap on the Euclidean length of one step. Default 0.02 (OPTIM `MAXSTEP` 0.01-0.02 for
    /// pathway searches).
    pub max_step: f64,
    /// Stop when the RMS gradient is below this. Default 1e-6 (GMIN `SLOPPYCONV`: the minimum
    /// is identified here and polished afterwards).
    pub rms_gradient_tolerance: f64,
    /// Largest number of steps. Default 10,000: at 0.02 a step, a path of length 200 plus the
    /// slow final approach.
    pub max_iterations: usize,
}

impl Default for DescentParams {
    fn default() -> Self {
        Self {
            max_step: 0.02,
            rms_gradient_tolerance: 1e-6,
            max_iterations: 10_000,
        }
    }
}

impl DescentParams {
    /// Checks every field; the error names the first bad field and its value.
    pub fn validate(&self) -> Result<(), OptimError> {
        check_positive("max_step", self.max_step)?;
        check_positive("rms_gradient_tolerance", self.rms_gradient_tolerance)?;
        check_count("max_iterations", self.max_iterations)?;
        Ok(())
    }
}

/// Follows the energy downhill from `x0` to the minimum it drains to.
///
/// Implemented as L-BFGS (default memory and H0) with the step capped at `params.max_step` and
/// no energy rise accepted, so every accepted point is lower than the last and no step is longer
/// than the cap. Returns the end point with the usual terminations.
///
/// # Errors
/// `params` fails [`DescentParams::validate`], or `x0.len() != obj.dim()`.
pub fn descend<O: Objective + ?Sized>(
    obj: &mut O,
    x0: &[f64],
    params: &DescentParams,
) -> Result<MinimiseResult, OptimError> {
    params.validate()?;
    check_dim("x0", obj.dim(), x0.len())?;
    let lbfgs_params = LbfgsParams {
        max_step: params.max_step,
        rms_gradient_tolerance: params.rms_gradient_tolerance,
        max_iterations: params.max_iterations,
        // Strict descent: a point higher than the last may lie across a ridge.
        max_energy_rise: 0.0,
        ..LbfgsParams::default()
    };
    Ok(Lbfgs::new(lbfgs_params)?.minimise(obj, x0))
}
