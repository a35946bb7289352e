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
//!
//! One module per job: `grid` (which landscapes, `--only`), `explore` (the time budget and
//! one landscape explored and counted), `tables` (the CSV files), `figures` (the SVG plots),
//! `summary` (SUMMARY.md: one function per claim, then a renderer), `manifest`
//! (manifest.json); this file runs them in order.

mod explore;
mod figures;
mod grid;
mod manifest;
pub mod plot;
mod summary;
mod tables;
mod training;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget};
use nnscape_analysis::classification::{classify_landscape, LandscapeClassification};
use nnscape_analysis::compression::{CompressionParams, CompressionRow};
use nnscape_analysis::dgraph::{DgraphParams, DisconnectivityGraph};
use nnscape_analysis::embed::{embed_landscape, EmbedRow};
use nnscape_analysis::sensitivity::{
    landscape_sensitivity, LandscapeSensitivity, SensitivityParams,
};
use nnscape_landscape::LandscapeDb;
use nnscape_model::Dataset;

use crate::explore::{bar_style, db_path, explore_grid, recount};
use crate::manifest::{manifest_json, AnalysisSettings};

pub use crate::explore::{
    explore_params, require_saturated, LandscapeResult, FULL_TIME_BUDGET, MAX_CYCLES,
    MIN_LANDSCAPE_BUDGET, QUICK_TIME_BUDGET,
};
pub use crate::grid::{
    lambda_label, Grid, LandscapeKey, Output, Selection, FULL_HIDDEN, FULL_LAMBDAS, OUTPUT_NAMES,
    QUICK_HIDDEN, QUICK_LAMBDAS,
};
pub use crate::tables::COUNTS_CSV_HEADER;
pub use crate::training::{LandscapeTraining, TrainingPlan};

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
    /// Which landscapes training runs on and how many runs (`None`: [`TrainingPlan::full`], or
    /// [`TrainingPlan::quick`] with `quick`).
    pub training: Option<TrainingPlan>,
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
            training: None,
        }
    }
    /// The training plan the options select.
    pub fn training_plan(&self) -> TrainingPlan {
        match (&self.training, self.quick) {
            (Some(p), _) => p.clone(),
            (None, true) => TrainingPlan::quick(),
            (None, false) => TrainingPlan::full(),
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
    training: Vec<LandscapeTraining>,
    compression: Vec<(LandscapeKey, Vec<CompressionRow>)>,
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

    // 1. Explore every landscape.
    let base = explore_params(opts.seed);
    let explore_start = Instant::now();
    let mut results = explore_grid(opts, &keys, &base, budget, &pool, (&multi, &overall))?;
    let explore_seconds = explore_start.elapsed().as_secs_f64();

    // 2. Training first: it stores the minima a map lacks, and every table after it (counts
    // included) reads the databases as it leaves them, as a rerun does.
    let analysis_start = Instant::now();
    let dataset = Dataset::xor();
    let plan = opts.training_plan();
    let mut training = Vec::new();
    if selection.wants(Output::Training) {
        overall.set_message("training");
        training = pool.install(|| training::train_grid(&opts.out, &keys, &plan, &dataset))?;
        for t in &training {
            if let Some(r) = results.iter_mut().find(|r| r.name == t.key.name()) {
                recount(&opts.out, r, &dataset)?;
            }
        }
    }

    // 3. Analyses and files.
    overall.set_message("analyses");
    let settings = AnalysisSettings {
        dgraph: DgraphParams::default(),
        sensitivity: SensitivityParams::default(),
        compression: CompressionParams::default(),
        training: plan,
    };
    let mut files: Vec<PathBuf> = Vec::new();
    let mut analyses = pool.install(|| {
        analyse(
            &opts.out, &keys, &selection, &dataset, &settings, &mut files,
        )
    })?;
    analyses.training = training;
    write_tables_and_figures(
        &opts.out, &selection, &results, &analyses, &dataset, &mut files,
    )?;
    let summary = summary::summary_markdown(&summary::SummaryInput {
        grid: &grid,
        selection: &selection,
        results: &results,
        classification: &analyses.classification,
        sensitivity: &analyses.sensitivity,
        embedding: &analyses.embedding,
        training: &analyses.training,
        compression: &analyses.compression,
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
    let manifest = manifest_json(opts, &grid, &selection, &base, &settings, &report)?;
    let text = serde_json::to_string_pretty(&manifest)? + "\n";
    let mut ignored = Vec::new();
    write_file(&opts.out, "manifest.json", text.as_bytes(), &mut ignored)?;
    Ok(report)
}

/// Runs the selected analyses of every landscape (inside the caller's pool); writes the
/// disconnectivity graphs, which need nothing from the other landscapes, as it goes.
fn analyse(
    out: &Path,
    keys: &[LandscapeKey],
    selection: &Selection,
    dataset: &Dataset,
    settings: &AnalysisSettings,
    files: &mut Vec<PathBuf>,
) -> Result<Analyses> {
    let mut analyses = Analyses::default();
    for k in keys {
        let db = LandscapeDb::open_existing(db_path(out, k))?;
        if selection.wants(Output::Dgraph) {
            let g = DisconnectivityGraph::from_db(&db, dataset, &settings.dgraph)?;
            let mut buf = Vec::new();
            g.write_csv(&mut buf)?;
            write_file(out, &format!("dgraph_{}.csv", k.name()), &buf, files)?;
            let svg_name = format!("dgraph_{}.svg", k.name());
            write_file(out, &svg_name, g.to_svg().as_bytes(), files)?;
        }
        if selection.wants(Output::Classification) {
            analyses
                .classification
                .push((*k, classify_landscape(&db, dataset)?));
        }
        if selection.wants(Output::Sensitivity) {
            analyses.sensitivity.push((
                *k,
                landscape_sensitivity(&db, dataset, &settings.sensitivity)?,
            ));
        }
    }
    if selection.wants(Output::Embedding) {
        for k in keys {
            let big = LandscapeKey {
                n_hidden: k.n_hidden + 1,
                lambda: k.lambda,
            };
            if !keys.contains(&big) {
                continue;
            }
            let small_db = LandscapeDb::open_existing(db_path(out, k))?;
            let big_db = LandscapeDb::open_existing(db_path(out, &big))?;
            let rows = embed_landscape(&small_db, Some(&big_db), dataset)?;
            analyses.embedding.push((*k, rows));
        }
    }
    if selection.wants(Output::Compression) {
        analyses.compression = training::compress_grid(out, keys, dataset, &settings.compression)?;
    }
    Ok(analyses)
}

/// The selected tables and plots over the whole grid.
fn write_tables_and_figures(
    out: &Path,
    selection: &Selection,
    results: &[LandscapeResult],
    analyses: &Analyses,
    dataset: &Dataset,
    files: &mut Vec<PathBuf>,
) -> Result<()> {
    if selection.wants(Output::Counts) {
        write_file(out, "counts.csv", &tables::counts_csv(results)?, files)?;
        for (name, plot) in figures::count_plots(results) {
            write_file(out, name, plot.to_svg().as_bytes(), files)?;
        }
    }
    if selection.wants(Output::Classification) {
        let buf = tables::classification_csv(&analyses.classification, dataset)?;
        write_file(out, "classification.csv", &buf, files)?;
    }
    if selection.wants(Output::Sensitivity) {
        let buf = tables::sensitivity_csv(&analyses.sensitivity)?;
        write_file(out, "sensitivity.csv", &buf, files)?;
        let plot = figures::sensitivity_plot(&analyses.sensitivity);
        write_file(out, "sensitivity.svg", plot.to_svg().as_bytes(), files)?;
    }
    if selection.wants(Output::Embedding) {
        let buf = tables::embedding_csv(&analyses.embedding)?;
        write_file(out, "embedding.csv", &buf, files)?;
    }
    if selection.wants(Output::Training) {
        let buf = tables::training_csv(&analyses.training)?;
        write_file(out, "training.csv", &buf, files)?;
        let svg = figures::landing_svg(&analyses.training);
        write_file(out, "landing.svg", svg.as_bytes(), files)?;
    }
    if selection.wants(Output::Compression) {
        let buf = tables::compression_csv(&analyses.compression)?;
        write_file(out, "compression.csv", &buf, files)?;
    }
    Ok(())
}

fn write_file(out: &Path, name: &str, bytes: &[u8], files: &mut Vec<PathBuf>) -> Result<()> {
    let path = out.join(name);
    std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    files.push(PathBuf::from(name));
    Ok(())
}
