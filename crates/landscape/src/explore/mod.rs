//! The exploration driver: grows a landscape database until the landscape is mapped
//! (PATHSAMPLE-style cycles of GMIN and OPTIM jobs).
//!
//! Each cycle:
//! 1. basin-hopping until no new minimum appears in the last K quenches (from random starts in
//!    the first cycle, from the minima found in the previous cycle afterwards);
//!    once per landscape, after the first basin-hopping phase: the scale-aware search for the
//!    transition states next to `W = 0` (coordinates scaled by `sqrt(lambda)`, energies in units
//!    of `lambda^2`) and a Newton root search for transition states from random starts;
//! 2. single-ended transition-state searches from every minimum not yet searched (along its
//!    lowest k Hessian eigenvectors, both directions);
//! 3. double-ended connections from the global minimum to every minimum not yet connected to it;
//!
//! until a full cycle adds no new minimum and no new transition state (saturated), or a budget
//! (cycles, time or searches) runs out.
//!
//! Durability: every point is committed as soon as its search is merged, and a search is logged
//! only after its results are stored, so a killed run loses at most the searches in flight and
//! rerunning the same command resumes (logged searches are not repeated; repeated points are
//! deduplicated).
//!
//! Reproducibility: searches run in parallel (rayon) in batches of a fixed size and their
//! results are stored in a fixed order, and basin-hopping merges its chains in chain order, so
//! the database is the same for any number of threads. Only a time budget, which stops wherever
//! the clock says, makes the result depend on the machine.
//!
//! Layout: `params` (the settings), `report` (progress, stop reasons, [`summarise`]),
//! `explorer` (the run's state and the batch skeleton the search phases share), `phases` (the
//! phases), `seed` (seeding from a smaller landscape).

mod explorer;
mod params;
mod phases;
mod report;
mod seed;

use nnscape_model::Loss;

use crate::db::LandscapeDb;
use crate::error::LandscapeError;
use explorer::Explorer;
use phases::{Connect, SingleEnded};

pub use params::ExploreParams;
pub use report::{
    summarise, ExploreProgress, ExploreReport, ExploreStopReason, LandscapeSummary, Phase,
};
pub use seed::{add_stationary_points, embedded_stationary_points, SEED_RMS_GRADIENT};

/// Explores the landscape of `loss` into `db` (which must hold that landscape) until it is
/// saturated or a budget runs out. Resumes where an earlier, interrupted run stopped.
pub fn explore(
    db: &LandscapeDb,
    loss: &Loss,
    params: &ExploreParams,
    mut report: impl FnMut(&ExploreProgress),
) -> Result<ExploreReport, LandscapeError> {
    params.validate()?;
    db.check_loss(loss)?;
    let mut ex = Explorer::new(db, loss, params);
    let mut stop = ExploreStopReason::MaxCycles;
    let mut cycles_done = 0;
    for cycle in 0..params.max_cycles as i64 {
        let rec = db.begin_cycle(cycle)?;
        if let Some(end) = rec.end {
            // Finished by an earlier run.
            cycles_done += 1;
            if end == (rec.minima_start, rec.ts_start) {
                stop = ExploreStopReason::Saturated;
                break;
            }
            continue;
        }
        ex.basin_hopping(cycle, &mut report)?;
        ex.near_origin(cycle, &mut report)?;
        ex.root_search(cycle, &mut report)?;
        if let Some(s) = ex.run_batches(&SingleEnded(params), cycle, &mut report)? {
            stop = s;
            break;
        }
        if let Some(s) = ex.run_batches(&Connect(params), cycle, &mut report)? {
            stop = s;
            break;
        }
        let rec = db.end_cycle(cycle)?;
        cycles_done += 1;
        if rec.end == Some((rec.minima_start, rec.ts_start)) {
            stop = ExploreStopReason::Saturated;
            break;
        }
    }
    Ok(ExploreReport {
        summary: summarise(db, loss.dataset().len())?,
        stop,
        cycles: cycles_done,
        searches: ex.searches,
        seconds: ex.started.elapsed().as_secs_f64(),
    })
}
