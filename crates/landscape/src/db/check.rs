//! What opening a database checks before anything is read or written: the file is a whole
//! SQLite file (not cut short), intact, of our schema, its foreign keys hold and every stored
//! point keeps the invariants of its table; and, where the loss is known, that the stored
//! energies are the landscape's ([`LandscapeDb::check_energies`]).

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use nnscape_model::{Loss, Network};
use nnscape_optim::Tolerances;
use rusqlite::{Connection, OpenFlags};

use super::points::f64s_from_bytes;
use super::{LandscapeDb, LandscapeIdentity, SCHEMA_VERSION};
use crate::error::LandscapeError;
use crate::point::STORED_EIGENVALUES;

/// How closely a stored energy must agree with the energy recomputed from its parameters,
/// relative to max(1, |E|): 1e-9. Both come from the same loss code, so they agree to
/// round-off; a damaged or foreign row does not.
pub const STORED_ENERGY_TOLERANCE: f64 = 1e-9;

/// Points whose energy [`LandscapeDb::check_energies`] recomputes, spread over the ids.
const ENERGY_SAMPLE: usize = 64;

/// The SQLite file header's size; page size at bytes 16-17, page count at 28-31, valid when
/// bytes 92-95 equal the change counter at 24-27.
const HEADER: usize = 100;

impl LandscapeDb {
    /// Read-only validation of an existing file: a whole SQLite file, intact, our schema, foreign
    /// keys and point invariants holding; returns its identity and tolerances.
    pub(super) fn inspect(path: &Path) -> Result<(LandscapeIdentity, Tolerances), LandscapeError> {
        let corrupt = |message: String| LandscapeError::Corrupt {
            path: path.to_path_buf(),
            message,
        };
        check_file_size(path).map_err(corrupt)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| corrupt(e.to_string()))?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
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
        let (identity, tolerances) = conn
            .query_row(
                "SELECT dataset_name, dataset_hash, n_in, n_hidden, n_out, lambda, regularise_biases,
                        energy_tolerance, distance_tolerance, eigenvalue_cutoff
                 FROM landscape WHERE id = 1",
                [],
                |r| {
                    Ok((
                        LandscapeIdentity {
                            dataset_name: r.get(0)?,
                            dataset_hash: r.get(1)?,
                            n_in: size(r.get(2)?),
                            n_hidden: size(r.get(3)?),
                            n_out: size(r.get(4)?),
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
            .map_err(|e| corrupt(format!("reading the landscape identity: {e}")))?;
        let network = identity
            .network()
            .map_err(|e| corrupt(format!("the stored landscape is invalid: {e}")))?;
        tolerances
            .validate()
            .map_err(|e| corrupt(format!("the stored tolerances are invalid: {e}")))?;
        check_points(&conn, &network, &tolerances).map_err(corrupt)?;
        Ok((identity, tolerances))
    }

    /// Recomputes the energy of a sample of stored points (up to 64, spread over the ids of
    /// both tables) with `loss`, which must be the database's landscape, and refuses the file
    /// when one differs by more than [`STORED_ENERGY_TOLERANCE`]: a damaged row, or points
    /// written for other data.
    pub fn check_energies(&self, loss: &mut Loss) -> Result<(), LandscapeError> {
        self.check_loss(loss)?;
        for (kind, table) in [
            ("minimum", "minima"),
            ("transition state", "transition_states"),
        ] {
            let rows: Vec<(i64, f64, Vec<u8>)> = {
                let conn = self.conn();
                let mut stmt = conn.prepare(&format!(
                    "SELECT id, energy, params FROM {table} ORDER BY id"
                ))?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let stride = rows.len().div_ceil(ENERGY_SAMPLE).max(1);
            for (id, stored, blob) in rows.iter().step_by(stride) {
                let x = f64s_from_bytes(blob, f64::from_le_bytes);
                let e = loss.energy(&x);
                // Written so that a NaN recomputed energy disagrees too.
                let agrees = (e - stored).abs() <= STORED_ENERGY_TOLERANCE * stored.abs().max(1.0);
                if !agrees {
                    return Err(LandscapeError::Corrupt {
                        path: self.path.clone(),
                        message: format!(
                            "{kind} {id} has energy {stored} stored but {e} recomputed from its parameters: a damaged row or points of another landscape"
                        ),
                    });
                }
            }
        }
        Ok(())
    }
}

/// A stored size; negative values (damage) become huge and fail the network check.
fn size(v: i64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// Refuses a file that is not a whole number of pages, or shorter than its header says (a copy
/// or download cut short: SQLite reads the missing bytes as zeros and can pass its own check).
fn check_file_size(path: &Path) -> Result<(), String> {
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    let mut header = [0u8; HEADER];
    if len < HEADER as u64 || file.read_exact(&mut header).is_err() {
        return Err(format!("{len} bytes: too short for an SQLite database"));
    }
    if &header[..16] != b"SQLite format 3\0" {
        return Err("not an SQLite database (wrong header)".into());
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        p => u64::from(p),
    };
    if page_size < 512 || !page_size.is_power_of_two() {
        return Err(format!("invalid page size {page_size} in the header"));
    }
    if len % page_size != 0 {
        return Err(format!(
            "the file is cut short: {len} bytes is not a whole number of {page_size}-byte pages"
        ));
    }
    // With a write-ahead log, pages may live in the log until a checkpoint.
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let wal_empty = std::fs::metadata(&wal).map_or(true, |m| m.len() == 0);
    let count_valid = header[24..28] == header[92..96];
    let pages = u64::from(u32::from_be_bytes([
        header[28], header[29], header[30], header[31],
    ]));
    if wal_empty && count_valid && pages * page_size != len {
        return Err(format!(
            "the header says {pages} pages of {page_size} bytes but the file has {len} bytes: it was cut short or extended"
        ));
    }
    Ok(())
}

/// Checks every stored point: foreign keys; parameters finite and of the network's length;
/// energy and RMS gradient finite; the stored lowest eigenvalues finite, ascending and giving
/// the table's Hessian index; every transition state above both of its minima.
fn check_points(
    conn: &Connection,
    network: &Network,
    tolerances: &Tolerances,
) -> Result<(), String> {
    let sql = |e: rusqlite::Error| e.to_string();
    let mut fk = conn.prepare("PRAGMA foreign_key_check").map_err(sql)?;
    let mut broken = fk.query([]).map_err(sql)?;
    if let Some(row) = broken.next().map_err(sql)? {
        let table: String = row.get(0).map_err(sql)?;
        let id: i64 = row.get(1).map_err(sql)?;
        return Err(format!(
            "row {id} of {table} refers to a row that does not exist"
        ));
    }
    let n = network.n_params();
    let eigenvalues = STORED_EIGENVALUES.min(n);
    let mut minima = HashMap::new();
    for (table, kind, index) in [
        ("minima", "minimum", 0),
        ("transition_states", "transition state", 1),
    ] {
        let links = if index == 1 { "min1, min2" } else { "0, 0" };
        let mut stmt = conn
            .prepare(&format!(
                "SELECT id, energy, params, rms_gradient, hessian_index, eigenvalues, pgorder, {links}
                 FROM {table}"
            ))
            .map_err(sql)?;
        let mut rows = stmt.query([]).map_err(sql)?;
        while let Some(r) = rows.next().map_err(sql)? {
            let id: i64 = r.get(0).map_err(sql)?;
            let bad = |what: String| format!("{kind} {id}: {what}");
            let energy: f64 = r.get(1).map_err(sql)?;
            let params: Vec<u8> = r.get(2).map_err(sql)?;
            let rms: f64 = r.get(3).map_err(sql)?;
            let stored_index: i64 = r.get(4).map_err(sql)?;
            let eig: Vec<u8> = r.get(5).map_err(sql)?;
            let pgorder: i64 = r.get(6).map_err(sql)?;
            if !(energy.is_finite() && rms.is_finite() && rms >= 0.0) {
                return Err(bad(format!("energy {energy}, RMS gradient {rms}")));
            }
            if params.len() != 8 * n {
                return Err(bad(format!(
                    "{} bytes of parameters, the network has {n} parameters ({} bytes)",
                    params.len(),
                    8 * n
                )));
            }
            if f64s_from_bytes(&params, f64::from_le_bytes)
                .iter()
                .any(|v| !v.is_finite())
            {
                return Err(bad("a parameter is not finite".into()));
            }
            let ev = f64s_from_bytes(&eig, f64::from_le_bytes);
            if eig.len() != 8 * eigenvalues
                || ev.iter().any(|v| !v.is_finite())
                || ev.windows(2).any(|w| w[0] > w[1])
                || stored_index != index
                || tolerances.index(&ev) != index as usize
            {
                return Err(bad(format!(
                    "stored Hessian index {stored_index} and lowest eigenvalues {ev:?} are not those of a {kind}"
                )));
            }
            if pgorder < 1 {
                return Err(bad(format!("symmetry order {pgorder}")));
            }
            if index == 0 {
                minima.insert(id, energy);
                continue;
            }
            for m in [r.get::<_, i64>(7).map_err(sql)?, r.get(8).map_err(sql)?] {
                let below = minima
                    .get(&m)
                    .ok_or_else(|| bad(format!("minimum {m} is not stored")))?;
                if energy + tolerances.energy_window(energy) < *below {
                    return Err(bad(format!(
                        "energy {energy} is below that of its minimum {m} ({below})"
                    )));
                }
            }
        }
    }
    Ok(())
}
