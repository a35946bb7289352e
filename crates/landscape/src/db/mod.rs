//! The landscape database: one SQLite file per landscape (PATHSAMPLE's min.data / ts.data /
//! points files, made durable and self-describing). This module opens, inspects and creates
//! the file; its submodules hold the jobs done on an open database:
//!
//! - `identity`: which landscape a file holds, the schema, the identity check;
//! - `points`: storing minima and transition states deduplicated up to symmetry, and reading
//!   them back;
//! - `results`: storing the verified results of nnscape-ts searches in one call;
//! - `log`: the search log and the exploration cycles;
//! - `snapshot`: the stored points as exact bit patterns, for comparing two databases.
//! - `certificate`: the completeness certificates and the log of their trials.
//!
//! Every accepted point is committed in its own transaction in WAL mode, so killing a run loses
//! at most the searches in flight. A file is never silently reused for another landscape or
//! overwritten: opening checks the schema version, the file's integrity and the landscape's
//! identity, read-only, before anything is written.

mod certificate;
mod identity;
mod log;
mod points;
mod results;
mod snapshot;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use nnscape_model::Network;
use nnscape_optim::Tolerances;
use rusqlite::{params, Connection, OpenFlags};

use crate::error::LandscapeError;
use certificate::CERTIFICATE_SCHEMA;
use identity::{check_identity, SCHEMA};

pub use certificate::{CertificateStart, TrialKind};
pub use identity::{LandscapeIdentity, SCHEMA_VERSION};
pub use log::{CycleRecord, SearchMethod};
pub use results::StoredPath;
pub use snapshot::DbSnapshot;

pub(crate) use points::f64s_from_bytes;

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
            return Self::with_connection(path, stored, network, stored_tolerances);
        }
        let conn = Self::connect(path)?;
        conn.execute_batch(&format!(
            "BEGIN; {SCHEMA} {CERTIFICATE_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
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
        Self::with_connection(path, identity, network, tolerances)
    }

    /// The database object for an inspected file.
    fn with_connection(
        path: &Path,
        identity: LandscapeIdentity,
        network: Network,
        tolerances: Tolerances,
    ) -> Result<Self, LandscapeError> {
        Ok(Self {
            conn: Mutex::new(Self::connect(path)?),
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

    /// The file this database lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The landscape the file holds.
    pub fn identity(&self) -> &LandscapeIdentity {
        &self.identity
    }

    /// The network of that landscape.
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

    /// The connection, locked.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave a half-written row (SQLite transactions),
        // so a poisoned lock is safe to keep using.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The single number a `SELECT count(*)` query returns.
    fn count(&self, sql: &str, params: impl rusqlite::Params) -> Result<usize, LandscapeError> {
        Ok(self.conn().query_row(sql, params, |r| r.get::<_, i64>(0))? as usize)
    }
}
