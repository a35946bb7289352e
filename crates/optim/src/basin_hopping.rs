//! Basin-hopping global exploration of a [`System`] (Li and Scheraga 1987; Wales and Doye 1997;
//! GMIN), generic over the potential and its symmetries.
//!
//! Each chain perturbs every parameter of its current minimum uniformly in [-step, step],
//! quenches the result to a Hessian-verified minimum ([`verified_minimum`]) and accepts it with
//! the Metropolis rule at temperature T applied to the quenched energies. Several independent
//! chains run in parallel with rayon.
//!
//! Reproducibility: chain c draws from ChaCha20 seeded with `seed` on stream c, and its
//! trajectory depends on nothing else. Chains advance in rounds of `round_steps` steps; after
//! each round the quenches are merged into the [`MinimaSet`] on the calling thread in chain
//! order, then step order, and the saturation rule is checked quench by quench in that order.
//! The minima found, the sink calls and the stopping point are therefore the same for any
//! number of threads.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use rayon::prelude::*;

use crate::error::{check_count, check_non_negative, check_positive};
use crate::minimum::{verified_minimum, Minimum, MinimumFailure, MinimumParams};
use crate::system::{Alignment, System, Tolerances};
use crate::{HessianObjective, Lbfgs, LbfgsParams, OptimError};

/// Random restarts a chain makes when its first quench fails, before it gives up.
const MAX_INITIAL_ATTEMPTS: usize = 100;

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
    /// Steps between adjustments (per chain).
    pub interval: usize,
    /// Multiplier < 1: the step is multiplied by it when more than `target_escape_ratio` of the
    /// last `interval` quenches escaped, divided by it otherwise.
    pub factor: f64,
    /// Wanted fraction of quenches that end in a minimum other than the current one.
    pub target_escape_ratio: f64,
}

impl Default for AdaptiveStep {
    fn default() -> Self {
        Self {
            // pele: adjust every 100 steps by a factor 0.9 towards a ratio of 0.5.
            interval: 100,
            factor: 0.9,
            target_escape_ratio: 0.5,
        }
    }
}

/// Settings of [`basin_hopping`]. Defaults: see [`BasinHoppingParams::default`].
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct BasinHoppingParams {
    /// Initial half-width of the uniform perturbation of every parameter.
    pub step: f64,
    /// Metropolis temperature on quenched energies (0: accept only non-increasing energies).
    pub temperature: f64,
    /// Step adaptation; `None` keeps `step` fixed.
    pub adaptive_step: Option<AdaptiveStep>,
    /// The L-BFGS quench.
    pub quench: LbfgsParams,
    /// Hessian check, saddle escape and Newton polish of each quench. When two minima are the
    /// same, and the eigenvalue cut-off, are the [`System`]'s [`Tolerances`].
    pub verify: MinimumParams,
    /// Random starting points are uniform in [-initial_range, initial_range] per parameter.
    pub initial_range: f64,
    /// Number of independent chains.
    pub chains: usize,
    /// Seed of every chain's RNG (chain c uses stream c).
    pub seed: u64,
    /// Stopping rule.
    pub stop: Stop,
    /// Steps each chain makes between two merges (and progress reports).
    pub round_steps: usize,
    /// Chain c starts its first quench at `initial_points[c]` when given, at a random point
    /// otherwise. At most `chains` points.
    pub initial_points: Vec<Vec<f64>>,
}

impl Default for BasinHoppingParams {
    fn default() -> Self {
        Self {
            // GMIN STEP 1.0, the value in the Wales group's workflow for these networks; the
            // adaptive step then grows it (see `AdaptiveStep`).
            step: 1.0,
            // GMIN TEMPERATURE 2.0, what the Wales group used for these networks.
            temperature: 2.0,
            adaptive_step: Some(AdaptiveStep::default()),
            // GMIN SLOPPYCONV 1e-6 and the landscape-style L-BFGS defaults.
            quench: LbfgsParams::default(),
            // Newton polish to 1e-10.
            verify: MinimumParams::default(),
            // Weights of O(1) cover the XOR minima found at small lambda.
            initial_range: 2.0,
            chains: 4,
            seed: 0,
            stop: Stop::Steps(1000),
            // Short rounds keep saturation tests timely; a quench costs ~0.1 ms so 20 steps
            // amortise the synchronisation.
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
                    name: "adaptive_step.factor",
                    value: a.factor,
                    reason: "must lie strictly between 0 and 1",
                });
            }
            if !(a.target_escape_ratio > 0.0 && a.target_escape_ratio < 1.0) {
                return Err(OptimError::InvalidParameter {
                    name: "adaptive_step.target_escape_ratio",
                    value: a.target_escape_ratio,
                    reason: "must lie strictly between 0 and 1",
                });
            }
        }
        self.quench.validate()?;
        self.verify.validate()?;
        check_positive("initial_range", self.initial_range)?;
        check_count("chains", self.chains)?;
        match self.stop {
            Stop::Steps(n) => check_count("steps", n)?,
            Stop::Saturation {
                no_new_for,
                max_steps,
            } => {
                check_count("no_new_for", no_new_for)?;
                check_count("max_steps", max_steps)?;
            }
        }
        check_count("round_steps", self.round_steps)?;
        if self.initial_points.len() > self.chains {
            return Err(OptimError::InvalidParameter {
                name: "initial_points",
                value: self.initial_points.len() as f64,
                reason: "at most one starting point per chain",
            });
        }
        Ok(())
    }
}

/// The result of [`MinimaSet::insert`]: the position (in energy order, at the time) of the new
/// or the matching entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insertion {
    /// A new distinct minimum.
    New(usize),
    /// A copy (up to symmetry) of a known one, whose hit count was increased.
    Existing(usize),
}

/// Distinct minima up to the symmetries of an [`Alignment`], kept sorted by energy so that a
/// lookup only compares the few entries inside the energy window.
///
/// Two minima are the same by [`Tolerances::same_point`]. On a match the stored (first found)
/// minimum is kept.
///
/// ```
/// use nnscape_optim::{Insertion, MinimaSet, Minimum, NoSymmetry, Tolerances};
///
/// let m = |x: f64, energy: f64| Minimum {
///     x: vec![x], energy, rms_gradient: 0.0, eigenvalues: vec![1.0], escapes: 0,
///     function_evaluations: 0,
/// };
/// let mut set = MinimaSet::new(NoSymmetry, Tolerances::default()).unwrap();
/// assert_eq!(set.insert(m(1.0, 0.5)), Insertion::New(0));
/// assert_eq!(set.insert(m(-1.0, 0.2)), Insertion::New(0));
/// assert_eq!(set.insert(m(1.0 + 1e-6, 0.5)), Insertion::Existing(1));
/// assert_eq!(set.hits(), &[1, 2]);
/// ```
#[derive(Debug, Clone)]
pub struct MinimaSet<A> {
    alignment: A,
    tolerances: Tolerances,
    entries: Vec<Minimum>,
    hits: Vec<usize>,
}

impl<A: Alignment> MinimaSet<A> {
    /// An empty set deduplicating up to `alignment` with `tolerances`.
    ///
    /// # Errors
    /// A negative or non-finite tolerance.
    pub fn new(alignment: A, tolerances: Tolerances) -> Result<Self, OptimError> {
        tolerances.validate()?;
        Ok(MinimaSet {
            alignment,
            tolerances,
            entries: Vec::new(),
            hits: Vec::new(),
        })
    }

    /// Number of distinct minima.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The minima, lowest energy first.
    pub fn minima(&self) -> &[Minimum] {
        &self.entries
    }

    /// How often each minimum (same order as [`MinimaSet::minima`]) was inserted.
    pub fn hits(&self) -> &[usize] {
        &self.hits
    }

    /// The lowest minimum.
    pub fn lowest(&self) -> Option<&Minimum> {
        self.entries.first()
    }

    /// Position of the stored minimum that `m` is a copy of.
    pub fn find(&self, m: &Minimum) -> Option<usize> {
        let window = self.tolerances.energy_window(m.energy);
        let start = self
            .entries
            .partition_point(|e| e.energy < m.energy - window);
        self.entries[start..]
            .iter()
            .take_while(|e| e.energy <= m.energy + window)
            .position(|e| {
                self.tolerances
                    .same_point(&self.alignment, &e.x, e.energy, &m.x, m.energy)
            })
            .map(|i| start + i)
    }

    /// Adds `m` unless it is a copy of a stored minimum.
    ///
    /// # Panics
    /// If `m.x` does not have the length of the minima already stored.
    pub fn insert(&mut self, m: Minimum) -> Insertion {
        if let Some(first) = self.entries.first() {
            assert_eq!(m.x.len(), first.x.len(), "MinimaSet::insert: length");
        }
        if let Some(i) = self.find(&m) {
            self.hits[i] += 1;
            return Insertion::Existing(i);
        }
        // After equal energies: the first found of two near-degenerate minima stays first.
        let i = self.entries.partition_point(|e| e.energy <= m.energy);
        self.entries.insert(i, m);
        self.hits.insert(i, 1);
        Insertion::New(i)
    }
}

/// One distinct minimum of a basin-hopping run.
#[derive(Debug, Clone, PartialEq)]
pub struct DistinctMinimum {
    /// Position in energy order, 0 = lowest.
    pub id: usize,
    /// Energy.
    pub energy: f64,
    /// RMS gradient after polishing.
    pub rms_gradient: f64,
    /// Hessian index (eigenvalues below `-eigenvalue_cutoff`): 0.
    pub index: usize,
    /// Hessian eigenvalues, ascending.
    pub eigenvalues: Vec<f64>,
    /// Number of quenches that ended here (up to symmetry).
    pub hits: usize,
    /// Parameters, in the network's order.
    pub x: Vec<f64>,
}

/// Why [`basin_hopping`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// [`Stop::Steps`] steps done.
    Steps,
    /// [`Stop::Saturation`]: no new minimum in the last `no_new_for` quenches.
    Saturated,
    /// [`Stop::Saturation`]: the step budget ran out first.
    MaxSteps,
    /// No chain found a first minimum from its starting points.
    NoChainStarted,
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StopReason::Steps => "requested number of steps done",
            StopReason::Saturated => "saturated: no new minimum in the last quenches",
            StopReason::MaxSteps => "step budget exhausted before saturation",
            StopReason::NoChainStarted => "no chain found an initial minimum",
        })
    }
}

/// What [`basin_hopping`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct BasinHoppingReport {
    /// Distinct minima, lowest energy first, `id` = position.
    pub minima: Vec<DistinctMinimum>,
    /// Quenches merged (initial ones included; when saturation stops a run inside a round, the
    /// rest of that round is discarded and not counted).
    pub quenches: usize,
    /// Merged quenches that did not yield a verified minimum.
    pub failed_quenches: usize,
    /// Basin-hopping steps merged (quenches minus initial ones).
    pub steps: usize,
    /// Accepted steps / steps.
    pub acceptance_ratio: f64,
    /// Steps whose quench left the chain's current minimum / steps.
    pub escape_ratio: f64,
    /// Step size of each chain after its last merged step.
    pub final_steps: Vec<f64>,
    /// Why the run stopped.
    pub stop_reason: StopReason,
}

/// Progress after each round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Steps done by each chain so far.
    pub steps: usize,
    /// Per-chain step limit ([`Stop::Steps`] or `max_steps`).
    pub max_steps: usize,
    /// Distinct minima so far.
    pub distinct_minima: usize,
    /// Lowest energy so far.
    pub lowest_energy: Option<f64>,
}

/// One quench of one chain, as merged after a round.
struct QuenchRecord {
    outcome: Result<Minimum, MinimumFailure>,
    initial: bool,
    accepted: bool,
    escaped: bool,
    step_size: f64,
}

struct Chain<P> {
    potential: P,
    lbfgs: Lbfgs,
    rng: ChaCha20Rng,
    start: Option<Vec<f64>>,
    current: Option<Minimum>,
    initial_attempts: usize,
    step: f64,
    window_steps: usize,
    window_escapes: usize,
}

impl<P: HessianObjective + Clone> Chain<P> {
    fn new(potential: &P, params: &BasinHoppingParams, index: usize) -> Result<Self, OptimError> {
        let mut rng = ChaCha20Rng::seed_from_u64(params.seed);
        rng.set_stream(index as u64);
        Ok(Chain {
            potential: potential.clone(),
            lbfgs: Lbfgs::new(params.quench.clone())?,
            rng,
            start: params.initial_points.get(index).cloned(),
            current: None,
            initial_attempts: 0,
            step: params.step,
            window_steps: 0,
            window_escapes: 0,
        })
    }

    fn quench(
        &mut self,
        x0: &[f64],
        params: &BasinHoppingParams,
        tolerances: &Tolerances,
    ) -> Result<Minimum, MinimumFailure> {
        verified_minimum(
            &mut self.potential,
            x0,
            &mut self.lbfgs,
            &params.verify,
            tolerances,
        )
    }

    /// The initial quench (retried from random points on failure), then `steps` steps.
    fn run_block<A: Alignment>(
        &mut self,
        steps: usize,
        params: &BasinHoppingParams,
        alignment: &A,
        tolerances: &Tolerances,
    ) -> Vec<QuenchRecord> {
        let n = self.potential.dim();
        let mut records = Vec::with_capacity(steps + 1);
        let mut x = vec![0.0; n];
        while self.current.is_none() && self.initial_attempts < MAX_INITIAL_ATTEMPTS {
            self.initial_attempts += 1;
            match self.start.take() {
                Some(s) => x.copy_from_slice(&s),
                None => x.iter_mut().for_each(|xi| {
                    *xi = params.initial_range * (2.0 * self.rng.random::<f64>() - 1.0)
                }),
            }
            let outcome = self.quench(&x, params, tolerances);
            if let Ok(m) = &outcome {
                self.current = Some(m.clone());
            }
            records.push(QuenchRecord {
                accepted: outcome.is_ok(),
                outcome,
                initial: true,
                escaped: false,
                step_size: self.step,
            });
        }
        let Some(mut current) = self.current.take() else {
            return records;
        };
        for _ in 0..steps {
            for (xi, ci) in x.iter_mut().zip(&current.x) {
                *xi = ci + self.step * (2.0 * self.rng.random::<f64>() - 1.0);
            }
            let outcome = self.quench(&x, params, tolerances);
            // Drawn on every step, so the random stream does not depend on the outcomes.
            let u: f64 = self.rng.random();
            let (accepted, escaped) = match &outcome {
                Ok(m) => {
                    let escaped = !tolerances.same_point(
                        alignment,
                        &current.x,
                        current.energy,
                        &m.x,
                        m.energy,
                    );
                    let de = m.energy - current.energy;
                    let accepted = de <= 0.0 || u < (-de / params.temperature).exp();
                    if accepted {
                        current = m.clone();
                    }
                    (accepted, escaped)
                }
                Err(_) => (false, false),
            };
            if let Some(a) = &params.adaptive_step {
                self.window_steps += 1;
                self.window_escapes += usize::from(escaped);
                if self.window_steps == a.interval {
                    let ratio = self.window_escapes as f64 / a.interval as f64;
                    if ratio > a.target_escape_ratio {
                        self.step *= a.factor;
                    } else {
                        self.step /= a.factor;
                    }
                    self.window_steps = 0;
                    self.window_escapes = 0;
                }
            }
            records.push(QuenchRecord {
                outcome,
                initial: false,
                accepted,
                escaped,
                step_size: self.step,
            });
        }
        self.current = Some(current);
        records
    }
}

/// Basin-hopping on `system` without callbacks. See [`basin_hopping_with`].
pub fn basin_hopping<P, A>(
    system: &System<P, A>,
    params: &BasinHoppingParams,
) -> Result<BasinHoppingReport, OptimError>
where
    P: HessianObjective + Clone + Send + Sync,
    A: Alignment + Sync,
{
    basin_hopping_with(system, params, |_| {}, |_| {})
}

/// Runs `params.chains` basin-hopping chains on `system` in parallel (on the current rayon
/// pool) and collects the distinct minima, deduplicated by the system's alignment and
/// tolerances (the same rule decides whether a step escaped its minimum).
///
/// `sink` receives every verified minimum of every merged quench, in merge order (repeats
/// included); `progress` is called after every round. Both run on the calling thread.
///
/// # Errors
/// Invalid `params`, or an initial point of the wrong length or with non-finite entries.
pub fn basin_hopping_with<P, A>(
    system: &System<P, A>,
    params: &BasinHoppingParams,
    mut sink: impl FnMut(&Minimum),
    mut progress: impl FnMut(&Progress),
) -> Result<BasinHoppingReport, OptimError>
where
    P: HessianObjective + Clone + Send + Sync,
    A: Alignment + Sync,
{
    params.validate()?;
    system.tolerances.validate()?;
    let n = system.potential.dim();
    for p in &params.initial_points {
        if p.len() != n {
            return Err(OptimError::DimensionMismatch {
                what: "initial_points",
                expected: n,
                found: p.len(),
            });
        }
        if let Some(bad) = p.iter().find(|v| !v.is_finite()) {
            return Err(OptimError::InvalidParameter {
                name: "initial_points",
                value: *bad,
                reason: "coordinates must be finite",
            });
        }
    }
    let mut chains = (0..params.chains)
        .map(|c| Chain::new(&system.potential, params, c))
        .collect::<Result<Vec<_>, _>>()?;
    let (alignment, tolerances) = (&system.alignment, &system.tolerances);
    let mut set = MinimaSet::new(alignment, *tolerances)?;
    let (max_steps, saturate) = match params.stop {
        Stop::Steps(s) => (s, None),
        Stop::Saturation {
            no_new_for,
            max_steps,
        } => (max_steps, Some(no_new_for)),
    };

    let mut steps_done = 0;
    let (mut quenches, mut failed, mut steps, mut accepted, mut escaped) = (0, 0, 0, 0, 0);
    let mut since_new = 0;
    let mut final_steps = vec![params.step; params.chains];
    let stop_reason = 'rounds: loop {
        let block = params.round_steps.min(max_steps - steps_done);
        let rounds: Vec<Vec<QuenchRecord>> = chains
            .par_iter_mut()
            .map(|c| c.run_block(block, params, alignment, tolerances))
            .collect();
        steps_done += block;
        for (c, records) in rounds.into_iter().enumerate() {
            for r in records {
                quenches += 1;
                if !r.initial {
                    steps += 1;
                    accepted += usize::from(r.accepted);
                    escaped += usize::from(r.escaped);
                    final_steps[c] = r.step_size;
                }
                match r.outcome {
                    Ok(m) => {
                        sink(&m);
                        match set.insert(m) {
                            Insertion::New(_) => since_new = 0,
                            Insertion::Existing(_) => since_new += 1,
                        }
                    }
                    Err(_) => {
                        failed += 1;
                        since_new += 1;
                    }
                }
                if saturate.is_some_and(|k| since_new >= k) {
                    break 'rounds StopReason::Saturated;
                }
            }
        }
        progress(&Progress {
            steps: steps_done,
            max_steps,
            distinct_minima: set.len(),
            lowest_energy: set.lowest().map(|m| m.energy),
        });
        if chains.iter().all(|c| c.current.is_none()) {
            break StopReason::NoChainStarted;
        }
        if steps_done >= max_steps {
            break if saturate.is_some() {
                StopReason::MaxSteps
            } else {
                StopReason::Steps
            };
        }
    };

    let minima = set
        .minima()
        .iter()
        .zip(set.hits())
        .enumerate()
        .map(|(id, (m, &hits))| DistinctMinimum {
            id,
            energy: m.energy,
            rms_gradient: m.rms_gradient,
            index: tolerances.index(&m.eigenvalues),
            eigenvalues: m.eigenvalues.clone(),
            hits,
            x: m.x.clone(),
        })
        .collect();
    let ratio = |k: usize| {
        if steps == 0 {
            0.0
        } else {
            k as f64 / steps as f64
        }
    };
    Ok(BasinHoppingReport {
        minima,
        quenches,
        failed_quenches: failed,
        steps,
        acceptance_ratio: ratio(accepted),
        escape_ratio: ratio(escaped),
        final_steps,
        stop_reason,
    })
}
