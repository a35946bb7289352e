//! `cargo xtask reproduce`: see the library documentation and README.md.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "xtask", about = "Project automation for nnscape")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Explore the grid of XOR landscapes to saturation and write every figure of Mehta, Zhao,
    /// Bernal and Wales (PRE 97, 052307, 2018) as CSV and SVG, with manifest.json and
    /// SUMMARY.md. Rerunning resumes from the databases in DIR/db.
    Reproduce {
        /// Small grid: N_h 1..=3, lambda 1e-1, 1e-2, 1e-3 (under 2 minutes).
        #[arg(long)]
        quick: bool,
        /// Output folder.
        #[arg(long, value_name = "DIR", default_value = "target/reproduce")]
        out: PathBuf,
        /// Only one output family (counts, dgraph, classification, sensitivity, embedding) or
        /// one landscape of the grid (e.g. h3_l1e-3). Every landscape is still explored for an
        /// output family.
        #[arg(long, value_name = "NAME")]
        only: Option<String>,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long, value_name = "T")]
        threads: Option<usize>,
        /// Master seed of every exploration.
        #[arg(long, value_name = "S", default_value_t = 0)]
        seed: u64,
        /// Exploration time budget of the whole grid in minutes (default 8, or 1.5 with
        /// --quick), shared out by N_h.
        #[arg(long, value_name = "MIN")]
        budget_minutes: Option<f64>,
        /// Explore each landscape from scratch instead of seeding it with the stationary points
        /// of the smaller landscapes (from N_h - 1 embedded with a zero node; from each smaller
        /// one with each node split into equal copies).
        #[arg(long)]
        no_embed_seeds: bool,
    },
}

/// Debug builds are far too slow for the study: rerun this command as a release build.
fn reexec_release() -> Option<ExitCode> {
    if !cfg!(debug_assertions) || std::env::var_os("NNSCAPE_XTASK_NO_REEXEC").is_some() {
        return None;
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    eprintln!("xtask: built without optimisations; rerunning with `cargo run --release`");
    let status = std::process::Command::new(cargo)
        .args(["run", "--release", "--package", "xtask", "--"])
        .args(std::env::args_os().skip(1))
        .env("NNSCAPE_XTASK_NO_REEXEC", "1")
        .status();
    Some(match status {
        Ok(s) => ExitCode::from(s.code().map_or(1, |c| c.clamp(0, 255) as u8)),
        Err(e) => {
            eprintln!("xtask: could not run cargo: {e}");
            ExitCode::FAILURE
        }
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(code) = reexec_release() {
        return code;
    }
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Reproduce {
            quick,
            out,
            only,
            threads,
            seed,
            budget_minutes,
            no_embed_seeds,
        } => {
            let time_budget = match budget_minutes {
                None => None,
                Some(m) => {
                    anyhow::ensure!(
                        m.is_finite() && m > 0.0,
                        "--budget-minutes must be positive, got {m}"
                    );
                    Some(std::time::Duration::from_secs_f64(m * 60.0))
                }
            };
            let opts = xtask::ReproduceOptions {
                quick,
                only,
                threads,
                seed,
                time_budget,
                embed_seeds: !no_embed_seeds,
                ..xtask::ReproduceOptions::new(out)
            };
            let report = xtask::reproduce(&opts)?;
            println!(
                "{:<10} {:>4} {:>8} {:>7} {:>7} {:>9} {:>9}",
                "landscape", "N_h", "lambda", "minima", "TS", "saturated", "seconds"
            );
            for r in &report.landscapes {
                println!(
                    "{:<10} {:>4} {:>8} {:>7} {:>7} {:>9} {:>9.1}",
                    r.name,
                    r.n_hidden,
                    xtask::lambda_label(r.lambda),
                    r.counts.n_minima,
                    r.counts.n_transition_states,
                    r.saturated,
                    r.seconds_this_run
                );
            }
            let unsaturated = report.landscapes.iter().filter(|r| !r.saturated).count();
            println!(
                "\n{} landscapes ({} not saturated), {} searches this run, {:.1} s (explore {:.1} s, analyses {:.1} s)",
                report.landscapes.len(),
                unsaturated,
                report.searches,
                report.seconds,
                report.explore_seconds,
                report.analysis_seconds
            );
            println!(
                "wrote {} files to {} (databases in {}):",
                report.files.len(),
                report.out.display(),
                report.out.join("db").display()
            );
            for f in &report.files {
                println!("  {}", report.out.join(f).display());
            }
            Ok(())
        }
    }
}
