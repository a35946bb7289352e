//! Arguments and helpers shared by the subcommands.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use nnscape_model::{Dataset, Loss, Network, NetworkSpec};

/// The landscape: data set, network size and regularisation.
#[derive(Debug, Clone, clap::Args)]
pub struct NetworkArgs {
    /// Number of hidden nodes N_h.
    #[arg(long = "hidden", value_name = "N_H")]
    pub hidden: usize,
    /// L2 regularisation lambda (E = data term + lambda * sum W^2).
    #[arg(long, value_name = "LAMBDA", allow_negative_numbers = true)]
    pub lambda: f64,
    /// Training data CSV (header: one column per input, then `label`). Default: built-in XOR.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Leave the biases out of the L2 term (OPTIM's NOREGBIAS).
    #[arg(long)]
    pub no_bias_reg: bool,
}

impl NetworkArgs {
    /// Loads the data and builds the network and its loss, with errors that name the problem.
    pub fn loss(&self) -> Result<Loss> {
        let data = match &self.data {
            Some(path) => Dataset::from_csv_path(path)?,
            None => Dataset::xor(),
        };
        let net = Network::new(NetworkSpec {
            n_in: data.n_in(),
            n_hidden: self.hidden,
            n_out: data.n_classes().max(2),
            lambda: self.lambda,
        })?
        .with_bias_regularisation(!self.no_bias_reg);
        Loss::new(net, data).context("building the loss")
    }
}

/// Reads one parameter vector: a JSON array (`[1, 2, ...]`) or a CSV row, from a file or `-` for
/// standard input. A header line (any non-numeric first line) is skipped in CSV.
pub fn read_params(source: &str) -> Result<Vec<f64>> {
    let text = if source == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .context("reading parameters from standard input")?;
        s
    } else {
        std::fs::read_to_string(source)
            .with_context(|| format!("reading parameters from {source}"))?
    };
    parse_params(&text).with_context(|| {
        format!(
            "parameters in {}",
            if source == "-" { "<stdin>" } else { source }
        )
    })
}

/// Parses a JSON array or a (single-row, optionally headed) CSV / whitespace-separated list.
pub fn parse_params(text: &str) -> Result<Vec<f64>> {
    let trimmed = text.trim();
    if trimmed.starts_with('[') {
        let v: Vec<f64> =
            serde_json::from_str(trimmed).context("expected a JSON array of numbers")?;
        return Ok(v);
    }
    crate::csvio::parse_params_row(trimmed)
}

/// Sorted eigenvalues of a symmetric matrix.
pub fn sorted_eigenvalues(h: nalgebra::DMatrix<f64>) -> Result<Vec<f64>> {
    nnscape_model::sorted_eigenvalues(h).context("Hessian eigendecomposition did not converge")
}

/// The worker threads of a command: `--threads` of them, or one per core.
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        anyhow::ensure!(t >= 1, "--threads must be at least 1");
        b = b.num_threads(t);
    }
    b.build().context("starting the worker threads")
}

/// A buffered output file, with an error that names it.
pub fn create(path: &Path) -> Result<BufWriter<File>> {
    Ok(BufWriter::new(
        File::create(path).with_context(|| format!("creating {}", path.display()))?,
    ))
}
