//! Transition states next to a stationary point whose neighbourhood has its own small scale
//! (for the XOR network: `W = 0`, where the stationary points sit at distances of order
//! `sqrt(lambda)` and energies `ln 2 + O(lambda^2)`; see [`nnscape_optim::Scaled`]).
//!
//! Method, all in the scaled coordinates `u = (x - c) / s` of a [`LocalScale`], where the
//! landscape is of order one and the standard settings apply:
//!
//! 1. Root search: Newton-Raphson on the gradient with the exact Hessian (any index) from
//!    random starts on spheres of radius `r`, uniform in `[min_radius, max_radius]` (scaled
//!    units). Newton converges to the stationary point near its start whatever its index, so
//!    it finds the saddles that eigenvector-following from the centre, climbing a degenerate
//!    bowl, rarely reaches.
//! 2. Polish unscaled (Newton to the RMS gradient of stored points, 1e-10), keep index 1
//!    (judged on the unscaled Hessian with the system's cut-off, as stored), deduplicated with
//!    the system's same-point rule.
//! 3. Push off along `-v` and `+v` in scaled units (first push 0.01, doubling until the
//!    scaled energy drops by 1e-6) and quench in scaled units (L-BFGS, RMS gradient 1e-6 in
//!    scaled units = 1e-6 `e / s` unscaled). A quench that leaves the scaled region (`|u|`
//!    beyond `escape_radius`) is finished at the ordinary scale; both ends are then polished
//!    and Hessian-checked with [`minimise_to_minimum`](crate::minimise_to_minimum) in the potential's own coordinates.

use nnscape_model::vector::norm;
use nnscape_optim::{
    newton_polish, Alignment, HessianObjective, LbfgsParams, LocalScale, NewtonParams, OptimError,
    Scaled, System,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::check::{count, positive, push_off_range, require};
use crate::eigen::hessian_eigen;
use crate::hef::TransitionState;
use crate::verify::{
    descend_both_sides, push_off_and_minimise, ScaledDescent, TransitionPath, VerifyError,
    VerifyParams,
};

/// Settings of [`saddles_near`]; each field's doc gives its default and why.
#[derive(Debug, Clone, serde::Serialize)]
pub struct NearSearchParams {
    /// Root-search starts. Default 300: at N_h = 2-5 every index-1 saddle next to `W = 0`
    /// found by 2,000 starts was found within the first 300 (measured at lambda = 1e-4).
    pub starts: usize,
    /// Smallest start radius, scaled units. Default 0.3: below it Newton falls into the centre.
    pub min_radius: f64,
    /// Largest start radius, scaled units. Default 8: the XOR saddles next to `W = 0` lie at
    /// `|u|` = 3-9 (measured, N_h = 2-5).
    pub max_radius: f64,
    /// Newton root search in scaled units: step cap 0.5 (a fraction of the radii), RMS
    /// gradient 1e-8 (scaled; unscaled that is `1e-8 e / s`), at most 100 steps.
    pub newton: NewtonParams,
    /// First push-off along the reaction coordinate, scaled units. Default 0.01, OPTIM's
    /// `PUSHOFF` in scaled units is far too large; it doubles until the energy drops.
    pub initial_push_off: f64,
    /// Longest push-off, scaled units. Default 2.
    pub max_push_off: f64,
    /// Scaled energy drop that counts as "down" after a push-off. Default 1e-6.
    pub push_off_energy_drop: f64,
    /// The scaled quench (L-BFGS defaults: RMS gradient 1e-6, step cap 0.2, in scaled units).
    pub quench: LbfgsParams,
    /// A quench whose point leaves `|u| <= escape_radius` is finished at the ordinary scale.
    /// Default 30, several times the radii of the saddles: the energy there is no longer of
    /// order `e`.
    pub escape_radius: f64,
    /// Polish and Hessian check of the two minima, unscaled ([`minimise_to_minimum`](crate::minimise_to_minimum)).
    pub verify: VerifyParams,
    /// Seed of the starts (ChaCha8).
    pub seed: u64,
    /// Push off and quench in the region's scaled coordinates (the push-off and quench settings
    /// above), rather than at each saddle's own scale ([`push_off_and_minimise`]). Default
    /// `true`: next to `W = 0` the region's scale is the physics; a search over the whole
    /// landscape (unit scale) sets it to `false`, since its saddles have curvatures and barriers
    /// of every size.
    pub verify_at_region_scale: bool,
}

impl Default for NearSearchParams {
    fn default() -> Self {
        Self {
            starts: 300,
            min_radius: 0.3,
            max_radius: 8.0,
            newton: NewtonParams {
                max_iterations: 100,
                rms_gradient_tolerance: 1e-8,
                max_step: 0.5,
                ..NewtonParams::default()
            },
            initial_push_off: 0.01,
            max_push_off: 2.0,
            push_off_energy_drop: 1e-6,
            quench: LbfgsParams {
                max_iterations: 10_000,
                ..LbfgsParams::default()
            },
            escape_radius: 30.0,
            verify: VerifyParams::default(),
            seed: 0,
            verify_at_region_scale: true,
        }
    }
}

impl NearSearchParams {
    /// Checks every field; the error names the bad one.
    pub fn validate(&self) -> Result<(), OptimError> {
        count("starts", self.starts)?;
        positive("min_radius", self.min_radius)?;
        require(
            self.max_radius.is_finite() && self.max_radius >= self.min_radius,
            "max_radius",
            self.max_radius,
            "must be finite and >= min_radius",
        )?;
        self.newton.validate().map_err(|e| e.within("newton"))?;
        push_off_range(self.initial_push_off, self.max_push_off)?;
        positive("push_off_energy_drop", self.push_off_energy_drop)?;
        self.quench.validate().map_err(|e| e.within("quench"))?;
        require(
            self.escape_radius.is_finite() && self.escape_radius > self.max_radius,
            "escape_radius",
            self.escape_radius,
            "must be finite and > max_radius",
        )?;
        self.verify.validate().map_err(|e| e.within("verify"))
    }
}

/// What [`saddles_near`] found.
#[derive(Debug, Clone, Default)]
pub struct NearSearchResult {
    /// Distinct verified transition states with their two minima, in the order found.
    pub paths: Vec<TransitionPath>,
    /// Root searches that converged.
    pub converged: usize,
    /// Distinct stationary points of index 1 (before verification).
    pub index_one: usize,
    /// Index-1 points whose push-off or quenches failed.
    pub failed: usize,
}

/// The transition states next to `scale.centre` (see the module documentation), verified.
///
/// # Errors
/// Invalid settings or tolerances, or an unusable scale.
pub fn saddles_near<O: HessianObjective, A: Alignment>(
    sys: &mut System<O, A>,
    scale: &LocalScale,
    params: &NearSearchParams,
) -> Result<NearSearchResult, VerifyError> {
    params.validate()?;
    sys.tolerances.validate()?;
    if !scale.is_valid() {
        return Err(OptimError::InvalidParameter {
            name: "scale.length".into(),
            value: scale.length,
            reason: "the local scale must have a finite, positive length and energy unit",
        }
        .into());
    }
    let n = sys.potential.dim();
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    let mut saddles: Vec<TransitionState> = Vec::new();
    let mut out = NearSearchResult::default();
    for _ in 0..params.starts {
        // A uniform direction (normalised Gaussian) at a uniform radius.
        let mut u0: Vec<f64> = (0..n).map(|_| gaussian(&mut rng)).collect();
        let r = rng.random_range(params.min_radius..=params.max_radius);
        let len = norm(&u0);
        u0.iter_mut().for_each(|v| *v *= r / len);
        let root = {
            let mut f = Scaled::new(&mut sys.potential, scale);
            newton_polish(&mut f, &u0, &params.newton)?
        };
        if !root.converged() {
            continue;
        }
        out.converged += 1;
        // Finish in the potential's own units, to the stored points' RMS gradient (1e-10): a
        // scaled tolerance means another unscaled one at every scale.
        let polished = newton_polish(
            &mut sys.potential,
            &scale.to_potential(&root.x),
            &params.verify.hef.newton,
        )?;
        if !polished.converged() {
            continue;
        }
        let x = polished.x;
        let eig = hessian_eigen(&mut sys.potential, &x)?;
        if sys.tolerances.index(&eig.eigenvalues) != 1 {
            continue;
        }
        let energy = sys.potential.energy(&x);
        if saddles
            .iter()
            .any(|t| sys.same_point(&t.x, t.energy, &x, energy))
        {
            continue;
        }
        let mut g = vec![0.0; n];
        sys.potential.energy_gradient(&x, &mut g);
        saddles.push(TransitionState {
            rms_gradient: nnscape_model::vector::rms(&g),
            eigenvalue: eig.eigenvalues[0],
            eigenvector: eig.vector(0),
            x,
            energy,
            iterations: root.iterations,
        });
    }
    out.index_one = saddles.len();
    for ts in saddles {
        match verify_at_scale(sys, scale, ts, params) {
            Ok(p) => out.paths.push(p),
            // Typically a saddle of a smaller scale than the search's (its energy drop after a
            // push-off is below the threshold): counted, left to a search at its own scale.
            Err(_) => out.failed += 1,
        }
    }
    Ok(out)
}

/// Push-off and quench of one saddle in the region's scaled coordinates, both ends polished
/// unscaled: the one implementation of verification ([`descend_both_sides`]) at this scale.
fn verify_at_scale<O: HessianObjective, A: Alignment>(
    sys: &mut System<O, A>,
    scale: &LocalScale,
    ts: TransitionState,
    params: &NearSearchParams,
) -> Result<TransitionPath, VerifyError> {
    let descent = ScaledDescent {
        initial_push_off: params.initial_push_off,
        max_push_off: params.max_push_off,
        push_off_energy_drop: params.push_off_energy_drop,
        quench: &params.quench,
        escape_radius: params.escape_radius,
    };
    if params.verify_at_region_scale {
        descend_both_sides(sys, ts, scale, &descent, &params.verify)
    } else {
        push_off_and_minimise(sys, ts, &params.verify)
    }
}

/// A standard normal variate (Box-Muller; one of the pair is enough here).
fn gaussian(rng: &mut ChaCha8Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}
