//! manifest.json: every setting of the run (the settings structs of the other crates, as serde
//! writes them), the grid, the time budget, what happened to each landscape, the timings and
//! the list of files.
//!
//! A value that cannot be serialised is an error. JSON has no infinity, so non-finite floats
//! are written as the strings `"inf"`, `"-inf"`, `"NaN"` ([`Finite`]) rather than as `null`.

mod finite;

use anyhow::{Context, Result};
use nnscape_analysis::compression::CompressionParams;
use nnscape_analysis::dgraph::DgraphParams;
use nnscape_analysis::sensitivity::SensitivityParams;
use nnscape_analysis::training::LandingParams;
use nnscape_landscape::{ExploreParams, LandscapeDb};
use nnscape_model::Dataset;
use serde::Serialize;
use serde_json::{json, Value};

use crate::explore::MIN_LANDSCAPE_BUDGET;
use crate::grid::{Grid, Selection};
use crate::{Report, ReproduceOptions};

use finite::Finite;

/// The settings of the analyses of one run (the exploration settings are per landscape).
pub(crate) struct AnalysisSettings {
    pub dgraph: DgraphParams,
    pub sensitivity: SensitivityParams,
    pub compression: CompressionParams,
    pub training: crate::training::TrainingPlan,
}

/// `value` as JSON, non-finite floats as strings; an error when serde cannot serialise it.
fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<Value> {
    Ok(serde_json::to_value(Finite(value))?)
}

/// Best-effort code version: the crate version and, when git is there, the commit (read only).
fn code_version() -> Value {
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

/// The manifest of a finished run.
pub(crate) fn manifest_json(
    opts: &ReproduceOptions,
    grid: &Grid,
    selection: &Selection,
    base: &ExploreParams,
    analyses: &AnalysisSettings,
    report: &Report,
) -> Result<Value> {
    let dataset = Dataset::xor();
    let landscapes = report
        .landscapes
        .iter()
        .map(|r| -> Result<Value> {
            let mut v = to_json(r)?;
            let path = opts.out.join(&r.db);
            let db = LandscapeDb::open_existing(&path)
                .with_context(|| format!("opening {} for the manifest", path.display()))?;
            let o = v
                .as_object_mut()
                .context("a landscape result is not a JSON object")?;
            o.insert("tolerances".into(), to_json(db.tolerances())?);
            o.insert("seed".into(), json!(base.seed));
            Ok(v)
        })
        .collect::<Result<Vec<Value>>>()?;
    Ok(json!({
        "study": "Mehta, Zhao, Bernal, Wales, Loss surface of XOR artificial neural networks, Phys. Rev. E 97, 052307 (2018)",
        "command": "cargo xtask reproduce",
        "code_version": code_version(),
        "options": {
            "quick": opts.quick,
            "out": to_json(&opts.out)?,
            "only": opts.only,
            "selection": to_json(selection)?,
            "threads": opts.threads,
            "seed": opts.seed,
            "embed_seeds": opts.embed_seeds,
        },
        "dataset": { "name": dataset.name(), "content_hash": dataset.content_hash(), "points": dataset.len() },
        "grid": {
            "hidden": grid.hidden,
            "lambdas": to_json(&grid.lambdas)?,
            "landscapes": report.landscapes.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
        },
        "time_budget": {
            "total_seconds": opts.time_budget().as_secs_f64(),
            "min_per_landscape_seconds": MIN_LANDSCAPE_BUDGET.as_secs_f64(),
            "rule": "landscapes in table order; each gets remaining * 2^N_h / (sum of 2^N_h over the landscapes left), at least the minimum; unused time passes on",
        },
        "settings": {
            "explore_params": to_json(base)?,
            "explore_params_note": "max_time is set per landscape (landscapes[].budget_seconds)",
            "tolerances_note": "per landscape (landscapes[].tolerances), Tolerances::at_lambda: same-point distance min(1e-3, 0.1 sqrt(lambda)), eigenvalue cut-off 1e-4 lambda within [1e-12, 1e-7], energy 1e-7 relative",
            "dgraph_params": to_json(&analyses.dgraph)?,
            "sensitivity_params": to_json(&analyses.sensitivity)?,
            "training_plan": to_json(&analyses.training)?,
            "training_plan_note": "runs on the landscapes of the grid whose N_h and lambda are both in the plan; `runs` per optimiser and initialisation; run r draws from ChaCha8 stream r of `seed`",
            "train_params": to_json(&analyses.training.settings())?,
            "landing_params": to_json(&LandingParams::default())?,
            "compression_params": to_json(&analyses.compression)?,
        },
        "landscapes": landscapes,
        "timings": {
            "total_seconds": report.seconds,
            "explore_seconds": report.explore_seconds,
            "analysis_seconds": report.analysis_seconds,
            "searches_this_run": report.searches,
        },
        "files": to_json(&report.files)?,
    }))
}
