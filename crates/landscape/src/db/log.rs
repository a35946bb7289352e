//! The search log and the exploration cycles: what has been searched already, so that a
//! restarted exploration does not repeat it, and the counts at the start and end of each cycle,
//! so that a resumed run knows which cycles are finished and whether the last one saturated.

use rusqlite::params;

use super::LandscapeDb;
use crate::error::LandscapeError;

/// The kinds of search recorded in the search log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchMethod {
    /// One basin-hopping phase of an exploration cycle (min1 = cycle number).
    BasinHopping,
    /// Single-ended transition-state searches from a minimum (min1).
    SingleEnded,
    /// A double-ended connection attempt between two minima.
    Connect,
    /// The scale-aware search for the transition states next to `W = 0` (once per landscape).
    NearOrigin,
    /// The Newton root search for transition states from random starts (once per landscape).
    RootSearch,
    /// The Newton root search around a minimum (min1).
    LocalRootSearch,
    /// A minimum that a training run reached and the map lacked (min1: its id; its images
    /// under the data symmetries are logged too), stored by `nnscape train`.
    Training,
}

impl SearchMethod {
    /// The text stored in the `method` column.
    fn as_str(self) -> &'static str {
        match self {
            Self::BasinHopping => "basin-hopping",
            Self::SingleEnded => "single-ended",
            Self::Connect => "connect",
            Self::NearOrigin => "near-origin",
            Self::RootSearch => "root-search",
            Self::LocalRootSearch => "local-root-search",
            Self::Training => "training",
        }
    }
}

/// Bookkeeping of one exploration cycle: counts when it started and, once finished, when it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CycleRecord {
    /// Cycle number, from 0.
    pub cycle: i64,
    /// Minima in the database when the cycle started.
    pub minima_start: usize,
    /// Transition states in the database when the cycle started.
    pub ts_start: usize,
    /// (minima, transition states) when the cycle ended; `None` while the cycle is unfinished
    /// (e.g. the run was killed during it).
    pub end: Option<(usize, usize)>,
}

impl LandscapeDb {
    /// Records a finished search so that a restarted exploration does not repeat it.
    pub fn log_search(
        &self,
        method: SearchMethod,
        min1: Option<i64>,
        min2: Option<i64>,
        outcome: &str,
    ) -> Result<(), LandscapeError> {
        self.conn().execute(
            "INSERT INTO searches (method, min1, min2, outcome) VALUES (?1, ?2, ?3, ?4)",
            params![method.as_str(), min1, min2, outcome],
        )?;
        Ok(())
    }

    /// How many times a search was recorded for this key.
    pub fn searches_done(
        &self,
        method: SearchMethod,
        min1: Option<i64>,
        min2: Option<i64>,
    ) -> Result<usize, LandscapeError> {
        self.count(
            "SELECT count(*) FROM searches WHERE method = ?1 AND min1 IS ?2 AND min2 IS ?3",
            params![method.as_str(), min1, min2],
        )
    }

    /// How many searches of `method` were recorded with this second minimum (any first one).
    pub fn searches_towards(
        &self,
        method: SearchMethod,
        min2: i64,
    ) -> Result<usize, LandscapeError> {
        self.count(
            "SELECT count(*) FROM searches WHERE method = ?1 AND min2 = ?2",
            params![method.as_str(), min2],
        )
    }

    /// The distinct first minima (`min1`) logged for `method`, ascending: for
    /// [`SearchMethod::Training`], the minima that training found and the map lacked.
    pub fn logged_minima(
        &self,
        method: SearchMethod,
    ) -> Result<std::collections::BTreeSet<i64>, LandscapeError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT DISTINCT min1 FROM searches WHERE method = ?1 AND min1 IS NOT NULL",
        )?;
        let rows = stmt.query_map(params![method.as_str()], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Number of searches of any kind in the log.
    pub fn count_searches(&self) -> Result<usize, LandscapeError> {
        self.count("SELECT count(*) FROM searches", [])
    }

    /// Records the start of exploration cycle `cycle` (idempotent: a restarted cycle keeps its
    /// original start counts, so points found before a kill still count as the cycle's).
    pub fn begin_cycle(&self, cycle: i64) -> Result<CycleRecord, LandscapeError> {
        let (m, t) = (self.count_minima()?, self.count_transition_states()?);
        self.conn().execute(
            "INSERT OR IGNORE INTO cycles (cycle, minima_start, ts_start) VALUES (?1, ?2, ?3)",
            params![cycle, m as i64, t as i64],
        )?;
        self.cycle(cycle)
    }

    /// Marks cycle `cycle` finished with the current counts.
    pub fn end_cycle(&self, cycle: i64) -> Result<CycleRecord, LandscapeError> {
        let (m, t) = (self.count_minima()?, self.count_transition_states()?);
        self.conn().execute(
            "UPDATE cycles SET minima_end = ?2, ts_end = ?3 WHERE cycle = ?1",
            params![cycle, m as i64, t as i64],
        )?;
        self.cycle(cycle)
    }

    fn cycle(&self, cycle: i64) -> Result<CycleRecord, LandscapeError> {
        self.cycles()?.into_iter().find(|c| c.cycle == cycle).ok_or(
            LandscapeError::InvalidSetting {
                name: "cycle",
                value: cycle.to_string(),
                reason: "no such exploration cycle in the database",
            },
        )
    }

    /// All cycles, in order.
    pub fn cycles(&self) -> Result<Vec<CycleRecord>, LandscapeError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(
            "SELECT cycle, minima_start, ts_start, minima_end, ts_end FROM cycles ORDER BY cycle",
        )?;
        let rows = stmt.query_map([], |r| {
            let end: (Option<i64>, Option<i64>) = (r.get(3)?, r.get(4)?);
            Ok(CycleRecord {
                cycle: r.get(0)?,
                minima_start: r.get::<_, i64>(1)? as usize,
                ts_start: r.get::<_, i64>(2)? as usize,
                end: match end {
                    (Some(m), Some(t)) => Some((m as usize, t as usize)),
                    _ => None,
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
