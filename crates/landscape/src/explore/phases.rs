//! The three phases of an exploration cycle: basin-hopping for minima, single-ended
//! transition-state searches from every minimum not yet searched, and double-ended connections
//! of the minima not yet joined to the global minimum.

use nnscape_model::vector::rms;
use nnscape_optim::{
    basin_hopping_until, BasinHoppingParams, BasinHoppingStopReason, LocalScale, NetworkSystem,
};
use nnscape_ts::{
    connect, saddles_near, single_ended_paths, ConnectResult, NearSearchParams, NearSearchResult,
    SingleEndedResult, VerifyError,
};

use super::explorer::{BatchSearch, Explorer};
use super::params::ExploreParams;
use super::report::{global_component, ExploreProgress, ExploreStopReason, Phase};
use crate::certificate::mix;
use crate::db::SearchMethod;
use crate::error::LandscapeError;
use crate::point::MinimumRecord;

/// `W = 0` counts as a stationary point when its RMS gradient is below this: exactly zero for
/// balanced classes (XOR), of order 1e-2 or more otherwise.
const ORIGIN_STATIONARY_RMS: f64 = 1e-12;

impl Explorer<'_> {
    /// The transition states next to `W = 0` (see [`ExploreParams::near_origin`]), once per
    /// landscape: skipped without regularisation (no scale) or when `W = 0` is not stationary.
    pub(super) fn near_origin(
        &mut self,
        cycle: i64,
        report: &mut impl FnMut(&ExploreProgress),
    ) -> Result<(), LandscapeError> {
        let scale = LocalScale::network_origin(&mut self.system.potential);
        let mut g = vec![0.0; scale.centre.len()];
        self.system.potential.energy_gradient(&scale.centre, &mut g);
        let skip = if !scale.is_valid() {
            Some("skipped: lambda = 0 has no scale near W = 0")
        } else if rms(&g) > ORIGIN_STATIONARY_RMS {
            Some("skipped: W = 0 is not a stationary point")
        } else {
            None
        };
        let params = self.params.near_origin.clone();
        self.search_at_scale(
            SearchMethod::NearOrigin,
            &scale,
            params,
            skip,
            cycle,
            report,
        )
    }

    /// The Newton root search over the whole landscape (see [`ExploreParams::root_search`]),
    /// once per landscape.
    pub(super) fn root_search(
        &mut self,
        cycle: i64,
        report: &mut impl FnMut(&ExploreProgress),
    ) -> Result<(), LandscapeError> {
        let centre = vec![0.0; self.system.potential.n_params()];
        let energy = self.system.potential.energy(&centre);
        let scale = LocalScale::unit(centre, energy);
        let params = self.params.root_search.clone();
        self.search_at_scale(
            SearchMethod::RootSearch,
            &scale,
            params,
            None,
            cycle,
            report,
        )
    }

    /// One [`saddles_near`] run at `scale`, its paths stored and the search logged (once:
    /// a logged search is not repeated when a run resumes).
    fn search_at_scale(
        &mut self,
        method: SearchMethod,
        scale: &LocalScale,
        params: nnscape_ts::NearSearchParams,
        skip: Option<&str>,
        cycle: i64,
        report: &mut impl FnMut(&ExploreProgress),
    ) -> Result<(), LandscapeError> {
        if self.db.searches_done(method, None, None)? > 0 {
            return Ok(());
        }
        let outcome = match skip {
            Some(reason) => reason.to_owned(),
            None => {
                let params = nnscape_ts::NearSearchParams {
                    seed: self.params.seed,
                    ..params
                };
                let mut system = self.system.clone();
                let found = saddles_near(&mut system, scale, &params).map_err(|e| {
                    LandscapeError::InvalidSetting {
                        name: "saddles_near",
                        value: e.to_string(),
                        reason: "the search was refused",
                    }
                })?;
                self.store_roots(&found)?
            }
        };
        self.searches += 1;
        self.db.log_search(method, None, None, &outcome)?;
        let phase = match method {
            SearchMethod::RootSearch => Phase::RootSearch,
            _ => Phase::NearOrigin,
        };
        self.progress(cycle, phase, report)
    }

    /// Stores the verified paths and the minima of a root search; returns the outcome text for
    /// the search log.
    fn store_roots(&mut self, found: &NearSearchResult) -> Result<String, LandscapeError> {
        let mut stored = 0;
        for path in &found.paths {
            if self
                .db
                .insert_path(&mut self.system.potential, path)?
                .is_some()
            {
                stored += 1;
            }
        }
        for (m, _) in &found.minima {
            self.db
                .insert_verified_minimum(&mut self.system.potential, m)?;
        }
        Ok(format!(
            "{} starts, {} roots, {} minima, {} of index 1, {} verified, {} stored, {} failed",
            found.starts,
            found.converged,
            found.minima.len(),
            found.index_one,
            found.paths.len(),
            stored,
            found.failed
        ))
    }

    /// The basin-hopping phase of `cycle`, unless an earlier run finished it. `Some`: the time
    /// budget stopped it (not logged, so a rerun makes the whole phase).
    pub(super) fn basin_hopping(
        &mut self,
        cycle: i64,
        report: &mut impl FnMut(&ExploreProgress),
    ) -> Result<Option<ExploreStopReason>, LandscapeError> {
        if self
            .db
            .searches_done(SearchMethod::BasinHopping, Some(cycle), None)?
            > 0
        {
            return Ok(None);
        }
        let mut bh = self.params.basin_hopping.clone();
        bh.seed = self
            .params
            .seed
            .wrapping_add((cycle as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        // The first cycle starts one chain at W = 0, a stationary point of every landscape (a
        // minimum for lambda > 0) whose basin random starts rarely reach; later cycles start
        // from the minima the previous cycle found (lowest first).
        if cycle == 0 && bh.initial_points.is_empty() {
            bh.initial_points = vec![vec![0.0; self.system.potential.n_params()]];
        }
        if cycle > 0 {
            let cycles = self.db.cycles()?;
            if let Some(prev) = cycles.iter().find(|c| c.cycle == cycle - 1) {
                let mut new: Vec<_> = self
                    .db
                    .minima()?
                    .into_iter()
                    .skip(prev.minima_start)
                    .collect();
                new.sort_by(|a, b| a.point.energy.total_cmp(&b.point.energy));
                bh.initial_points = new
                    .into_iter()
                    .take(bh.chains)
                    .map(|m| m.point.params)
                    .collect();
            }
        }
        if !self.run_basin_hopping(&bh)? {
            return Ok(Some(ExploreStopReason::TimeBudget));
        }
        self.db
            .log_search(SearchMethod::BasinHopping, Some(cycle), None, "done")?;
        self.progress(cycle, Phase::BasinHopping, report)?;
        Ok(None)
    }

    /// Basin-hopping with `bh`, every minimum it finds stored (also the certificate's
    /// seed-agreement cycles, with their own seeds). `false`: the time budget stopped it.
    pub(super) fn run_basin_hopping(
        &mut self,
        bh: &BasinHoppingParams,
    ) -> Result<bool, LandscapeError> {
        let mut failure = None;
        let system = self.system.clone();
        // The clock is checked after every round, so a time budget is kept within one round.
        let deadline = self.params.max_time.map(|t| self.started + t);
        let out_of_time = || deadline.is_some_and(|d| std::time::Instant::now() >= d);
        let report = basin_hopping_until(
            &system,
            bh,
            |m| {
                if failure.is_none() {
                    if let Err(e) = self
                        .db
                        .insert_verified_minimum(&mut self.system.potential, m)
                    {
                        failure = Some(e);
                    }
                }
            },
            |_| {},
            out_of_time,
        )
        .map_err(|e| LandscapeError::nested("basin_hopping", e))?;
        match failure {
            Some(e) => Err(e),
            None => Ok(report.stop_reason != BasinHoppingStopReason::Interrupted),
        }
    }
}

/// The next (at most `batch_size`) minima, in id order, searched by `method` fewer than `rounds`
/// times, each with the number of searches already logged (its next round).
fn unsearched_minima(
    ex: &Explorer<'_>,
    method: SearchMethod,
    batch_size: usize,
    rounds: usize,
) -> Result<Vec<(MinimumRecord, usize)>, LandscapeError> {
    let mut todo = Vec::new();
    for m in ex.db.minima()? {
        let done = ex.db.searches_done(method, Some(m.id), None)?;
        if done < rounds {
            todo.push((m, done));
            if todo.len() == batch_size {
                break;
            }
        }
    }
    Ok(todo)
}

/// Single-ended searches from every minimum not yet searched, in id order.
pub(super) struct SingleEnded<'p>(pub(super) &'p ExploreParams);

impl BatchSearch for SingleEnded<'_> {
    type Item = MinimumRecord;
    type Output = SingleEndedResult;
    const PHASE: Phase = Phase::SingleEnded;
    const METHOD: SearchMethod = SearchMethod::SingleEnded;

    fn next_batch(&self, ex: &Explorer<'_>) -> Result<Vec<MinimumRecord>, LandscapeError> {
        let todo = unsearched_minima(ex, Self::METHOD, self.0.batch_size, 1)?;
        Ok(todo.into_iter().map(|(m, _)| m).collect())
    }

    fn search(&self, system: &mut NetworkSystem, m: &MinimumRecord) -> SingleEndedResult {
        let params = self.0;
        single_ended_paths(
            system,
            &m.point.params,
            params.single_ended_modes,
            &params.single_ended,
        )
    }

    fn key(m: &MinimumRecord) -> (Option<i64>, Option<i64>) {
        (Some(m.id), None)
    }

    fn store(
        &self,
        ex: &mut Explorer<'_>,
        _: &MinimumRecord,
        r: SingleEndedResult,
    ) -> Result<String, LandscapeError> {
        for path in &r.paths {
            ex.db.insert_path(&mut ex.system.potential, path)?;
        }
        Ok(format!(
            "{} candidates, {} accepted, {} higher index rejected",
            r.stats.candidates, r.stats.accepted, r.stats.rejected_higher_index
        ))
    }
}

/// Newton root searches around every minimum, in id order ([`ExploreParams::local_root_search`]),
/// in rounds: round 0 for every minimum, and one more round after each failed certificate
/// evaluation ([`local_root_rounds`]). Round `r` has `2^r` times the starts and its own seed.
///
/// Why rounds: a saddle next to a minimum that one search in 10^3 reaches is missed by 200
/// starts in most runs and found by some, so maps differed between seeds by exactly such
/// saddles (N_h = 5, lambda = 3e-5: a transition state 2e-6 above a minimum that it alone joins
/// to the map). A failed certificate is the evidence that the map may lack them, and the
/// doubled rounds make the searches around every minimum as thorough as needed.
pub(super) struct LocalRoots<'p>(pub(super) &'p ExploreParams);

/// Rounds of local root searches due for every minimum: one, plus one per failed certificate
/// evaluation. Read from the database, so a resumed run agrees with an uninterrupted one.
fn local_root_rounds(ex: &Explorer<'_>) -> Result<usize, LandscapeError> {
    let failed = ex
        .db
        .certificates()?
        .iter()
        .filter(|c| !c.certified())
        .count();
    Ok(1 + failed)
}

impl BatchSearch for LocalRoots<'_> {
    /// The minimum and the round.
    type Item = (MinimumRecord, usize);
    type Output = Result<NearSearchResult, VerifyError>;
    const PHASE: Phase = Phase::LocalRootSearch;
    const METHOD: SearchMethod = SearchMethod::LocalRootSearch;

    fn next_batch(&self, ex: &Explorer<'_>) -> Result<Vec<Self::Item>, LandscapeError> {
        unsearched_minima(ex, Self::METHOD, self.0.batch_size, local_root_rounds(ex)?)
    }

    fn search(&self, system: &mut NetworkSystem, (m, round): &Self::Item) -> Self::Output {
        let scale = LocalScale::unit(m.point.params.clone(), m.point.energy);
        let base = &self.0.local_root_search;
        let seed = mix(self.0.seed, m.id as u64);
        let params = NearSearchParams {
            // Round 0 keeps the seed of a single round.
            seed: if *round == 0 {
                seed
            } else {
                mix(seed, *round as u64)
            },
            starts: base.starts.saturating_mul(1 << (*round).min(20)),
            ..base.clone()
        };
        saddles_near(system, &scale, &params)
    }

    fn key((m, _): &Self::Item) -> (Option<i64>, Option<i64>) {
        (Some(m.id), None)
    }

    fn store(
        &self,
        ex: &mut Explorer<'_>,
        _: &Self::Item,
        r: Self::Output,
    ) -> Result<String, LandscapeError> {
        let r = match r {
            Ok(r) => r,
            Err(e) => return Ok(format!("failed: {e}")),
        };
        ex.store_roots(&r)
    }
}

/// Double-ended connections: each minimum not connected to the global minimum towards its
/// nearest connected minima (by aligned distance), one partner per attempt, at most
/// `connect_partners` attempts per minimum.
pub(super) struct Connect<'p>(pub(super) &'p ExploreParams);

impl BatchSearch for Connect<'_> {
    /// (partner, target): the connected minimum and the disconnected one.
    type Item = (MinimumRecord, MinimumRecord);
    type Output = Result<ConnectResult, VerifyError>;
    const PHASE: Phase = Phase::Connect;
    const METHOD: SearchMethod = SearchMethod::Connect;

    fn next_batch(&self, ex: &Explorer<'_>) -> Result<Vec<Self::Item>, LandscapeError> {
        let minima = ex.db.minima()?;
        let (global, in_tree) = global_component(&minima, &ex.db.transition_states()?);
        if global.is_none() {
            return Ok(Vec::new());
        }
        // Each disconnected minimum towards its next-nearest connected minimum not yet tried.
        let mut todo = Vec::new();
        for (i, m) in minima.iter().enumerate() {
            if in_tree[i] {
                continue;
            }
            let tries = ex.db.searches_towards(Self::METHOD, m.id)?;
            if tries >= self.0.connect_partners {
                continue;
            }
            let mut partners: Vec<(f64, usize)> = (0..minima.len())
                .filter(|&j| in_tree[j])
                .map(|j| {
                    (
                        ex.system.distance(&minima[j].point.params, &m.point.params),
                        j,
                    )
                })
                .collect();
            partners.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            if let Some(&(_, j)) = partners.get(tries) {
                todo.push((minima[j].clone(), m.clone()));
                if todo.len() == self.0.batch_size {
                    break;
                }
            }
        }
        Ok(todo)
    }

    fn search(&self, system: &mut NetworkSystem, (a, b): &Self::Item) -> Self::Output {
        connect(system, &a.point.params, &b.point.params, &self.0.connect)
    }

    fn key((a, b): &Self::Item) -> (Option<i64>, Option<i64>) {
        (Some(a.id), Some(b.id))
    }

    fn store(
        &self,
        ex: &mut Explorer<'_>,
        _: &Self::Item,
        result: Self::Output,
    ) -> Result<String, LandscapeError> {
        Ok(match result {
            Ok(r) => {
                ex.db.insert_connect_result(&mut ex.system.potential, &r)?;
                format!(
                    "{} attempts, {} transition states, connected: {}",
                    r.attempts,
                    r.transition_states.len(),
                    r.connected
                )
            }
            Err(e) => format!("failed: {e}"),
        })
    }
}
