//! Errors of the landscape crate.

use std::path::PathBuf;

/// Everything that can go wrong with a landscape database or an exploration.
#[derive(Debug, thiserror::Error)]
pub enum LandscapeError {
    /// The file exists but is not an SQLite database, or is corrupt / truncated.
    #[error("{path}: not a valid landscape database ({message}); the file was left untouched")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What SQLite or the schema check said.
        message: String,
    },
    /// A database written by an incompatible schema version.
    #[error("{path}: schema version {found}, this build reads version {expected}; the file was left untouched")]
    Schema {
        /// The file.
        path: PathBuf,
        /// Its `user_version`.
        found: i64,
        /// [`SCHEMA_VERSION`](crate::SCHEMA_VERSION).
        expected: i64,
    },
    /// The database belongs to another landscape.
    #[error("{path}: the database holds a different landscape: {field} is {stored} in the file but {requested} was asked for; the file was left untouched")]
    Mismatch {
        /// The file.
        path: PathBuf,
        /// The first identity field that differs.
        field: &'static str,
        /// Its value in the file.
        stored: String,
        /// The value asked for.
        requested: String,
    },
    /// Another process (or another database object of this one) is writing to the file.
    #[error("{path}: the database is in use by another process writing to it (an exploration or import); wait until it has finished, or use another file; the file was left untouched")]
    InUse {
        /// The file.
        path: PathBuf,
    },
    /// The file (or its folder) cannot be written: permissions, a read-only file system.
    #[error("{path}: cannot write to the database ({message}); the file was left untouched")]
    Unwritable {
        /// The file.
        path: PathBuf,
        /// What the system or SQLite said.
        message: String,
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
        /// The setting's name.
        name: &'static str,
        /// Its value.
        value: String,
        /// What it must satisfy.
        reason: &'static str,
    },
    /// An invalid setting of a nested settings struct, named by its field path from the
    /// outermost struct (e.g. `basin_hopping.quench.max_step`).
    #[error("invalid setting {path} = {value}: {reason}")]
    InvalidNestedSetting {
        /// The field path.
        path: String,
        /// Its value.
        value: String,
        /// What it must satisfy.
        reason: String,
    },
    /// A network or data-set error (for instance parameters of the wrong length).
    #[error(transparent)]
    Model(#[from] nnscape_model::ModelError),
    /// Settings refused by nnscape-optim (tolerances, basin-hopping).
    #[error(transparent)]
    Settings(#[from] nnscape_optim::OptimError),
    /// The Hessian of a point could not be diagonalised.
    #[error("Hessian eigendecomposition did not converge")]
    Eigen,
    /// SQLite failed.
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A PATHSAMPLE file that cannot be read into the database.
    #[error("{path}: line {line}: {message}")]
    Format {
        /// The file.
        path: PathBuf,
        /// 1-based line (0: the file as a whole).
        line: usize,
        /// What is wrong.
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
