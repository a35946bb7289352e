//! A database's landscape as exact bit patterns, for comparing two databases: a run against a
//! rerun, a killed and resumed run against an uninterrupted one, an export against its import.

use super::LandscapeDb;
use crate::error::LandscapeError;

/// The stored points in id order as f64 bit patterns ([`LandscapeDb::snapshot`]). Two databases
/// with equal snapshots hold the same points, found in the same order, bit for bit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbSnapshot {
    /// Per minimum: its energy, then its parameter vector.
    pub minima: Vec<(u64, Vec<u64>)>,
    /// Per transition state: its energy and the ids of the two minima it connects.
    pub transition_states: Vec<(u64, i64, i64)>,
}

impl DbSnapshot {
    /// Minimum energies and the transition states (energies, links), without the parameter
    /// vectors: what must agree when the stored representatives of the minima may differ.
    pub fn energies_and_links(&self) -> (Vec<u64>, Vec<(u64, i64, i64)>) {
        (
            self.minima.iter().map(|(e, _)| *e).collect(),
            self.transition_states.clone(),
        )
    }
}

impl LandscapeDb {
    /// Every stored point as exact bit patterns, in id order.
    pub fn snapshot(&self) -> Result<DbSnapshot, LandscapeError> {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect();
        Ok(DbSnapshot {
            minima: self
                .minima()?
                .iter()
                .map(|m| (m.point.energy.to_bits(), bits(&m.point.params)))
                .collect(),
            transition_states: self
                .transition_states()?
                .iter()
                .map(|t| (t.point.energy.to_bits(), t.min1, t.min2))
                .collect(),
        })
    }
}
