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

use crate::minimum::{verified_minimum, Minimum, MinimumFailure};
mod params;

pub use params::{AdaptiveStep, BasinHoppingParams, Stop};

use crate::minima_set::{Insertion, MinimaSet};
use crate::system::{Alignment, System, Tolerances};
use crate::{HessianObjective, Lbfgs, OptimError};

/// Random restarts a chain makes when its first quench fails, before it gives up.
const MAX_INITIAL_ATTEMPTS: usize = 100;

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

impl From<DistinctMinimum> for Minimum {
    /// The verified minimum, for the functions that take one (e.g. storing it in a landscape
    /// database); push-off and evaluation counts are not kept by basin-hopping and are 0.
    fn from(m: DistinctMinimum) -> Self {
        Minimum {
            x: m.x,
            energy: m.energy,
            rms_gradient: m.rms_gradient,
            eigenvalues: m.eigenvalues,
            escapes: 0,
            function_evaluations: 0,
        }
    }
}

/// Why [`basin_hopping`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BasinHoppingStopReason {
    /// [`Stop::Steps`] steps done.
    Steps,
    /// [`Stop::Saturation`]: no new minimum in the last `no_new_for` quenches.
    Saturated,
    /// [`Stop::Saturation`]: the step budget ran out first.
    MaxSteps,
    /// No chain found a first minimum from its starting points.
    NoChainStarted,
    /// The caller's stop check ([`basin_hopping_until`]) said stop, after a round.
    Interrupted,
}

impl std::fmt::Display for BasinHoppingStopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BasinHoppingStopReason::Steps => "requested number of steps done",
            BasinHoppingStopReason::Saturated => "saturated: no new minimum in the last quenches",
            BasinHoppingStopReason::MaxSteps => "step budget exhausted before saturation",
            BasinHoppingStopReason::NoChainStarted => "no chain found an initial minimum",
            BasinHoppingStopReason::Interrupted => "interrupted by the caller (e.g. a time budget)",
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
    pub stop_reason: BasinHoppingStopReason,
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
    sink: impl FnMut(&Minimum),
    progress: impl FnMut(&Progress),
) -> Result<BasinHoppingReport, OptimError>
where
    P: HessianObjective + Clone + Send + Sync,
    A: Alignment + Sync,
{
    basin_hopping_until(system, params, sink, progress, || false)
}

/// [`basin_hopping_with`] that also asks `stop` after every round (e.g. whether a time budget
/// has run out) and ends with [`BasinHoppingStopReason::Interrupted`] when it says so.
pub fn basin_hopping_until<P, A>(
    system: &System<P, A>,
    params: &BasinHoppingParams,
    mut sink: impl FnMut(&Minimum),
    mut progress: impl FnMut(&Progress),
    mut stop: impl FnMut() -> bool,
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
                name: "initial_points".into(),
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
                    break 'rounds BasinHoppingStopReason::Saturated;
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
            break BasinHoppingStopReason::NoChainStarted;
        }
        if stop() {
            break BasinHoppingStopReason::Interrupted;
        }
        if steps_done >= max_steps {
            break if saturate.is_some() {
                BasinHoppingStopReason::MaxSteps
            } else {
                BasinHoppingStopReason::Steps
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
