//! Exploration of the grid: the time budget shared out over the landscapes, and one landscape
//! explored (resuming its database, seeded from the next smaller one) and counted.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use nnscape_analysis::counts::{landscape_counts, LandscapeCounts};
use nnscape_landscape::{
    add_stationary_points, embedded_stationary_points, explore, split_node_starts, summarise,
    Certificate, ExploreParams, LandscapeDb, LandscapeIdentity, Tolerances,
};
use nnscape_model::{Dataset, Loss, Network};
use serde::Serialize;

use crate::grid::LandscapeKey;
use crate::ReproduceOptions;

/// Exploration time budget of the whole default grid: the study, certificates included, must
/// finish within 10 minutes on a 2-core machine; the rest is margin for the analyses. Measured
/// on a 2-core machine (issue 11): about 170 s of exploration for the 45 landscapes, most of it
/// at N_h = 4-5 and lambda <= 1e-4 (single-ended searches along every mode of 14-32 minima,
/// root searches around each, the certificates' 3,000 quenches and 3,000 root searches). A
/// landscape stopped by its share is reported as not certified (`stop = time budget`).
pub const FULL_TIME_BUDGET: Duration = Duration::from_secs(8 * 60);
/// Exploration time budget of the `--quick` grid.
pub const QUICK_TIME_BUDGET: Duration = Duration::from_secs(90);
/// No landscape gets less than this, whatever the budget left: the shares of the small
/// landscapes (about 2 s at N_h = 1) are below what even a one-minimum landscape needs for its
/// certificate on a busy machine (2-3 s measured), and a landscape cut off by the clock is
/// not certified and depends on the machine.
pub const MIN_LANDSCAPE_BUDGET: Duration = Duration::from_secs(20);
/// Cycle cap of every exploration: high, so that the time budget (not the cycle count) is
/// what stops a landscape that does not saturate.
pub const MAX_CYCLES: usize = 50;

/// What happened to one landscape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LandscapeResult {
    pub name: String,
    pub n_hidden: usize,
    pub lambda: f64,
    /// Database file.
    pub db: PathBuf,
    /// The completeness certificate holds (its last evaluation passed every test).
    pub saturated: bool,
    /// Why the exploration stopped (`saturated`, `certificate budget`, `time budget`, ...).
    pub stop: String,
    /// Whether every minimum is joined to the global minimum by known transition states.
    pub connected: bool,
    /// Cycles finished (over every run).
    pub cycles: usize,
    /// Searches of this run (0 when the database was already saturated).
    pub searches_this_run: usize,
    /// Searches logged in the database (every run).
    pub searches_total: usize,
    /// Exploration time of this run and of every run that did work on this database.
    pub seconds_this_run: f64,
    pub seconds_total: f64,
    /// Time budget given to this run.
    pub budget_seconds: f64,
    /// The last certificate evaluation's figures (`None`: none finished).
    pub certificate: Option<CertificateFigures>,
    #[serde(skip)]
    pub counts: LandscapeCounts,
}

/// The figures of a landscape's last certificate evaluation that the tables and SUMMARY.md
/// report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CertificateFigures {
    /// Good-Turing chance that one more random-start quench finds an unseen minimum.
    pub p_unseen_minimum: f64,
    /// The same for one more converged single-ended search and transition states.
    pub p_unseen_ts: f64,
    /// The extra cycles with further seeds added nothing.
    pub seed_agreement: bool,
    /// Every test passed.
    pub certified: bool,
    /// The failed tests (`minima, connected`), `none` when certified.
    pub failed: String,
    /// Minima not joined to the global minimum.
    pub disconnected: usize,
    /// Evaluations made (the last one is reported).
    pub evaluations: usize,
}

impl From<&Certificate> for CertificateFigures {
    fn from(c: &Certificate) -> Self {
        Self {
            p_unseen_minimum: c.minima.p_unseen,
            p_unseen_ts: c.transition_states.p_unseen,
            seed_agreement: c.seed_agreement(),
            certified: c.certified(),
            failed: c.failed_text(),
            disconnected: c.disconnected.len(),
            evaluations: c.evaluation as usize + 1,
        }
    }
}

/// Weight of a landscape in the time budget: the cost of mapping and certifying grows with N_h
/// (measured with certificates, issue 11: 1-4 s at N_h = 1-2, 4-11 s at N_h = 3, 3-37 s at N_h = 4-5).
fn budget_weight(k: &LandscapeKey) -> f64 {
    2f64.powi(k.n_hidden as i32)
}

/// The exploration settings of every landscape (the time budget is set per landscape).
pub fn explore_params(seed: u64) -> ExploreParams {
    ExploreParams {
        seed,
        max_cycles: MAX_CYCLES,
        ..ExploreParams::default()
    }
}

pub(crate) fn db_path(out: &Path, k: &LandscapeKey) -> PathBuf {
    out.join("db").join(format!("{}.sqlite", k.name()))
}

/// Exploration seconds of earlier runs, kept next to the database (the database does not
/// record time), so that counts.csv is the same when a rerun does no work.
fn timing_path(out: &Path, k: &LandscapeKey) -> PathBuf {
    out.join("db").join(format!("{}.seconds", k.name()))
}

fn loss_of(k: &LandscapeKey) -> Result<Loss> {
    Ok(Loss::new(
        Network::xor(k.n_hidden, k.lambda)?,
        Dataset::xor(),
    )?)
}

pub(crate) fn bar_style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// Explores every landscape of `keys` in table order (inside `pool`), sharing `budget` out by
/// weight: each gets `remaining * weight / (weight of the landscapes left)`, at least
/// [`MIN_LANDSCAPE_BUDGET`], and time it does not use passes on.
pub(crate) fn explore_grid(
    opts: &ReproduceOptions,
    keys: &[LandscapeKey],
    base: &ExploreParams,
    budget: Duration,
    pool: &rayon::ThreadPool,
    progress: (&MultiProgress, &ProgressBar),
) -> Result<Vec<LandscapeResult>> {
    let (multi, overall) = progress;
    let dataset = Dataset::xor();
    let mut results = Vec::with_capacity(keys.len());
    let mut remaining = budget.as_secs_f64();
    let mut weight_left: f64 = keys.iter().map(budget_weight).sum();
    for k in keys {
        let share = remaining * budget_weight(k) / weight_left;
        let share = share.max(MIN_LANDSCAPE_BUDGET.as_secs_f64());
        weight_left -= budget_weight(k);
        overall.set_message(k.name());
        let bar = multi.add(ProgressBar::new_spinner());
        bar.set_style(bar_style("{prefix:>9} [{elapsed_precise}] {spinner} {msg}"));
        bar.set_prefix(k.name());
        bar.enable_steady_tick(Duration::from_millis(200));
        let r = pool.install(|| explore_one(opts, k, base, share, &dataset, &bar))?;
        bar.finish_and_clear();
        multi.remove(&bar);
        remaining = (remaining - r.seconds_this_run).max(0.0);
        results.push(r);
        overall.inc(1);
    }
    Ok(results)
}

/// Explores one landscape (inside the caller's pool) and counts it.
fn explore_one(
    opts: &ReproduceOptions,
    k: &LandscapeKey,
    base: &ExploreParams,
    budget_seconds: f64,
    dataset: &Dataset,
    bar: &ProgressBar,
) -> Result<LandscapeResult> {
    let loss = loss_of(k)?;
    let path = db_path(&opts.out, k);
    let db = LandscapeDb::open_or_create(
        &path,
        &LandscapeIdentity::of(&loss),
        Tolerances::at_lambda(loss.network().lambda()),
    )
    .with_context(|| format!("opening {}", path.display()))?;
    let was_saturated = db.latest_certificate()?.is_some_and(|c| c.certified());
    let params = ExploreParams {
        max_time: Some(Duration::from_secs_f64(budget_seconds)),
        ..base.clone()
    };
    if opts.embed_seeds && k.n_hidden > 1 && db.cycles()?.is_empty() {
        // The map with one node fewer, embedded; every smaller map split into
        // as many equal copies as make N_h nodes (`split_node_starts`).
        let mut seeds = Vec::new();
        let mut names = Vec::new();
        for n_small in (1..k.n_hidden).rev() {
            let smaller = LandscapeKey {
                n_hidden: n_small,
                lambda: k.lambda,
            };
            let small_path = db_path(&opts.out, &smaller);
            if !small_path.exists() {
                continue;
            }
            let small = LandscapeDb::open_existing(&small_path)
                .with_context(|| format!("opening {}", small_path.display()))?;
            if n_small + 1 == k.n_hidden {
                seeds.extend(embedded_stationary_points(&small)?);
            }
            seeds.extend(split_node_starts(&small, k.n_hidden)?);
            names.push(smaller.name());
        }
        if !seeds.is_empty() {
            let names = names.join(", ");
            bar.set_message(format!("seeding from {names}"));
            add_stationary_points(&db, &loss, &seeds, &params)
                .with_context(|| format!("seeding {} from {names}", k.name()))?;
        }
    }
    let report = explore(&db, &loss, &params, |p| {
        bar.set_message(format!(
            "cycle {} {:<13} minima {:>5}  TS {:>5}  connected {:>5.1}%  searches {}",
            p.cycle,
            p.phase.to_string(),
            p.minima,
            p.transition_states,
            100.0 * p.connected_fraction,
            p.searches,
        ))
    })
    .with_context(|| format!("exploring {}", k.name()))?;
    let timing = timing_path(&opts.out, k);
    let earlier: f64 = std::fs::read_to_string(&timing)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0.0);
    let seconds_total = if was_saturated && timing.exists() {
        earlier
    } else {
        // Milliseconds are plenty, and keep the column short.
        let total = ((earlier + report.seconds) * 1000.0).round() / 1000.0;
        std::fs::write(&timing, format!("{total}\n"))
            .with_context(|| format!("writing {}", timing.display()))?;
        total
    };
    let counts = landscape_counts(&db, dataset)?;
    Ok(LandscapeResult {
        name: k.name(),
        n_hidden: k.n_hidden,
        lambda: k.lambda,
        db: PathBuf::from("db").join(format!("{}.sqlite", k.name())),
        saturated: report.certificate.as_ref().is_some_and(|c| c.certified()),
        stop: report.stop.to_string(),
        connected: report.summary.connected,
        cycles: report.cycles,
        searches_this_run: report.searches,
        searches_total: db.count_searches()?,
        seconds_this_run: report.seconds,
        seconds_total,
        budget_seconds,
        certificate: report.certificate.as_ref().map(CertificateFigures::from),
        counts,
    })
}

/// Recounts a landscape after training stored minima in it (counts, connectivity, searches
/// logged), so that counts.csv says what the database holds and a rerun, which reads the
/// database as training left it, writes the same table.
pub(crate) fn recount(out: &Path, r: &mut LandscapeResult, dataset: &Dataset) -> Result<()> {
    let path = out.join(&r.db);
    let db =
        LandscapeDb::open_existing(&path).with_context(|| format!("opening {}", path.display()))?;
    r.counts = landscape_counts(&db, dataset)?;
    r.connected = summarise(&db, dataset.len())?.connected;
    r.searches_total = db.count_searches()?;
    Ok(())
}

/// Returns `Err` unless `stop` means the landscape is fully mapped (for callers that insist).
pub fn require_saturated(results: &[LandscapeResult]) -> Result<()> {
    let open: Vec<&str> = results
        .iter()
        .filter(|r| !r.saturated)
        .map(|r| r.name.as_str())
        .collect();
    ensure!(open.is_empty(), "not saturated: {}", open.join(", "));
    Ok(())
}
