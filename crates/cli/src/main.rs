//! `nnscape`: the command-line front end. Subcommands are thin: argument parsing, progress
//! display and output formats; the science lives in the library crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod common;
mod eval;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Eval(args) => eval::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
