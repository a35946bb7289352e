//! Which minima training finds: the end point of every training run
//! ([`nnscape_optim::train`]) quenched and matched, up to the network symmetries, to the minima
//! of a landscape database, with landing statistics ([`stats`]).
//!
//! Each run's end point `x_T` is classified ([`Outcome`]):
//!
//! - a run that stopped early (RMS gradient at its tolerance) is Newton-polished from `x_T`
//!   (the exact-Hessian polish converges to the nearest stationary point of any index). When the
//!   polish converges within [`LandingParams::stationary_distance`] of `x_T`, training stopped
//!   at that stationary point: a **saddle** when its Hessian index is above 0, else a minimum.
//!   Otherwise the gradient was small with no stationary point nearby: a **plateau**;
//! - a run that used its epoch budget was still descending: its end point is quenched to the
//!   minimum of the basin it was in ([`nnscape_optim::verified_minimum`]: L-BFGS, Newton polish,
//!   and, when the quench stops on a saddle because the end point lies on a basin boundary, a
//!   push-off to the lower side, as basin-hopping does). A point still at a saddle after the
//!   push-offs is a **saddle**: one so flat (on XOR, negative curvature ~1e-5 where two nodes
//!   merge) that every quench stops within its tolerance of it, and that gradient descent would
//!   take millions of steps to leave. A quench that does not converge is a **plateau**;
//! - a minimum is looked up in the database: a stored one is the outcome **minimum**; one the
//!   map lacks is stored (with its images under the data symmetries, logged as found by
//!   training) and is **unmatched**, as is every later landing on a minimum that training
//!   added, so a rerun reports the same outcomes;
//! - a run whose loss stopped being finite is **diverged** (never with the default settings).
//!
//! The end points are computed in parallel; the lookups and stores run in run order, so the
//! ids, outcomes and database are the same for any number of threads.

pub mod stats;

use std::collections::BTreeSet;
use std::ops::Range;

use nnscape_landscape::{LandscapeDb, SearchMethod};
use nnscape_model::{Dataset, Loss};
use nnscape_optim::train::{train_runs, TrainParams, TrainRun, TrainTermination};
use nnscape_optim::{
    newton_polish, verified_minimum, Alignment, Lbfgs, LbfgsParams, Minimum, MinimumFailure,
    MinimumParams, NetworkAlignment,
};
use rayon::prelude::*;

use crate::{landscape_loss, AnalysisError};

/// Settings of the end-point classification; each field's doc gives its default and source.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LandingParams {
    /// The quench of an end point. Default [`LbfgsParams::default`] (GMIN's quench: RMS
    /// gradient 1e-6, step cap 0.2, which keeps a quench in the basin it starts in).
    pub quench: LbfgsParams,
    /// The verification of the quench (Newton polish, push-offs from saddles); its `newton`
    /// also polishes an early-stopped end point. Default [`MinimumParams::default`] (RMS
    /// gradient 1e-10, as the database's points; up to 10 push-offs).
    pub minimum: MinimumParams,
    /// Largest (aligned) distance from an early-stopped end point to the stationary point its
    /// polish reaches for training to count as stopped there. Default 0.5: a quarter of the
    /// typical distance between distinct XOR minima (2 or more), and five Newton steps of the
    /// polish's step cap 0.1.
    pub stationary_distance: f64,
}

impl Default for LandingParams {
    fn default() -> Self {
        Self {
            quench: LbfgsParams::default(),
            minimum: MinimumParams::default(),
            stationary_distance: 0.5,
        }
    }
}

impl LandingParams {
    /// Checks every field; the error names it (`quench.max_step`).
    pub fn validate(&self) -> Result<(), AnalysisError> {
        let bad = |e: nnscape_optim::OptimError| AnalysisError::InvalidSetting {
            name: "landing",
            value: e.to_string(),
            reason: "invalid quench or polish setting",
        };
        self.quench
            .validate()
            .map_err(|e| bad(e.within("quench")))?;
        self.minimum
            .validate()
            .map_err(|e| bad(e.within("minimum")))?;
        if !(self.stationary_distance.is_finite() && self.stationary_distance > 0.0) {
            return Err(AnalysisError::InvalidSetting {
                name: "stationary_distance",
                value: self.stationary_distance.to_string(),
                reason: "must be finite and > 0",
            });
        }
        Ok(())
    }
}

/// Where a training run ended, against the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// In the basin of a minimum of the map.
    Minimum,
    /// In the basin of a minimum the map lacked (now stored).
    Unmatched,
    /// Stopped at a stationary point of index > 0.
    Saddle,
    /// Stopped with a small gradient and no stationary point nearby, or the quench failed.
    Plateau,
    /// The loss stopped being finite.
    Diverged,
}

impl Outcome {
    /// Every outcome, in table order.
    pub const ALL: [Outcome; 5] = [
        Outcome::Minimum,
        Outcome::Unmatched,
        Outcome::Saddle,
        Outcome::Plateau,
        Outcome::Diverged,
    ];
    /// As written in the CSV files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Minimum => "minimum",
            Self::Unmatched => "unmatched",
            Self::Saddle => "saddle",
            Self::Plateau => "plateau",
            Self::Diverged => "diverged",
        }
    }
}

/// One training run and where it landed.
#[derive(Debug, Clone, PartialEq)]
pub struct Landing {
    /// Optimiser name (`gd`, `sgd`, `adam`).
    pub optimiser: &'static str,
    /// Initialisation name (`glorot`, `he`, `uniform`).
    pub init: &'static str,
    /// Run number (its random stream).
    pub run: usize,
    /// Epochs trained.
    pub epochs: usize,
    /// Loss E at the end point.
    pub final_loss: f64,
    /// Training points the end point classifies correctly.
    pub n_correct: usize,
    pub outcome: Outcome,
    /// The minimum landed in (outcomes minimum and unmatched).
    pub minimum_id: Option<i64>,
    /// Aligned distance from the end point to that minimum (or to the saddle it stopped at).
    pub distance: Option<f64>,
}

/// CSV columns of a landing, after the landscape's `n_hidden, lambda`.
pub const LANDING_CSV_HEADER: [&str; 9] = [
    "optimiser",
    "init",
    "run",
    "epochs",
    "final_loss",
    "n_correct",
    "outcome",
    "minimum_id",
    "distance",
];

impl Landing {
    /// The row's fields in [`LANDING_CSV_HEADER`] order (floats in shortest round-trip form,
    /// empty for an absent id or distance).
    pub fn csv_record(&self) -> Vec<String> {
        vec![
            self.optimiser.to_owned(),
            self.init.to_owned(),
            self.run.to_string(),
            self.epochs.to_string(),
            self.final_loss.to_string(),
            self.n_correct.to_string(),
            self.outcome.as_str().to_owned(),
            self.minimum_id.map_or(String::new(), |id| id.to_string()),
            self.distance.map_or(String::new(), |d| d.to_string()),
        ]
    }
}

/// The end point of a run classified without the database (the parallel half).
#[derive(Debug, Clone)]
enum EndPoint {
    Minimum(Minimum),
    Saddle { distance: Option<f64> },
    Plateau,
    Diverged,
}

/// Polishes or quenches one run's end point (see the module documentation).
fn end_point(
    loss: &mut Loss,
    lbfgs: &mut Lbfgs,
    run: &TrainRun,
    params: &LandingParams,
    tolerances: &nnscape_optim::Tolerances,
) -> EndPoint {
    let alignment = NetworkAlignment::new(*loss.network());
    let polished = match run.termination {
        TrainTermination::Diverged => return EndPoint::Diverged,
        TrainTermination::Converged => match newton_polish(loss, &run.x, &params.minimum.newton) {
            Ok(p)
                if p.converged()
                    && alignment.distance(&run.x, &p.x) <= params.stationary_distance =>
            {
                p
            }
            _ => return EndPoint::Plateau,
        },
        TrainTermination::EpochBudget => {
            return match verified_minimum(loss, &run.x, lbfgs, &params.minimum, tolerances) {
                Ok(m) => EndPoint::Minimum(m),
                // A saddle so flat (negative curvature ~1e-5, typically where two nodes merge)
                // that every quench stops within its tolerance of it: the distance is to the
                // saddle that the plain quench reaches.
                Err(MinimumFailure::Saddle { .. }) => {
                    let q = lbfgs.minimise(loss, &run.x);
                    let distance =
                        nnscape_optim::polish_minimum(loss, &q.x, lbfgs, &params.minimum.newton)
                            .ok()
                            .filter(|p| p.converged())
                            .map(|p| alignment.distance(&run.x, &p.x));
                    EndPoint::Saddle { distance }
                }
                Err(_) => EndPoint::Plateau,
            };
        }
    };
    let Some(eigenvalues) = loss.hessian_eigenvalues(&polished.x) else {
        return EndPoint::Plateau;
    };
    if tolerances.index(&eigenvalues) > 0 {
        return EndPoint::Saddle {
            distance: Some(alignment.distance(&run.x, &polished.x)),
        };
    }
    EndPoint::Minimum(Minimum {
        x: polished.x,
        energy: polished.energy,
        rms_gradient: polished.rms_gradient,
        eigenvalues,
        escapes: 0,
        function_evaluations: polished.function_evaluations,
    })
}

/// Trains the runs `runs` of the database's landscape with `train`, classifies every end point
/// against the map (module documentation) and stores the minima it lacks. The database must be
/// open for writing when a run finds a new minimum.
///
/// Errors: bad settings, the wrong data set, a database error.
pub fn land_runs(
    db: &LandscapeDb,
    dataset: &Dataset,
    train: &TrainParams,
    runs: Range<usize>,
    params: &LandingParams,
) -> Result<Vec<Landing>, AnalysisError> {
    params.validate()?;
    train
        .validate()
        .map_err(|e| AnalysisError::InvalidSetting {
            name: "train",
            value: e.to_string(),
            reason: "invalid training setting",
        })?;
    let loss = landscape_loss(db, dataset)?;
    let tolerances = *db.tolerances();
    let trained = train_runs(&loss, train, runs).expect("settings validated above");
    let ends: Vec<EndPoint> = trained
        .par_iter()
        .map_init(
            || {
                let lbfgs = Lbfgs::new(params.quench.clone()).expect("validated");
                (loss.clone(), lbfgs)
            },
            |(loss, lbfgs), run| end_point(loss, lbfgs, run, params, &tolerances),
        )
        .collect();
    let mut eval = loss.clone();
    let alignment = NetworkAlignment::new(*loss.network());
    let mut found_by_training = db.logged_minima(SearchMethod::Training)?;
    let mut stored: std::collections::BTreeMap<i64, Vec<f64>> = db
        .minima()?
        .into_iter()
        .map(|m| (m.id, m.point.params))
        .collect();
    let mut out = Vec::with_capacity(trained.len());
    for (run, end) in trained.iter().zip(ends) {
        let (outcome, minimum_id, distance) = match end {
            EndPoint::Diverged => (Outcome::Diverged, None, None),
            EndPoint::Plateau => (Outcome::Plateau, None, None),
            EndPoint::Saddle { distance } => (Outcome::Saddle, None, distance),
            EndPoint::Minimum(m) => {
                let id = match db.find_minimum(m.energy, &m.x)? {
                    Some(id) => Some(id),
                    None => store_new(db, &mut eval, &m, &mut found_by_training, &mut stored)?,
                };
                match id {
                    Some(id) => {
                        let outcome = if found_by_training.contains(&id) {
                            Outcome::Unmatched
                        } else {
                            Outcome::Minimum
                        };
                        let d = alignment.distance(&run.x, &stored[&id]);
                        (outcome, Some(id), Some(d))
                    }
                    // Not a minimum by the database's own re-evaluation: a saddle at its cut-off.
                    None => (
                        Outcome::Saddle,
                        None,
                        Some(alignment.distance(&run.x, &m.x)),
                    ),
                }
            }
        };
        out.push(Landing {
            optimiser: train.optimiser.name(),
            init: train.init.name(),
            run: run.run,
            epochs: run.epochs,
            final_loss: run.loss,
            n_correct: eval.n_correct(&run.x),
            outcome,
            minimum_id,
            distance,
        });
    }
    Ok(out)
}

/// Stores a minimum the map lacks, with its images, and logs every new id as found by
/// training, in one transaction. Returns its id (`None` when the database does not take it
/// as a minimum).
fn store_new(
    db: &LandscapeDb,
    loss: &mut Loss,
    m: &Minimum,
    found_by_training: &mut BTreeSet<i64>,
    stored: &mut std::collections::BTreeMap<i64, Vec<f64>>,
) -> Result<Option<i64>, AnalysisError> {
    let before = db.max_ids()?.0;
    let id = db.atomically(|| {
        let id = db.insert_verified_minimum(loss, m)?;
        let after = db.max_ids()?.0;
        for new in before + 1..=after {
            db.log_search(SearchMethod::Training, Some(new), None, "new minimum")?;
        }
        Ok(id)
    })?;
    let after = db.max_ids()?.0;
    if after > before {
        found_by_training.extend(before + 1..=after);
        for m in db.minima()?.into_iter().filter(|m| m.id > before) {
            stored.insert(m.id, m.point.params);
        }
    }
    Ok(id)
}
