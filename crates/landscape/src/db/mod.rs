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
//! - `open`: opening as the one writer (creation atomic, a second writer refused) or as a reader
//!   (read-only); `check`: what opening checks; `tx`: write transactions.
//!
//! Every accepted point is committed in its own transaction in WAL mode, so killing a run loses
//! at most the searches in flight. A file is never silently reused for another landscape or
//! overwritten: opening checks that it is a whole SQLite file, its integrity, schema version,
//! foreign keys, the invariants of every stored point and the landscape's identity, read-only,
//! before anything is written. A writer holds an advisory lock on the file (a second one gets
//! [`LandscapeError::InUse`]) and leaves it in rollback-journal mode when it closes, so a
//! database at rest is one file that readers open read-only.

mod certificate;
mod check;
mod identity;
mod log;
mod open;
mod points;
mod results;
mod snapshot;
mod tx;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use nnscape_model::Network;
use nnscape_optim::Tolerances;
use rusqlite::Connection;

use crate::error::LandscapeError;

pub use certificate::{CertificateStart, TrialKind};
pub use check::STORED_ENERGY_TOLERANCE;
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
    /// A writer's exclusive lock on the file, held while it is open (`None`: a reader). Declared
    /// after `conn` so that it is released after the connection has closed.
    lock: Option<File>,
    path: PathBuf,
    identity: LandscapeIdentity,
    network: Network,
    tolerances: Tolerances,
}

impl LandscapeDb {
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

impl Drop for LandscapeDb {
    /// A writer leaves the file in rollback-journal mode: at rest it is one self-contained file
    /// that a reader can open read-only (even in a read-only folder) without creating `-wal` or
    /// `-shm` files. Best effort: while another connection has it open, the switch waits for
    /// nobody and the file stays in WAL mode, which the next writer handles.
    fn drop(&mut self) {
        if self.lock.is_some() {
            let conn = self.conn.get_mut().unwrap_or_else(|e| e.into_inner());
            let _ = conn.busy_timeout(std::time::Duration::ZERO);
            // The checkpoint opens the log (a writer that never read may not have, when readers
            // created it), so that leaving WAL mode removes the `-wal` and `-shm` files.
            let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
            let _ = conn.pragma_update(None, "journal_mode", "DELETE");
        }
    }
}
