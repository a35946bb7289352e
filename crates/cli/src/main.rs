//! `nnscape`: the command-line front end. Subcommands are thin: argument parsing, progress
//! display and output formats; the science lives in the library crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod analysis;
mod common;
mod csvio;
mod eval;
mod landscape;
mod minima;
mod range;
mod store;
mod train;
mod ts;

#[derive(Debug, Parser)]
#[command(
    name = "nnscape",
    version,
    about = "Loss landscapes of small neural networks, mapped with the tools of molecular energy landscapes"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Energy, RMS gradient, gradient, Hessian spectrum and per-point predictions at one
    /// parameter vector.
    Eval(eval::EvalArgs),
    /// Basin-hopping: the distinct minima of the loss, as a table and optionally a CSV file.
    Minima(minima::MinimaArgs),
    /// Single-ended transition-state searches from every minimum of a minima CSV.
    Ts(ts::TsArgs),
    /// Double-ended connection (DNEB + eigenvector-following) between two minima of a minima CSV.
    Connect(ts::ConnectArgs),
    /// Map a landscape into a database until saturation: basin-hopping, single-ended and
    /// double-ended transition-state searches, in cycles; resumes an interrupted run.
    Explore(landscape::ExploreArgs),
    /// Write a landscape database as CSV (minima.csv, ts.csv) or PATHSAMPLE files.
    Export(landscape::ExportArgs),
    /// Read PATHSAMPLE files (min.data, ts.data, points.min, points.ts) into a database.
    Import(landscape::ImportArgs),
    /// Disconnectivity graph of a landscape database: exact merge tree, SVG drawing and CSV
    /// segments.
    Dgraph(analysis::DgraphArgs),
    /// Embed every stationary point of an N_h database in N_h + 1 (extra node zero): energy,
    /// gradient, Hessian index before and after, and whether the larger database has it.
    Embed(analysis::EmbedArgs),
    /// Classification, input-noise sensitivity and counts of a landscape database.
    Analyse(analysis::AnalyseArgs),
    /// Train the network the usual way (Glorot/He/uniform starts; gradient descent, SGD with
    /// momentum, Adam) many times and match every end point to the minima of a database:
    /// landing probabilities with 95% intervals; minima the map lacks are stored.
    Train(train::TrainArgs),
    /// Hidden nodes each stationary point of a database really uses (dead, constant and
    /// duplicate nodes removed), the minimum of the smaller landscape it reduces to, and its
    /// loss and accuracy under dropout.
    Compress(train::CompressArgs),
}

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Eval(args) => eval::run(args),
        Command::Minima(args) => minima::run(args),
        Command::Ts(args) => ts::run_ts(args),
        Command::Connect(args) => ts::run_connect(args),
        Command::Explore(args) => landscape::run_explore(args),
        Command::Export(args) => landscape::run_export(args),
        Command::Import(args) => landscape::run_import(args),
        Command::Dgraph(args) => analysis::run_dgraph(args),
        Command::Embed(args) => analysis::run_embed(args),
        Command::Analyse(args) => analysis::run_analyse(args),
        Command::Train(args) => train::run_train(args),
        Command::Compress(args) => train::run_compress(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", message(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, each cause once: several errors of the libraries
/// already include their source in their own message.
fn message(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let cause = cause.to_string();
        if !text.contains(&cause) {
            text.push_str(": ");
            text.push_str(&cause);
        }
    }
    text
}

/// Lets a closed output pipe (`nnscape eval ... | head`) end the process quietly, as it does
/// any Unix tool, instead of making every `println!` panic with "Broken pipe".
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: resetting SIGPIPE to its default action at start-up, before any thread exists,
    // has no other effect on the program.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
