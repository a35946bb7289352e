//! # xtask: `cargo xtask reproduce`
//!
//! The whole study of Mehta, Zhao, Bernal and Wales, *Loss surface of XOR artificial neural
//! networks* (Phys. Rev. E 97, 052307, 2018) as one function: explore the grid of XOR landscapes
//! (N_h x lambda) to saturation, one SQLite database per landscape in `DIR/db/` (rerunning
//! resumes and recomputes nothing that is done), then write every figure of the paper as CSV,
//! the trends as SVG line plots, a `manifest.json` with every setting, and a `SUMMARY.md` that
//! states what the numbers show.
//!
//! ```no_run
//! let opts = xtask::ReproduceOptions {
//!     quick: true,
//!     ..xtask::ReproduceOptions::new("target/reproduce")
//! };
//! let report = xtask::reproduce(&opts)?;
//! println!("{} landscapes, {} files", report.landscapes.len(), report.files.len());
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod debug_json;
pub mod plot;
mod summary;

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use nnscape_analysis::classification::{classify_landscape, LandscapeClassification};
use nnscape_analysis::counts::{landscape_counts, LandscapeCounts};
use nnscape_analysis::dgraph::{DgraphParams, DisconnectivityGraph};
use nnscape_analysis::embed::{embed_landscape, write_embed_csv, EmbedParams, EmbedRow};
use nnscape_analysis::sensitivity::{
    landscape_sensitivity, LandscapeSensitivity, SensitivityParams,
};
use nnscape_landscape::{
    add_stationary_points, embedded_stationary_points, explore, ExploreParams, LandscapeDb,
    LandscapeIdentity, Tolerances,
};
use nnscape_model::{Dataset, Loss, Network};
use serde::Serialize;
use serde_json::json;

use crate::debug_json::debug_to_json;
use crate::plot::{Plot, Series};

/// N_h of the default grid.
pub const FULL_HIDDEN: [usize; 5] = [1, 2, 3, 4, 5];
/// lambda of the default grid, largest first (the row order of every table).
pub const FULL_LAMBDAS: [f64; 9] = [1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5];
/// N_h of the `--quick` grid.
pub const QUICK_HIDDEN: [usize; 3] = [1, 2, 3];
/// lambda of the `--quick` grid.
pub const QUICK_LAMBDAS: [f64; 3] = [1e-1, 1e-2, 1e-3];

/// Exploration time budget of the whole default grid (the study must finish within 30
/// minutes; the rest is margin for the analyses).
pub const FULL_TIME_BUDGET: Duration = Duration::from_secs(25 * 60);
/// Exploration time budget of the `--quick` grid.
pub const QUICK_TIME_BUDGET: Duration = Duration::from_secs(90);
/// No landscape gets less than this, whatever the budget left.
pub const MIN_LANDSCAPE_BUDGET: Duration = Duration::from_secs(2);
/// Cycle cap of every exploration: high, so that the time budget (not the cycle count) is
/// what stops a landscape that does not saturate.
pub const MAX_CYCLES: usize = 50;

/// The output families `--only` accepts (besides a landscape name such as `h3_l1e-3`).
pub const OUTPUT_NAMES: [&str; 5] = [
    "counts",
    "dgraph",
    "classification",
    "sensitivity",
    "embedding",
];

/// Which landscapes: every N_h with every lambda.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grid {
    pub hidden: Vec<usize>,
    pub lambdas: Vec<f64>,
}

impl Grid {
    /// N_h 1..=5 and lambda 1e-1 .. 1e-5 (1 and 3 per decade): 45 landscapes.
    pub fn full() -> Self {
        Self {
            hidden: FULL_HIDDEN.to_vec(),
            lambdas: FULL_LAMBDAS.to_vec(),
        }
    }
    /// N_h 1..=3 and lambda 1e-1, 1e-2, 1e-3: 9 landscapes.
    pub fn quick() -> Self {
        Self {
            hidden: QUICK_HIDDEN.to_vec(),
            lambdas: QUICK_LAMBDAS.to_vec(),
        }
    }
    /// Landscapes in table order: N_h ascending, then lambda in the order given.
    pub fn landscapes(&self) -> Vec<LandscapeKey> {
        self.hidden
            .iter()
            .flat_map(|&n_hidden| {
                self.lambdas
                    .iter()
                    .map(move |&lambda| LandscapeKey { n_hidden, lambda })
            })
            .collect()
    }
    fn validate(&self) -> Result<()> {
        ensure!(
            !self.hidden.is_empty() && !self.lambdas.is_empty(),
            "the grid is empty"
        );
        for &h in &self.hidden {
            ensure!(h >= 1, "N_h must be at least 1, got {h}");
        }
        for &l in &self.lambdas {
            ensure!(
                l.is_finite() && l > 0.0,
                "lambda must be finite and positive, got {l}"
            );
        }
        let names: std::collections::BTreeSet<String> =
            self.landscapes().iter().map(|k| k.name()).collect();
        ensure!(
            names.len() == self.hidden.len() * self.lambdas.len(),
            "the grid repeats a landscape"
        );
        Ok(())
    }
}

/// One landscape of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LandscapeKey {
    pub n_hidden: usize,
    pub lambda: f64,
}

impl LandscapeKey {
    /// File-name-safe name, e.g. `h3_l1e-3`.
    pub fn name(&self) -> String {
        format!("h{}_l{}", self.n_hidden, lambda_label(self.lambda))
    }
}

/// lambda as written in file names: Rust's shortest `{:e}` form (`1e-3`, `3e-4`, `2.5e-2`).
pub fn lambda_label(lambda: f64) -> String {
    format!("{lambda:e}")
}

/// One output family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    /// counts.csv, counts_vs_lambda.svg, counts_vs_nh.svg, ratio.svg.
    Counts,
    /// dgraph_<landscape>.csv and .svg.
    Dgraph,
    /// classification.csv.
    Classification,
    /// sensitivity.csv and sensitivity.svg.
    Sensitivity,
    /// embedding.csv.
    Embedding,
}

impl Output {
    pub const ALL: [Output; 5] = [
        Output::Counts,
        Output::Dgraph,
        Output::Classification,
        Output::Sensitivity,
        Output::Embedding,
    ];
    pub fn name(self) -> &'static str {
        OUTPUT_NAMES[self as usize]
    }
}

/// What `--only` selected.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// Every landscape, every output.
    All,
    /// Every landscape, one output family.
    Output(Output),
    /// One landscape of the grid, every output.
    Landscape(LandscapeKey),
}

impl Selection {
    /// Parses an `--only` value against the grid.
    pub fn parse(name: &str, grid: &Grid) -> Result<Self> {
        if let Some(o) = Output::ALL.iter().find(|o| o.name() == name) {
            return Ok(Self::Output(*o));
        }
        let keys = grid.landscapes();
        if let Some(k) = keys.iter().find(|k| k.name() == name) {
            return Ok(Self::Landscape(*k));
        }
        let names: Vec<String> = keys.iter().map(|k| k.name()).collect();
        bail!(
            "unknown --only value {name:?}: expected one of the outputs {} or a landscape of the grid ({})",
            OUTPUT_NAMES.join(", "),
            names.join(", ")
        )
    }
    fn wants(&self, o: Output) -> bool {
        match self {
            Self::Output(x) => *x == o,
            _ => true,
        }
    }
}

/// Settings of [`reproduce`].
#[derive(Debug, Clone, PartialEq)]
pub struct ReproduceOptions {
    /// Use the quick grid ([`Grid::quick`]) and budget ([`QUICK_TIME_BUDGET`]).
    pub quick: bool,
    /// Output folder (databases in `out/db/`).
    pub out: PathBuf,
    /// `--only`: an output family of [`OUTPUT_NAMES`] or a landscape name such as `h3_l1e-3`.
    pub only: Option<String>,
    /// Worker threads (`None`: all cores). Results do not depend on it.
    pub threads: Option<usize>,
    /// Master seed of every exploration.
    pub seed: u64,
    /// Exploration time budget of the whole grid (`None`: [`FULL_TIME_BUDGET`], or
    /// [`QUICK_TIME_BUDGET`] with `quick`). Shared out by N_h, unused time passed on.
    pub time_budget: Option<Duration>,
    /// Replaces the grid `quick` chooses (tests use smaller ones).
    pub grid: Option<Grid>,
    /// Draw progress bars on stderr (never when stderr is not a terminal).
    pub progress: bool,
    /// Seed each landscape with the stationary points of the same-lambda landscape with one
    /// hidden node fewer, embedded (they stay stationary; those of index 0 and 1 are stored
    /// before exploring). Only a new database is seeded, and only when the smaller one exists.
    pub embed_seeds: bool,
}

impl ReproduceOptions {
    /// The defaults of `cargo xtask reproduce --out DIR`.
    pub fn new(out: impl Into<PathBuf>) -> Self {
        Self {
            quick: false,
            out: out.into(),
            only: None,
            threads: None,
            seed: 0,
            time_budget: None,
            grid: None,
            progress: true,
            embed_seeds: true,
        }
    }
    /// The grid the options select.
    pub fn grid(&self) -> Grid {
        match (&self.grid, self.quick) {
            (Some(g), _) => g.clone(),
            (None, true) => Grid::quick(),
            (None, false) => Grid::full(),
        }
    }
    /// The exploration time budget of the whole grid.
    pub fn time_budget(&self) -> Duration {
        self.time_budget.unwrap_or(if self.quick {
            QUICK_TIME_BUDGET
        } else {
            FULL_TIME_BUDGET
        })
    }
}

/// What happened to one landscape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LandscapeResult {
    pub name: String,
    pub n_hidden: usize,
    pub lambda: f64,
    /// Database file.
    pub db: PathBuf,
    pub saturated: bool,
    /// Why the exploration stopped (`saturated`, `time budget`, ...).
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
    #[serde(skip)]
    pub counts: LandscapeCounts,
}

/// What [`reproduce`] did.
#[derive(Debug, Clone)]
pub struct Report {
    pub out: PathBuf,
    pub landscapes: Vec<LandscapeResult>,
    /// Every file written, relative to `out`, sorted.
    pub files: Vec<PathBuf>,
    /// Searches of this run over every landscape.
    pub searches: usize,
    pub explore_seconds: f64,
    pub analysis_seconds: f64,
    pub seconds: f64,
}

/// Per-landscape analysis results kept for the tables and the summary.
#[derive(Default)]
struct Analyses {
    classification: Vec<(LandscapeKey, LandscapeClassification)>,
    sensitivity: Vec<(LandscapeKey, LandscapeSensitivity)>,
    embedding: Vec<(LandscapeKey, Vec<EmbedRow>)>,
}

/// Weight of a landscape in the time budget: the cost of mapping grows roughly geometrically
/// with N_h (measured: 0.2 s at N_h = 2 up to ~5 s at N_h = 4-5 for lambda >= 1e-4, more at
/// smaller lambda).
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

fn db_path(out: &Path, k: &LandscapeKey) -> PathBuf {
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

fn bar_style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// Runs the study. See the crate documentation and `README.md`.
pub fn reproduce(opts: &ReproduceOptions) -> Result<Report> {
    let started = Instant::now();
    let grid = opts.grid();
    grid.validate()?;
    let selection = match &opts.only {
        Some(name) => Selection::parse(name, &grid)?,
        None => Selection::All,
    };
    if let Some(t) = opts.threads {
        ensure!(t >= 1, "--threads must be at least 1, got {t}");
    }
    let budget = opts.time_budget();
    ensure!(!budget.is_zero(), "the time budget must be positive");
    let keys = match &selection {
        Selection::Landscape(k) => vec![*k],
        _ => grid.landscapes(),
    };
    std::fs::create_dir_all(opts.out.join("db"))
        .with_context(|| format!("creating {}", opts.out.join("db").display()))?;
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(t) = opts.threads {
        pool = pool.num_threads(t);
    }
    let pool = pool.build().context("starting the worker threads")?;

    let multi =
        MultiProgress::with_draw_target(if opts.progress && std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
    let overall = multi.add(ProgressBar::new(keys.len() as u64));
    overall.set_style(bar_style(
        "{prefix:>9} [{elapsed_precise}] {bar:30.cyan/blue} {pos}/{len} landscapes {msg}",
    ));
    overall.set_prefix("reproduce");

    // 1. Explore every landscape, in table order, sharing the budget out by weight.
    let dataset = Dataset::xor();
    let base = explore_params(opts.seed);
    let mut results = Vec::with_capacity(keys.len());
    let mut remaining = budget.as_secs_f64();
    let mut weight_left: f64 = keys.iter().map(budget_weight).sum();
    let explore_start = Instant::now();
    for k in &keys {
        let share = remaining * budget_weight(k) / weight_left;
        let share = share.max(MIN_LANDSCAPE_BUDGET.as_secs_f64());
        weight_left -= budget_weight(k);
        overall.set_message(k.name());
        let bar = multi.add(ProgressBar::new_spinner());
        bar.set_style(bar_style("{prefix:>9} [{elapsed_precise}] {spinner} {msg}"));
        bar.set_prefix(k.name());
        bar.enable_steady_tick(Duration::from_millis(200));
        let r = pool.install(|| explore_one(opts, k, &base, share, &dataset, &bar))?;
        bar.finish_and_clear();
        multi.remove(&bar);
        remaining = (remaining - r.seconds_this_run).max(0.0);
        results.push(r);
        overall.inc(1);
    }
    let explore_seconds = explore_start.elapsed().as_secs_f64();

    // 2. Analyses and files.
    let analysis_start = Instant::now();
    overall.set_message("analyses");
    let mut files: Vec<PathBuf> = Vec::new();
    let mut analyses = Analyses::default();
    let dgraph_params = DgraphParams::default();
    let sensitivity_params = SensitivityParams::default();
    let embed_params = EmbedParams::default();
    pool.install(|| -> Result<()> {
        for k in &keys {
            let db = LandscapeDb::open_existing(db_path(&opts.out, k))?;
            if selection.wants(Output::Dgraph) {
                let g = DisconnectivityGraph::from_db(&db, &dataset, &dgraph_params)?;
                let csv_name = format!("dgraph_{}.csv", k.name());
                let mut buf = Vec::new();
                g.write_csv(&mut buf)?;
                write_file(&opts.out, &csv_name, &buf, &mut files)?;
                let svg_name = format!("dgraph_{}.svg", k.name());
                write_file(&opts.out, &svg_name, g.to_svg().as_bytes(), &mut files)?;
            }
            if selection.wants(Output::Classification) {
                analyses
                    .classification
                    .push((*k, classify_landscape(&db, &dataset)?));
            }
            if selection.wants(Output::Sensitivity) {
                analyses.sensitivity.push((
                    *k,
                    landscape_sensitivity(&db, &dataset, &sensitivity_params)?,
                ));
            }
        }
        if selection.wants(Output::Embedding) {
            for k in &keys {
                let big = LandscapeKey {
                    n_hidden: k.n_hidden + 1,
                    lambda: k.lambda,
                };
                if !keys.contains(&big) {
                    continue;
                }
                let small_db = LandscapeDb::open_existing(db_path(&opts.out, k))?;
                let big_db = LandscapeDb::open_existing(db_path(&opts.out, &big))?;
                let rows = embed_landscape(&small_db, Some(&big_db), &dataset, &embed_params)?;
                analyses.embedding.push((*k, rows));
            }
        }
        Ok(())
    })?;
    if selection.wants(Output::Counts) {
        write_file(&opts.out, "counts.csv", &counts_csv(&results)?, &mut files)?;
        for (name, plot) in count_plots(&results) {
            write_file(&opts.out, name, plot.to_svg().as_bytes(), &mut files)?;
        }
    }
    if selection.wants(Output::Classification) {
        let buf = classification_csv(&analyses.classification, &dataset)?;
        write_file(&opts.out, "classification.csv", &buf, &mut files)?;
    }
    if selection.wants(Output::Sensitivity) {
        let buf = sensitivity_csv(&analyses.sensitivity)?;
        write_file(&opts.out, "sensitivity.csv", &buf, &mut files)?;
        let plot = sensitivity_plot(&analyses.sensitivity);
        write_file(
            &opts.out,
            "sensitivity.svg",
            plot.to_svg().as_bytes(),
            &mut files,
        )?;
    }
    if selection.wants(Output::Embedding) {
        let buf = embedding_csv(&analyses.embedding)?;
        write_file(&opts.out, "embedding.csv", &buf, &mut files)?;
    }
    let summary = summary::summary_markdown(&summary::SummaryInput {
        grid: &grid,
        selection: &selection,
        results: &results,
        classification: &analyses.classification,
        sensitivity: &analyses.sensitivity,
        embedding: &analyses.embedding,
        dataset_len: dataset.len(),
        embed_seeds: opts.embed_seeds,
    });
    write_file(&opts.out, "SUMMARY.md", summary.as_bytes(), &mut files)?;
    let analysis_seconds = analysis_start.elapsed().as_secs_f64();
    overall.finish_and_clear();

    // 3. The manifest, last, listing everything (itself included).
    files.push(PathBuf::from("manifest.json"));
    files.sort();
    let searches = results.iter().map(|r| r.searches_this_run).sum();
    let report = Report {
        out: opts.out.clone(),
        landscapes: results,
        files,
        searches,
        explore_seconds,
        analysis_seconds,
        seconds: started.elapsed().as_secs_f64(),
    };
    let manifest = manifest_json(
        opts,
        &grid,
        &selection,
        &base,
        &dgraph_params,
        &sensitivity_params,
        &embed_params,
        &report,
    );
    let text = serde_json::to_string_pretty(&manifest)? + "\n";
    let mut ignored = Vec::new();
    write_file(&opts.out, "manifest.json", text.as_bytes(), &mut ignored)?;
    Ok(report)
}

fn write_file(out: &Path, name: &str, bytes: &[u8], files: &mut Vec<PathBuf>) -> Result<()> {
    let path = out.join(name);
    std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    files.push(PathBuf::from(name));
    Ok(())
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
    let db =
        LandscapeDb::open_or_create(&path, &LandscapeIdentity::of(&loss), Tolerances::default())
            .with_context(|| format!("opening {}", path.display()))?;
    let was_saturated = db
        .cycles()?
        .iter()
        .any(|c| c.end == Some((c.minima_start, c.ts_start)));
    let params = ExploreParams {
        max_time: Some(Duration::from_secs_f64(budget_seconds)),
        ..base.clone()
    };
    if opts.embed_seeds && k.n_hidden > 1 && db.cycles()?.is_empty() {
        let smaller = LandscapeKey {
            n_hidden: k.n_hidden - 1,
            lambda: k.lambda,
        };
        let small_path = db_path(&opts.out, &smaller);
        if small_path.exists() {
            let small = LandscapeDb::open_existing(&small_path)
                .with_context(|| format!("opening {}", small_path.display()))?;
            let seeds = embedded_stationary_points(&small)?;
            bar.set_message(format!("seeding from {}", smaller.name()));
            add_stationary_points(&db, &loss, &seeds, &params)
                .with_context(|| format!("seeding {} from {}", k.name(), smaller.name()))?;
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
        saturated: report.stop.is_saturated(),
        stop: report.stop.to_string(),
        connected: report.summary.connected,
        cycles: report.cycles,
        searches_this_run: report.searches,
        searches_total: db.count_searches()?,
        seconds_this_run: report.seconds,
        seconds_total,
        budget_seconds,
        counts,
    })
}

/// Header of counts.csv.
pub const COUNTS_CSV_HEADER: [&str; 16] = [
    "landscape",
    "n_hidden",
    "lambda",
    "n_minima",
    "n_ts",
    "ts_per_minimum",
    "global_min_energy",
    "n_minima_all_correct",
    "n_data_symmetries",
    "n_minima_data_classes",
    "n_ts_data_classes",
    "connected",
    "saturated",
    "stop",
    "searches",
    "seconds",
];

fn counts_csv(results: &[LandscapeResult]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(COUNTS_CSV_HEADER)?;
    for r in results {
        let c = &r.counts;
        w.write_record([
            r.name.clone(),
            r.n_hidden.to_string(),
            r.lambda.to_string(),
            c.n_minima.to_string(),
            c.n_transition_states.to_string(),
            c.ts_per_minimum.to_string(),
            c.global_minimum_energy.to_string(),
            c.n_minima_all_correct.to_string(),
            c.n_data_symmetries.to_string(),
            c.n_minima_classes.to_string(),
            c.n_ts_classes.to_string(),
            r.connected.to_string(),
            r.saturated.to_string(),
            r.stop.clone(),
            r.searches_total.to_string(),
            r.seconds_total.to_string(),
        ])?;
    }
    Ok(w.into_inner()?)
}

/// Re-reads a CSV written by the analysis crate and writes it with `prefix` columns in front.
struct PrefixedCsv {
    w: csv::Writer<Vec<u8>>,
    header_written: bool,
    prefix_header: Vec<&'static str>,
}

impl PrefixedCsv {
    fn new(prefix_header: &[&'static str]) -> Self {
        Self {
            w: csv::Writer::from_writer(Vec::new()),
            header_written: false,
            prefix_header: prefix_header.to_vec(),
        }
    }
    fn add(&mut self, analysis_csv: &[u8], prefix: &[String]) -> Result<()> {
        let mut r = csv::Reader::from_reader(analysis_csv);
        if !self.header_written {
            let mut h: Vec<String> = self.prefix_header.iter().map(|s| s.to_string()).collect();
            h.extend(r.headers()?.iter().map(str::to_owned));
            self.w.write_record(&h)?;
            self.header_written = true;
        }
        for rec in r.records() {
            let rec = rec?;
            let row: Vec<&str> = prefix
                .iter()
                .map(String::as_str)
                .chain(rec.iter())
                .collect();
            self.w.write_record(&row)?;
        }
        Ok(())
    }
    fn finish(self) -> Result<Vec<u8>> {
        Ok(self.w.into_inner()?)
    }
}

fn key_prefix(k: &LandscapeKey) -> Vec<String> {
    vec![k.n_hidden.to_string(), k.lambda.to_string()]
}

/// classification.csv: `n_hidden,lambda` then the analysis crate's columns.
fn classification_csv(
    rows: &[(LandscapeKey, LandscapeClassification)],
    dataset: &Dataset,
) -> Result<Vec<u8>> {
    let mut out = PrefixedCsv::new(&["n_hidden", "lambda"]);
    let empty = LandscapeClassification {
        rows: vec![],
        minima_histogram: vec![],
        ts_histogram: vec![],
    };
    let mut buf = Vec::new();
    empty.write_csv(dataset, &mut buf)?;
    out.add(&buf, &[])?;
    for (k, c) in rows {
        let mut buf = Vec::new();
        c.write_csv(dataset, &mut buf)?;
        out.add(&buf, &key_prefix(k))?;
    }
    out.finish()
}

/// sensitivity.csv: `n_hidden,lambda,group` then the analysis crate's columns.
fn sensitivity_csv(rows: &[(LandscapeKey, LandscapeSensitivity)]) -> Result<Vec<u8>> {
    let mut out = PrefixedCsv::new(&["n_hidden", "lambda", "group"]);
    let empty = LandscapeSensitivity {
        sigmas: vec![],
        rows: vec![],
        groups: vec![],
    };
    let mut buf = Vec::new();
    empty.write_csv(&mut buf)?;
    out.add(&buf, &[])?;
    for (k, s) in rows {
        let gmin = summary::global_minimum_of(s);
        for row in &s.rows {
            let one = LandscapeSensitivity {
                sigmas: s.sigmas.clone(),
                rows: vec![row.clone()],
                groups: vec![],
            };
            let mut buf = Vec::new();
            one.write_csv(&mut buf)?;
            let mut prefix = key_prefix(k);
            prefix.push(summary::group_of(row, gmin).as_str().replace(' ', "_"));
            out.add(&buf, &prefix)?;
        }
    }
    out.finish()
}

/// embedding.csv: `n_hidden,lambda` (of the smaller network) then the analysis crate's columns.
fn embedding_csv(rows: &[(LandscapeKey, Vec<EmbedRow>)]) -> Result<Vec<u8>> {
    let mut out = PrefixedCsv::new(&["n_hidden", "lambda"]);
    let mut buf = Vec::new();
    write_embed_csv(&[], &mut buf)?;
    out.add(&buf, &[])?;
    for (k, r) in rows {
        let mut buf = Vec::new();
        write_embed_csv(r, &mut buf)?;
        out.add(&buf, &key_prefix(k))?;
    }
    out.finish()
}

fn sorted_unique<T: PartialOrd + Copy>(mut v: Vec<T>) -> Vec<T> {
    v.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
    v.dedup_by(|a, b| a == b);
    v
}

/// counts_vs_lambda.svg, counts_vs_nh.svg and ratio.svg.
fn count_plots(results: &[LandscapeResult]) -> Vec<(&'static str, Plot)> {
    let hidden = sorted_unique(results.iter().map(|r| r.n_hidden).collect());
    let lambdas = sorted_unique(results.iter().map(|r| r.lambda).collect());
    let unsat_note =
        "Hollow markers: not saturated within the time budget, or minima not all connected (lower bounds)."
            .to_string();
    let zero_note = "Zero counts cannot be drawn on a log axis and break the line.".to_string();
    let series = |name: String,
                  colour: usize,
                  dashed: bool,
                  rows: Vec<&LandscapeResult>,
                  x: &dyn Fn(&LandscapeResult) -> f64,
                  y: &dyn Fn(&LandscapeResult) -> f64| Series {
        name,
        points: rows.iter().map(|r| (x(r), y(r))).collect(),
        hollow: rows.iter().map(|r| !r.saturated || !r.connected).collect(),
        colour,
        dashed,
    };
    let mut by_lambda = Vec::new();
    let mut ratio = Vec::new();
    for (i, &h) in hidden.iter().enumerate() {
        let rows: Vec<&LandscapeResult> = {
            let mut v: Vec<&LandscapeResult> = results.iter().filter(|r| r.n_hidden == h).collect();
            v.sort_by(|a, b| a.lambda.total_cmp(&b.lambda));
            v
        };
        by_lambda.push(series(
            format!("N_h = {h} minima"),
            i,
            false,
            rows.clone(),
            &|r| r.lambda,
            &|r| r.counts.n_minima as f64,
        ));
        by_lambda.push(series(
            format!("N_h = {h} TS"),
            i,
            true,
            rows.clone(),
            &|r| r.lambda,
            &|r| r.counts.n_transition_states as f64,
        ));
        ratio.push(series(
            format!("N_h = {h}"),
            i,
            false,
            rows,
            &|r| r.lambda,
            &|r| r.counts.ts_per_minimum,
        ));
    }
    let mut by_nh = Vec::new();
    for (i, &l) in lambdas.iter().rev().enumerate() {
        let mut rows: Vec<&LandscapeResult> = results.iter().filter(|r| r.lambda == l).collect();
        rows.sort_by_key(|r| r.n_hidden);
        by_nh.push(series(
            format!("lambda = {} minima", lambda_label(l)),
            i,
            false,
            rows.clone(),
            &|r| r.n_hidden as f64,
            &|r| r.counts.n_minima as f64,
        ));
        by_nh.push(series(
            format!("lambda = {} TS", lambda_label(l)),
            i,
            true,
            rows,
            &|r| r.n_hidden as f64,
            &|r| r.counts.n_transition_states as f64,
        ));
    }
    vec![
        (
            "counts_vs_lambda.svg",
            Plot {
                title: "XOR: minima (solid) and transition states (dashed) vs lambda".into(),
                x_label: "lambda (L2 regularisation)".into(),
                y_label: "count up to network symmetry".into(),
                x_log: true,
                y_log: true,
                x_integer: false,
                y_range: None,
                series: by_lambda,
                notes: vec![unsat_note.clone(), zero_note.clone()],
            },
        ),
        (
            "counts_vs_nh.svg",
            Plot {
                title: "XOR: minima (solid) and transition states (dashed) vs N_h".into(),
                x_label: "N_h (hidden nodes)".into(),
                y_label: "count up to network symmetry".into(),
                x_log: false,
                y_log: true,
                x_integer: true,
                y_range: None,
                series: by_nh,
                notes: vec![unsat_note.clone(), zero_note],
            },
        ),
        (
            "ratio.svg",
            Plot {
                title: "XOR: transition states per minimum vs lambda".into(),
                x_label: "lambda (L2 regularisation)".into(),
                y_label: "transition states / minima".into(),
                x_log: true,
                y_log: false,
                x_integer: false,
                y_range: None,
                series: ratio,
                notes: vec![unsat_note],
            },
        ),
    ]
}

/// sensitivity.svg: mean fraction still correct vs sigma, per group, pooled over the grid.
fn sensitivity_plot(rows: &[(LandscapeKey, LandscapeSensitivity)]) -> Plot {
    let pooled = summary::pooled_sensitivity(rows);
    let series = pooled
        .iter()
        .enumerate()
        .map(|(i, (group, count, curve))| Series {
            name: format!("{} ({count})", group.as_str()),
            points: curve.clone(),
            hollow: vec![],
            colour: i,
            dashed: false,
        })
        .collect();
    Plot {
        title: "XOR: classification under Gaussian input noise".into(),
        x_label: "sigma (noise on each input feature)".into(),
        y_label: "mean fraction of noisy inputs classified correctly".into(),
        x_log: true,
        y_log: false,
        x_integer: false,
        y_range: Some((-0.02, 1.02)),
        series,
        notes: vec![format!(
            "Means over every stationary point of {} landscape(s); (n) = number of points.",
            rows.len()
        )],
    }
}

/// Best-effort code version: the crate version and, when git is there, the commit (read only).
fn code_version() -> serde_json::Value {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    json!({
        "package_version": env!("CARGO_PKG_VERSION"),
        "git_commit": git(&["rev-parse", "HEAD"]),
        "git_dirty": git(&["status", "--porcelain", "--untracked-files=no"]).map(|s| !s.is_empty()),
        "optimised": !cfg!(debug_assertions),
    })
}

#[allow(clippy::too_many_arguments)]
fn manifest_json(
    opts: &ReproduceOptions,
    grid: &Grid,
    selection: &Selection,
    base: &ExploreParams,
    dgraph: &DgraphParams,
    sensitivity: &SensitivityParams,
    embed: &EmbedParams,
    report: &Report,
) -> serde_json::Value {
    let dataset = Dataset::xor();
    let landscapes: Vec<serde_json::Value> = report
        .landscapes
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap_or_default();
            let settings = LandscapeDb::open_existing(opts.out.join(&r.db))
                .map(|db| debug_to_json(db.tolerances()))
                .unwrap_or(serde_json::Value::Null);
            if let Some(o) = v.as_object_mut() {
                o.insert("tolerances".into(), settings);
                o.insert("seed".into(), json!(base.seed));
            }
            v
        })
        .collect();
    let mut budget = BTreeMap::new();
    budget.insert("total_seconds", json!(opts.time_budget().as_secs_f64()));
    budget.insert(
        "min_per_landscape_seconds",
        json!(MIN_LANDSCAPE_BUDGET.as_secs_f64()),
    );
    budget.insert(
        "rule",
        json!("landscapes in table order; each gets remaining * 2^N_h / (sum of 2^N_h over the landscapes left), at least the minimum; unused time passes on"),
    );
    json!({
        "study": "Mehta, Zhao, Bernal, Wales, Loss surface of XOR artificial neural networks, Phys. Rev. E 97, 052307 (2018)",
        "command": "cargo xtask reproduce",
        "code_version": code_version(),
        "options": {
            "quick": opts.quick,
            "out": opts.out,
            "only": opts.only,
            "selection": format!("{selection:?}"),
            "threads": opts.threads,
            "seed": opts.seed,
            "embed_seeds": opts.embed_seeds,
        },
        "dataset": { "name": dataset.name(), "content_hash": dataset.content_hash(), "points": dataset.len() },
        "grid": {
            "hidden": grid.hidden,
            "lambdas": grid.lambdas,
            "landscapes": report.landscapes.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
        },
        "time_budget": budget,
        "settings": {
            "explore_params": debug_to_json(base),
            "explore_params_note": "max_time is set per landscape (landscapes[].budget_seconds)",
            "tolerances_default": debug_to_json(&Tolerances::default()),
            "dgraph_params": debug_to_json(dgraph),
            "sensitivity_params": debug_to_json(sensitivity),
            "embed_params": debug_to_json(embed),
        },
        "landscapes": landscapes,
        "timings": {
            "total_seconds": report.seconds,
            "explore_seconds": report.explore_seconds,
            "analysis_seconds": report.analysis_seconds,
            "searches_this_run": report.searches,
        },
        "files": report.files,
    })
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
