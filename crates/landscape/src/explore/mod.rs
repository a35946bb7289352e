//! The exploration driver: grows a landscape database until the landscape is mapped
//! (PATHSAMPLE-style cycles of GMIN and OPTIM jobs).
//!
//! Each cycle:
//! 1. basin-hopping until no new minimum appears in the last K quenches (from random starts in
//!    the first cycle, from the minima found in the previous cycle afterwards);
//!    once per landscape, after the first basin-hopping phase: the scale-aware search for the
//!    transition states next to `W = 0` (coordinates scaled by `sqrt(lambda)`, energies in units
//!    of `lambda^2`) and a Newton root search for transition states from random starts;
//! 2. single-ended transition-state searches from every minimum not yet searched (along each
//!    of its Hessian eigenvectors, both directions), and a Newton root search around it;
//! 3. double-ended connections from the global minimum to every minimum not yet connected to it;
//!
//! until the map is certified complete, or a budget (cycles, time, searches or certificate
//! evaluations) runs out. Whenever a cycle adds no minimum and no transition state, the
//! completeness certificate ([`crate::certificate`]) is evaluated: independent random-start
//! quenches and single-ended searches with Good-Turing estimates, two extra cycles with further
//! seeds, connectivity. When it holds the map is saturated; when it does not, cycling goes on:
//! what the certificate found is searched from, the root searches around every minimum are
//! repeated with twice the starts, and the next evaluation has twice the trials, until the
//! certificate holds or `certificate.max_evaluations` have failed.
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
//! phases), `seed` (seeding from a smaller landscape); this file runs the cycles and the
//! certificate's evaluations.

mod explorer;
mod params;
mod phases;
mod report;
mod seed;

use nnscape_model::Loss;

use crate::certificate::{mix, Certificate, CertificateParams, CertificateTest, Trials};
use crate::db::LandscapeDb;
use crate::error::LandscapeError;
use explorer::Explorer;
use phases::{Connect, LocalRoots, SingleEnded};
use report::global_component;

pub use params::ExploreParams;
pub use report::{
    summarise, ExploreProgress, ExploreReport, ExploreStopReason, LandscapeSummary, Phase,
};
pub use seed::{add_stationary_points, embedded_stationary_points, split_node_starts};

/// Explores the landscape of `loss` into `db` (which must hold that landscape) until it is
/// certified complete (or, without a certificate, saturated) or a budget runs out. Resumes
/// where an earlier, interrupted run stopped.
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
        let mut rec = db.begin_cycle(cycle)?;
        if rec.end.is_none() {
            // Not finished by an earlier run. The clock is checked inside basin-hopping and
            // before each once-per-landscape search.
            if let Some(s) = ex.basin_hopping(cycle, &mut report)? {
                stop = s;
                break;
            }
            let out_of_time =
                |ex: &Explorer<'_>| params.max_time.is_some_and(|t| ex.started.elapsed() >= t);
            if out_of_time(&ex) {
                stop = ExploreStopReason::TimeBudget;
                break;
            }
            ex.near_origin(cycle, &mut report)?;
            if out_of_time(&ex) {
                stop = ExploreStopReason::TimeBudget;
                break;
            }
            ex.root_search(cycle, &mut report)?;
            if let Some(s) = search_phases(&mut ex, cycle, &mut report)? {
                stop = s;
                break;
            }
            rec = db.end_cycle(cycle)?;
        }
        cycles_done += 1;
        if rec.end != Some((rec.minima_start, rec.ts_start)) {
            continue;
        }
        // A quiet cycle: the old saturation rule, and the moment to certify.
        let Some(cp) = &params.certificate else {
            stop = ExploreStopReason::Saturated;
            break;
        };
        match evaluate(&mut ex, cp, cycle, &mut report)? {
            Err(budget) => {
                stop = budget;
                break;
            }
            Ok(c) if c.certified() => {
                stop = ExploreStopReason::Saturated;
                break;
            }
            Ok(c) if c.evaluation + 1 >= cp.max_evaluations as i64 => {
                stop = ExploreStopReason::CertificateBudget;
                break;
            }
            Ok(_) => {}
        }
    }
    Ok(ExploreReport {
        summary: summarise(db, loss.dataset().len())?,
        stop,
        cycles: cycles_done,
        searches: ex.searches,
        seconds: ex.started.elapsed().as_secs_f64(),
        certificate: db.latest_certificate()?,
    })
}

/// The transition-state phases of a cycle (single-ended searches from every minimum not yet
/// searched, root searches around them, then connections of the minima not joined to the
/// global minimum); also run by the
/// certificate's seed-agreement cycles, so a phase added here serves both.
fn search_phases(
    ex: &mut Explorer<'_>,
    cycle: i64,
    report: &mut impl FnMut(&ExploreProgress),
) -> Result<Option<ExploreStopReason>, LandscapeError> {
    let params = ex.params;
    if let Some(s) = ex.run_batches(&SingleEnded(params), cycle, report)? {
        return Ok(Some(s));
    }
    if let Some(s) = ex.run_batches(&LocalRoots(params), cycle, report)? {
        return Ok(Some(s));
    }
    ex.run_batches(&Connect(params), cycle, report)
}

/// Tag mixed into the master seed for the certificate's seeds.
const CERTIFICATE_SEED_TAG: u64 = 0xCE57_1F1C_A7E5;

/// Evaluates the completeness certificate of `db` as it stands, without exploring first
/// (`params.certificate`, or its default when `None`; the quench, search and basin-hopping
/// settings of `params`). The evaluation is keyed by the database's last exploration cycle
/// (-1 when none): one already made for it is read back, an interrupted one resumes. `Err`
/// inside `Ok` is the budget of `params` that stopped it.
///
/// Used on a map built elsewhere (imported, or explored without a certificate), and by the
/// tests of an incomplete map.
pub fn certify(
    db: &LandscapeDb,
    loss: &Loss,
    params: &ExploreParams,
    mut report: impl FnMut(&ExploreProgress),
) -> Result<Result<Certificate, ExploreStopReason>, LandscapeError> {
    params.validate()?;
    db.check_loss(loss)?;
    let cp = params.certificate.clone().unwrap_or_default();
    let cycle = db.cycles()?.last().map_or(-1, |c| c.cycle);
    let mut ex = Explorer::new(db, loss, params);
    evaluate(&mut ex, &cp, cycle, &mut report)
}

/// Evaluates (or resumes, or reads back) the certificate after quiet cycle `cycle`. `Err` is the
/// budget that stopped it (it resumes on the next run).
fn evaluate(
    ex: &mut Explorer<'_>,
    cp: &CertificateParams,
    cycle: i64,
    report: &mut impl FnMut(&ExploreProgress),
) -> Result<Result<Certificate, ExploreStopReason>, LandscapeError> {
    let db = ex.db;
    let params = ex.params;
    if let Some(done) = db.certificates()?.into_iter().find(|c| c.cycle == cycle) {
        return Ok(Ok(done));
    }
    let base = mix(params.seed, CERTIFICATE_SEED_TAG);
    let start = db.begin_certificate(cycle, params.seed, |e| mix(base, e as u64))?;
    let e = start.evaluation;
    ex.progress(cycle, Phase::Certificate, report)?;

    // 1 and 2: the Good-Turing estimates.
    let (minima, transition_states) = {
        let trials = Trials {
            db,
            system: &ex.system,
            params: cp,
            evaluation: e,
            seed: start.seed,
            minima_mark: start.minima_mark,
        };
        let mut budget = None;
        let mut stop = || {
            budget = ex.budget_exhausted();
            budget.is_some()
        };
        let bh = &params.basin_hopping;
        let Some(minima) = trials.quenches(&bh.quench, &bh.verify, &mut stop)? else {
            return Ok(Err(budget.unwrap_or(ExploreStopReason::TimeBudget)));
        };
        let Some(tss) = trials.root_trials(
            &params.root_search,
            &params.local_root_search,
            &params.single_ended.verify,
            start.ts_mark,
            &mut stop,
        )?
        else {
            return Ok(Err(budget.unwrap_or(ExploreStopReason::TimeBudget)));
        };
        (minima, tss)
    };
    let (found_minima, found_ts) = db.log_certificate_step(e, "estimates")?;
    ex.progress(cycle, Phase::Certificate, report)?;

    // What the estimates found is searched from first, so that seed agreement counts only
    // what the other seeds find.
    if db.certificate_step(e, "findings searched")?.is_none() {
        if let Some(s) = search_phases(ex, cycle, report)? {
            return Ok(Err(s));
        }
        db.log_certificate_step(e, "findings searched")?;
    }

    // 3: seed agreement, each extra cycle logged in steps (begun, basin-hopping, done).
    let mut agreement_seeds = Vec::new();
    let mut added = (0, 0);
    for j in 0..cp.agreement_seeds {
        let seed = mix(start.seed, 100 + j as u64);
        agreement_seeds.push(seed);
        let (begun, hopped, done) = (
            format!("agreement {j} begun"),
            format!("agreement {j} basin-hopping"),
            format!("agreement {j} done"),
        );
        let from = db.log_certificate_step(e, &begun)?;
        if db.certificate_step(e, &done)?.is_none() {
            if db.certificate_step(e, &hopped)?.is_none() {
                if let Some(s) = ex.budget_exhausted() {
                    return Ok(Err(s));
                }
                // As the first cycle: one chain from W = 0, the others from random starts.
                let mut bh = params.basin_hopping.clone();
                bh.seed = seed;
                bh.initial_points = vec![vec![0.0; ex.system.potential.n_params()]];
                if !ex.run_basin_hopping(&bh)? {
                    return Ok(Err(ExploreStopReason::TimeBudget));
                }
                db.log_certificate_step(e, &hopped)?;
                ex.progress(cycle, Phase::SeedAgreement, report)?;
            }
            if let Some(s) = search_phases(ex, cycle, report)? {
                return Ok(Err(s));
            }
        }
        let to = db.log_certificate_step(e, &done)?;
        added.0 += (to.0 - from.0) as usize;
        added.1 += (to.1 - from.1) as usize;
    }

    // 4: connectivity.
    let all_minima = db.minima()?;
    let (_, in_tree) = global_component(&all_minima, &db.transition_states()?);
    let disconnected: Vec<i64> = all_minima
        .iter()
        .zip(&in_tree)
        .filter(|(_, &joined)| !joined)
        .map(|(m, _)| m.id)
        .collect();

    let new_minima = (found_minima - start.minima_mark) as usize;
    let new_transition_states = (found_ts - start.ts_mark) as usize;
    let mut failed = Vec::new();
    if minima.p_unseen > cp.max_p_unseen_minimum || new_minima > 0 {
        failed.push(CertificateTest::Minima);
    }
    // With two minima or more the map must hold saddles: when no search reached one, the
    // estimate (0 per search) says nothing about them, so the test fails.
    let blind = all_minima.len() >= 2 && transition_states.reached == 0;
    if transition_states.p_unseen > cp.max_p_unseen_ts || new_transition_states > 0 || blind {
        failed.push(CertificateTest::TransitionStates);
    }
    if added != (0, 0) {
        failed.push(CertificateTest::SeedAgreement);
    }
    if !disconnected.is_empty() {
        failed.push(CertificateTest::Connected);
    }
    let c = Certificate {
        evaluation: e,
        cycle,
        master_seed: params.seed,
        seed: start.seed,
        minima,
        transition_states,
        new_minima,
        new_transition_states,
        agreement_seeds,
        agreement_added: added,
        connected: disconnected.is_empty(),
        disconnected,
        failed,
    };
    db.finish_certificate(&c)?;
    ex.progress(cycle, Phase::Certificate, report)?;
    Ok(Ok(c))
}
