//! What an exploration reports: its progress while it runs, why it stopped, and the state of
//! the database ([`summarise`]: counts, global minimum, connectivity).

use crate::certificate::Certificate;
use crate::db::LandscapeDb;
use crate::error::LandscapeError;
use crate::graph::{global_minimum, UnionFind};
use crate::point::{MinimumRecord, TransitionStateRecord};

/// The phase an exploration is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Basin-hopping for new minima.
    BasinHopping,
    /// Single-ended transition-state searches from each minimum.
    SingleEnded,
    /// Double-ended connections of minima not yet connected to the global minimum.
    Connect,
    /// The scale-aware transition-state search next to `W = 0`.
    NearOrigin,
    /// The Newton root search for transition states from random starts.
    RootSearch,
    /// The Newton root searches around each minimum.
    LocalRootSearch,
    /// The completeness certificate's quenches and single-ended searches.
    Certificate,
    /// The certificate's extra exploration cycles with further seeds.
    SeedAgreement,
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Phase::BasinHopping => "basin-hopping",
            Phase::SingleEnded => "single-ended",
            Phase::Connect => "connect",
            Phase::NearOrigin => "near W = 0",
            Phase::RootSearch => "root search",
            Phase::LocalRootSearch => "root search around minima",
            Phase::Certificate => "certificate",
            Phase::SeedAgreement => "seed agreement",
        })
    }
}

/// What the progress callback is told.
#[derive(Debug, Clone, PartialEq)]
pub struct ExploreProgress {
    /// The cycle running.
    pub cycle: i64,
    /// Its phase.
    pub phase: Phase,
    /// Minima stored.
    pub minima: usize,
    /// Transition states stored.
    pub transition_states: usize,
    /// Fraction of minima in the global minimum's connected component.
    pub connected_fraction: f64,
    /// Energy of the global minimum.
    pub lowest_energy: Option<f64>,
    /// Single- and double-ended searches made by this run.
    pub searches: usize,
}

/// Why an exploration stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExploreStopReason {
    /// The map is complete: the completeness certificate holds (a cycle added nothing, and then
    /// the quench and transition-state estimates, seed agreement and connectivity passed,
    /// [`Certificate`]). Without a certificate
    /// ([`ExploreParams::certificate`](crate::ExploreParams::certificate) `None`): a full cycle
    /// added no minimum and no transition state.
    Saturated,
    /// `max_evaluations` certificate evaluations failed
    /// ([`CertificateParams::max_evaluations`](crate::CertificateParams::max_evaluations));
    /// [`ExploreReport::certificate`] says which tests.
    CertificateBudget,
    /// `max_cycles` cycles ran without saturating.
    MaxCycles,
    /// `max_time` ran out.
    TimeBudget,
    /// `max_searches` searches were made.
    SearchBudget,
}

impl ExploreStopReason {
    /// `true` for [`ExploreStopReason::Saturated`]: the map is certified complete (or, without a
    /// certificate, saturated).
    pub fn is_saturated(self) -> bool {
        self == ExploreStopReason::Saturated
    }
}

impl std::fmt::Display for ExploreStopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ExploreStopReason::Saturated => "saturated",
            ExploreStopReason::CertificateBudget => "certificate budget",
            ExploreStopReason::MaxCycles => "cycle budget",
            ExploreStopReason::TimeBudget => "time budget",
            ExploreStopReason::SearchBudget => "search budget",
        })
    }
}

/// The state of a landscape database: counts up to symmetry and connectivity.
#[derive(Debug, Clone, PartialEq)]
pub struct LandscapeSummary {
    /// Minima stored.
    pub minima: usize,
    /// Transition states stored.
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

/// Outcome of [`explore`](crate::explore()).
#[derive(Debug, Clone, PartialEq)]
pub struct ExploreReport {
    /// The database when the run stopped.
    pub summary: LandscapeSummary,
    /// Why it stopped.
    pub stop: ExploreStopReason,
    /// Cycles completed (including ones completed by earlier runs).
    pub cycles: usize,
    /// Searches made by this run.
    pub searches: usize,
    /// Wall-clock time of this run.
    pub seconds: f64,
    /// The database's last finished certificate evaluation (of this run or an earlier one):
    /// its numbers, which tests failed, the disconnected minima.
    pub certificate: Option<Certificate>,
}

/// The global minimum of `minima` (in id order) and, for each minimum, whether stored
/// transition states join it to the global minimum.
pub(super) fn global_component<'m>(
    minima: &'m [MinimumRecord],
    transition_states: &[TransitionStateRecord],
) -> (Option<&'m MinimumRecord>, Vec<bool>) {
    let pos = |id: i64| minima.binary_search_by_key(&id, |m| m.id).ok();
    let mut uf = UnionFind::new(minima.len());
    for t in transition_states {
        if let (Some(a), Some(b)) = (pos(t.min1), pos(t.min2)) {
            uf.union(a, b);
        }
    }
    let global = global_minimum(minima, |m| (m.point.energy, m.id));
    let root = global.and_then(|g| pos(g.id)).map(|g| uf.find(g));
    let in_component = (0..minima.len())
        .map(|i| Some(uf.find(i)) == root)
        .collect();
    (global, in_component)
}

/// Counts, global minimum and connectivity of a database; `n_data` is the number of training
/// points (for [`LandscapeSummary::minima_all_correct`]).
pub fn summarise(db: &LandscapeDb, n_data: usize) -> Result<LandscapeSummary, LandscapeError> {
    let minima = db.minima()?;
    let transition_states = db.transition_states()?;
    let (global, in_component) = global_component(&minima, &transition_states);
    let connected_minima = in_component.iter().filter(|&&c| c).count();
    Ok(LandscapeSummary {
        minima: minima.len(),
        transition_states: transition_states.len(),
        global_minimum: global.map(|g| (g.id, g.point.energy)),
        minima_all_correct: minima
            .iter()
            .filter(|m| m.point.n_correct == n_data)
            .count(),
        connected_minima,
        connected: connected_minima == minima.len(),
    })
}
