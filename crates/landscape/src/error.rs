//! Errors of the landscape crate.

use std::path::PathBuf;

/// Everything that can go wrong with a landscape database or an exploration.
#[derive(Debug, thiserror::Error)]
pub enum LandscapeError {
    /// The file exists but is not an SQLite database, or is corrupt / truncated.
    #[error("{path}: not a valid landscape database ({message}); the file was left untouched")]
    Corrupt { path: PathBuf, message: String },
    /// A database written by an incompatible schema version.
    #[error("{path}: schema version {found}, this build reads version {expected}; the file was left untouched")]
    Schema {
        path: PathBuf,
        found: i64,
        expected: i64,
    },
    /// The database belongs to another landscape.
    #[error("{path}: the database holds a different landscape: {field} is {stored} in the file but {requested} was asked for; the file was left untouched")]
    Mismatch {
        path: PathBuf,
        field: &'static str,
        stored: String,
        requested: String,
    },
    /// A point that does not fit the landscape (wrong length, non-finite, wrong index ...).
    #[error("invalid point: {0}")]
    InvalidPoint(String),
    /// A transition state referring to minima that are not in the database.
    #[error("transition state refers to minimum {0}, which is not in the database")]
    UnknownMinimum(i64),
    /// Invalid settings (tolerances, budgets).
    #[error("invalid setting {name} = {value}: {reason}")]
    InvalidSetting {
        name: &'static str,
        value: String,
        reason: &'static str,
    },
    /// An invalid setting of a nested settings struct, named by its field path from the
    /// outermost struct (e.g. `basin_hopping.quench.max_step`).
    #[error("invalid setting {path} = {value}: {reason}")]
    InvalidNestedSetting {
        path: String,
        value: String,
        reason: String,
    },
    #[error(transparent)]
    Model(#[from] nnscape_model::ModelError),
    #[error(transparent)]
    Settings(#[from] nnscape_optim::OptimError),
    #[error("Hessian eigendecomposition did not converge")]
    Eigen,
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: line {line}: {message}")]
    Format {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

impl LandscapeError {
    /// An nnscape-optim settings error of the struct at `path` (a field path such as
    /// `single_ended.verify.lbfgs`), its field named in full.
    pub(crate) fn nested(path: &str, error: nnscape_optim::OptimError) -> Self {
        use nnscape_optim::OptimError;
        match error {
            OptimError::InvalidParameter {
                name,
                value,
                reason,
            } => Self::InvalidNestedSetting {
                path: format!("{path}.{name}"),
                value: value.to_string(),
                reason: reason.to_owned(),
            },
            OptimError::DimensionMismatch {
                what,
                expected,
                found,
            } => Self::InvalidNestedSetting {
                path: format!("{path}.{what}"),
                value: format!("{found} entries"),
                reason: format!("must have {expected} entries"),
            },
        }
    }
}
