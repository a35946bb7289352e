//! Opening a database: as its one writer (created atomically when missing, locked against a
//! second writer) or as a reader (read-only, never writes to the file or beside it).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::ErrorKind;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use nnscape_model::Network;
use nnscape_optim::Tolerances;
use rusqlite::{params, Connection, OpenFlags};

use super::certificate::CERTIFICATE_SCHEMA;
use super::identity::{check_identity, SCHEMA};
use super::{LandscapeDb, LandscapeIdentity, SCHEMA_VERSION};
use crate::error::LandscapeError;

/// How long a connection waits for another one's lock before failing: a reader waits out a
/// writer's commit, a writer waits out a reader's snapshot.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Suffix of the temporary file a database is created under.
const CREATING_SUFFIX: &str = ".creating";

/// Age after which an unlocked temporary file of a creation counts as abandoned.
const ABANDONED_AFTER: Duration = Duration::from_secs(2);

/// Attempts at creating a missing file (another process may create or remove it meanwhile).
const CREATE_ATTEMPTS: usize = 3;

fn io_error(path: &Path) -> impl Fn(std::io::Error) -> LandscapeError + '_ {
    move |source| LandscapeError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl LandscapeDb {
    /// Opens the database at `path` for `identity` as its writer, creating it if the file does
    /// not exist.
    ///
    /// An existing file must be a healthy landscape database of the same schema version and the
    /// same landscape (dataset content, N_in, N_h, N_out, lambda, bias regularisation); otherwise
    /// this is an error and the file is not modified. An existing database keeps its stored
    /// [`Tolerances`] (`tolerances` applies only to a new file): the rules its points were
    /// deduplicated and classified by.
    ///
    /// A new file appears complete or not at all: it is created and initialised under a
    /// temporary name in the same folder, then renamed (never over a file that appeared
    /// meanwhile). A file has one writer at a time: while another process (or another
    /// database object) writes to it, this is [`LandscapeError::InUse`].
    pub fn open_or_create(
        path: impl AsRef<Path>,
        identity: &LandscapeIdentity,
        tolerances: Tolerances,
    ) -> Result<Self, LandscapeError> {
        let path = path.as_ref();
        tolerances.validate()?;
        let network = identity.network()?;
        for _ in 0..CREATE_ATTEMPTS {
            if !path.exists() {
                if let Some(lock) = create(path, identity, &tolerances)? {
                    return Self::writer(path, identity.clone(), network, tolerances, lock);
                }
                // Another process created it first: open it as an existing file.
            }
            match std::fs::metadata(path) {
                Ok(_) => {
                    let (stored, stored_tolerances) = Self::inspect(path)?;
                    check_identity(path, &stored, identity)?;
                    let lock = lock_for_writing(path)?;
                    return Self::writer(path, stored, network, stored_tolerances, lock);
                }
                Err(e) if e.kind() == ErrorKind::NotFound => continue,
                Err(e) => return Err(io_error(path)(e)),
            }
        }
        Err(io_error(path)(std::io::Error::other(
            "the file kept appearing and disappearing while it was being created",
        )))
    }

    /// Opens an existing database read-only, whatever landscape it holds (for export and
    /// analysis); writing methods fail. Nothing is written to the file or beside it, except
    /// that the log of a writer that was killed is first replayed into the file (when no writer
    /// holds it and it is writable: a read-only connection cannot open what it left).
    pub fn open_existing(path: impl AsRef<Path>) -> Result<Self, LandscapeError> {
        let path = path.as_ref();
        if !path.exists() {
            return Err(io_error(path)(std::io::Error::new(
                ErrorKind::NotFound,
                "no such database",
            )));
        }
        replay_abandoned_log(path);
        let (identity, tolerances) = Self::inspect(path)?;
        let network = identity.network()?;
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .and_then(|c| c.busy_timeout(BUSY_TIMEOUT).map(|()| c))
            .map_err(|e| LandscapeError::Corrupt {
                path: path.to_path_buf(),
                message: e.to_string(),
            })?;
        Ok(Self {
            conn: Mutex::new(conn),
            lock: None,
            path: path.to_path_buf(),
            identity,
            network,
            tolerances,
        })
    }

    /// The writer's database object for an inspected (or just created), locked file.
    fn writer(
        path: &Path,
        identity: LandscapeIdentity,
        network: Network,
        tolerances: Tolerances,
        lock: File,
    ) -> Result<Self, LandscapeError> {
        let unwritable = |e: rusqlite::Error| LandscapeError::Unwritable {
            path: path.to_path_buf(),
            message: e.to_string(),
        };
        let conn = Connection::open(path).map_err(unwritable)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(unwritable)?;
        // WAL while writing: a killed writer leaves every committed transaction intact and
        // readers can look on; NORMAL sync is durable against process crashes (only an OS
        // crash can lose the last commits). `Drop` switches back to a rollback journal.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(unwritable)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(unwritable)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(unwritable)?;
        Ok(Self {
            conn: Mutex::new(conn),
            lock: Some(lock),
            path: path.to_path_buf(),
            identity,
            network,
            tolerances,
        })
    }
}

/// A writer killed while the file was in WAL mode leaves the file marked WAL and, usually, its
/// `-wal` log beside it, holding transactions it committed. A read-only connection cannot open
/// such a file without its `-shm` index (SQLite must build it first), so a reader would refuse
/// a database that lost nothing. Likewise a writer killed inside a transaction in
/// rollback-journal mode leaves a hot `-journal` that only a writing connection can roll back.
/// When no writer holds the lock (the killed one released it with its process), the log is
/// checkpointed into the file and the file returned to rollback-journal mode, as the writer's
/// `Drop` would have done. Best effort: a live writer or an unwritable file is left as it is.
fn replay_abandoned_log(path: &Path) {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    // Bytes 18 and 19 of the header are the read and write format versions: 2 means WAL.
    let mut header = [0u8; 20];
    let wal_mode = File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header))
        .is_ok_and(|()| header[18] == 2 || header[19] == 2);
    let mut journal = path.as_os_str().to_owned();
    journal.push("-journal");
    if !wal_mode && !Path::new(&wal).exists() && !Path::new(&journal).exists() {
        return;
    }
    let Ok(_lock) = lock_for_writing(path) else {
        return;
    };
    if let Ok(conn) = Connection::open(path) {
        // The first read rolls a hot journal back.
        let _ = conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(()));
        let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        let _ = conn.pragma_update(None, "journal_mode", "DELETE");
    }
}

/// Takes the one-writer lock of an existing file. The lock is advisory (`flock`), separate
/// from SQLite's own locks, and released by the system when the process ends, killed or not.
fn lock_for_writing(path: &Path) -> Result<File, LandscapeError> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| LandscapeError::Unwritable {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(TryLockError::WouldBlock) => Err(LandscapeError::InUse {
            path: path.to_path_buf(),
        }),
        Err(TryLockError::Error(e)) => Err(io_error(path)(e)),
    }
}

/// Creates the database file at `path`: initialised and locked under a temporary name in the
/// same folder, then renamed to `path` unless that appeared meanwhile (`Ok(None)`). The lock
/// travels with the file (it is the same inode), so no second writer can slip in between.
fn create(
    path: &Path,
    identity: &LandscapeIdentity,
    tolerances: &Tolerances,
) -> Result<Option<File>, LandscapeError> {
    let (dir, name) = crate::output::folder_and_name(path).map_err(io_error(path))?;
    let prefix = format!(".{name}.");
    remove_abandoned(dir, &prefix);
    let temp = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(CREATING_SUFFIX)
        .tempfile_in(dir)
        .map_err(|e| LandscapeError::Unwritable {
            path: path.to_path_buf(),
            message: format!("cannot create a file in {} ({})", dir.display(), e.kind()),
        })?;
    let (file, temp_path) = temp.into_parts();
    file.try_lock().map_err(|e| {
        io_error(path)(match e {
            TryLockError::Error(e) => e,
            TryLockError::WouldBlock => std::io::Error::other("a new file is locked"),
        })
    })?;
    initialise(&temp_path, identity, tolerances).map_err(|e| LandscapeError::Unwritable {
        path: path.to_path_buf(),
        message: format!("initialising {}: {e}", temp_path.display()),
    })?;
    match temp_path.persist_noclobber(path) {
        Ok(()) => Ok(Some(file)),
        Err(e) if e.error.kind() == ErrorKind::AlreadyExists => Ok(None),
        Err(e) => Err(io_error(path)(e.error)),
    }
}

/// Writes the schema and the landscape's identity into the (empty) file at `path`, in one
/// transaction.
fn initialise(
    path: &Path,
    identity: &LandscapeIdentity,
    tolerances: &Tolerances,
) -> rusqlite::Result<()> {
    let mut conn = Connection::open(path)?;
    let tx = conn.transaction()?;
    tx.execute_batch(&format!(
        "{SCHEMA} {CERTIFICATE_SCHEMA} PRAGMA user_version = {SCHEMA_VERSION};"
    ))?;
    tx.execute(
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
    tx.commit()?;
    conn.close().map_err(|(_, e)| e)
}

/// Removes the temporary files of creations that were killed: those nobody holds locked and
/// older than [`ABANDONED_AFTER`] (a creation in progress locks its file right after creating
/// it, and the age covers that instant).
fn remove_abandoned(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(prefix) && name.ends_with(CREATING_SUFFIX)) {
            continue;
        }
        let path = entry.path();
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > ABANDONED_AFTER));
        if !old {
            continue;
        }
        if let Ok(file) = File::open(&path) {
            if file.try_lock().is_ok() {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}
