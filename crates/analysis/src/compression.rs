//! How compressible and how dropout-robust every stationary point is.
//!
//! - **Compression** ([`nnscape_model::compress`]): the number of hidden nodes a point really
//!   uses (dead, constant and duplicate or opposite nodes removed, the data term unchanged
//!   within a stated tolerance), and the minimum of the smaller landscape that the reduced point
//!   lands on after a verified quench there (L-BFGS, Newton polish, push-off from saddles),
//!   looked up in that landscape's database: the inverse of the embedding.
//! - **Dropout** ([`nnscape_model::dropout`]): the data term and the points classified correctly
//!   with each single hidden node removed (no rescaling, as at evaluation), and their mean over
//!   random masks at rate p with inverted-dropout scaling `1 / (1 - p)` (the objective dropout
//!   training minimises), exact over all 2^N_h masks up to [`DropoutParams::max_exact_hidden`]
//!   nodes and sampled beyond.

use nnscape_landscape::LandscapeDb;
use nnscape_model::compress::{compress, CompressParams};
use nnscape_model::dropout::{drop_each_node, masked};
use nnscape_model::{Dataset, Loss};
use nnscape_optim::{verified_minimum, Lbfgs, LbfgsParams, MinimumParams};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::{all_points, check_dataset, landscape_loss, AnalysisError, PointKind};

/// Settings of the random dropout masks.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DropoutParams {
    /// Probability that a node is dropped. Default 0.5 (Hinton et al. 2012; Srivastava et al.
    /// 2014, for hidden units).
    pub rate: f64,
    /// Up to this many hidden nodes the mean is exact over all 2^N_h masks. Default 12 (4,096
    /// masks).
    pub max_exact_hidden: usize,
    /// Masks sampled beyond that. Default 4,096 (the mean to about 1% of its spread).
    pub samples: usize,
    /// Seed of the sampled masks (ChaCha8). Default 0.
    pub seed: u64,
}

impl Default for DropoutParams {
    fn default() -> Self {
        Self {
            rate: 0.5,
            max_exact_hidden: 12,
            samples: 4096,
            seed: 0,
        }
    }
}

/// Settings of [`compress_landscape`]; every field defaults to its own type's default.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct CompressionParams {
    /// The reductions. Default [`CompressParams::default`].
    pub compress: CompressParams,
    /// The random masks. Default [`DropoutParams::default`].
    pub dropout: DropoutParams,
    /// The quench of a reduced point in the smaller landscape. Default
    /// [`LbfgsParams::default`].
    pub quench: LbfgsParams,
    /// Its verification and polish. Default [`MinimumParams::default`].
    pub minimum: MinimumParams,
}

impl CompressionParams {
    /// Checks every field; the error names it.
    pub fn validate(&self) -> Result<(), AnalysisError> {
        self.compress.validate()?;
        let d = &self.dropout;
        if !(d.rate.is_finite() && d.rate > 0.0 && d.rate < 1.0) {
            return Err(AnalysisError::InvalidSetting {
                name: "dropout.rate",
                value: d.rate.to_string(),
                reason: "must lie in (0, 1)",
            });
        }
        if !(1..=20).contains(&d.max_exact_hidden) {
            return Err(AnalysisError::InvalidSetting {
                name: "dropout.max_exact_hidden",
                value: d.max_exact_hidden.to_string(),
                reason: "must lie in 1..=20 (2^20 masks)",
            });
        }
        if !(1..=1_000_000).contains(&d.samples) {
            return Err(AnalysisError::InvalidSetting {
                name: "dropout.samples",
                value: d.samples.to_string(),
                reason: "must lie in 1..=1000000",
            });
        }
        let bad = |e: nnscape_optim::OptimError| AnalysisError::InvalidSetting {
            name: "compression",
            value: e.to_string(),
            reason: "invalid quench setting",
        };
        self.quench
            .validate()
            .map_err(|e| bad(e.within("quench")))?;
        self.minimum
            .validate()
            .map_err(|e| bad(e.within("minimum")))?;
        Ok(())
    }
}

/// Where the reduced point of a stationary point lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduced {
    /// No reduction applies: the point uses all its nodes.
    Irreducible,
    /// The minimum of that id in the smaller landscape's database.
    Found(i64),
    /// Its quench ends at a minimum the smaller database lacks.
    NotFound,
    /// No database of the smaller landscape was given.
    NoDatabase,
    /// The quench did not reach a verified minimum.
    QuenchFailed,
}

impl Reduced {
    /// As written in the `reduced_status` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Irreducible => "irreducible",
            Self::Found(_) => "found",
            Self::NotFound => "not_found",
            Self::NoDatabase => "no_database",
            Self::QuenchFailed => "quench_failed",
        }
    }
    /// The id of the minimum found, if any.
    pub fn id(self) -> Option<i64> {
        match self {
            Self::Found(id) => Some(id),
            _ => None,
        }
    }
}

/// Compression and dropout of one stationary point.
#[derive(Debug, Clone, PartialEq)]
pub struct CompressionRow {
    pub kind: PointKind,
    pub id: i64,
    pub energy: f64,
    /// Hidden nodes the point really uses.
    pub effective_hidden_nodes: usize,
    /// The minimum of the landscape with `max(1, effective_hidden_nodes)` nodes it lands on.
    pub reduced: Reduced,
    /// Data term (mean cross-entropy) and points correct of the intact point.
    pub data_loss: f64,
    pub n_correct: usize,
    /// Single nodes removed: mean and largest data term, mean and fewest points correct.
    pub drop1_mean_loss: f64,
    pub drop1_max_loss: f64,
    pub drop1_mean_correct: f64,
    pub drop1_min_correct: usize,
    /// Mean over random masks at the dropout rate (inverted scaling).
    pub dropout_mean_loss: f64,
    pub dropout_mean_correct: f64,
    /// Reductions by kind.
    pub dead_nodes: usize,
    pub constant_nodes: usize,
    pub merged_nodes: usize,
}

/// CSV columns of a row, after the landscape's `n_hidden, lambda`: the point, its compression,
/// then the dropout columns, then the reductions by kind and the lookup status.
pub const COMPRESSION_CSV_HEADER: [&str; 18] = [
    "kind",
    "id",
    "energy",
    "effective_hidden_nodes",
    "reduced_minimum_id",
    "data_loss",
    "n_correct",
    "drop1_mean_loss",
    "drop1_max_loss",
    "drop1_mean_correct",
    "drop1_min_correct",
    "dropout_mean_loss",
    "dropout_mean_correct",
    "dead_nodes",
    "constant_nodes",
    "merged_nodes",
    "reduced_status",
    "reduced_n_hidden",
];

impl CompressionRow {
    /// The fields in [`COMPRESSION_CSV_HEADER`] order (energies `{:.17e}` as in the other
    /// analysis tables; empty id when no minimum was named).
    pub fn csv_record(&self) -> Vec<String> {
        vec![
            self.kind.as_str().to_owned(),
            self.id.to_string(),
            format!("{:.17e}", self.energy),
            self.effective_hidden_nodes.to_string(),
            self.reduced.id().map_or(String::new(), |id| id.to_string()),
            self.data_loss.to_string(),
            self.n_correct.to_string(),
            self.drop1_mean_loss.to_string(),
            self.drop1_max_loss.to_string(),
            self.drop1_mean_correct.to_string(),
            self.drop1_min_correct.to_string(),
            self.dropout_mean_loss.to_string(),
            self.dropout_mean_correct.to_string(),
            self.dead_nodes.to_string(),
            self.constant_nodes.to_string(),
            self.merged_nodes.to_string(),
            self.reduced.as_str().to_owned(),
            self.effective_hidden_nodes.max(1).to_string(),
        ]
    }
}

/// Mean data term and points correct over random dropout masks (see the module docs).
pub fn dropout_mean(
    loss: &mut Loss,
    w: &[f64],
    params: &DropoutParams,
) -> Result<(f64, f64), AnalysisError> {
    let nh = loss.network().n_hidden();
    let keep = 1.0 / (1.0 - params.rate);
    let mut factors = vec![0.0; nh];
    let (mut loss_sum, mut correct_sum, mut weight_sum) = (0.0, 0.0, 0.0);
    let mut add = |factors: &[f64], weight: f64| -> Result<(), AnalysisError> {
        let e = masked(loss, w, factors)?;
        loss_sum += weight * e.data_loss;
        correct_sum += weight * e.n_correct as f64;
        weight_sum += weight;
        Ok(())
    };
    if nh <= params.max_exact_hidden {
        for mask in 0u32..(1 << nh) {
            let kept = mask.count_ones() as i32;
            for (j, f) in factors.iter_mut().enumerate() {
                *f = if mask >> j & 1 == 1 { keep } else { 0.0 };
            }
            let weight = (1.0 - params.rate).powi(kept) * params.rate.powi(nh as i32 - kept);
            add(&factors, weight)?;
        }
    } else {
        let mut rng = ChaCha8Rng::seed_from_u64(params.seed);
        for _ in 0..params.samples {
            for f in factors.iter_mut() {
                *f = if rng.random::<f64>() < params.rate {
                    0.0
                } else {
                    keep
                };
            }
            add(&factors, 1.0)?;
        }
    }
    Ok((loss_sum / weight_sum, correct_sum / weight_sum))
}

/// Compression and dropout of every stationary point of `db` (minima by id, then transition
/// states), the reduced points looked up in the database of `smaller` with their node count
/// (same data, outputs and lambda; others are refused). Parallel over points; the same for any
/// thread count.
pub fn compress_landscape(
    db: &LandscapeDb,
    smaller: &[&LandscapeDb],
    dataset: &Dataset,
    params: &CompressionParams,
) -> Result<Vec<CompressionRow>, AnalysisError> {
    params.validate()?;
    let loss = landscape_loss(db, dataset)?;
    let net = *loss.network();
    for s in smaller {
        check_dataset(s.identity(), dataset)?;
        let sn = s.network();
        if sn.n_hidden() >= net.n_hidden() || sn.with_hidden(net.n_hidden())? != net {
            return Err(AnalysisError::NotTheSmallerLandscape(format!(
                "{} holds {sn}, not a network like {net} with fewer hidden nodes",
                s.path().display()
            )));
        }
    }
    // A point of N_h = 1 with no effective node reduces to N_h = 1 itself (a network has a
    // node at least): its own database names the minimum.
    let lookup = |nh: usize| -> Option<&LandscapeDb> {
        if nh == net.n_hidden() {
            Some(db)
        } else {
            smaller
                .iter()
                .copied()
                .find(|s| s.network().n_hidden() == nh)
        }
    };
    let points = all_points(db)?;
    let rows: Vec<Result<(CompressionRow, Option<nnscape_optim::Minimum>), AnalysisError>> = points
        .par_iter()
        .map_init(
            || loss.clone(),
            |loss, p| {
                let c = compress(loss, &p.params, &params.compress)?;
                let (dead, constant, merged) = c.counts();
                let drops = drop_each_node(loss, &p.params)?;
                let n = drops.len() as f64;
                let (mean_loss, mean_correct) = dropout_mean(loss, &p.params, &params.dropout)?;
                let quenched = if c.effective_hidden_nodes < net.n_hidden() {
                    let mut small = Loss::new(c.network, dataset.clone())?;
                    let mut lbfgs = Lbfgs::new(params.quench.clone()).expect("validated");
                    let tolerances = lookup(c.network.n_hidden())
                        .map_or(nnscape_optim::Tolerances::at_lambda(net.lambda()), |s| {
                            *s.tolerances()
                        });
                    verified_minimum(
                        &mut small,
                        &c.params,
                        &mut lbfgs,
                        &params.minimum,
                        &tolerances,
                    )
                    .ok()
                } else {
                    None
                };
                let row = CompressionRow {
                    kind: p.kind,
                    id: p.id,
                    energy: p.energy,
                    effective_hidden_nodes: c.effective_hidden_nodes,
                    reduced: Reduced::Irreducible,
                    data_loss: c.data_loss,
                    n_correct: loss.n_correct(&p.params),
                    drop1_mean_loss: drops.iter().map(|d| d.data_loss).sum::<f64>() / n,
                    drop1_max_loss: drops.iter().map(|d| d.data_loss).fold(f64::MIN, f64::max),
                    drop1_mean_correct: drops.iter().map(|d| d.n_correct as f64).sum::<f64>() / n,
                    drop1_min_correct: drops.iter().map(|d| d.n_correct).min().unwrap_or(0),
                    dropout_mean_loss: mean_loss,
                    dropout_mean_correct: mean_correct,
                    dead_nodes: dead,
                    constant_nodes: constant,
                    merged_nodes: merged,
                };
                Ok((row, quenched))
            },
        )
        .collect();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (mut row, quenched) = r?;
        if row.effective_hidden_nodes < net.n_hidden() {
            let small_nh = row.effective_hidden_nodes.max(1);
            let small_db = lookup(small_nh);
            row.reduced = match (small_db, quenched) {
                (None, _) => Reduced::NoDatabase,
                (Some(_), None) => Reduced::QuenchFailed,
                (Some(s), Some(m)) => match s.find_minimum(m.energy, &m.x)? {
                    Some(id) => Reduced::Found(id),
                    None => Reduced::NotFound,
                },
            };
        }
        out.push(row);
    }
    Ok(out)
}
