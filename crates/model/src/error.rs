//! Error types of the model crate: [`DataError`] for data sets (read from a file or built in
//! memory), [`ModelError`] for network specifications, parameter vectors and symmetry
//! operations.

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
        /// The file.
        path: PathBuf,
        /// What the operating system reported.
        #[source]
        source: std::io::Error,
    },
    /// The CSV layer failed (bad quoting, invalid UTF-8, ...).
    #[error("{path}: line {line}: malformed CSV: {message}")]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line (0 when the CSV layer does not know it).
        line: u64,
        /// The CSV layer's message.
        message: String,
    },
    /// The header is missing or has fewer than two columns (at least one input and the label).
    #[error("{path}: line 1: header must name at least one input column and a final label column, found {found:?}")]
    BadHeader {
        /// The file.
        path: PathBuf,
        /// The header fields read.
        found: Vec<String>,
    },
    /// A row has a different number of fields from the header.
    #[error("{path}: line {line}: ragged row: expected {expected} fields (as in the header), found {found}")]
    Ragged {
        /// The file.
        path: PathBuf,
        /// 1-based line of the row.
        line: u64,
        /// Fields in the header.
        expected: usize,
        /// Fields in the row.
        found: usize,
    },
    /// An input value does not parse as a number.
    #[error("{path}: line {line}: column '{column}': '{value}' is not a number")]
    NotNumeric {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// Header name of the column.
        column: String,
        /// The field as written.
        value: String,
    },
    /// An input value is NaN or infinite.
    #[error("{path}: line {line}: column '{column}': value {value} is not finite")]
    NonFinite {
        /// The file, or `<memory>`.
        path: PathBuf,
        /// 1-based line (the point number for data built in memory).
        line: u64,
        /// Header name of the column (`x1`, `x2`, ... in memory).
        column: String,
        /// The value as written.
        value: String,
    },
    /// A label is not a non-negative integer.
    #[error("{path}: line {line}: label '{value}' is not a non-negative integer class index")]
    BadLabel {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// The label as written.
        value: String,
    },
    /// Labels must be 0..N_out-1 with every class present.
    #[error("{path}: labels skip class {missing}: classes must be 0..{n_classes} with every class present")]
    SkippedClass {
        /// The file, or `<memory>`.
        path: PathBuf,
        /// The lowest class no point has.
        missing: usize,
        /// Max label + 1.
        n_classes: usize,
    },
    /// A classification data set needs at least two classes.
    #[error("{path}: only {found} class(es) present; at least two are needed")]
    TooFewClasses {
        /// The file, or `<memory>`.
        path: PathBuf,
        /// Distinct classes present.
        found: usize,
    },
    /// An input value outside the range the network can be evaluated on.
    #[error("{path}: line {line}: column '{column}': value {value} is outside the allowed range [-{max:e}, {max:e}] (rescale the data)")]
    InputRange {
        /// The file, or `<memory>`.
        path: PathBuf,
        /// 1-based line (the data point's number for in-memory data).
        line: u64,
        /// Column name.
        column: String,
        /// The value.
        value: f64,
        /// [`MAX_INPUT`](crate::dataset::MAX_INPUT).
        max: f64,
    },
    /// A class label of no possible class: with every class present, labels lie below the
    /// number of data points.
    #[error("{path}: line {line}: label {value} is out of range: labels must lie in 0..{n_data} (every class needs a data point, and there are {n_data})")]
    LabelRange {
        /// The file, or `<memory>`.
        path: PathBuf,
        /// 1-based line (the data point's number for in-memory data).
        line: u64,
        /// The label.
        value: usize,
        /// Number of data points.
        n_data: usize,
    },
    /// No data rows.
    #[error("{path}: no data points")]
    Empty {
        /// The file, or `<memory>`.
        path: PathBuf,
    },
    /// In-memory construction with inconsistent sizes.
    #[error("{path}: {message}")]
    Shape {
        /// `<memory>`.
        path: PathBuf,
        /// What does not fit.
        message: String,
    },
}

/// Problems with a network specification or a parameter vector.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    /// A layer size is out of range.
    #[error("invalid network: {what} must be at least {min}, got {value}")]
    LayerSize {
        /// `N_in`, `N_h` or `N_out`.
        what: &'static str,
        /// The smallest allowed size.
        min: usize,
        /// The size given.
        value: usize,
    },
    /// The network has more parameters than any computation here can hold (its Hessian has
    /// P^2 entries).
    #[error("invalid network: N_in = {n_in}, N_h = {n_hidden}, N_out = {n_out} gives more than {max_params} parameters; N_h must lie in 1..={max_hidden} for {n_in} inputs and {n_out} outputs")]
    TooLarge {
        /// Inputs.
        n_in: usize,
        /// Hidden nodes asked for.
        n_hidden: usize,
        /// Outputs.
        n_out: usize,
        /// [`MAX_PARAMS`](crate::network::MAX_PARAMS).
        max_params: usize,
        /// The largest N_h that fits (0 when none does).
        max_hidden: usize,
    },
    /// lambda must be finite and non-negative.
    #[error("invalid network: regularisation lambda must be finite and >= 0, got {0}")]
    Lambda(f64),
    /// The data set does not fit the network.
    #[error("data set '{dataset}' does not fit the network: {message}")]
    DatasetMismatch {
        /// The data set's name.
        dataset: String,
        /// What does not fit.
        message: String,
    },
    /// A parameter vector of the wrong length.
    #[error("parameter vector has {found} entries, but a network with N_in = {n_in}, N_h = {n_hidden}, N_out = {n_out} has {expected}")]
    ParameterLength {
        /// Entries given.
        found: usize,
        /// Parameters of the network.
        expected: usize,
        /// N_in of the network.
        n_in: usize,
        /// N_h of the network.
        n_hidden: usize,
        /// N_out of the network.
        n_out: usize,
    },
    /// A parameter vector with NaN or infinite entries.
    #[error("parameter {index} is not finite ({value})")]
    NonFiniteParameter {
        /// Index of the first non-finite entry.
        index: usize,
        /// Its value.
        value: f64,
    },
    /// A hidden node index out of range, or a node that is not all zero when removing it.
    #[error("hidden node {node}: {message}")]
    Node {
        /// The hidden node (or insertion position).
        node: usize,
        /// What is wrong with it.
        message: String,
    },
    /// A permutation / sign-flip specification that is not valid.
    #[error("invalid symmetry operation: {0}")]
    Symmetry(String),
    /// A setting (of [`CompressParams`](crate::compress::CompressParams), a dropout mask, ...)
    /// out of its range; `name` is the field.
    #[error("invalid setting `{name}` = {value}: {reason}")]
    InvalidSetting {
        /// The field, as spelled in its settings struct.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What it must satisfy.
        reason: &'static str,
    },
}
