//! `nnscape dgraph`, `nnscape embed` and `nnscape analyse`: the landscape analyses of
//! nnscape-analysis on a database, to CSV / SVG files and a readable summary.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use nnscape_analysis::classification::classify_landscape;
use nnscape_analysis::counts::{landscape_counts, write_counts_csv};
use nnscape_analysis::dgraph::{DgraphParams, DisconnectivityGraph, Levels};
use nnscape_analysis::embed::{embed_landscape, write_embed_csv};
use nnscape_analysis::sensitivity::{landscape_sensitivity, SensitivityParams};
use nnscape_model::Dataset;

use crate::common::{check_output_dir, prepare, write_dir, write_output};
use crate::{range, store};

/// Training data: the CSV file given, or the built-in XOR set.
pub fn dataset(path: Option<&Path>) -> Result<Dataset> {
    Ok(match path {
        Some(p) => Dataset::from_csv_path(p)?,
        None => Dataset::xor(),
    })
}

#[derive(Debug, clap::Args)]
pub struct DgraphArgs {
    /// Landscape database.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// SVG drawing to write.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    /// CSV of line segments (x1,y1,x2,y2,minimum_id) to write.
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Number of energy levels (pele's default 20).
    #[arg(long, default_value_t = 20, conflicts_with = "spacing", value_parser = range::count(range::LEVELS))]
    pub levels: usize,
    /// Energy spacing between levels instead of a number of levels (disconnectionDPS DELTA).
    #[arg(long, value_name = "DELTA")]
    pub spacing: Option<f64>,
    /// Top level; default the highest transition state.
    #[arg(long, value_name = "E", allow_negative_numbers = true)]
    pub emax: Option<f64>,
    /// Do not centre the global minimum's branch.
    #[arg(long)]
    pub no_centre_gmin: bool,
    /// Training data CSV of the database (default: built-in XOR).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
}

pub fn run_dgraph(args: &DgraphArgs) -> Result<()> {
    let params = DgraphParams {
        levels: match args.spacing {
            Some(d) => Levels::Spacing(d),
            None => Levels::Count(args.levels),
        },
        emax: args.emax,
        centre_gmin: !args.no_centre_gmin,
    };
    params.validate()?;
    let csv = args.csv.as_deref().map(prepare).transpose()?;
    let svg = args.svg.as_deref().map(prepare).transpose()?;
    let data = dataset(args.data.as_deref())?;
    let db = store::open_reader(&args.db, &data, true)?;
    let g = DisconnectivityGraph::from_db(&db, &data, &params)
        .with_context(|| format!("{}", args.db.display()))?;
    if let Some(out) = csv {
        write_output(out, |w| Ok(g.write_csv(w)?))?;
    }
    if let Some(out) = svg {
        write_output(out, |w| Ok(w.write_all(g.to_svg().as_bytes())?))?;
    }
    println!(
        "{} minima, {} transition states ({} redundant for the tree), {} levels up to Emax = {}",
        g.minima.len(),
        db.count_transition_states()?,
        g.tree.redundant_edges.len(),
        g.levels.len(),
        g.levels.last().copied().unwrap_or(f64::NAN)
    );
    println!("global minimum: {}", g.global_minimum);
    if !g.disconnected.is_empty() {
        println!(
            "not connected to the global minimum (drawn as separate trees): {:?}",
            g.disconnected
        );
    }
    if !g.above_emax.is_empty() {
        println!("above Emax (not drawn): {:?}", g.above_emax);
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct EmbedArgs {
    /// Database of the N_h landscape.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Database of the N_h + 1 landscape, to look the embedded points up in.
    #[arg(long, value_name = "FILE")]
    pub into: Option<PathBuf>,
    /// CSV to write (kind,id,energy,rms_gradient_embedded,index_small,index_large,found_in_larger).
    #[arg(long, value_name = "FILE")]
    pub csv: PathBuf,
    /// Training data CSV of the databases (default: built-in XOR).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
}

pub fn run_embed(args: &EmbedArgs) -> Result<()> {
    let out = prepare(&args.csv)?;
    let data = dataset(args.data.as_deref())?;
    let small = store::open_reader(&args.db, &data, true)?;
    let larger = args
        .into
        .as_deref()
        .map(|p| store::open_reader(p, &data, false))
        .transpose()?;
    // Indices use the zero-mode cut-off stored in the database.
    let rows = embed_landscape(&small, larger.as_ref(), &data)?;
    write_output(out, |w| Ok(write_embed_csv(&rows, w)?))?;
    let worst_gradient = rows
        .iter()
        .map(|r| r.rms_gradient_embedded)
        .fold(0.0, f64::max);
    let changed = rows
        .iter()
        .filter(|r| r.index_large != r.index_small)
        .count();
    println!(
        "{} points embedded in N_h = {}: largest RMS gradient {worst_gradient:e}; Hessian index grew for {changed}",
        rows.len(),
        small.network().n_hidden() + 1
    );
    if larger.is_some() {
        let found = rows.iter().filter(|r| r.found_in_larger.is_found()).count();
        println!("{found} of them are already in the larger database");
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct AnalyseArgs {
    /// Landscape database.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Output directory (created): classification.csv, sensitivity.csv, counts.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Training data CSV of the database (default: built-in XOR).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Base seed of the input-noise streams.
    #[arg(long, default_value_t = SensitivityParams::default().seed)]
    pub seed: u64,
    /// Perturbed copies of each data point per noise level.
    #[arg(long, default_value_t = SensitivityParams::default().samples, value_parser = range::count(range::SAMPLES))]
    pub samples: usize,
}

pub fn run_analyse(args: &AnalyseArgs) -> Result<()> {
    // Every option and the output folder are checked, and everything is computed, before
    // anything is written.
    let params = SensitivityParams {
        seed: args.seed,
        samples: args.samples,
        ..SensitivityParams::default()
    };
    params.validate()?;
    check_output_dir(&args.out)?;
    let data = dataset(args.data.as_deref())?;
    let db = store::open_reader(&args.db, &data, true)?;
    let n = data.len();
    let counts = landscape_counts(&db, &data)?;
    let classes = classify_landscape(&db, &data)?;
    let sens = landscape_sensitivity(&db, &data, &params)?;
    write_dir(
        &args.out,
        vec![
            (
                "counts.csv",
                Box::new(|w| Ok(write_counts_csv(std::slice::from_ref(&counts), w)?)),
            ),
            (
                "classification.csv",
                Box::new(|w| Ok(classes.write_csv(&data, w)?)),
            ),
            ("sensitivity.csv", Box::new(|w| Ok(sens.write_csv(w)?))),
        ],
    )?;

    println!(
        "N_h = {}, lambda = {}: {} minima, {} transition states ({:.3} per minimum); global minimum E = {}",
        counts.n_hidden,
        counts.lambda,
        counts.n_minima,
        counts.n_transition_states,
        counts.ts_per_minimum,
        counts.global_minimum_energy
    );
    println!(
        "up to network and {} data symmetries: {} minima, {} transition states",
        counts.n_data_symmetries, counts.n_minima_classes, counts.n_ts_classes
    );
    println!("points correct   minima   transition states");
    for k in (0..=n).rev() {
        println!(
            "  {k:>3}/{n:<3}      {:>7}   {:>7}",
            classes.minima_histogram[k], classes.ts_histogram[k]
        );
    }
    println!("fraction still correct under input noise (mean per group)");
    let header: Vec<String> = sens.sigmas.iter().map(|s| format!("{s:>7.3}")).collect();
    println!(
        "  {:<18} {:>5}  {}  |dp/dx|",
        "sigma",
        "n",
        header.join(" ")
    );
    for g in &sens.groups {
        let cells: Vec<String> = g
            .mean_fraction_correct
            .iter()
            .map(|f| format!("{f:>7.3}"))
            .collect();
        println!(
            "  {:<18} {:>5}  {}  {:.4}",
            g.group.as_str(),
            g.count,
            cells.join(" "),
            g.mean_input_gradient_norm
        );
    }
    println!("wrote {}", args.out.display());
    Ok(())
}
