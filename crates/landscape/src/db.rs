//! The landscape database: one SQLite file per landscape (PATHSAMPLE's min.data / ts.data /
//! points files, made durable and self-describing).
//!
//! Every accepted point is committed in its own transaction in WAL mode, so killing a run loses
//! at most the searches in flight. Points are deduplicated up to the network symmetries on
//! insertion. A file is never silently reused for another landscape or overwritten: opening
//! checks the schema version, the file's integrity and the landscape's identity, read-only,
//! before anything is written.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use nnscape_model::{Loss, Network, NetworkSpec};
use nnscape_optim::{NetworkAlignment, Tolerances};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use crate::error::LandscapeError;
use crate::point::{MinimumRecord, StationaryPoint, TransitionStateRecord};

/// Schema version written to `PRAGMA user_version`.
/// Version 2 added `eigenvalue_cutoff` to the landscape's stored [`Tolerances`].
pub const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE landscape (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    dataset_name       TEXT    NOT NULL,
    dataset_hash       TEXT    NOT NULL,
    n_in               INTEGER NOT NULL,
    n_hidden           INTEGER NOT NULL,
    n_out              INTEGER NOT NULL,
    lambda             REAL    NOT NULL,
    regularise_biases  INTEGER NOT NULL,
    code_version       TEXT    NOT NULL,
    energy_tolerance   REAL    NOT NULL,
    distance_tolerance REAL    NOT NULL,
    eigenvalue_cutoff  REAL    NOT NULL
);
CREATE TABLE minima (
    id            INTEGER PRIMARY KEY,
    energy        REAL    NOT NULL,
    params        BLOB    NOT NULL,
    rms_gradient  REAL    NOT NULL,
    hessian_index INTEGER NOT NULL,
    eigenvalues   BLOB    NOT NULL,
    fvib          REAL    NOT NULL,
    pgorder       INTEGER NOT NULL,
    n_correct     INTEGER NOT NULL
);
CREATE INDEX minima_energy ON minima (energy);
CREATE TABLE transition_states (
    id                  INTEGER PRIMARY KEY,
    energy              REAL    NOT NULL,
    params              BLOB    NOT NULL,
    rms_gradient        REAL    NOT NULL,
    hessian_index       INTEGER NOT NULL,
    eigenvalues         BLOB    NOT NULL,
    fvib                REAL    NOT NULL,
    pgorder             INTEGER NOT NULL,
    n_correct           INTEGER NOT NULL,
    min1                INTEGER NOT NULL REFERENCES minima (id),
    min2                INTEGER NOT NULL REFERENCES minima (id),
    negative_eigenvalue REAL    NOT NULL
);
CREATE INDEX transition_states_energy ON transition_states (energy);
CREATE TABLE searches (
    id      INTEGER PRIMARY KEY,
    method  TEXT    NOT NULL,
    min1    INTEGER,
    min2    INTEGER,
    outcome TEXT    NOT NULL
);
CREATE INDEX searches_key ON searches (method, min1, min2);
CREATE TABLE cycles (
    cycle        INTEGER PRIMARY KEY,
    minima_start INTEGER NOT NULL,
    ts_start     INTEGER NOT NULL,
    minima_end   INTEGER,
    ts_end       INTEGER
);
";

/// Which landscape a database holds: the data set, the network and its loss.
#[derive(Debug, Clone, PartialEq)]
pub struct LandscapeIdentity {
    pub dataset_name: String,
    pub dataset_hash: String,
    pub n_in: usize,
    pub n_hidden: usize,
    pub n_out: usize,
    pub lambda: f64,
    pub regularise_biases: bool,
}

impl LandscapeIdentity {
    /// The identity of a loss function's landscape.
    pub fn of(loss: &Loss) -> Self {
        let net = loss.network();
        Self {
            dataset_name: loss.dataset().name().to_owned(),
            dataset_hash: loss.dataset().content_hash(),
            n_in: net.n_in(),
            n_hidden: net.n_hidden(),
            n_out: net.n_out(),
            lambda: net.lambda(),
            regularise_biases: net.regularises_biases(),
        }
    }

    /// The network this identity describes.
    pub fn network(&self) -> Result<Network, LandscapeError> {
        Ok(Network::new(NetworkSpec {
            n_in: self.n_in,
            n_hidden: self.n_hidden,
            n_out: self.n_out,
            lambda: self.lambda,
        })?
        .with_bias_regularisation(self.regularise_biases))
    }
}

/// The kinds of search recorded in the search log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchMethod {
    /// One basin-hopping phase of an exploration cycle (min1 = cycle number).
    BasinHopping,
    /// Single-ended transition-state searches from a minimum (min1).
    SingleEnded,
    /// A double-ended connection attempt between two minima.
    Connect,
}

impl SearchMethod {
    fn as_str(self) -> &'static str {
        match self {
            Self::BasinHopping => "basin-hopping",
            Self::SingleEnded => "single-ended",
            Self::Connect => "connect",
        }
    }
}

/// One landscape database.
pub struct LandscapeDb {
    /// Behind a mutex so the database can be shared with worker threads (all writes still go
    /// through one connection, one transaction at a time).
    conn: Mutex<Connection>,
    path: PathBuf,
    identity: LandscapeIdentity,
    network: Network,
    tolerances: Tolerances,
}

fn to_blob(v: &[f64]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn from_blob(b: &[u8]) -> Vec<f64> {
    b.chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().expect("8-byte chunk")))
        .collect()
}

impl LandscapeDb {
    /// Opens the database at `path` for `identity`, creating it if the file does not exist.
    ///
    /// An existing file must be a healthy landscape database of the same schema version and the
    /// same landscape (dataset hash, N_in, N_h, N_out, lambda, bias regularisation); otherwise
    /// this is an error and the file is not modified. An existing database keeps its stored
    /// [`Tolerances`] (`tolerances` applies only to a new file): the rules its points were
    /// deduplicated and classified by.
    pub fn open_or_create(
        path: impl AsRef<Path>,
        identity: &LandscapeIdentity,
        tolerances: Tolerances,
    ) -> Result<Self, LandscapeError> {
        let path = path.as_ref();
        tolerances.validate()?;
        let network = identity.network()?;
        if path.exists() {
            let (stored, stored_tolerances) = Self::inspect(path)?;
            check_identity(path, &stored, identity)?;
            let conn = Self::connect(path)?;
            return Ok(Self {
                conn: Mutex::new(conn),
                path: path.to_path_buf(),
                identity: stored,
                network,
                tolerances: stored_tolerances,
            });
        }
        let conn = Self::connect(path)?;
        conn.execute_batch(&format!(
            "BEGIN; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
        ))?;
        conn.execute(
            "INSERT INTO landscape VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                identity.dataset_name,
                identity.dataset_hash,
                identity.n_in as i64,
                identity.n_hidden as i64,
                identity.n_out as i64,
                identity.lambda,
                identity.regularise_biases,
                env!("CARGO_PKG_VERSION"),
                tolerances.energy,
                tolerances.distance,
                tolerances.eigenvalue_cutoff,
            ],
        )?;
        Ok(Self {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
            identity: identity.clone(),
            network,
            tolerances,
        })
    }

    /// Opens an existing database, whatever landscape it holds (for export and analysis).
    pub fn open_existing(path: impl AsRef<Path>) -> Result<Self, LandscapeError> {
        let path = path.as_ref();
        if !path.exists() {
            return Err(LandscapeError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no such database"),
            });
        }
        let (identity, tolerances) = Self::inspect(path)?;
        let network = identity.network()?;
        let conn = Self::connect(path)?;
        Ok(Self {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
            identity,
            network,
            tolerances,
        })
    }

    fn connect(path: &Path) -> Result<Connection, LandscapeError> {
        let conn = Connection::open(path)?;
        // WAL: a killed writer leaves every committed transaction intact; NORMAL sync is
        // durable against process crashes (only an OS crash can lose the last commits).
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        Ok(conn)
    }

    /// Read-only validation of an existing file: readable, intact, our schema; returns its
    /// identity and tolerances.
    fn inspect(path: &Path) -> Result<(LandscapeIdentity, Tolerances), LandscapeError> {
        let corrupt = |message: String| LandscapeError::Corrupt {
            path: path.to_path_buf(),
            message,
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| corrupt(e.to_string()))?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| corrupt(e.to_string()))?;
        let check: String = conn
            .pragma_query_value(None, "quick_check", |r| r.get(0))
            .map_err(|e| corrupt(e.to_string()))?;
        if check != "ok" {
            return Err(corrupt(format!("integrity check: {check}")));
        }
        let has_table: bool = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'landscape'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(|e| corrupt(e.to_string()))?
            > 0;
        if !has_table {
            return Err(corrupt("it has no landscape table".into()));
        }
        if version != SCHEMA_VERSION {
            return Err(LandscapeError::Schema {
                path: path.to_path_buf(),
                found: version,
                expected: SCHEMA_VERSION,
            });
        }
        conn.query_row(
            "SELECT dataset_name, dataset_hash, n_in, n_hidden, n_out, lambda, regularise_biases,
                    energy_tolerance, distance_tolerance, eigenvalue_cutoff
             FROM landscape WHERE id = 1",
            [],
            |r| {
                Ok((
                    LandscapeIdentity {
                        dataset_name: r.get(0)?,
                        dataset_hash: r.get(1)?,
                        n_in: r.get::<_, i64>(2)? as usize,
                        n_hidden: r.get::<_, i64>(3)? as usize,
                        n_out: r.get::<_, i64>(4)? as usize,
                        lambda: r.get(5)?,
                        regularise_biases: r.get(6)?,
                    },
                    Tolerances {
                        energy: r.get(7)?,
                        distance: r.get(8)?,
                        eigenvalue_cutoff: r.get(9)?,
                    },
                ))
            },
        )
        .map_err(|e| corrupt(format!("reading the landscape identity: {e}")))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
    pub fn identity(&self) -> &LandscapeIdentity {
        &self.identity
    }
    pub fn network(&self) -> &Network {
        &self.network
    }
    /// The landscape's same-point rule and zero-mode cut-off, as stored in the file.
    pub fn tolerances(&self) -> &Tolerances {
        &self.tolerances
    }

    /// `PRAGMA integrity_check`: "ok" for a healthy file.
    pub fn integrity_check(&self) -> Result<String, LandscapeError> {
        Ok(self
            .conn()
            .pragma_query_value(None, "integrity_check", |r| r.get(0))?)
    }

    fn check_point(&self, p: &StationaryPoint) -> Result<(), LandscapeError> {
        self.network.check_params(&p.params)?;
        if !p.energy.is_finite() || !p.rms_gradient.is_finite() {
            return Err(LandscapeError::InvalidPoint(format!(
                "energy {} / RMS gradient {} not finite",
                p.energy, p.rms_gradient
            )));
        }
        Ok(())
    }

    /// Finds a stored point of `table` equal to (energy, params) up to symmetry.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-written row (SQLite transactions),
        // so a poisoned lock is safe to keep using.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn find(
        &self,
        table: &str,
        energy: f64,
        params: &[f64],
    ) -> Result<Option<i64>, LandscapeError> {
        self.find_in(&self.conn(), table, energy, params)
    }

    fn find_in(
        &self,
        conn: &Connection,
        table: &str,
        energy: f64,
        params: &[f64],
    ) -> Result<Option<i64>, LandscapeError> {
        let window = self.tolerances.energy_window(energy);
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT id, params, energy FROM {table} WHERE energy BETWEEN ?1 AND ?2 ORDER BY id"
        ))?;
        let mut rows = stmt.query(params![energy - window, energy + window])?;
        while let Some(row) = rows.next()? {
            let stored = from_blob(row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?);
            let stored_energy: f64 = row.get(2)?;
            if stored.len() == params.len()
                && self.tolerances.same_point(
                    &NetworkAlignment::new(self.network),
                    &stored,
                    stored_energy,
                    params,
                    energy,
                )
            {
                return Ok(Some(row.get(0)?));
            }
        }
        Ok(None)
    }

    /// The id of the stored minimum equal to this one up to symmetry, if any.
    pub fn find_minimum(&self, energy: f64, params: &[f64]) -> Result<Option<i64>, LandscapeError> {
        self.find("minima", energy, params)
    }

    /// The id of the stored transition state equal to this one up to symmetry, if any.
    pub fn find_transition_state(
        &self,
        energy: f64,
        params: &[f64],
    ) -> Result<Option<i64>, LandscapeError> {
        self.find("transition_states", energy, params)
    }

    /// Refuses a point whose Hessian index is not the one its table holds.
    fn check_index(p: &StationaryPoint, want: usize, kind: &str) -> Result<(), LandscapeError> {
        if p.hessian_index != want {
            return Err(LandscapeError::InvalidPoint(format!(
                "a {kind} must have Hessian index {want}, this point has {}",
                p.hessian_index
            )));
        }
        Ok(())
    }

    /// Inserts the columns every stationary point has, plus `extra` (names and values) for the
    /// table's own columns, and commits; returns the new id.
    fn insert_point(
        tx: rusqlite::Transaction<'_>,
        table: &str,
        p: &StationaryPoint,
        extra: &[(&str, &dyn rusqlite::ToSql)],
    ) -> Result<i64, LandscapeError> {
        let (params_blob, eigen_blob) = (to_blob(&p.params), to_blob(&p.eigenvalues));
        let (index, pgorder, n_correct) =
            (p.hessian_index as i64, p.pgorder as i64, p.n_correct as i64);
        let mut columns = vec![
            "energy",
            "params",
            "rms_gradient",
            "hessian_index",
            "eigenvalues",
            "fvib",
            "pgorder",
            "n_correct",
        ];
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![
            &p.energy,
            &params_blob,
            &p.rms_gradient,
            &index,
            &eigen_blob,
            &p.fvib,
            &pgorder,
            &n_correct,
        ];
        for (name, value) in extra {
            columns.push(name);
            values.push(*value);
        }
        let placeholders: Vec<String> = (1..=values.len()).map(|k| format!("?{k}")).collect();
        tx.execute(
            &format!(
                "INSERT INTO {table} ({}) VALUES ({})",
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
        self.check_point(p)?;
        Self::check_index(p, 0, "minimum")?;
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        if let Some(id) = self.find_in(&tx, "minima", p.energy, &p.params)? {
            return Ok((id, false));
        }
        Ok((Self::insert_point(tx, "minima", p, &[])?, true))
    }

    /// Stores a transition state (index 1) connecting stored minima `min1` and `min2`, unless a
    /// symmetry copy is already there. Returns (id, newly inserted).
    pub fn insert_transition_state(
        &self,
        p: &StationaryPoint,
        min1: i64,
        min2: i64,
    ) -> Result<(i64, bool), LandscapeError> {
        self.check_point(p)?;
        Self::check_index(p, 1, "transition state")?;
        let conn = self.conn();
        let tx = conn.unchecked_transaction()?;
        for m in [min1, min2] {
            let exists: bool = tx
                .query_row("SELECT 1 FROM minima WHERE id = ?1", [m], |_| Ok(()))
                .optional()?
                .is_some();
            if !exists {
                return Err(LandscapeError::UnknownMinimum(m));
            }
        }
        if let Some(id) = self.find_in(&tx, "transition_states", p.energy, &p.params)? {
            return Ok((id, false));
        }
        let negative = p.lowest_eigenvalue();
        let extra: [(&str, &dyn rusqlite::ToSql); 3] = [
            ("min1", &min1),
            ("min2", &min2),
            ("negative_eigenvalue", &negative),
        ];
        Ok((
            Self::insert_point(tx, "transition_states", p, &extra)?,
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

    pub fn count_minima(&self) -> Result<usize, LandscapeError> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM minima", [], |r| r.get::<_, i64>(0))?
            as usize)
    }

    pub fn count_transition_states(&self) -> Result<usize, LandscapeError> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM transition_states", [], |r| {
                r.get::<_, i64>(0)
            })? as usize)
    }

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
        Ok(self.conn().query_row(
            "SELECT count(*) FROM searches WHERE method = ?1 AND min1 IS ?2 AND min2 IS ?3",
            params![method.as_str(), min1, min2],
            |r| r.get::<_, i64>(0),
        )? as usize)
    }

    /// How many searches of `method` were recorded with this second minimum (any first one).
    pub fn searches_towards(
        &self,
        method: SearchMethod,
        min2: i64,
    ) -> Result<usize, LandscapeError> {
        Ok(self.conn().query_row(
            "SELECT count(*) FROM searches WHERE method = ?1 AND min2 = ?2",
            params![method.as_str(), min2],
            |r| r.get::<_, i64>(0),
        )? as usize)
    }

    /// Number of searches of any kind in the log.
    pub fn count_searches(&self) -> Result<usize, LandscapeError> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM searches", [], |r| r.get::<_, i64>(0))?
            as usize)
    }
}

/// Bookkeeping of one exploration cycle: counts when it started and, once finished, when it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CycleRecord {
    pub cycle: i64,
    pub minima_start: usize,
    pub ts_start: usize,
    /// `None` while the cycle is unfinished (e.g. the run was killed during it).
    pub end: Option<(usize, usize)>,
}

impl LandscapeDb {
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

fn check_identity(
    path: &Path,
    stored: &LandscapeIdentity,
    requested: &LandscapeIdentity,
) -> Result<(), LandscapeError> {
    let mismatch = |field: &'static str, s: String, r: String| {
        Err(LandscapeError::Mismatch {
            path: path.to_path_buf(),
            field,
            stored: s,
            requested: r,
        })
    };
    if stored.dataset_hash != requested.dataset_hash {
        return mismatch(
            "the data set",
            format!("'{}' (hash {})", stored.dataset_name, stored.dataset_hash),
            format!(
                "'{}' (hash {})",
                requested.dataset_name, requested.dataset_hash
            ),
        );
    }
    for (field, s, r) in [
        ("N_in", stored.n_in, requested.n_in),
        ("N_h", stored.n_hidden, requested.n_hidden),
        ("N_out", stored.n_out, requested.n_out),
    ] {
        if s != r {
            return mismatch(field, s.to_string(), r.to_string());
        }
    }
    if stored.lambda.to_bits() != requested.lambda.to_bits() {
        return mismatch(
            "lambda",
            stored.lambda.to_string(),
            requested.lambda.to_string(),
        );
    }
    if stored.regularise_biases != requested.regularise_biases {
        return mismatch(
            "bias regularisation",
            stored.regularise_biases.to_string(),
            requested.regularise_biases.to_string(),
        );
    }
    Ok(())
}
