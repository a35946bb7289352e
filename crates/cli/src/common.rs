//! Arguments and helpers shared by the subcommands.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use nnscape_landscape::OutputFile;
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

    /// The loss of a landscape to search for minima and transition states: [`NetworkArgs::loss`],
    /// refusing lambda = 0, where the data term alone has no finite minimum once the data can
    /// be fitted (the loss falls towards 0 as |W| grows, so every "minimum" is an artefact of
    /// where the minimiser gave up).
    pub fn search_loss(&self) -> Result<Loss> {
        let loss = self.loss()?;
        anyhow::ensure!(
            self.lambda > 0.0,
            "--lambda 0: without regularisation the loss has no finite minimum (it decreases towards 0 as the weights grow), so a search would only find where the minimiser stopped; use a positive lambda (the study uses 1e-5 to 1e-1)"
        );
        Ok(loss)
    }
}

/// The text of a file, or of standard input for `-`, with a byte-order mark removed (as the
/// data loader accepts one, every text input does); an error names the file.
pub fn read_text(source: &str) -> Result<String> {
    let text = if source == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .context("reading standard input")?;
        s
    } else {
        std::fs::read_to_string(source).with_context(|| format!("reading {source}"))?
    };
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// Reads one parameter vector for `network`: a JSON array (`[1, 2, ...]`) or a CSV row, from a
/// file or `-` for standard input. A header line (any non-numeric first line) is skipped in
/// CSV. Errors name the file and the problem (length, a value that is not finite).
pub fn read_params(source: &str, network: &nnscape_model::Network) -> Result<Vec<f64>> {
    let text = read_text(source)?;
    let name = if source == "-" { "<stdin>" } else { source };
    let w = parse_params(&text).with_context(|| format!("parameters in {name}"))?;
    network
        .check_params(&w)
        .with_context(|| format!("parameters in {name}"))?;
    Ok(w)
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

/// The worker threads of a command: `--threads` of them (range-checked when parsed), or one
/// per core.
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        b = b.num_threads(t);
    }
    b.build().context("starting the worker threads")
}

/// An output file, prepared before any work (an unwritable place fails at once) and written
/// whole at the end through [`write_output`].
pub fn prepare(path: &Path) -> Result<OutputFile> {
    Ok(OutputFile::prepare(path)?)
}

/// Writes a prepared output file through `body` (still under its temporary name).
fn fill(
    mut out: OutputFile,
    body: impl FnOnce(&mut BufWriter<&mut File>) -> Result<()>,
) -> Result<OutputFile> {
    let path = out.path().to_path_buf();
    {
        let mut w = BufWriter::new(out.file());
        body(&mut w).with_context(|| format!("writing {}", path.display()))?;
        w.flush()
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(out)
}

/// Writes a prepared output file through `body` and renames it into place.
pub fn write_output(
    out: OutputFile,
    body: impl FnOnce(&mut BufWriter<&mut File>) -> Result<()>,
) -> Result<()> {
    Ok(fill(out, body)?.commit()?)
}

/// Checks an output folder before any work: an existing, writable folder, or a place where
/// one can be created (it is created only when the outputs are written). The probe file is
/// unnamed and leaves nothing behind.
pub fn check_output_dir(dir: &Path) -> Result<()> {
    let mut existing = dir;
    while !existing.exists() {
        existing = match existing.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
    }
    anyhow::ensure!(
        existing.is_dir(),
        "cannot write into {}: {} is not a folder",
        dir.display(),
        existing.display()
    );
    tempfile::tempfile_in(existing)
        .with_context(|| format!("cannot write into {}", dir.display()))?;
    Ok(())
}

/// Creates an output folder and writes `files` (name, body) into it, each whole; called at the
/// end of a command, after everything has been computed.
pub fn write_dir(dir: &Path, files: Vec<(&str, OutputBody<'_>)>) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    // Every file is written under its temporary name before any is renamed into place, so a
    // failure while writing leaves none of them.
    let written = files
        .into_iter()
        .map(|(name, body)| fill(prepare(&dir.join(name))?, body))
        .collect::<Result<Vec<_>>>()?;
    for out in written {
        out.commit()?;
    }
    Ok(())
}

/// What writes one output file.
pub type OutputBody<'a> = Box<dyn FnOnce(&mut BufWriter<&mut File>) -> Result<()> + 'a>;
