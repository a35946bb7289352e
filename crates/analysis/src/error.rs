//! Errors of the analysis crate.

/// Everything that can go wrong while analysing a landscape.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// The data set given is not the one the landscape was explored with.
    #[error("the data set '{given_name}' (hash {given_hash}) is not the one this landscape was explored with ('{stored_name}', hash {stored_hash}); pass the training data of the database")]
    DatasetMismatch {
        given_name: String,
        given_hash: String,
        stored_name: String,
        stored_hash: String,
    },
    /// The larger database of an embedding does not hold the N_h + 1 landscape of the smaller.
    #[error("the larger database does not hold the N_h + 1 landscape of the smaller one: {0}")]
    NotTheLargerLandscape(String),
    /// A database given as a smaller landscape holds another kind of network.
    #[error("not a smaller landscape of the same network: {0}")]
    NotTheSmallerLandscape(String),
    /// Invalid settings.
    #[error("invalid setting {name} = {value}: {reason}")]
    InvalidSetting {
        name: &'static str,
        value: String,
        reason: &'static str,
    },
    /// Nothing to analyse.
    #[error("the landscape holds no minima")]
    NoMinima,
    #[error("Hessian eigendecomposition did not converge")]
    Eigen,
    #[error(transparent)]
    Landscape(#[from] nnscape_landscape::LandscapeError),
    #[error(transparent)]
    Model(#[from] nnscape_model::ModelError),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Csv(#[from] csv::Error),
}
