//! The state of one exploration run and the skeleton its search phases share: run a batch of
//! searches in parallel, store the results and log each search in input order, report
//! progress, until nothing is left to search or a budget runs out.

use std::time::Instant;

use nnscape_model::Loss;
use nnscape_optim::{NetworkSystem, System};
use rayon::prelude::*;

use super::params::ExploreParams;
use super::report::{summarise, ExploreProgress, ExploreStopReason, Phase};
use crate::db::{LandscapeDb, SearchMethod};
use crate::error::LandscapeError;

/// One exploration run over a database.
pub(super) struct Explorer<'a> {
    pub(super) db: &'a LandscapeDb,
    /// The loss with the database's tolerances: every same-point and index decision of the
    /// searches uses the rules the stored points were judged by.
    pub(super) system: NetworkSystem,
    pub(super) params: &'a ExploreParams,
    pub(super) started: Instant,
    /// Single- and double-ended searches made by this run.
    pub(super) searches: usize,
}

/// A kind of search the explorer runs in batches (single-ended, connect).
pub(super) trait BatchSearch: Sync {
    /// What one search starts from.
    type Item: Sync;
    /// What one search returns.
    type Output: Send;
    /// The phase reported while these searches run.
    const PHASE: Phase;
    /// The search-log key.
    const METHOD: SearchMethod;

    /// The next searches to make, at most `batch_size`; empty when the phase is done.
    fn next_batch(&self, ex: &Explorer<'_>) -> Result<Vec<Self::Item>, LandscapeError>;
    /// One search, on the worker's own copy of the system.
    fn search(&self, system: &mut NetworkSystem, item: &Self::Item) -> Self::Output;
    /// The (min1, min2) the search is logged under.
    fn key(item: &Self::Item) -> (Option<i64>, Option<i64>);
    /// Stores what the search found; returns the outcome text for the search log.
    fn store(
        &self,
        ex: &mut Explorer<'_>,
        item: &Self::Item,
        output: Self::Output,
    ) -> Result<String, LandscapeError>;
}

impl<'a> Explorer<'a> {
    pub(super) fn new(db: &'a LandscapeDb, loss: &Loss, params: &'a ExploreParams) -> Self {
        Explorer {
            db,
            system: System::network(loss.clone()).with_tolerances(*db.tolerances()),
            params,
            started: Instant::now(),
            searches: 0,
        }
    }

    pub(super) fn budget_exhausted(&self) -> Option<ExploreStopReason> {
        if let Some(t) = self.params.max_time {
            if self.started.elapsed() >= t {
                return Some(ExploreStopReason::TimeBudget);
            }
        }
        if let Some(s) = self.params.max_searches {
            if self.searches >= s {
                return Some(ExploreStopReason::SearchBudget);
            }
        }
        None
    }

    pub(super) fn progress(
        &self,
        cycle: i64,
        phase: Phase,
        report: &mut impl FnMut(&ExploreProgress),
    ) -> Result<(), LandscapeError> {
        let s = summarise(self.db, self.system.potential.dataset().len())?;
        report(&ExploreProgress {
            cycle,
            phase,
            minima: s.minima,
            transition_states: s.transition_states,
            connected_fraction: if s.minima == 0 {
                0.0
            } else {
                s.connected_minima as f64 / s.minima as f64
            },
            lowest_energy: s.global_minimum.map(|g| g.1),
            searches: self.searches,
        });
        Ok(())
    }

    /// Runs `kind`'s searches batch by batch until none is left (`None`) or a budget runs out.
    ///
    /// The searches of a batch run in parallel, but their results are stored and logged in the
    /// batch's order and the batch size is fixed, so the database does not depend on the
    /// number of threads. A search is logged only after its results are stored: a killed run
    /// repeats at most the searches in flight.
    pub(super) fn run_batches<S: BatchSearch>(
        &mut self,
        kind: &S,
        cycle: i64,
        report: &mut impl FnMut(&ExploreProgress),
    ) -> Result<Option<ExploreStopReason>, LandscapeError> {
        loop {
            let todo = kind.next_batch(self)?;
            if todo.is_empty() {
                return Ok(None);
            }
            if let Some(stop) = self.budget_exhausted() {
                return Ok(Some(stop));
            }
            let system = &self.system;
            let results: Vec<S::Output> = todo
                .par_iter()
                .map(|item| kind.search(&mut system.clone(), item))
                .collect();
            for (item, output) in todo.iter().zip(results) {
                let outcome = kind.store(self, item, output)?;
                self.searches += 1;
                let (min1, min2) = S::key(item);
                self.db.log_search(S::METHOD, min1, min2, &outcome)?;
            }
            self.progress(cycle, S::PHASE, report)?;
        }
    }
}
