//! Point storage and lookup: minima and transition states, deduplicated up to the network
//! symmetries on insertion, read back in id order.
//!
//! Two points are the same when the landscape's [`Tolerances`](nnscape_optim::Tolerances) say
//! so (energies within the relative tolerance, aligned distance within the distance
//! tolerance); the energy index narrows the candidates to the tolerance's energy window.

use nnscape_optim::NetworkAlignment;
use rusqlite::{params, Connection, OptionalExtension};

use super::tx::WriteTx;
use super::LandscapeDb;
use crate::error::LandscapeError;
use crate::point::{MinimumRecord, StationaryPoint, TransitionStateRecord};

/// Parameters and eigenvalues are stored as little-endian f64 blobs (bit-exact round trip).
fn to_blob(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn from_blob(b: &[u8]) -> Vec<f64> {
    f64s_from_bytes(b, f64::from_le_bytes)
}

/// Decodes consecutive 8-byte doubles (a trailing partial double is ignored).
pub(crate) fn f64s_from_bytes(b: &[u8], decode: fn([u8; 8]) -> f64) -> Vec<f64> {
    b.chunks_exact(8)
        .map(|c| {
            let mut bytes = [0; 8];
            bytes.copy_from_slice(c); // chunks_exact(8): always 8 bytes
            decode(bytes)
        })
        .collect()
}

/// The two tables of points.
#[derive(Debug, Clone, Copy)]
enum Table {
    Minima,
    TransitionStates,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Minima => "minima",
            Table::TransitionStates => "transition_states",
        }
    }

    /// The Hessian index every point of the table has, and what it is called.
    fn index(self) -> (usize, &'static str) {
        match self {
            Table::Minima => (0, "minimum"),
            Table::TransitionStates => (1, "transition state"),
        }
    }
}

impl LandscapeDb {
    /// Refuses a point that does not fit the landscape or the table.
    fn check_point(&self, p: &StationaryPoint, table: Table) -> Result<(), LandscapeError> {
        self.network.check_params(&p.params)?;
        if !p.energy.is_finite() || !p.rms_gradient.is_finite() {
            return Err(LandscapeError::InvalidPoint(format!(
                "energy {} / RMS gradient {} not finite",
                p.energy, p.rms_gradient
            )));
        }
        let (want, kind) = table.index();
        if p.hessian_index != want {
            return Err(LandscapeError::InvalidPoint(format!(
                "a {kind} must have Hessian index {want}, this point has {}",
                p.hessian_index
            )));
        }
        Ok(())
    }

    /// Finds a stored point of `table` equal to (energy, params) up to symmetry: the lowest id
    /// among the candidates in the energy window.
    fn find_in(
        &self,
        conn: &Connection,
        table: Table,
        energy: f64,
        params: &[f64],
    ) -> Result<Option<i64>, LandscapeError> {
        let window = self.tolerances.energy_window(energy);
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, params, energy FROM {} WHERE energy BETWEEN ?1 AND ?2 ORDER BY id",
            table.name()
        ))?;
        let mut rows = stmt.query(params![energy - window, energy + window])?;
        let alignment = NetworkAlignment::new(self.network);
        while let Some(row) = rows.next()? {
            let stored = from_blob(row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?);
            let stored_energy: f64 = row.get(2)?;
            if stored.len() == params.len()
                && self
                    .tolerances
                    .same_point(&alignment, &stored, stored_energy, params, energy)
            {
                return Ok(Some(row.get(0)?));
            }
        }
        Ok(None)
    }

    /// The id of the stored minimum equal to this one up to symmetry, if any.
    pub fn find_minimum(&self, energy: f64, params: &[f64]) -> Result<Option<i64>, LandscapeError> {
        self.find_in(&self.conn(), Table::Minima, energy, params)
    }

    /// The id of the stored transition state equal to this one up to symmetry, if any.
    pub fn find_transition_state(
        &self,
        energy: f64,
        params: &[f64],
    ) -> Result<Option<i64>, LandscapeError> {
        self.find_in(&self.conn(), Table::TransitionStates, energy, params)
    }

    /// Inserts the columns every stationary point has, plus `extra` (names and values) for the
    /// table's own columns, and commits; returns the new id.
    fn insert_point(
        tx: WriteTx<'_>,
        table: Table,
        p: &StationaryPoint,
        extra: &[(&str, &dyn rusqlite::ToSql)],
    ) -> Result<i64, LandscapeError> {
        let (params_blob, eigen_blob) = (to_blob(&p.params), to_blob(&p.eigenvalues));
        let (index, pgorder, n_correct) =
            (p.hessian_index as i64, p.pgorder as i64, p.n_correct as i64);
        let common: [(&str, &dyn rusqlite::ToSql); 8] = [
            ("energy", &p.energy),
            ("params", &params_blob),
            ("rms_gradient", &p.rms_gradient),
            ("hessian_index", &index),
            ("eigenvalues", &eigen_blob),
            ("fvib", &p.fvib),
            ("pgorder", &pgorder),
            ("n_correct", &n_correct),
        ];
        let (columns, values): (Vec<&str>, Vec<&dyn rusqlite::ToSql>) =
            common.iter().chain(extra).copied().unzip();
        let placeholders: Vec<String> = (1..=values.len()).map(|k| format!("?{k}")).collect();
        tx.execute(
            &format!(
                "INSERT INTO {} ({}) VALUES ({})",
                table.name(),
                columns.join(", "),
                placeholders.join(", ")
            ),
            values.as_slice(),
        )?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// Stores a minimum unless a symmetry copy is already there. Returns (id, newly inserted).
    /// The check and the insert run in one transaction.
    pub fn insert_minimum(&self, p: &StationaryPoint) -> Result<(i64, bool), LandscapeError> {
        self.check_point(p, Table::Minima)?;
        let conn = self.conn();
        let tx = WriteTx::begin(&conn)?;
        if let Some(id) = self.find_in(&tx, Table::Minima, p.energy, &p.params)? {
            return Ok((id, false));
        }
        Ok((Self::insert_point(tx, Table::Minima, p, &[])?, true))
    }

    /// Stores a transition state (index 1) connecting stored minima `min1` and `min2`, unless a
    /// symmetry copy is already there. Returns (id, newly inserted).
    pub fn insert_transition_state(
        &self,
        p: &StationaryPoint,
        min1: i64,
        min2: i64,
    ) -> Result<(i64, bool), LandscapeError> {
        self.check_point(p, Table::TransitionStates)?;
        let conn = self.conn();
        let tx = WriteTx::begin(&conn)?;
        for m in [min1, min2] {
            let exists: bool = tx
                .query_row("SELECT 1 FROM minima WHERE id = ?1", [m], |_| Ok(()))
                .optional()?
                .is_some();
            if !exists {
                return Err(LandscapeError::UnknownMinimum(m));
            }
        }
        if let Some(id) = self.find_in(&tx, Table::TransitionStates, p.energy, &p.params)? {
            return Ok((id, false));
        }
        let negative = p.lowest_eigenvalue();
        let extra: [(&str, &dyn rusqlite::ToSql); 3] = [
            ("min1", &min1),
            ("min2", &min2),
            ("negative_eigenvalue", &negative),
        ];
        Ok((
            Self::insert_point(tx, Table::TransitionStates, p, &extra)?,
            true,
        ))
    }

    fn point_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StationaryPoint> {
        Ok(StationaryPoint {
            energy: row.get("energy")?,
            params: from_blob(row.get_ref("params")?.as_blob()?),
            rms_gradient: row.get("rms_gradient")?,
            hessian_index: row.get::<_, i64>("hessian_index")? as usize,
            eigenvalues: from_blob(row.get_ref("eigenvalues")?.as_blob()?),
            fvib: row.get("fvib")?,
            pgorder: row.get::<_, i64>("pgorder")? as u64,
            n_correct: row.get::<_, i64>("n_correct")? as usize,
        })
    }

    /// All minima, by id.
    pub fn minima(&self) -> Result<Vec<MinimumRecord>, LandscapeError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached("SELECT * FROM minima ORDER BY id")?;
        let rows = stmt.query_map([], |row| {
            Ok(MinimumRecord {
                id: row.get("id")?,
                point: Self::point_from_row(row)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// All transition states, by id.
    pub fn transition_states(&self) -> Result<Vec<TransitionStateRecord>, LandscapeError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached("SELECT * FROM transition_states ORDER BY id")?;
        let rows = stmt.query_map([], |row| {
            Ok(TransitionStateRecord {
                id: row.get("id")?,
                point: Self::point_from_row(row)?,
                min1: row.get("min1")?,
                min2: row.get("min2")?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Number of stored minima.
    pub fn count_minima(&self) -> Result<usize, LandscapeError> {
        self.count("SELECT count(*) FROM minima", [])
    }

    /// Number of stored transition states.
    pub fn count_transition_states(&self) -> Result<usize, LandscapeError> {
        self.count("SELECT count(*) FROM transition_states", [])
    }
}
