//! PATHSAMPLE's file formats, so a database can be read by PATHSAMPLE and disconnectionDPS and
//! built from their files.
//!
//! - `min.data`: one line per minimum: energy, fvib, pgorder and three principal moments of
//!   inertia (0 for networks).
//! - `ts.data`: one line per transition state: energy, fvib, pgorder, min1, min2 (1-based line
//!   numbers in min.data), three moments.
//! - `points.min` / `points.ts`: Fortran unformatted direct-access records, one record of
//!   n_params doubles per point (no record markers), in the machine's byte order (little-endian
//!   here).

use std::collections::HashMap;
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

use nnscape_model::Loss;
use nnscape_optim::{NetworkAlignment, Tolerances};

use crate::db::{f64s_from_bytes, LandscapeDb};
use crate::error::LandscapeError;
use crate::output::OutputFile;
use crate::point::StationaryPoint;

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> LandscapeError + '_ {
    move |source| LandscapeError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes the file `name` in `dir` through `body`, whole or not at all; an I/O error names the
/// file.
fn write_file(
    dir: &Path,
    name: &str,
    body: impl FnOnce(&mut BufWriter<&mut std::fs::File>) -> std::io::Result<()>,
) -> Result<(), LandscapeError> {
    OutputFile::write(dir.join(name), body)
}

/// Writes `points` as a Fortran direct-access file: n_params doubles each, native byte order.
fn write_points<'p>(
    dir: &Path,
    name: &str,
    points: impl Iterator<Item = &'p [f64]>,
) -> Result<(), LandscapeError> {
    write_file(dir, name, |f| {
        for x in points {
            for v in x {
                f.write_all(&v.to_ne_bytes())?;
            }
        }
        Ok(())
    })
}

/// Writes min.data, ts.data, points.min and points.ts into `dir` (created if needed).
/// Returns (minima, transition states) written.
pub fn export(db: &LandscapeDb, dir: &Path) -> Result<(usize, usize), LandscapeError> {
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let minima = db.minima()?;
    let tss = db.transition_states()?;
    let line_of: HashMap<i64, usize> = minima
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id, i + 1))
        .collect();
    let line = |id: i64| line_of.get(&id).ok_or(LandscapeError::UnknownMinimum(id));
    let ts_lines = tss
        .iter()
        .map(|t| Ok((t, line(t.min1)?, line(t.min2)?)))
        .collect::<Result<Vec<_>, LandscapeError>>()?;
    write_file(dir, "min.data", |f| {
        for m in &minima {
            let p = &m.point;
            writeln!(
                f,
                "{:.17e} {:.17e} {} 0.0 0.0 0.0",
                p.energy, p.fvib, p.pgorder
            )?;
        }
        Ok(())
    })?;
    write_points(
        dir,
        "points.min",
        minima.iter().map(|m| &m.point.params[..]),
    )?;
    write_file(dir, "ts.data", |f| {
        for (t, l1, l2) in &ts_lines {
            let p = &t.point;
            writeln!(
                f,
                "{:.17e} {:.17e} {} {l1} {l2} 0.0 0.0 0.0",
                p.energy, p.fvib, p.pgorder
            )?;
        }
        Ok(())
    })?;
    write_points(dir, "points.ts", tss.iter().map(|t| &t.point.params[..]))?;
    Ok((minima.len(), tss.len()))
}

struct DataLine {
    energy: f64,
    min1: usize,
    min2: usize,
}

fn read_data(path: &Path, is_ts: bool) -> Result<Vec<DataLine>, LandscapeError> {
    let file = std::fs::File::open(path).map_err(io_err(path))?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(io_err(path))?;
        // A byte-order mark is accepted, as in every text input.
        let line = if i == 0 {
            line.trim_start_matches('\u{feff}').to_owned()
        } else {
            line
        };
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| LandscapeError::Format {
            path: path.to_path_buf(),
            line: i + 1,
            message,
        };
        let fields: Vec<&str> = line.split_whitespace().collect();
        let need = if is_ts { 5 } else { 3 };
        if fields.len() < need {
            return Err(bad(format!(
                "expected at least {need} fields, found {}",
                fields.len()
            )));
        }
        let energy: f64 = fields[0]
            .replace(['D', 'd'], "e")
            .parse()
            .map_err(|_| bad(format!("energy '{}' is not a number", fields[0])))?;
        if !energy.is_finite() {
            return Err(bad(format!("energy {energy} is not finite")));
        }
        let (min1, min2) = if is_ts {
            let parse = |s: &str| {
                s.parse::<usize>()
                    .ok()
                    .filter(|&v| v >= 1)
                    .ok_or_else(|| bad(format!("'{s}' is not a 1-based minimum index")))
            };
            (parse(fields[3])?, parse(fields[4])?)
        } else {
            (0, 0)
        };
        out.push(DataLine { energy, min1, min2 });
    }
    Ok(out)
}

fn read_points(
    path: &Path,
    n_params: usize,
    count: usize,
) -> Result<Vec<Vec<f64>>, LandscapeError> {
    let bytes = std::fs::read(path).map_err(io_err(path))?;
    let record = 8 * n_params;
    if bytes.len() != record * count {
        return Err(LandscapeError::Format {
            path: path.to_path_buf(),
            line: 0,
            message: format!(
                "{} bytes, but {count} records of {n_params} doubles need {}: a different network size or a truncated file",
                bytes.len(),
                record * count
            ),
        });
    }
    Ok(bytes
        .chunks_exact(record)
        .map(|r| f64s_from_bytes(r, f64::from_ne_bytes))
        .collect())
}

/// How closely a recomputed energy must agree with the one in an imported file, relative to
/// max(1, |E|): 1e-8. `min.data` / `ts.data` written by [`export`] carry 17 significant
/// digits, so points of the same landscape agree to round-off.
pub const IMPORT_ENERGY_TOLERANCE: f64 = 1e-8;

/// PATHSAMPLE files read and every point re-evaluated and checked ([`read`]), ready to be
/// stored in one transaction ([`store`]).
#[derive(Debug, Clone)]
pub struct PathsampleSet {
    /// The minima, in min.data order.
    pub minima: Vec<StationaryPoint>,
    /// The transition states with their two minima (0-based indices into `minima`).
    pub transition_states: Vec<(StationaryPoint, usize, usize)>,
}

/// Reads PATHSAMPLE files from `dir` and re-evaluates each point with `loss`, classified by
/// `tolerances` (the database's): its recomputed energy must agree with the file's to
/// [`IMPORT_ENERGY_TOLERANCE`], minima must have index 0 and transition states index 1, and
/// every connection is re-checked (both minima listed, the transition state above both and not
/// the same point as either). Anything else is an error naming the file and line. Nothing is
/// written: a database is touched only by [`store`], after everything has been checked.
pub fn read(
    loss: &mut Loss,
    tolerances: &Tolerances,
    dir: &Path,
) -> Result<PathsampleSet, LandscapeError> {
    let n = loss.network().n_params();
    let min_path = dir.join("min.data");
    let ts_path = dir.join("ts.data");
    let min_lines = read_data(&min_path, false)?;
    let min_points = read_points(&dir.join("points.min"), n, min_lines.len())?;
    let ts_lines = if ts_path.exists() {
        read_data(&ts_path, true)?
    } else {
        Vec::new()
    };
    let ts_points = if ts_lines.is_empty() {
        Vec::new()
    } else {
        read_points(&dir.join("points.ts"), n, ts_lines.len())?
    };
    let evaluate = |loss: &mut Loss,
                    path: &Path,
                    line: usize,
                    want_index: usize,
                    file_energy: f64,
                    x: &[f64]|
     -> Result<StationaryPoint, LandscapeError> {
        let bad = |message: String| LandscapeError::Format {
            path: path.to_path_buf(),
            line,
            message,
        };
        let p = StationaryPoint::evaluate(loss, x, tolerances).map_err(|e| bad(e.to_string()))?;
        let agrees =
            (p.energy - file_energy).abs() <= IMPORT_ENERGY_TOLERANCE * file_energy.abs().max(1.0);
        if !agrees {
            return Err(bad(format!(
                "energy {} in the file but {} recomputed: the points belong to another landscape",
                file_energy, p.energy
            )));
        }
        if p.hessian_index != want_index {
            return Err(bad(format!(
                "Hessian index {} where {} was expected",
                p.hessian_index, want_index
            )));
        }
        Ok(p)
    };
    let minima = min_lines
        .iter()
        .zip(&min_points)
        .enumerate()
        .map(|(i, (line, x))| evaluate(loss, &min_path, i + 1, 0, line.energy, x))
        .collect::<Result<Vec<_>, _>>()?;
    let alignment = NetworkAlignment::new(*loss.network());
    let mut transition_states = Vec::with_capacity(ts_lines.len());
    for (i, (line, x)) in ts_lines.iter().zip(&ts_points).enumerate() {
        let bad = |message: String| LandscapeError::Format {
            path: ts_path.clone(),
            line: i + 1,
            message,
        };
        let minimum = |m: usize| {
            minima.get(m - 1).ok_or_else(|| {
                bad(format!(
                    "minimum {m} is not in min.data ({} lines)",
                    minima.len()
                ))
            })
        };
        let (m1, m2) = (minimum(line.min1)?, minimum(line.min2)?);
        let p = evaluate(loss, &ts_path, i + 1, 1, line.energy, x)?;
        for (k, m) in [(line.min1, m1), (line.min2, m2)] {
            if p.energy + tolerances.energy_window(p.energy) < m.energy {
                return Err(bad(format!(
                    "the transition state (energy {}) lies below minimum {k} (energy {}), which it is said to join",
                    p.energy, m.energy
                )));
            }
            if tolerances.same_point(&alignment, &p.params, p.energy, &m.params, m.energy) {
                return Err(bad(format!(
                    "the transition state is the same point as minimum {k}, which it is said to join"
                )));
            }
        }
        transition_states.push((p, line.min1 - 1, line.min2 - 1));
    }
    Ok(PathsampleSet {
        minima,
        transition_states,
    })
}

/// Stores what [`read`] checked, in one transaction: all of it or, on an error, nothing.
/// Returns (new minima, new transition states).
pub fn store(db: &LandscapeDb, set: &PathsampleSet) -> Result<(usize, usize), LandscapeError> {
    db.atomically(|| {
        let mut ids = Vec::with_capacity(set.minima.len());
        let mut new_minima = 0;
        for p in &set.minima {
            let (id, new) = db.insert_minimum(p)?;
            ids.push(id);
            new_minima += usize::from(new);
        }
        let mut new_ts = 0;
        for (p, m1, m2) in &set.transition_states {
            new_ts += usize::from(db.insert_transition_state(p, ids[*m1], ids[*m2])?.1);
        }
        Ok((new_minima, new_ts))
    })
}

/// Reads PATHSAMPLE files from `dir` into `db` ([`read`] with the database's tolerances, then
/// [`store`]): a failure leaves the database as it was. `loss` must be the database's
/// landscape. Returns (new minima, new transition states).
pub fn import(
    db: &LandscapeDb,
    loss: &mut Loss,
    dir: &Path,
) -> Result<(usize, usize), LandscapeError> {
    db.check_loss(loss)?;
    let set = read(loss, db.tolerances(), dir)?;
    store(db, &set)
}
