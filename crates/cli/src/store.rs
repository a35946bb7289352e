//! How the subcommands open landscape databases: readers read-only after checking the data
//! and the stored energies; a writer only after everything about an existing file has been
//! checked read-only, so that a command that fails leaves the file byte-identical.

use std::path::Path;

use anyhow::{Context, Result};
use nnscape_analysis::landscape_loss;
use nnscape_landscape::{LandscapeDb, LandscapeIdentity, Tolerances};
use nnscape_model::{Dataset, Loss};

/// Opens an existing database read-only (export, analyses): `data` must be its training data,
/// and a sample of its stored energies must be what the loss gives at the stored parameters.
/// With `need_minima`, an empty database is an error (there is nothing to analyse).
pub fn open_reader(path: &Path, data: &Dataset, need_minima: bool) -> Result<LandscapeDb> {
    let db = LandscapeDb::open_existing(path)?;
    let mut loss = landscape_loss(&db, data).with_context(|| format!("{}", path.display()))?;
    db.check_energies(&mut loss)?;
    if need_minima {
        anyhow::ensure!(
            db.count_minima()? > 0,
            "{}: the database holds no minima yet; nothing to analyse (run `nnscape explore` first)",
            path.display()
        );
    }
    Ok(db)
}

/// The existing database at `path`, opened read-only and checked for `loss` (identity, stored
/// energies), or `None` when there is no file yet. Nothing is written.
pub fn check_existing(path: &Path, loss: &Loss) -> Result<Option<LandscapeDb>> {
    if !path.exists() {
        return Ok(None);
    }
    let db = LandscapeDb::open_existing(path)?;
    db.check_energies(&mut loss.clone())?;
    Ok(Some(db))
}

/// The writer of `path` for `loss`, created when missing: call it only once every input has
/// been checked (with [`check_existing`] for the file itself).
pub fn open_writer(path: &Path, loss: &Loss) -> Result<LandscapeDb> {
    Ok(LandscapeDb::open_or_create(
        path,
        &LandscapeIdentity::of(loss),
        Tolerances::at_lambda(loss.network().lambda()),
    )?)
}
