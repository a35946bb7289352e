//! `nnscape eval`: energy, gradient, Hessian spectrum and predictions at one parameter vector.

use anyhow::Result;
use nnscape_model::{hessian_index, rms};
use nnscape_optim::Tolerances;
use serde::Serialize;

use crate::common::{read_params, sorted_eigenvalues, NetworkArgs};

#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Parameter vector: a JSON array or one CSV row, in MLPVB3 order; `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    pub params: String,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Eigenvalues below -cutoff count towards the Hessian index; in [0, 1]. Default: the
    /// landscape's own, 1e-4 lambda clamped to [1e-12, 1e-7] (PATHSAMPLE EVCUT 1e-7 for
    /// lambda >= 1e-3).
    #[arg(long, allow_negative_numbers = true, value_parser = cutoff)]
    pub eigenvalue_cutoff: Option<f64>,
}

#[derive(Debug, Serialize)]
pub struct PointReport {
    pub probabilities: Vec<f64>,
    pub predicted: usize,
    pub correct: bool,
}

#[derive(Debug, Serialize)]
pub struct EvalReport {
    pub energy: f64,
    pub rms_gradient: f64,
    pub gradient: Vec<f64>,
    pub hessian_eigenvalues: Vec<f64>,
    pub index: usize,
    pub points: Vec<PointReport>,
}

/// `--eigenvalue-cutoff`: a number in [0, 1].
fn cutoff(s: &str) -> std::result::Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        Ok(v) => Err(format!("{v} is not in [0, 1]")),
        Err(_) => Err(format!("'{s}' is not a number")),
    }
}

pub fn evaluate(args: &EvalArgs) -> Result<EvalReport> {
    let mut loss = args.network.loss()?;
    let w = read_params(&args.params, loss.network())?;
    let mut gradient = vec![0.0; w.len()];
    let energy = loss.energy_gradient(&w, &mut gradient);
    // Finite parameters can still be too large for the loss (lambda |W|^2 overflows).
    anyhow::ensure!(
        energy.is_finite() && gradient.iter().all(|g| g.is_finite()),
        "the energy or gradient at the parameters in {} is not finite (energy {energy}; largest |w| = {:e}): the values are too large for this network",
        args.params,
        w.iter().fold(0.0_f64, |m, v| m.max(v.abs()))
    );
    let hessian_eigenvalues = sorted_eigenvalues(loss.hessian(&w))?;
    let cutoff = args
        .eigenvalue_cutoff
        .unwrap_or_else(|| Tolerances::at_lambda(loss.network().lambda()).eigenvalue_cutoff);
    let index = hessian_index(&hessian_eigenvalues, cutoff);
    let points = loss
        .predict(&w)
        .into_iter()
        .map(|p| PointReport {
            probabilities: p.probabilities,
            predicted: p.predicted,
            correct: p.correct,
        })
        .collect();
    Ok(EvalReport {
        energy,
        rms_gradient: rms(&gradient),
        gradient,
        hessian_eigenvalues,
        index,
        points,
    })
}

pub fn run(args: &EvalArgs) -> Result<()> {
    let r = evaluate(args)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
        return Ok(());
    }
    println!("energy        {}", r.energy);
    println!("rms gradient  {:e}", r.rms_gradient);
    println!("hessian index {}", r.index);
    println!("gradient");
    for (m, g) in r.gradient.iter().enumerate() {
        println!("  w{m:<4} {g:>24e}");
    }
    println!("hessian eigenvalues (ascending)");
    for e in &r.hessian_eigenvalues {
        println!("  {e:>24e}");
    }
    println!("points");
    println!(
        "  {:>5}  {:>9}  {:>7}  probabilities",
        "point", "predicted", "correct"
    );
    for (d, p) in r.points.iter().enumerate() {
        let probs: Vec<String> = p.probabilities.iter().map(|x| format!("{x:.6}")).collect();
        println!(
            "  {:>5}  {:>9}  {:>7}  {}",
            d,
            p.predicted,
            p.correct,
            probs.join(" ")
        );
    }
    Ok(())
}
