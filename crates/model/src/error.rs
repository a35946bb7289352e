//! Error types of the model crate.

use std::path::PathBuf;

/// Problems with a data set, from a file or built in memory.
///
/// Every variant names the source (`path`, or `<memory>` for data built in code) and, where it
/// applies, the 1-based line of the file.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read data file: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The CSV layer failed (bad quoting, invalid UTF-8, ...).
    #[error("{path}: line {line}: malformed CSV: {message}")]
    Csv {
        path: PathBuf,
        line: u64,
        message: String,
    },
    /// The header is missing or has fewer than two columns (at least one input and the label).
    #[error("{path}: line 1: header must name at least one input column and a final label column, found {found:?}")]
    BadHeader { path: PathBuf, found: Vec<String> },
    /// A row has a different number of fields from the header.
    #[error("{path}: line {line}: ragged row: expected {expected} fields (as in the header), found {found}")]
    Ragged {
        path: PathBuf,
        line: u64,
        expected: usize,
        found: usize,
    },
    /// An input value does not parse as a number.
    #[error("{path}: line {line}: column '{column}': '{value}' is not a number")]
    NotNumeric {
        path: PathBuf,
        line: u64,
        column: String,
        value: String,
    },
    /// An input value is NaN or infinite.
    #[error("{path}: line {line}: column '{column}': value {value} is not finite")]
    NonFinite {
        path: PathBuf,
        line: u64,
        column: String,
        value: String,
    },
    /// A label is not a non-negative integer.
    #[error("{path}: line {line}: label '{value}' is not a non-negative integer class index")]
    BadLabel {
        path: PathBuf,
        line: u64,
        value: String,
    },
    /// Labels must be 0..N_out-1 with every class present.
    #[error("{path}: labels skip class {missing}: classes must be 0..{n_classes} with every class present")]
    SkippedClass {
        path: PathBuf,
        missing: usize,
        n_classes: usize,
    },
    /// A classification data set needs at least two classes.
    #[error("{path}: only {found} class(es) present; at least two are needed")]
    TooFewClasses { path: PathBuf, found: usize },
    /// No data rows.
    #[error("{path}: no data points")]
    Empty { path: PathBuf },
    /// In-memory construction with inconsistent sizes.
    #[error("{path}: {message}")]
    Shape { path: PathBuf, message: String },
}

/// Problems with a network specification or a parameter vector.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// A layer size is out of range.
    #[error("invalid network: {what} must be at least {min}, got {value}")]
    LayerSize {
        what: &'static str,
        min: usize,
        value: usize,
    },
    /// lambda must be finite and non-negative.
    #[error("invalid network: regularisation lambda must be finite and >= 0, got {0}")]
    Lambda(f64),
    /// The data set does not fit the network.
    #[error("data set '{dataset}' does not fit the network: {message}")]
    DatasetMismatch { dataset: String, message: String },
    /// A parameter vector of the wrong length.
    #[error("parameter vector has {found} entries, but a network with N_in = {n_in}, N_h = {n_hidden}, N_out = {n_out} has {expected}")]
    ParameterLength {
        found: usize,
        expected: usize,
        n_in: usize,
        n_hidden: usize,
        n_out: usize,
    },
    /// A parameter vector with NaN or infinite entries.
    #[error("parameter {index} is not finite ({value})")]
    NonFiniteParameter { index: usize, value: f64 },
    /// A hidden node index out of range, or a node that is not all zero when removing it.
    #[error("hidden node {node}: {message}")]
    Node { node: usize, message: String },
    /// A permutation / sign-flip specification that is not valid.
    #[error("invalid symmetry operation: {0}")]
    Symmetry(String),
}
