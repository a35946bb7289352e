//! Write transactions: every write of the database goes through [`WriteTx`], and a group of
//! writes that must land together (an import, a set of seed points) through
//! [`LandscapeDb::atomically`].

use std::ops::Deref;

use rusqlite::Connection;

use super::LandscapeDb;
use crate::error::LandscapeError;

/// One write transaction, rolled back unless committed.
///
/// At top level it is `BEGIN IMMEDIATE`: the write lock is taken before anything is read, so a
/// second connection waits out the busy timeout instead of failing with `SQLITE_BUSY_SNAPSHOT`
/// (error 517) after its read. Inside an enclosing transaction ([`LandscapeDb::atomically`])
/// it is a savepoint, so the enclosing one decides what is committed.
pub(super) struct WriteTx<'c> {
    conn: &'c Connection,
    nested: bool,
    open: bool,
}

impl<'c> WriteTx<'c> {
    pub(super) fn begin(conn: &'c Connection) -> rusqlite::Result<Self> {
        let nested = !conn.is_autocommit();
        conn.execute_batch(if nested {
            "SAVEPOINT write_tx"
        } else {
            "BEGIN IMMEDIATE"
        })?;
        Ok(Self {
            conn,
            nested,
            open: true,
        })
    }

    pub(super) fn commit(mut self) -> rusqlite::Result<()> {
        self.open = false;
        self.conn.execute_batch(if self.nested {
            "RELEASE write_tx"
        } else {
            "COMMIT"
        })
    }
}

impl Deref for WriteTx<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        if self.open {
            // Nothing better to do with a failed rollback than to leave it to SQLite, which
            // rolls back an unfinished transaction when the connection closes.
            let _ = self.conn.execute_batch(if self.nested {
                "ROLLBACK TO write_tx; RELEASE write_tx"
            } else {
                "ROLLBACK"
            });
        }
    }
}

/// Rolls the enclosing transaction of [`LandscapeDb::atomically`] back unless it was committed
/// (also when the closure panics).
struct Outer<'a> {
    db: &'a LandscapeDb,
    open: bool,
}

impl Drop for Outer<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.db.conn().execute_batch("ROLLBACK");
        }
    }
}

impl LandscapeDb {
    /// Runs `f` in one transaction: every point it stores lands together when it returns `Ok`,
    /// none when it returns an error (or panics). Used by imports and seeding, so that a failed
    /// command leaves the database as it was.
    ///
    /// Writes of other threads through this same database object during `f` join the
    /// transaction; calls do not nest.
    pub fn atomically<T>(
        &self,
        f: impl FnOnce() -> Result<T, LandscapeError>,
    ) -> Result<T, LandscapeError> {
        if !self.conn().is_autocommit() {
            return Err(LandscapeError::InvalidSetting {
                name: "atomically",
                value: self.path.display().to_string(),
                reason: "a transaction is already open on this database (calls do not nest)",
            });
        }
        self.conn().execute_batch("BEGIN IMMEDIATE")?;
        let mut outer = Outer {
            db: self,
            open: true,
        };
        let value = f()?;
        self.conn().execute_batch("COMMIT")?;
        outer.open = false;
        Ok(value)
    }
}
