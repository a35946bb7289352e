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
//!    and Hessian-checked with [`minimise_to_minimum`] in the potential's own coordinates.

use nnscape_model::vector::norm;
use nnscape_optim::Minimum;
use nnscape_optim::{
    newton_polish, Alignment, HessianObjective, LbfgsParams, LocalScale, NewtonParams, OptimError,
    Scaled, System,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::check::{count, positive, push_off_range, require};
use crate::eigen::hessian_eigen;
use crate::hef::TransitionState;
use crate::verify::{
    descend_both_sides, minimise_to_minimum, push_off_and_minimise, ScaledDescent, TransitionPath,
    VerifyError, VerifyParams,
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
    /// Polish and Hessian check of the two minima, unscaled ([`minimise_to_minimum`]).
    pub verify: VerifyParams,
    /// Seed of the starts: start `i` draws from ChaCha8 seeded with it on stream `i`.
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
                // The unscaled polish that follows places the point.
                step_tolerance: f64::INFINITY,
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
    /// Root searches started.
    pub starts: usize,
    /// Root searches that converged.
    pub converged: usize,
    /// Distinct stationary points of index 1 (before verification).
    pub index_one: usize,
    /// How many starts converged to each distinct index-1 point, in the order found: the
    /// Good-Turing estimate of an unseen saddle is the number of ones over `starts`.
    pub saddle_hits: Vec<usize>,
    /// Distinct minima (index 0) the root searches converged to, in the order found, each
    /// with the number of starts that reached it. Newton reaches minima whose basins of
    /// descent are tiny (a shallow minimum next to its saddle) as readily as saddles.
    pub minima: Vec<(Minimum, usize)>,
    /// Index-1 points whose push-off or quenches failed.
    pub failed: usize,
}

impl NearSearchResult {
    /// The Good-Turing probability that one more start reaches an index-1 point not seen
    /// (saddles hit once over starts; 1 without starts).
    pub fn p_unseen_saddle(&self) -> f64 {
        good_turing_once(&self.saddle_hits, self.starts)
    }

    /// The same for minima.
    pub fn p_unseen_minimum(&self) -> f64 {
        let hits: Vec<usize> = self.minima.iter().map(|m| m.1).collect();
        good_turing_once(&hits, self.starts)
    }
}

/// Points seen exactly once over trials (1 without trials).
fn good_turing_once(hits: &[usize], trials: usize) -> f64 {
    if trials == 0 {
        return 1.0;
    }
    hits.iter().filter(|&&h| h == 1).count() as f64 / trials as f64
}

/// A root of the gradient found by [`newton_root`], polished in the potential's units and
/// classified by its Hessian index.
#[derive(Debug, Clone, PartialEq)]
pub struct Root {
    /// Coordinates.
    pub x: Vec<f64>,
    /// Energy.
    pub energy: f64,
    /// Hessian index with the system's cut-off.
    pub index: usize,
    /// Lowest Hessian eigenvalue.
    pub eigenvalue: f64,
    /// Its unit eigenvector when the index is 1 (the reaction coordinate), else empty.
    pub eigenvector: Vec<f64>,
    /// Newton iterations of the root search.
    pub iterations: usize,
}

impl Root {
    /// The root as a transition state (index 1 only), ready for
    /// [`push_off_and_minimise`].
    pub fn transition_state<O: HessianObjective>(
        &self,
        potential: &mut O,
    ) -> Option<TransitionState> {
        if self.index != 1 {
            return None;
        }
        let mut g = vec![0.0; self.x.len()];
        potential.energy_gradient(&self.x, &mut g);
        Some(TransitionState {
            rms_gradient: nnscape_model::vector::rms(&g),
            eigenvalue: self.eigenvalue,
            eigenvector: self.eigenvector.clone(),
            x: self.x.clone(),
            energy: self.energy,
            iterations: self.iterations,
        })
    }
}

/// The random start `i` of a search seeded with `seed`: a uniform direction (normalised
/// Gaussian) at a radius uniform in `[min_radius, max_radius]`, scaled units. Stream `i` of
/// ChaCha8, so a start depends on nothing but `(seed, i)` and the starts can run in parallel.
fn start_point(i: usize, n: usize, params: &NearSearchParams) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
    rng.set_stream(i as u64);
    let mut u0: Vec<f64> = (0..n).map(|_| gaussian(&mut rng)).collect();
    let r = rng.random_range(params.min_radius..=params.max_radius);
    let len = norm(&u0);
    u0.iter_mut().for_each(|v| *v *= r / len);
    u0
}

/// Root search `i` of [`saddles_near`] with these settings (its start depends only on
/// `params.seed` and `i`): Newton in `scale`'s coordinates, polished unscaled; `None` when it
/// does not converge. One independent trial, for estimates made from many.
///
/// # Errors
/// Invalid Newton settings.
pub fn newton_root<O: HessianObjective, A>(
    sys: &mut System<O, A>,
    scale: &LocalScale,
    params: &NearSearchParams,
    i: usize,
) -> Result<Option<Root>, VerifyError> {
    let u0 = start_point(i, sys.potential.dim(), params);
    let root = {
        let mut f = Scaled::new(&mut sys.potential, scale);
        newton_polish(&mut f, &u0, &params.newton)?
    };
    if !root.converged() {
        return Ok(None);
    }
    // Finish in the potential's own units, to the stored points' RMS gradient (1e-10): a
    // scaled tolerance means another unscaled one at every scale.
    let polished = newton_polish(
        &mut sys.potential,
        &scale.to_potential(&root.x),
        &params.verify.hef.newton,
    )?;
    if !polished.converged() {
        return Ok(None);
    }
    let x = polished.x;
    let eig = hessian_eigen(&mut sys.potential, &x)?;
    let index = sys.tolerances.index(&eig.eigenvalues);
    Ok(Some(Root {
        energy: sys.potential.energy(&x),
        index,
        eigenvalue: eig.eigenvalues[0],
        eigenvector: if index == 1 {
            eig.vector(0)
        } else {
            Vec::new()
        },
        x,
        iterations: root.iterations,
    }))
}

/// The transition states next to `scale.centre` (see the module documentation), verified,
/// and the minima the root searches reached.
///
/// The starts run in parallel (rayon); their roots are deduplicated and verified in start
/// order, so the result does not depend on the number of threads.
///
/// # Errors
/// Invalid settings or tolerances, or an unusable scale.
pub fn saddles_near<O, A>(
    sys: &mut System<O, A>,
    scale: &LocalScale,
    params: &NearSearchParams,
) -> Result<NearSearchResult, VerifyError>
where
    O: HessianObjective + Clone + Send + Sync,
    A: Alignment + Clone + Send + Sync,
{
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
    let roots: Vec<Option<Root>> = (0..params.starts)
        .into_par_iter()
        .map_init(|| sys.clone(), |sys, i| newton_root(sys, scale, params, i))
        .collect::<Result<_, _>>()?;
    let mut out = NearSearchResult {
        starts: params.starts,
        ..NearSearchResult::default()
    };
    let mut saddles: Vec<TransitionState> = Vec::new();
    let mut minima: Vec<(Root, usize)> = Vec::new();
    for root in roots.into_iter().flatten() {
        out.converged += 1;
        match root.index {
            0 => match minima
                .iter_mut()
                .find(|(m, _)| sys.same_point(&m.x, m.energy, &root.x, root.energy))
            {
                Some((_, hits)) => *hits += 1,
                None => minima.push((root, 1)),
            },
            1 => match saddles
                .iter()
                .position(|t| sys.same_point(&t.x, t.energy, &root.x, root.energy))
            {
                Some(k) => out.saddle_hits[k] += 1,
                None => {
                    if let Some(ts) = root.transition_state(&mut sys.potential) {
                        saddles.push(ts);
                        out.saddle_hits.push(1);
                    }
                }
            },
            _ => {}
        }
    }
    out.index_one = saddles.len();
    // A Newton root of index 0 is a minimum already; the verified-minimum step only polishes
    // it and records its spectrum in the standard form.
    for (m, hits) in minima {
        if let Ok(min) = minimise_to_minimum(sys, &m.x, &params.verify) {
            out.minima.push((min, hits));
        }
    }
    let verified: Vec<Result<TransitionPath, VerifyError>> = saddles
        .into_par_iter()
        .map_init(
            || sys.clone(),
            |sys, ts| verify_at_scale(sys, scale, ts, params),
        )
        .collect();
    for v in verified {
        match v {
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
