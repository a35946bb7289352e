//! Beyond the paper: training runs matched to the maps (training.csv, landing.svg) and the
//! compression and dropout of every stationary point (compression.csv).

use std::path::Path;

use anyhow::{Context, Result};
use nnscape_analysis::compression::{compress_landscape, CompressionParams, CompressionRow};
use nnscape_analysis::training::stats::{landing_groups, LandingGroup};
use nnscape_analysis::training::{land_runs, Landing, LandingParams};
use nnscape_landscape::{LandscapeDb, LandscapeIdentity, Tolerances};
use nnscape_model::{Dataset, Loss, Network};
use nnscape_optim::train::{Init, Optimiser, TrainParams};
use serde::Serialize;

use crate::explore::db_path;
use crate::grid::LandscapeKey;

/// Which landscapes are trained on and how many runs: training runs on the landscapes of the
/// grid whose N_h and lambda are both listed here.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingPlan {
    pub hidden: Vec<usize>,
    pub lambdas: Vec<f64>,
    /// Runs per optimiser and initialisation on each landscape.
    pub runs: usize,
    /// Epoch budget of a run.
    pub epochs: usize,
    /// Master seed of the runs (run r on stream r).
    pub seed: u64,
}

impl TrainingPlan {
    /// N_h 2..=5 at lambda 1e-3 and 1e-4, 300 runs of 2,000 epochs per optimiser and
    /// initialisation (2,700 runs per landscape, 21,600 in all: about 36 s of one core with the
    /// quenches and lookups, measured (200 runs: 24 s); the 95% Wilson interval of a landing
    /// probability is then at most +-0.06 per optimiser and initialisation and +-0.035 per
    /// optimiser).
    pub fn full() -> Self {
        Self {
            hidden: vec![2, 3, 4, 5],
            lambdas: vec![1e-3, 1e-4],
            runs: 300,
            epochs: TrainParams::default().epochs,
            seed: 0,
        }
    }
    /// The `--quick` plan: N_h 2 and 3 at lambda 1e-3 (the quick grid's smallest), 10 runs.
    pub fn quick() -> Self {
        Self {
            hidden: vec![2, 3],
            lambdas: vec![1e-3],
            runs: 10,
            epochs: TrainParams::default().epochs,
            seed: 0,
        }
    }
    /// Whether landscape `k` is trained on.
    pub fn covers(&self, k: &LandscapeKey) -> bool {
        self.hidden.contains(&k.n_hidden) && self.lambdas.contains(&k.lambda)
    }
    /// The settings of every (optimiser, initialisation), in table order.
    pub fn settings(&self) -> Vec<TrainParams> {
        Optimiser::all()
            .into_iter()
            .flat_map(|optimiser| {
                Init::all().into_iter().map(move |init| TrainParams {
                    optimiser,
                    init,
                    epochs: self.epochs,
                    seed: self.seed,
                    ..TrainParams::default()
                })
            })
            .collect()
    }
}

/// The runs of one landscape, their statistics and the minima training added to its map.
#[derive(Debug, Clone)]
pub struct LandscapeTraining {
    pub key: LandscapeKey,
    pub landings: Vec<Landing>,
    pub groups: Vec<LandingGroup>,
    /// Minima of the map that training found (this run or an earlier one).
    pub added_minima: usize,
    pub minima: usize,
}

fn loss_of(k: &LandscapeKey) -> Result<Loss> {
    Ok(Loss::new(
        Network::xor(k.n_hidden, k.lambda)?,
        Dataset::xor(),
    )?)
}

/// Trains on every landscape of `keys` the plan covers (inside the caller's pool), storing
/// the minima a map lacks in its database.
pub(crate) fn train_grid(
    out: &Path,
    keys: &[LandscapeKey],
    plan: &TrainingPlan,
    dataset: &Dataset,
) -> Result<Vec<LandscapeTraining>> {
    let lp = LandingParams::default();
    let mut results = Vec::new();
    for k in keys.iter().filter(|k| plan.covers(k)) {
        let path = db_path(out, k);
        let loss = loss_of(k)?;
        let db = LandscapeDb::open_or_create(
            &path,
            &LandscapeIdentity::of(&loss),
            Tolerances::at_lambda(loss.network().lambda()),
        )
        .with_context(|| format!("opening {}", path.display()))?;
        let mut landings = Vec::new();
        for p in plan.settings() {
            landings.extend(
                land_runs(&db, dataset, &p, 0..plan.runs, &lp)
                    .with_context(|| format!("training on {}", k.name()))?,
            );
        }
        let minima = db.minima()?;
        let added = db
            .logged_minima(nnscape_landscape::SearchMethod::Training)?
            .len();
        results.push(LandscapeTraining {
            key: *k,
            groups: landing_groups(&landings, &minima, dataset.len()),
            landings,
            added_minima: added,
            minima: minima.len(),
        });
    }
    Ok(results)
}

/// Compression and dropout of every stationary point of every landscape of `keys` (inside the
/// caller's pool); reduced points are named in the same-lambda landscapes of `keys` with fewer
/// nodes.
pub(crate) fn compress_grid(
    out: &Path,
    keys: &[LandscapeKey],
    dataset: &Dataset,
    params: &CompressionParams,
) -> Result<Vec<(LandscapeKey, Vec<CompressionRow>)>> {
    let mut rows = Vec::new();
    for k in keys {
        let db = LandscapeDb::open_existing(db_path(out, k))?;
        let smaller: Vec<LandscapeDb> = keys
            .iter()
            .filter(|s| s.lambda == k.lambda && s.n_hidden < k.n_hidden)
            .map(|s| LandscapeDb::open_existing(db_path(out, s)))
            .collect::<Result<_, _>>()?;
        let refs: Vec<&LandscapeDb> = smaller.iter().collect();
        let r = compress_landscape(&db, &refs, dataset, params)
            .with_context(|| format!("compressing {}", k.name()))?;
        rows.push((*k, r));
    }
    Ok(rows)
}
