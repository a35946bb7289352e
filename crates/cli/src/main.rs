//! `nnscape`: the command-line front end. Subcommands are thin: argument parsing, progress
//! display and output formats; the science lives in the library crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod common;
mod eval;
mod minima;
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Eval(args) => eval::run(args),
        Command::Minima(args) => minima::run(args),
        Command::Ts(args) => ts::run_ts(args),
        Command::Connect(args) => ts::run_connect(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
