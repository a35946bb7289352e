//! `nnscape train` and `nnscape compress`: which minima ordinary training lands in, and how
//! many hidden nodes each stationary point really uses and how it takes dropout.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use nnscape_analysis::compression::{
    compress_landscape, CompressionParams, CompressionRow, DropoutParams, Reduced,
    COMPRESSION_CSV_HEADER,
};
use nnscape_analysis::training::stats::landing_groups;
use nnscape_analysis::training::{land_runs, Landing, LandingParams, LANDING_CSV_HEADER};
use nnscape_analysis::PointKind;
use nnscape_optim::train::{Init, Optimiser, SgdParams, TrainParams};

use crate::analysis::dataset;
use crate::common::{prepare, thread_pool, write_output};
use crate::{range, store};

/// Training runs per optimiser and initialisation: 1..=10^6.
const RUNS: std::ops::RangeInclusive<u64> = 1..=1_000_000;
/// Epochs of a run: 1..=10^7.
const EPOCHS: std::ops::RangeInclusive<u64> = 1..=10_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OptimiserName {
    /// Full-batch gradient descent.
    Gd,
    /// SGD with momentum on mini-batches.
    Sgd,
    /// Adam, full batch.
    Adam,
    /// All three.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InitName {
    /// Glorot/Xavier uniform, biases 0.
    Glorot,
    /// He normal, biases 0.
    He,
    /// Every parameter uniform in [-a, a] (--uniform-a).
    Uniform,
    /// All three.
    All,
}

#[derive(Debug, clap::Args)]
pub struct TrainArgs {
    /// Landscape database: the map the runs are matched to. Minima it lacks are stored in it
    /// (and logged as found by training).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Runs per optimiser and initialisation.
    #[arg(long, default_value_t = 100, value_parser = range::count(RUNS))]
    pub runs: usize,
    /// Optimiser.
    #[arg(long, value_enum, default_value_t = OptimiserName::All)]
    pub optimiser: OptimiserName,
    /// Initialisation.
    #[arg(long, value_enum, default_value_t = InitName::All)]
    pub init: InitName,
    /// Epoch budget of a run.
    #[arg(long, default_value_t = TrainParams::default().epochs, value_parser = range::count(EPOCHS))]
    pub epochs: usize,
    /// Learning rate, one value for every optimiser chosen (default: each optimiser's own: gd
    /// 0.1, sgd 0.01, adam 1e-3).
    #[arg(long, value_name = "LR", allow_negative_numbers = true)]
    pub lr: Option<f64>,
    /// Mini-batch size of sgd.
    #[arg(long, default_value_t = SgdParams::default().batch_size, value_parser = range::count(RUNS))]
    pub batch_size: usize,
    /// Half-width of the uniform initialisation.
    #[arg(
        long,
        value_name = "A",
        default_value_t = 1.0,
        allow_negative_numbers = true
    )]
    pub uniform_a: f64,
    /// Early stopping: RMS gradient at which a run ends.
    #[arg(long, value_name = "G", default_value_t = TrainParams::default().gradient_tolerance, allow_negative_numbers = true)]
    pub gradient_tolerance: f64,
    /// Master seed of the runs.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = range::count(range::THREADS))]
    pub threads: Option<usize>,
    /// CSV of every run (optimiser,init,run,epochs,final_loss,n_correct,outcome,minimum_id,distance).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Training data CSV of the database (default: built-in XOR).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
}

impl TrainArgs {
    /// The settings of every (optimiser, initialisation) asked for, validated.
    fn settings(&self) -> Result<Vec<TrainParams>> {
        let optimisers: Vec<Optimiser> = match self.optimiser {
            OptimiserName::All => Optimiser::all().to_vec(),
            OptimiserName::Gd => vec![Optimiser::gradient_descent()],
            OptimiserName::Sgd => vec![Optimiser::sgd()],
            OptimiserName::Adam => vec![Optimiser::adam()],
        };
        let uniform = Init::Uniform { a: self.uniform_a };
        let inits = match self.init {
            InitName::All => vec![Init::GlorotUniform, Init::HeNormal, uniform],
            InitName::Glorot => vec![Init::GlorotUniform],
            InitName::He => vec![Init::HeNormal],
            InitName::Uniform => vec![uniform],
        };
        let mut out = Vec::new();
        for o in optimisers {
            let mut o = match self.lr {
                Some(lr) => o.with_learning_rate(lr),
                None => o,
            };
            if let Optimiser::Sgd(p) = &mut o {
                p.batch_size = self.batch_size;
            }
            for &init in &inits {
                let p = TrainParams {
                    optimiser: o,
                    init,
                    epochs: self.epochs,
                    gradient_tolerance: self.gradient_tolerance,
                    seed: self.seed,
                };
                p.validate().context("training settings")?;
                out.push(p);
            }
        }
        Ok(out)
    }
}

pub fn run_train(args: &TrainArgs) -> Result<()> {
    // Settings, data, the database (read-only) and the output place are checked before the
    // database is opened for writing.
    let settings = args.settings()?;
    let data = dataset(args.data.as_deref())?;
    let reader = store::open_reader(&args.db, &data, true)?;
    let loss = nnscape_analysis::landscape_loss(&reader, &data)?;
    drop(reader);
    let out = args.csv.as_deref().map(prepare).transpose()?;
    let pool = thread_pool(args.threads)?;
    let lp = LandingParams::default();
    let (landings, minima) = pool.install(|| -> Result<_> {
        let db = store::open_writer(&args.db, &loss)?;
        let mut all: Vec<Landing> = Vec::new();
        for p in &settings {
            all.extend(
                land_runs(&db, &data, p, 0..args.runs, &lp)
                    .with_context(|| format!("training on {}", args.db.display()))?,
            );
        }
        Ok((all, db.minima()?))
    })?;
    if let Some(out) = out {
        write_output(out, |w| {
            let mut c = csv::Writer::from_writer(w);
            c.write_record(LANDING_CSV_HEADER)?;
            for l in &landings {
                c.write_record(l.csv_record())?;
            }
            c.flush()?;
            Ok(())
        })?;
    }
    let groups = landing_groups(&landings, &minima, data.len());
    println!(
        "{} runs on {} ({} minima in the map now)",
        landings.len(),
        args.db.display(),
        minima.len()
    );
    println!(
        "{:<5} {:<8} {:>6} {:>7} {:>9} {:>6} {:>7}  {:<24} {:<24}",
        "opt",
        "init",
        "runs",
        "minimum",
        "unmatched",
        "saddle",
        "plateau",
        "P(global minimum)",
        "P(all points correct)"
    );
    for g in &groups {
        let count = |i: usize| g.outcomes[i].1;
        let ci = |p: &nnscape_analysis::training::stats::Proportion| {
            format!("{:.3} [{:.3}, {:.3}]", p.p, p.lo, p.hi)
        };
        println!(
            "{:<5} {:<8} {:>6} {:>7} {:>9} {:>6} {:>7}  {:<24} {:<24}",
            g.optimiser,
            g.init,
            g.runs,
            count(0),
            count(1),
            count(2),
            count(3) + count(4),
            ci(&g.global_minimum),
            ci(&g.all_correct)
        );
    }
    if let Some(g) = groups.iter().find(|g| g.init == "all") {
        println!(
            "landing probability by minimum ({} runs of {}):",
            g.runs, g.optimiser
        );
        for m in g.minima.iter().filter(|m| m.landing.hits > 0) {
            println!(
                "  id {:>5}  E = {:.10}  correct {}/{}  P = {:.3} [{:.3}, {:.3}]",
                m.id,
                m.energy,
                m.n_correct,
                data.len(),
                m.landing.p,
                m.landing.lo,
                m.landing.hi
            );
        }
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct CompressArgs {
    /// Landscape database whose stationary points are compressed.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Database of the same landscape with fewer hidden nodes, to name the minimum a reduced
    /// point lands on (repeat for several sizes).
    #[arg(long, value_name = "FILE")]
    pub smaller: Vec<PathBuf>,
    /// CSV to write, one row per stationary point.
    #[arg(long, value_name = "FILE")]
    pub csv: PathBuf,
    /// Relative tolerance on the data term for a reduction to count as loss-free.
    #[arg(long, value_name = "TOL", default_value_t = CompressionParams::default().compress.loss_tolerance, allow_negative_numbers = true)]
    pub loss_tolerance: f64,
    /// Dropout rate of the random masks.
    #[arg(long, value_name = "P", default_value_t = DropoutParams::default().rate, allow_negative_numbers = true)]
    pub dropout_rate: f64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = range::count(range::THREADS))]
    pub threads: Option<usize>,
    /// Training data CSV of the databases (default: built-in XOR).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
}

pub fn run_compress(args: &CompressArgs) -> Result<()> {
    let mut params = CompressionParams::default();
    params.compress.loss_tolerance = args.loss_tolerance;
    params.dropout.rate = args.dropout_rate;
    params.validate()?;
    let out = prepare(&args.csv)?;
    let data = dataset(args.data.as_deref())?;
    let db = store::open_reader(&args.db, &data, true)?;
    let smaller = args
        .smaller
        .iter()
        .map(|p| store::open_reader(p, &data, false))
        .collect::<Result<Vec<_>>>()?;
    let refs: Vec<&nnscape_landscape::LandscapeDb> = smaller.iter().collect();
    let rows = thread_pool(args.threads)?
        .install(|| compress_landscape(&db, &refs, &data, &params))
        .with_context(|| format!("{}", args.db.display()))?;
    write_output(out, |w| write_compression_csv(&rows, w))?;
    let nh = db.network().n_hidden();
    println!("{} stationary points of {}", rows.len(), db.identity());
    println!("effective hidden nodes   minima   transition states");
    for k in (0..=nh).rev() {
        let count = |kind| {
            rows.iter()
                .filter(|r| r.kind == kind && r.effective_hidden_nodes == k)
                .count()
        };
        println!(
            "  {k:>3}                  {:>7}   {:>7}",
            count(PointKind::Minimum),
            count(PointKind::TransitionState)
        );
    }
    let named = rows
        .iter()
        .filter(|r| matches!(r.reduced, Reduced::Found(_)))
        .count();
    let reducible = rows
        .iter()
        .filter(|r| r.reduced != Reduced::Irreducible)
        .count();
    println!("{reducible} reduce to a smaller network; {named} land on a minimum of its database");
    for kind in [PointKind::Minimum, PointKind::TransitionState] {
        let of: Vec<&CompressionRow> = rows.iter().filter(|r| r.kind == kind).collect();
        if of.is_empty() {
            continue;
        }
        let mean =
            |f: fn(&CompressionRow) -> f64| of.iter().map(|r| f(r)).sum::<f64>() / of.len() as f64;
        println!(
            "{:<17} mean data term {:.4}; one node dropped: {:.4} (points correct {:.2}); dropout {}: {:.4} ({:.2})",
            if kind == PointKind::Minimum { "minima" } else { "transition states" },
            mean(|r| r.data_loss),
            mean(|r| r.drop1_mean_loss),
            mean(|r| r.drop1_mean_correct),
            params.dropout.rate,
            mean(|r| r.dropout_mean_loss),
            mean(|r| r.dropout_mean_correct),
        );
    }
    Ok(())
}

/// The compression table: [`COMPRESSION_CSV_HEADER`], one row per point.
fn write_compression_csv(rows: &[CompressionRow], w: impl Write) -> Result<()> {
    let mut c = csv::Writer::from_writer(w);
    c.write_record(COMPRESSION_CSV_HEADER)?;
    for r in rows {
        c.write_record(r.csv_record())?;
    }
    c.flush()?;
    Ok(())
}
