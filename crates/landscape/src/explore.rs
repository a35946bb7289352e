//! The exploration driver: grows a landscape database until the landscape is mapped
//! (PATHSAMPLE-style cycles of GMIN and OPTIM jobs).
//!
//! Each cycle:
//! 1. basin-hopping until no new minimum appears in the last K quenches (from random starts in
//!    the first cycle, from the minima found in the previous cycle afterwards);
//! 2. single-ended transition-state searches from every minimum not yet searched (along its
//!    lowest k Hessian eigenvectors, both directions);
//! 3. double-ended connections from the global minimum to every minimum not yet connected to it;
//!
//! until a full cycle adds no new minimum and no new transition state (saturated), or a budget
//! (cycles, time or searches) runs out.
//!
//! Durability: every point is committed as soon as its search is merged, and a search is logged
//! only after its results are stored, so a killed run loses at most the searches in flight and
//! rerunning the same command resumes (logged searches are not repeated; repeated points are
//! deduplicated).
//!
//! Reproducibility: searches run in parallel (rayon) in batches of a fixed size and their
//! results are stored in a fixed order, and basin-hopping merges its chains in chain order, so
//! the database is the same for any number of threads. Only a time budget, which stops wherever
//! the clock says, makes the result depend on the machine.

use std::time::{Duration, Instant};

use nnscape_model::embedding::embed;
use nnscape_model::symmetric_eigen;
use nnscape_model::Loss;
use nnscape_optim::{basin_hopping_with, BasinHoppingParams, NetworkSystem, Stop, System};
use nnscape_ts::{
    connect, push_off_and_minimise, single_ended_paths, ConnectParams, MinimumFound, Path,
    SingleEndedParams, TransitionState,
};
use rayon::prelude::*;

use crate::db::{LandscapeDb, SearchMethod};
use crate::error::LandscapeError;
use crate::graph::{global_minimum, UnionFind};
use crate::point::StationaryPoint;

/// Settings of [`explore`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExploreParams {
    /// Master seed; cycle c runs basin-hopping with a seed derived from (seed, c).
    pub seed: u64,
    /// Basin-hopping of step 1; its `seed` is overridden per cycle.
    pub basin_hopping: BasinHoppingParams,
    /// Number k of lowest Hessian modes followed (both ways) from each minimum.
    pub single_ended_modes: usize,
    pub single_ended: SingleEndedParams,
    pub connect: ConnectParams,
    /// A minimum not connected to the global minimum gets up to this many double-ended
    /// connection attempts, each towards a different connected minimum (nearest first, by
    /// symmetry-aware distance): the global minimum may be far while a neighbour is close.
    pub connect_partners: usize,
    /// At most this many cycles.
    pub max_cycles: usize,
    /// Wall-clock budget, checked between batches of searches.
    pub max_time: Option<Duration>,
    /// Budget of single- and double-ended searches (summed over this run).
    pub max_searches: Option<usize>,
    /// Searches per parallel batch. Fixed (not the thread count) so that results do not depend
    /// on the number of threads.
    pub batch_size: usize,
}

impl Default for ExploreParams {
    fn default() -> Self {
        Self {
            seed: 0,
            basin_hopping: BasinHoppingParams {
                // Measured on XOR: from step 1.0 almost no quench leaves its minimum, so the
                // saturation rule fires before the adaptive step has grown; a step of 3 escapes
                // about half the time.
                step: 3.0,
                // GMIN-style saturation: stop when 400 consecutive quenches found nothing new;
                // at most 2,000 steps per chain in one cycle.
                stop: Stop::Saturation {
                    no_new_for: 400,
                    max_steps: 2_000,
                },
                ..BasinHoppingParams::default()
            },
            // Three softest modes both ways: six searches per minimum (pele's single-ended
            // default follows the lowest mode; more modes find more of the saddles around it).
            single_ended_modes: 3,
            single_ended: SingleEndedParams::default(),
            connect: ConnectParams {
                // Connections are retried in later cycles, so each attempt is kept short.
                max_attempts: 10,
                ..ConnectParams::default()
            },
            connect_partners: 3,
            max_cycles: 10,
            max_time: None,
            max_searches: None,
            batch_size: 8,
        }
    }
}

impl ExploreParams {
    pub fn validate(&self) -> Result<(), LandscapeError> {
        let bad = |name: &'static str, value: String, reason: &'static str| {
            Err(LandscapeError::InvalidSetting {
                name,
                value,
                reason,
            })
        };
        self.basin_hopping
            .validate()
            .map_err(|e| LandscapeError::InvalidSetting {
                name: "basin_hopping",
                value: e.to_string(),
                reason: "invalid basin-hopping settings",
            })?;
        if self.single_ended_modes == 0 {
            return bad("single_ended_modes", "0".into(), "must be at least 1");
        }
        if self.max_cycles == 0 {
            return bad("max_cycles", "0".into(), "must be at least 1");
        }
        if self.connect_partners == 0 {
            return bad("connect_partners", "0".into(), "must be at least 1");
        }
        if self.batch_size == 0 {
            return bad("batch_size", "0".into(), "must be at least 1");
        }
        Ok(())
    }
}

/// The phase an exploration is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    BasinHopping,
    SingleEnded,
    Connect,
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Phase::BasinHopping => "basin-hopping",
            Phase::SingleEnded => "single-ended",
            Phase::Connect => "connect",
        })
    }
}

/// What the progress callback is told.
#[derive(Debug, Clone, PartialEq)]
pub struct ExploreProgress {
    pub cycle: i64,
    pub phase: Phase,
    pub minima: usize,
    pub transition_states: usize,
    /// Fraction of minima in the global minimum's connected component.
    pub connected_fraction: f64,
    pub lowest_energy: Option<f64>,
    pub searches: usize,
}

/// Why an exploration stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// A full cycle added no minimum and no transition state.
    Saturated,
    /// `max_cycles` cycles ran without saturating.
    MaxCycles,
    TimeBudget,
    SearchBudget,
}

impl StopReason {
    pub fn is_saturated(self) -> bool {
        self == StopReason::Saturated
    }
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StopReason::Saturated => "saturated",
            StopReason::MaxCycles => "cycle budget",
            StopReason::TimeBudget => "time budget",
            StopReason::SearchBudget => "search budget",
        })
    }
}

/// The state of a landscape database: counts up to symmetry and connectivity.
#[derive(Debug, Clone, PartialEq)]
pub struct LandscapeSummary {
    pub minima: usize,
    pub transition_states: usize,
    /// (id, energy) of the lowest minimum.
    pub global_minimum: Option<(i64, f64)>,
    /// Minima classifying every training point correctly.
    pub minima_all_correct: usize,
    /// Minima in the global minimum's connected component.
    pub connected_minima: usize,
    /// True when every minimum is connected to the global minimum through stored transition
    /// states.
    pub connected: bool,
}

/// Outcome of [`explore`].
#[derive(Debug, Clone, PartialEq)]
pub struct ExploreReport {
    pub summary: LandscapeSummary,
    pub stop: StopReason,
    /// Cycles completed (including ones completed by earlier runs).
    pub cycles: usize,
    /// Searches made by this run.
    pub searches: usize,
    pub seconds: f64,
}

/// Union-find over the minima of `db` (positions in id order) joined by stored transition
/// states; also returns the ids, ascending.
fn components(db: &LandscapeDb) -> Result<(UnionFind, Vec<i64>), LandscapeError> {
    let ids: Vec<i64> = db.minima()?.iter().map(|m| m.id).collect();
    let mut uf = UnionFind::new(ids.len());
    let pos = |id: i64| ids.binary_search(&id).ok();
    for t in db.transition_states()? {
        if let (Some(a), Some(b)) = (pos(t.min1), pos(t.min2)) {
            uf.union(a, b);
        }
    }
    Ok((uf, ids))
}

/// Counts, global minimum and connectivity of a database.
pub fn summarise(db: &LandscapeDb, n_data: usize) -> Result<LandscapeSummary, LandscapeError> {
    let minima = db.minima()?;
    let global = global_minimum(&minima, |m| (m.point.energy, m.id));
    let (mut comps, ids) = components(db)?;
    let connected_minima = match global {
        Some(g) => {
            let root = comps.find(ids.binary_search(&g.id).expect("listed"));
            (0..ids.len()).filter(|&i| comps.find(i) == root).count()
        }
        None => 0,
    };
    Ok(LandscapeSummary {
        minima: minima.len(),
        transition_states: db.count_transition_states()?,
        global_minimum: global.map(|g| (g.id, g.point.energy)),
        minima_all_correct: minima
            .iter()
            .filter(|m| m.point.n_correct == n_data)
            .count(),
        connected_minima,
        connected: connected_minima == minima.len(),
    })
}

struct Explorer<'a> {
    db: &'a LandscapeDb,
    /// The loss with the database's tolerances: every same-point and index decision of the
    /// searches uses the rules the stored points were judged by.
    system: NetworkSystem,
    params: &'a ExploreParams,
    started: Instant,
    searches: usize,
}

impl<'a> Explorer<'a> {
    fn new(db: &'a LandscapeDb, loss: &Loss, params: &'a ExploreParams) -> Self {
        Explorer {
            db,
            system: System::network(loss.clone()).with_tolerances(*db.tolerances()),
            params,
            started: Instant::now(),
            searches: 0,
        }
    }

    fn budget_exhausted(&self) -> Option<StopReason> {
        if let Some(t) = self.params.max_time {
            if self.started.elapsed() >= t {
                return Some(StopReason::TimeBudget);
            }
        }
        if let Some(s) = self.params.max_searches {
            if self.searches >= s {
                return Some(StopReason::SearchBudget);
            }
        }
        None
    }

    /// Stores a minimum found by a search, after re-evaluating it; points that turn out not to
    /// be minima (index > 0 at the cut-off) are not stored.
    fn store_minimum(&mut self, x: &[f64]) -> Result<Option<i64>, LandscapeError> {
        let p = StationaryPoint::evaluate(&mut self.system.potential, x, self.db.tolerances())?;
        if p.hessian_index != 0 {
            return Ok(None);
        }
        Ok(Some(self.db.insert_minimum(&p)?.0))
    }

    fn store_ts(
        &mut self,
        ts: &TransitionState,
        minus: &MinimumFound,
        plus: &MinimumFound,
    ) -> Result<(), LandscapeError> {
        let (Some(m1), Some(m2)) = (self.store_minimum(&minus.x)?, self.store_minimum(&plus.x)?)
        else {
            return Ok(());
        };
        let p = StationaryPoint::evaluate(&mut self.system.potential, &ts.x, self.db.tolerances())?;
        if p.hessian_index == 1 {
            self.db.insert_transition_state(&p, m1, m2)?;
        }
        Ok(())
    }

    fn store_path(&mut self, path: &Path) -> Result<(), LandscapeError> {
        self.store_ts(&path.ts, &path.minus, &path.plus)
    }

    fn progress(
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

    fn basin_hopping(
        &mut self,
        cycle: i64,
        report: &mut impl FnMut(&ExploreProgress),
    ) -> Result<(), LandscapeError> {
        if self
            .db
            .searches_done(SearchMethod::BasinHopping, Some(cycle), None)?
            > 0
        {
            return Ok(());
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
        let mut failure = None;
        let system = self.system.clone();
        basin_hopping_with(
            &system,
            &bh,
            |m| {
                if failure.is_none() {
                    if let Err(e) = self.store_minimum(&m.x) {
                        failure = Some(e);
                    }
                }
            },
            |_| {},
        )
        .map_err(|e| LandscapeError::InvalidSetting {
            name: "basin_hopping",
            value: e.to_string(),
            reason: "basin-hopping failed",
        })?;
        if let Some(e) = failure {
            return Err(e);
        }
        self.db
            .log_search(SearchMethod::BasinHopping, Some(cycle), None, "done")?;
        self.progress(cycle, Phase::BasinHopping, report)
    }

    fn single_ended(
        &mut self,
        cycle: i64,
        report: &mut impl FnMut(&ExploreProgress),
    ) -> Result<Option<StopReason>, LandscapeError> {
        loop {
            let mut todo = Vec::new();
            for m in self.db.minima()? {
                if self
                    .db
                    .searches_done(SearchMethod::SingleEnded, Some(m.id), None)?
                    == 0
                {
                    todo.push(m);
                    if todo.len() == self.params.batch_size {
                        break;
                    }
                }
            }
            if todo.is_empty() {
                return Ok(None);
            }
            if let Some(stop) = self.budget_exhausted() {
                return Ok(Some(stop));
            }
            let (system, params) = (&self.system, self.params);
            let results: Vec<_> = todo
                .par_iter()
                .map(|m| {
                    single_ended_paths(
                        &mut system.clone(),
                        &m.point.params,
                        params.single_ended_modes,
                        &params.single_ended,
                    )
                })
                .collect();
            for (m, r) in todo.iter().zip(results) {
                for path in &r.paths {
                    self.store_path(path)?;
                }
                self.searches += 1;
                self.db.log_search(
                    SearchMethod::SingleEnded,
                    Some(m.id),
                    None,
                    &format!(
                        "{} candidates, {} accepted, {} higher index rejected",
                        r.stats.candidates, r.stats.accepted, r.stats.rejected_higher_index
                    ),
                )?;
            }
            self.progress(cycle, Phase::SingleEnded, report)?;
        }
    }

    fn connect(
        &mut self,
        cycle: i64,
        report: &mut impl FnMut(&ExploreProgress),
    ) -> Result<Option<StopReason>, LandscapeError> {
        loop {
            let minima = self.db.minima()?;
            let Some(global) = global_minimum(&minima, |m| (m.point.energy, m.id)) else {
                return Ok(None);
            };
            let (mut comps, ids) = components(self.db)?;
            let root = comps.find(ids.binary_search(&global.id).expect("listed"));
            let in_tree: Vec<bool> = (0..minima.len()).map(|i| comps.find(i) == root).collect();
            // (partner, target) pairs: each disconnected minimum towards its next-nearest
            // connected minimum not yet tried.
            let mut todo = Vec::new();
            for (i, m) in minima.iter().enumerate() {
                if in_tree[i] {
                    continue;
                }
                let tries = self.db.searches_towards(SearchMethod::Connect, m.id)?;
                if tries >= self.params.connect_partners {
                    continue;
                }
                let mut partners: Vec<(f64, usize)> = (0..minima.len())
                    .filter(|&j| in_tree[j])
                    .map(|j| {
                        let d = self
                            .system
                            .distance(&minima[j].point.params, &m.point.params);
                        (d, j)
                    })
                    .collect();
                partners.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                if let Some(&(_, j)) = partners.get(tries) {
                    todo.push((minima[j].clone(), m.clone()));
                    if todo.len() == self.params.batch_size {
                        break;
                    }
                }
            }
            if todo.is_empty() {
                return Ok(None);
            }
            if let Some(stop) = self.budget_exhausted() {
                return Ok(Some(stop));
            }
            let (system, params) = (&self.system, self.params);
            let results: Vec<_> = todo
                .par_iter()
                .map(|(a, b)| {
                    connect(
                        &mut system.clone(),
                        &a.point.params,
                        &b.point.params,
                        &params.connect,
                    )
                })
                .collect();
            for ((a, b), r) in todo.iter().zip(results) {
                let outcome = match r {
                    Ok(r) => {
                        for t in &r.transition_states {
                            self.store_ts(&t.ts, &r.minima[t.minus], &r.minima[t.plus])?;
                        }
                        format!(
                            "{} attempts, {} transition states, connected: {}",
                            r.attempts,
                            r.transition_states.len(),
                            r.connected
                        )
                    }
                    Err(e) => format!("failed: {e}"),
                };
                self.searches += 1;
                self.db
                    .log_search(SearchMethod::Connect, Some(a.id), Some(b.id), &outcome)?;
            }
            self.progress(cycle, Phase::Connect, report)?;
        }
    }
}

/// Adds candidate stationary points to the database, typically the stationary points of a
/// smaller network embedded in this one, which stay stationary (`nnscape_model::embedding`).
/// Each point is re-evaluated: a point with RMS gradient above 1e-8 is skipped; index 0 is stored
/// as a minimum; index 1 as a transition state together with the two minima its push-off
/// reaches (verified as in the single-ended searches); higher indices are skipped. Points are
/// processed in order, so the result is deterministic. Returns (new minima, new transition
/// states).
pub fn add_stationary_points(
    db: &LandscapeDb,
    loss: &Loss,
    points: &[Vec<f64>],
    params: &ExploreParams,
) -> Result<(usize, usize), LandscapeError> {
    params.validate()?;
    let mut ex = Explorer::new(db, loss, params);
    let before = (db.count_minima()?, db.count_transition_states()?);
    for x in points {
        let p = StationaryPoint::evaluate(&mut ex.system.potential, x, db.tolerances())?;
        if p.rms_gradient > SEED_RMS_GRADIENT {
            continue;
        }
        match p.hessian_index {
            0 => {
                db.insert_minimum(&p)?;
            }
            1 => {
                let eig = symmetric_eigen(ex.system.potential.hessian(x))
                    .map_err(|_| LandscapeError::Eigen)?;
                let ts = TransitionState {
                    x: x.clone(),
                    energy: p.energy,
                    rms_gradient: p.rms_gradient,
                    eigenvalue: eig.eigenvalues[0],
                    eigenvector: eig.vector(0),
                    iterations: 0,
                };
                if let Ok(path) =
                    push_off_and_minimise(&mut ex.system, ts, &params.single_ended.verify)
                {
                    ex.store_path(&path)?;
                }
            }
            _ => {}
        }
    }
    Ok((
        db.count_minima()? - before.0,
        db.count_transition_states()? - before.1,
    ))
}

/// The minima and transition states of a smaller network's database embedded in the network with
/// one more hidden node (the extra node last, all zero), minima first, each in id order: the
/// seeds [`add_stationary_points`] expects.
pub fn embedded_stationary_points(small: &LandscapeDb) -> Result<Vec<Vec<f64>>, LandscapeError> {
    let net = *small.network();
    let minima = small.minima()?.into_iter().map(|m| m.point.params);
    let tss = small
        .transition_states()?
        .into_iter()
        .map(|t| t.point.params);
    minima
        .chain(tss)
        .map(|w| Ok(embed(&net, &w, net.n_hidden())?.1))
        .collect()
}

/// Candidate points offered to [`add_stationary_points`] must be stationary to this RMS gradient
/// (embedded stationary points are, to round-off).
const SEED_RMS_GRADIENT: f64 = 1e-8;

/// Explores the landscape of `loss` into `db` (which must hold that landscape) until it is
/// saturated or a budget runs out. Resumes where an earlier, interrupted run stopped.
pub fn explore(
    db: &LandscapeDb,
    loss: &Loss,
    params: &ExploreParams,
    mut report: impl FnMut(&ExploreProgress),
) -> Result<ExploreReport, LandscapeError> {
    params.validate()?;
    let identity = crate::db::LandscapeIdentity::of(loss);
    if &identity != db.identity() {
        return Err(LandscapeError::Mismatch {
            path: db.path().to_path_buf(),
            field: "landscape",
            stored: format!("{:?}", db.identity()),
            requested: format!("{identity:?}"),
        });
    }
    let mut ex = Explorer::new(db, loss, params);
    let mut stop = StopReason::MaxCycles;
    let mut cycles_done = 0;
    for cycle in 0..params.max_cycles as i64 {
        let rec = db.begin_cycle(cycle)?;
        if let Some(end) = rec.end {
            // Finished by an earlier run.
            cycles_done += 1;
            if end == (rec.minima_start, rec.ts_start) {
                stop = StopReason::Saturated;
                break;
            }
            continue;
        }
        ex.basin_hopping(cycle, &mut report)?;
        if let Some(s) = ex.single_ended(cycle, &mut report)? {
            stop = s;
            break;
        }
        if let Some(s) = ex.connect(cycle, &mut report)? {
            stop = s;
            break;
        }
        let rec = db.end_cycle(cycle)?;
        cycles_done += 1;
        if rec.end == Some((rec.minima_start, rec.ts_start)) {
            stop = StopReason::Saturated;
            break;
        }
    }
    Ok(ExploreReport {
        summary: summarise(db, loss.dataset().len())?,
        stop,
        cycles: cycles_done,
        searches: ex.searches,
        seconds: ex.started.elapsed().as_secs_f64(),
    })
}
