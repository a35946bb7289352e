//! # nnscape-analysis
//!
//! What a mapped loss landscape says, in the terms of Mehta, Zhao, Bernal and Wales (PRE 97,
//! 052307, 2018): the exact merge tree and the disconnectivity graph (drawn as disconnectionDPS
//! draws it, to CSV segments and SVG), how well every minimum and transition state classifies the
//! training data (accuracy, margin, ROC AUC), how robust that classification is to Gaussian noise
//! on the inputs, what becomes of each stationary point of an N_h landscape when it is embedded
//! in N_h + 1 (with the Hessian-index change derived in [`embed`]), counts of minima and
//! transition states up to network and data symmetries, and two questions beyond the paper:
//! which minima ordinary training lands in ([`training`]: runs quenched and matched to the map,
//! landing probabilities with Wilson intervals) and how many hidden nodes each stationary
//! point really uses and how it survives dropout ([`compression`]). Its figures, and the line plots of the
//! study, are written by one SVG module ([`svg`]). It reads landscapes from
//! `nnscape-landscape` databases and may depend on nnscape-model, -optim, -ts and -landscape,
//! never on the command-line tool. Every function that needs the training data takes the
//! [`Dataset`] and refuses one whose content hash differs from the
//! database's.
//!
//! ```
//! use nnscape_analysis::classification::classify_point;
//! use nnscape_analysis::dgraph::{DgEdge, DgMinimum, MergeTree};
//! use nnscape_model::{Dataset, Loss, Network};
//!
//! // W = 0 predicts p = 1/2 everywhere: no point is correct (ties are wrong), AUC 1/2.
//! let mut loss = Loss::new(Network::xor(2, 1e-4).unwrap(), Dataset::xor()).unwrap();
//! let c = classify_point(&mut loss, &[0.0; 12]);
//! assert_eq!((c.n_correct, c.min_margin, c.auc), (0, 0.0, Some(0.5)));
//!
//! // Three minima joined by two transition states: 1 and 2 meet at 0.5, all three at 2.0.
//! let minima = [
//!     DgMinimum { id: 1, energy: 0.0, n_correct: 4 },
//!     DgMinimum { id: 2, energy: 0.2, n_correct: 2 },
//!     DgMinimum { id: 3, energy: 1.0, n_correct: 0 },
//! ];
//! let edges = [
//!     DgEdge { id: 1, energy: 2.0, min1: 2, min2: 3 },
//!     DgEdge { id: 2, energy: 0.5, min1: 1, min2: 2 },
//! ];
//! let tree = MergeTree::new(&minima, &edges);
//! assert_eq!(tree.join_energy(1, 2), Some(0.5));
//! assert_eq!(tree.join_energy(1, 3), Some(2.0));
//! ```

// Index loops mirror the formulas (w_h[j][k], C[i][k]) and are kept deliberately.
#![allow(clippy::needless_range_loop)]

pub mod classification;
pub mod compression;
pub mod counts;
pub mod dgraph;
pub mod embed;
pub mod error;
pub mod sensitivity;
pub mod svg;
pub mod training;

pub use error::AnalysisError;

use nnscape_landscape::{global_minimum, LandscapeDb, LandscapeIdentity};
use nnscape_model::{Dataset, Loss};

/// Which kind of stationary point a row describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PointKind {
    Minimum,
    TransitionState,
}

impl PointKind {
    /// `min` or `ts`, as written in the CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Minimum => "min",
            Self::TransitionState => "ts",
        }
    }
}

/// Refuses a data set that is not the one the landscape was explored with.
pub fn check_dataset(identity: &LandscapeIdentity, dataset: &Dataset) -> Result<(), AnalysisError> {
    let hash = dataset.content_hash();
    if hash != identity.dataset_hash {
        return Err(AnalysisError::DatasetMismatch {
            given_name: dataset.name().to_owned(),
            given_hash: hash,
            stored_name: identity.dataset_name.clone(),
            stored_hash: identity.dataset_hash.clone(),
        });
    }
    Ok(())
}

/// The loss of a database's landscape on `dataset`, after checking that it is the right data.
pub fn landscape_loss(db: &LandscapeDb, dataset: &Dataset) -> Result<Loss, AnalysisError> {
    check_dataset(db.identity(), dataset)?;
    Ok(Loss::new(*db.network(), dataset.clone())?)
}

/// One stationary point of a database with its kind: the unit every per-point analysis runs on.
#[derive(Debug, Clone, PartialEq)]
pub struct PointRef {
    pub kind: PointKind,
    pub id: i64,
    pub energy: f64,
    pub hessian_index: usize,
    pub params: Vec<f64>,
}

/// All minima (by id) then all transition states (by id) of a database.
pub fn all_points(db: &LandscapeDb) -> Result<Vec<PointRef>, AnalysisError> {
    let mut out: Vec<PointRef> = db
        .minima()?
        .into_iter()
        .map(|m| PointRef {
            kind: PointKind::Minimum,
            id: m.id,
            energy: m.point.energy,
            hessian_index: m.point.hessian_index,
            params: m.point.params,
        })
        .collect();
    out.extend(db.transition_states()?.into_iter().map(|t| PointRef {
        kind: PointKind::TransitionState,
        id: t.id,
        energy: t.point.energy,
        hessian_index: t.point.hessian_index,
        params: t.point.params,
    }));
    Ok(out)
}

/// The id of the global minimum ([`nnscape_landscape::global_minimum`]: lowest energy, ties by
/// lowest id), if there are minima.
pub fn global_minimum_id(points: &[PointRef]) -> Option<i64> {
    let minima: Vec<&PointRef> = points
        .iter()
        .filter(|p| p.kind == PointKind::Minimum)
        .collect();
    global_minimum(&minima, |p| (p.energy, p.id)).map(|p| p.id)
}
