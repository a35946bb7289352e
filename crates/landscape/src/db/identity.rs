//! Which landscape a database holds, and the schema it is written in: the identity stored in
//! the `landscape` table, the SQL of every table, and the check that a file opened for one
//! landscape really holds that landscape.

use std::path::Path;

use nnscape_model::{Loss, Network, NetworkSpec};

use crate::error::LandscapeError;

/// Schema version written to `PRAGMA user_version`.
/// Version 2 added `eigenvalue_cutoff` to the landscape's stored
/// [`Tolerances`](nnscape_optim::Tolerances); version 3 the completeness certificates
/// (tables `certificates`, `certificate_trials`, `certificate_steps`).
pub const SCHEMA_VERSION: i64 = 3;

/// The columns every stationary point has, in both point tables (one definition, so that the
/// two tables cannot drift apart).
macro_rules! point_columns {
    () => {
        "
    id            INTEGER PRIMARY KEY,
    energy        REAL    NOT NULL,
    params        BLOB    NOT NULL,
    rms_gradient  REAL    NOT NULL,
    hessian_index INTEGER NOT NULL,
    eigenvalues   BLOB    NOT NULL,
    fvib          REAL    NOT NULL,
    pgorder       INTEGER NOT NULL,
    n_correct     INTEGER NOT NULL"
    };
}

/// The tables of a landscape database (PATHSAMPLE's min.data, ts.data and points files, plus
/// the landscape's identity, the search log and the exploration cycles).
pub(super) const SCHEMA: &str = concat!(
    "
CREATE TABLE landscape (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    dataset_name       TEXT    NOT NULL,
    dataset_hash       TEXT    NOT NULL,
    n_in               INTEGER NOT NULL,
    n_hidden           INTEGER NOT NULL,
    n_out              INTEGER NOT NULL,
    lambda             REAL    NOT NULL,
    regularise_biases  INTEGER NOT NULL,
    code_version       TEXT    NOT NULL,
    energy_tolerance   REAL    NOT NULL,
    distance_tolerance REAL    NOT NULL,
    eigenvalue_cutoff  REAL    NOT NULL
);
CREATE TABLE minima (",
    point_columns!(),
    "
);
CREATE INDEX minima_energy ON minima (energy);
CREATE TABLE transition_states (",
    point_columns!(),
    ",
    min1                INTEGER NOT NULL REFERENCES minima (id),
    min2                INTEGER NOT NULL REFERENCES minima (id),
    negative_eigenvalue REAL    NOT NULL
);
CREATE INDEX transition_states_energy ON transition_states (energy);
CREATE TABLE searches (
    id      INTEGER PRIMARY KEY,
    method  TEXT    NOT NULL,
    min1    INTEGER,
    min2    INTEGER,
    outcome TEXT    NOT NULL
);
CREATE INDEX searches_key ON searches (method, min1, min2);
CREATE TABLE cycles (
    cycle        INTEGER PRIMARY KEY,
    minima_start INTEGER NOT NULL,
    ts_start     INTEGER NOT NULL,
    minima_end   INTEGER,
    ts_end       INTEGER
);
"
);

/// Which landscape a database holds: the data set, the network and its loss.
#[derive(Debug, Clone, PartialEq)]
pub struct LandscapeIdentity {
    /// The data set's name (informative only: the hash identifies it).
    pub dataset_name: String,
    /// Content hash of the data set ([`nnscape_model::Dataset::content_hash`]).
    pub dataset_hash: String,
    /// Inputs of the network.
    pub n_in: usize,
    /// Hidden nodes N_h.
    pub n_hidden: usize,
    /// Outputs (classes).
    pub n_out: usize,
    /// L2 regularisation strength.
    pub lambda: f64,
    /// Whether the regulariser also acts on the biases.
    pub regularise_biases: bool,
}

impl LandscapeIdentity {
    /// The identity of a loss function's landscape.
    pub fn of(loss: &Loss) -> Self {
        let net = loss.network();
        Self {
            dataset_name: loss.dataset().name().to_owned(),
            dataset_hash: loss.dataset().content_hash(),
            n_in: net.n_in(),
            n_hidden: net.n_hidden(),
            n_out: net.n_out(),
            lambda: net.lambda(),
            regularise_biases: net.regularises_biases(),
        }
    }

    /// The network this identity describes.
    pub fn network(&self) -> Result<Network, LandscapeError> {
        Ok(Network::new(NetworkSpec {
            n_in: self.n_in,
            n_hidden: self.n_hidden,
            n_out: self.n_out,
            lambda: self.lambda,
        })?
        .with_bias_regularisation(self.regularise_biases))
    }
}

impl std::fmt::Display for LandscapeIdentity {
    /// In words: `data 'xor' (hash ...), N_in 2, N_h 3, N_out 2, lambda 0.001, biases regularised`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "data '{}' (hash {}), N_in {}, N_h {}, N_out {}, lambda {}, biases {}",
            self.dataset_name,
            self.dataset_hash,
            self.n_in,
            self.n_hidden,
            self.n_out,
            self.lambda,
            if self.regularise_biases {
                "regularised"
            } else {
                "not regularised"
            }
        )
    }
}

/// Refuses a file whose stored identity is not the requested one, naming the first field that
/// differs (lambda compared bit for bit: a database is one landscape, not a neighbourhood).
pub(super) fn check_identity(
    path: &Path,
    stored: &LandscapeIdentity,
    requested: &LandscapeIdentity,
) -> Result<(), LandscapeError> {
    let mismatch = |field: &'static str, s: String, r: String| {
        Err(LandscapeError::Mismatch {
            path: path.to_path_buf(),
            field,
            stored: s,
            requested: r,
        })
    };
    if stored.dataset_hash != requested.dataset_hash {
        return mismatch(
            "the data set",
            format!("'{}' (hash {})", stored.dataset_name, stored.dataset_hash),
            format!(
                "'{}' (hash {})",
                requested.dataset_name, requested.dataset_hash
            ),
        );
    }
    for (field, s, r) in [
        ("N_in", stored.n_in, requested.n_in),
        ("N_h", stored.n_hidden, requested.n_hidden),
        ("N_out", stored.n_out, requested.n_out),
    ] {
        if s != r {
            return mismatch(field, s.to_string(), r.to_string());
        }
    }
    if stored.lambda.to_bits() != requested.lambda.to_bits() {
        return mismatch(
            "lambda",
            stored.lambda.to_string(),
            requested.lambda.to_string(),
        );
    }
    if stored.regularise_biases != requested.regularise_biases {
        return mismatch(
            "bias regularisation",
            stored.regularise_biases.to_string(),
            requested.regularise_biases.to_string(),
        );
    }
    Ok(())
}
