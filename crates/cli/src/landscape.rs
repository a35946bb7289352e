//! `nnscape explore`, `export` and `import`: the landscape database from the command line.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nnscape_analysis::embed::check_larger_landscape;
use nnscape_landscape::{
    add_stationary_points, embedded_stationary_points, explore, pathsample, split_node_starts,
    ExploreParams, LandscapeDb, LandscapeIdentity, StationaryPoint, Tolerances,
};

use crate::common::{check_output_dir, thread_pool, write_dir, NetworkArgs};
use crate::csvio::{write_points_csv, PointRow};
use crate::{range, store};

#[derive(Debug, clap::Args)]
pub struct ExploreArgs {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Landscape database (SQLite); created if missing, resumed if it exists.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Master seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads (default: all cores). Results do not depend on it.
    #[arg(long, value_parser = range::count(range::THREADS))]
    pub threads: Option<usize>,
    /// Stop after this many cycles.
    #[arg(long, value_parser = range::count(range::CYCLES))]
    pub max_cycles: Option<usize>,
    /// Stop after this many seconds (checked inside basin-hopping, between batches of
    /// searches and between phases).
    #[arg(long, allow_negative_numbers = true, value_parser = range::positive_up_to(range::SECONDS))]
    pub max_seconds: Option<f64>,
    /// Stop after this many single- and double-ended searches.
    #[arg(long, value_parser = range::count(range::BUDGET))]
    pub max_searches: Option<usize>,
    /// Basin-hopping saturation: stop a cycle's basin-hopping after this many quenches without
    /// a new minimum.
    #[arg(long, value_parser = range::count(range::BUDGET))]
    pub saturate: Option<usize>,
    /// Lowest Hessian modes followed from each minimum in single-ended searches (at most the
    /// number of parameters).
    #[arg(long)]
    pub modes: Option<usize>,
    /// Before exploring, add the minima and transition states of this database of the same
    /// landscape with fewer hidden nodes, with each node split into equal copies (polished to
    /// the stationary point where the copies compute the same function) and, from N_h - 1,
    /// embedded (extra node all zero; they stay stationary): those that are minima or
    /// transition states here seed the map. Repeat it for several smaller maps (the study uses
    /// every smaller N_h).
    #[arg(long, value_name = "FILE")]
    pub seed_from: Vec<PathBuf>,
}

impl ExploreArgs {
    /// The exploration settings; `n_params` bounds `--modes`.
    pub fn params(&self, n_params: usize) -> Result<ExploreParams> {
        let mut p = ExploreParams {
            seed: self.seed,
            ..ExploreParams::default()
        };
        if let Some(c) = self.max_cycles {
            p.max_cycles = c;
        }
        if let Some(s) = self.max_seconds {
            // In range when parsed, so the conversion cannot fail.
            p.max_time = Some(Duration::from_secs_f64(s));
        }
        p.max_searches = self.max_searches;
        if let Some(k) = self.saturate {
            if let nnscape_optim::Stop::Saturation { max_steps, .. } = p.basin_hopping.stop {
                p.basin_hopping.stop = nnscape_optim::Stop::Saturation {
                    no_new_for: k,
                    max_steps,
                };
            }
        }
        if let Some(k) = self.modes {
            range::within("--modes", k, 1..=n_params, "the number of parameters")?;
            p.single_ended_modes = k;
        }
        p.validate()?;
        Ok(p)
    }
}

pub fn run_explore(args: &ExploreArgs) -> Result<()> {
    let loss = args.network.search_loss()?;
    let params = args.params(loss.n_params())?;
    let identity = LandscapeIdentity::of(&loss);
    let pool = thread_pool(args.threads)?;
    // Everything is checked before the database is opened for writing: the file itself
    // (read-only) and the landscape to seed from.
    store::check_existing(&args.db, &loss)?;
    let mut seeds = Vec::new();
    for small_path in &args.seed_from {
        let small = LandscapeDb::open_existing(small_path)?;
        let n_small = small.identity().n_hidden;
        let context = || {
            format!(
                "--seed-from {}, --db {}",
                small_path.display(),
                args.db.display()
            )
        };
        anyhow::ensure!(
            n_small < identity.n_hidden,
            "{}: the seed map has N_h = {n_small}, not fewer hidden nodes than {}",
            context(),
            identity.n_hidden
        );
        // Same data, lambda and network shape but for N_h: compared as the N_h - 1 landscape.
        let as_next = LandscapeIdentity {
            n_hidden: identity.n_hidden - 1,
            ..small.identity().clone()
        };
        check_larger_landscape(&as_next, &identity).with_context(context)?;
        if n_small + 1 == identity.n_hidden {
            seeds.extend(embedded_stationary_points(&small)?);
        }
        seeds.extend(split_node_starts(&small, identity.n_hidden)?);
    }
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new_spinner()
    } else {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
    };
    bar.set_style(ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {msg}",
    )?);
    bar.enable_steady_tick(Duration::from_millis(200));
    // Everything, database included, runs inside the pool so that worker count is the one asked for.
    let (report, db_identity) = pool.install(|| -> Result<_> {
        let db = store::open_writer(&args.db, &loss)?;
        if !args.seed_from.is_empty() {
            // All seeds or none: a failure leaves the database as it was.
            let (m, t) = db.atomically(|| add_stationary_points(&db, &loss, &seeds, &params))?;
            let from: Vec<String> = args
                .seed_from
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            println!(
                "seeded from {}: {m} new minima, {t} new transition states",
                from.join(", ")
            );
        }
        let report = explore(&db, &loss, &params, |p| {
            bar.set_message(format!(
                "cycle {} {:<13} minima {:>6}  transition states {:>6}  connected {:>5.1}%  lowest E {}",
                p.cycle,
                p.phase.to_string(),
                p.minima,
                p.transition_states,
                100.0 * p.connected_fraction,
                p.lowest_energy.map_or("-".into(), |e| format!("{e:.10}")),
            ))
        })
        .with_context(|| format!("exploring {}", args.db.display()))?;
        Ok((report, db.identity().clone()))
    })?;
    bar.finish_and_clear();
    let s = &report.summary;
    println!("landscape      {}", args.db.display());
    println!("network        {db_identity}");
    println!("minima         {} (up to symmetry)", s.minima);
    println!("transition st. {} (up to symmetry)", s.transition_states);
    if let Some((id, e)) = s.global_minimum {
        println!("global minimum id {id}, energy {e}");
    }
    println!(
        "all correct    {} minima classify every training point correctly",
        s.minima_all_correct
    );
    println!(
        "connected      {} ({} of {} minima joined to the global minimum)",
        if s.connected { "yes" } else { "no" },
        s.connected_minima,
        s.minima
    );
    println!(
        "stopped        {} after {} cycle(s), {} searches this run, {:.1} s",
        report.stop, report.cycles, report.searches, report.seconds
    );
    match &report.certificate {
        Some(c) => print_certificate(c),
        None => println!("certificate    none evaluated"),
    }
    anyhow::ensure!(
        s.minima > 0,
        "{}: no minimum was found (every quench failed or the budget ended first); the database holds nothing yet",
        args.db.display()
    );
    Ok(())
}

/// The certificate's lines of `nnscape explore`.
fn print_certificate(c: &nnscape_landscape::Certificate) {
    println!(
        "certificate    {} (evaluation {}, seed {}); failed tests: {}",
        if c.certified() { "holds" } else { "fails" },
        c.evaluation,
        c.seed,
        c.failed_text()
    );
    let (m, t) = (&c.minima, &c.transition_states);
    println!(
        "  minima       P(unseen) = {:.2e} over {} quenches ({} reached a minimum; {} minima, {} hit once, {} quenches to new minima; {} stored)",
        m.p_unseen, m.trials, m.reached, m.distinct, m.once, m.new_trials, c.new_minima
    );
    println!(
        "  TS           P(unseen) = {:.2e} over {} root searches ({} reached a verified TS; {} TS, {} hit once, {} searches to new TS; {} stored)",
        t.p_unseen, t.trials, t.reached, t.distinct, t.once, t.new_trials, c.new_transition_states
    );
    println!(
        "  seeds        {} further seeds added {} minima and {} TS: {}",
        c.agreement_seeds.len(),
        c.agreement_added.0,
        c.agreement_added.1,
        if c.seed_agreement() {
            "agree"
        } else {
            "disagree"
        }
    );
    if !c.connected {
        let ids: Vec<String> = c.disconnected.iter().map(|i| i.to_string()).collect();
        println!("  disconnected minima {}", ids.join(" "));
    }
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("format").required(true).multiple(true)))]
pub struct ExportArgs {
    /// Landscape database to read.
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Write minima.csv and ts.csv into this folder.
    #[arg(long, value_name = "DIR", group = "format")]
    pub csv: Option<PathBuf>,
    /// Write PATHSAMPLE's min.data, ts.data, points.min, points.ts into this folder.
    #[arg(long, value_name = "DIR", group = "format")]
    pub pathsample: Option<PathBuf>,
    /// Training data CSV of the database (default: built-in XOR), to check the stored energies
    /// against.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
}

fn row(id: i64, p: &StationaryPoint, link: Option<(i64, i64)>) -> PointRow<'_> {
    PointRow {
        id,
        energy: p.energy,
        rms_gradient: p.rms_gradient,
        index: p.hessian_index,
        n_correct: p.n_correct,
        link,
        params: &p.params,
    }
}

pub fn run_export(args: &ExportArgs) -> Result<()> {
    for dir in [&args.csv, &args.pathsample].into_iter().flatten() {
        check_output_dir(dir)?;
    }
    let data = crate::analysis::dataset(args.data.as_deref())?;
    let db = store::open_reader(&args.db, &data, false)?;
    let n = db.network().n_params();
    if let Some(dir) = &args.csv {
        let minima = db.minima()?;
        let tss = db.transition_states()?;
        write_dir(
            dir,
            vec![
                (
                    "minima.csv",
                    Box::new(|w| {
                        write_points_csv(
                            w,
                            n,
                            false,
                            minima.iter().map(|m| row(m.id, &m.point, None)),
                        )
                    }),
                ),
                (
                    "ts.csv",
                    Box::new(|w| {
                        write_points_csv(
                            w,
                            n,
                            true,
                            tss.iter()
                                .map(|t| row(t.id, &t.point, Some((t.min1, t.min2)))),
                        )
                    }),
                ),
            ],
        )?;
        println!(
            "wrote {} minima and {} transition states to {}",
            minima.len(),
            tss.len(),
            dir.display()
        );
    }
    if let Some(dir) = &args.pathsample {
        let (m, t) = pathsample::export(&db, dir)?;
        println!(
            "wrote PATHSAMPLE files for {m} minima and {t} transition states to {}",
            dir.display()
        );
    }
    Ok(())
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Landscape database to add to (created if missing).
    #[arg(long, value_name = "FILE")]
    pub db: PathBuf,
    /// Folder with PATHSAMPLE's min.data, points.min and (optionally) ts.data, points.ts.
    #[arg(long, value_name = "DIR")]
    pub pathsample: PathBuf,
}

pub fn run_import(args: &ImportArgs) -> Result<()> {
    let mut loss = args.network.search_loss()?;
    // Read and check everything (the files, every point, every connection, an existing
    // database read-only) before the database is opened for writing; then store it all in one
    // transaction.
    let tolerances = store::check_existing(&args.db, &loss)?.map_or_else(
        || Tolerances::at_lambda(loss.network().lambda()),
        |db| *db.tolerances(),
    );
    let set = pathsample::read(&mut loss, &tolerances, &args.pathsample)?;
    let db = store::open_writer(&args.db, &loss)?;
    let (m, t) = pathsample::store(&db, &set)
        .with_context(|| format!("importing into {}", args.db.display()))?;
    println!(
        "imported {m} new minima and {t} new transition states into {} (now {} and {})",
        args.db.display(),
        db.count_minima()?,
        db.count_transition_states()?
    );
    Ok(())
}
