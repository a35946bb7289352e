//! `nnscape minima`: basin-hopping for the distinct minima of a network's loss.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use nnscape_model::Loss;
use nnscape_optim::{basin_hopping_with, BasinHoppingParams, DistinctMinimum, Stop, System};

use crate::common::{prepare, thread_pool, write_output, NetworkArgs};
use crate::csvio::{write_points_csv, PointRow};
use crate::range;

#[derive(Debug, clap::Args)]
pub struct MinimaArgs {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Basin-hopping steps per chain (the step budget when --saturate is given).
    #[arg(long, value_name = "N", value_parser = range::count(range::BUDGET))]
    pub steps: usize,
    /// Random seed; chain c uses stream c of ChaCha20 seeded with it.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Worker threads (default: all cores). The minima found do not depend on it.
    #[arg(long, value_name = "T", value_parser = range::count(range::THREADS))]
    pub threads: Option<usize>,
    /// Number of independent chains (default: the library default).
    #[arg(long, value_name = "C", value_parser = range::count(range::CHAINS))]
    pub chains: Option<usize>,
    /// Stop early once K consecutive quenches found no new minimum.
    #[arg(long, value_name = "K", value_parser = range::count(range::BUDGET))]
    pub saturate: Option<usize>,
    /// Write the minima as CSV: id,energy,rms_gradient,index,n_correct,w0,w1,...
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

/// Writes minima in the shared CSV format: header `id,energy,rms_gradient,index,n_correct,w0,..`
/// (one `w` column per parameter, model order), numbers in Rust's shortest round-trip form so
/// that reading them back gives the same bits.
pub fn write_minima_csv<W: Write>(
    out: W,
    loss: &mut Loss,
    minima: &[DistinctMinimum],
) -> Result<()> {
    write_points_csv(
        out,
        loss.n_params(),
        false,
        minima.iter().map(|m| PointRow {
            id: m.id as i64,
            energy: m.energy,
            rms_gradient: m.rms_gradient,
            index: m.index,
            n_correct: loss.n_correct(&m.x),
            link: None,
            params: &m.x,
        }),
    )
}

pub fn run(args: &MinimaArgs) -> Result<()> {
    let mut loss = args.network.search_loss()?;
    let csv = args.csv.as_deref().map(prepare).transpose()?;
    let mut params = BasinHoppingParams {
        seed: args.seed,
        stop: match args.saturate {
            Some(k) => Stop::Saturation {
                no_new_for: k,
                max_steps: args.steps,
            },
            None => Stop::Steps(args.steps),
        },
        ..BasinHoppingParams::default()
    };
    if let Some(c) = args.chains {
        params.chains = c;
    }
    params.validate().context("basin-hopping settings")?;
    let pool = thread_pool(args.threads)?;

    let bar = ProgressBar::new(args.steps as u64);
    if std::io::stderr().is_terminal() {
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} steps per chain  {msg}")
                .expect("valid template"),
        );
    } else {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    let report = pool.install(|| {
        basin_hopping_with(
            &System::network(loss.clone()),
            &params,
            |_| {},
            |p| {
                bar.set_position(p.steps as u64);
                bar.set_message(format!(
                    "{} minima, lowest E = {}",
                    p.distinct_minima,
                    p.lowest_energy.map_or("-".into(), |e| format!("{e:.10}"))
                ));
            },
        )
    })?;
    bar.finish_and_clear();

    println!(
        "{:>4}  {:>22}  {:>12}  {:>5}  {:>9}",
        "id", "energy", "rms_gradient", "index", "n_correct"
    );
    for m in &report.minima {
        println!(
            "{:>4}  {:>22.15e}  {:>12.3e}  {:>5}  {:>9}",
            m.id,
            m.energy,
            m.rms_gradient,
            m.index,
            loss.n_correct(&m.x)
        );
    }
    println!(
        "{} distinct minima from {} quenches ({} failed); acceptance {:.3}, escape ratio {:.3}; stopped: {}",
        report.minima.len(),
        report.quenches,
        report.failed_quenches,
        report.acceptance_ratio,
        report.escape_ratio,
        report.stop_reason
    );
    anyhow::ensure!(
        !report.minima.is_empty(),
        "no quench reached a minimum ({} of {} failed); nothing was written",
        report.failed_quenches,
        report.quenches
    );
    if let Some(out) = csv {
        write_output(out, |w| write_minima_csv(w, &mut loss, &report.minima))?;
    }
    Ok(())
}
