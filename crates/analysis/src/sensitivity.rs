//! Sensitivity of the classification to perturbations of the input data.
//!
//! For every stationary point and every noise level sigma: each training input gets independent
//! Gaussian noise of standard deviation sigma on every feature, `samples` times, and the fraction
//! of perturbed inputs still classified correctly (true class strictly most probable) is
//! recorded. The local measure next to it is |d p_true / d x| at the clean inputs, averaged over
//! the data points.
//!
//! Reproducibility: each (point, sigma index) pair draws from its own ChaCha8 stream seeded from
//! (seed, kind, id, sigma index), so results do not depend on the order of evaluation or on the
//! number of threads.

use std::io::Write;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use nnscape_landscape::LandscapeDb;
use nnscape_model::Loss;
use nnscape_model::{classify, Dataset};

use crate::{all_points, global_minimum_id, landscape_loss, AnalysisError, PointKind, PointRef};

/// Settings of the perturbation analysis.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SensitivityParams {
    /// Noise standard deviations. Default: 7 values from 0.01 to 1 on a log scale (XOR inputs are
    /// 0/1, so sigma = 1 scrambles them completely and 0.01 barely moves them).
    pub sigmas: Vec<f64>,
    /// Perturbed copies of each data point per sigma (default 200: a fraction to about +/-0.03).
    pub samples: usize,
    /// Base seed of the ChaCha8 streams.
    pub seed: u64,
}

impl Default for SensitivityParams {
    fn default() -> Self {
        Self {
            sigmas: log_grid(0.01, 1.0, 7),
            samples: 200,
            seed: 0x6e6e_7363_6170_6531,
        }
    }
}

impl SensitivityParams {
    pub fn validate(&self) -> Result<(), AnalysisError> {
        if self.sigmas.is_empty() || self.sigmas.iter().any(|s| !(s.is_finite() && *s >= 0.0)) {
            return Err(AnalysisError::InvalidSetting {
                name: "sigmas",
                value: format!("{:?}", self.sigmas),
                reason: "need at least one finite, non-negative sigma",
            });
        }
        if self.samples == 0 {
            return Err(AnalysisError::InvalidSetting {
                name: "samples",
                value: "0".into(),
                reason: "must be at least 1",
            });
        }
        Ok(())
    }
}

/// `n` values from `lo` to `hi` equally spaced in log (n >= 2), or `[lo]` for n = 1.
pub fn log_grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if n <= 1 {
        return vec![lo];
    }
    let (a, b) = (lo.ln(), hi.ln());
    (0..n)
        .map(|i| (a + (b - a) * i as f64 / (n - 1) as f64).exp())
        .collect()
}

/// Sensitivity of one stationary point.
#[derive(Debug, Clone, PartialEq)]
pub struct PointSensitivity {
    /// Per sigma: fraction of perturbed inputs still classified correctly.
    pub fraction_correct: Vec<f64>,
    /// Mean over data points of |d p_true / d x| at the clean inputs.
    pub mean_input_gradient_norm: f64,
}

/// SplitMix64 finaliser: decorrelates the per-stream seeds built from small integers.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The seed of the stream for (point, sigma index).
pub fn stream_seed(seed: u64, kind: PointKind, id: i64, sigma_index: usize) -> u64 {
    let k = match kind {
        PointKind::Minimum => 0,
        PointKind::TransitionState => 1,
    };
    mix(mix(mix(seed ^ k) ^ id as u64) ^ sigma_index as u64)
}

/// A standard normal pair by Box-Muller (u1 in (0, 1] so the log is finite).
fn normal_pair(rng: &mut ChaCha8Rng) -> (f64, f64) {
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    let r = (-2.0 * u1.ln()).sqrt();
    let t = std::f64::consts::TAU * u2;
    (r * t.cos(), r * t.sin())
}

/// Sensitivity of the point `(kind, id)` with parameters `w`.
pub fn point_sensitivity(
    loss: &mut Loss,
    kind: PointKind,
    id: i64,
    w: &[f64],
    params: &SensitivityParams,
) -> PointSensitivity {
    let data = loss.dataset().clone();
    let (n_in, n_out) = (data.n_in(), loss.network().n_out());
    let mut x = vec![0.0; n_in];
    let mut p = vec![0.0; n_out];
    let mut normals = Vec::with_capacity(n_in + 1);
    let fraction_correct = params
        .sigmas
        .iter()
        .enumerate()
        .map(|(s, &sigma)| {
            let mut rng = ChaCha8Rng::seed_from_u64(stream_seed(params.seed, kind, id, s));
            let mut correct = 0usize;
            for d in 0..data.len() {
                for _ in 0..params.samples {
                    normals.clear();
                    while normals.len() < n_in {
                        let (a, b) = normal_pair(&mut rng);
                        normals.push(a);
                        normals.push(b);
                    }
                    for k in 0..n_in {
                        x[k] = data.input(d)[k] + sigma * normals[k];
                    }
                    loss.probabilities_into(w, &x, &mut p);
                    if classify(p.clone(), data.label(d)).correct {
                        correct += 1;
                    }
                }
            }
            correct as f64 / (data.len() * params.samples) as f64
        })
        .collect();
    let mut grad = vec![0.0; n_in];
    let mut norm_sum = 0.0;
    for d in 0..data.len() {
        loss.class_probability_input_gradient(w, data.input(d), data.label(d), &mut grad);
        norm_sum += grad.iter().map(|g| g * g).sum::<f64>().sqrt();
    }
    PointSensitivity {
        fraction_correct,
        mean_input_gradient_norm: norm_sum / data.len() as f64,
    }
}

/// One row of the sensitivity table.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityRow {
    pub kind: PointKind,
    pub id: i64,
    pub energy: f64,
    pub sensitivity: PointSensitivity,
}

/// The three groups compared in the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    GlobalMinimum,
    OtherMinima,
    TransitionStates,
}

impl Group {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::GlobalMinimum => "global minimum",
            Self::OtherMinima => "other minima",
            Self::TransitionStates => "transition states",
        }
    }
}

/// Means of the measures over one group.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSummary {
    pub group: Group,
    /// Points in the group (the means are NaN when 0).
    pub count: usize,
    /// Per sigma: mean fraction still correct.
    pub mean_fraction_correct: Vec<f64>,
    pub mean_input_gradient_norm: f64,
}

/// Sensitivity of a whole landscape.
#[derive(Debug, Clone, PartialEq)]
pub struct LandscapeSensitivity {
    pub sigmas: Vec<f64>,
    /// Minima by id, then transition states by id.
    pub rows: Vec<SensitivityRow>,
    /// Global minimum, other minima, transition states.
    pub groups: Vec<GroupSummary>,
}

/// Sensitivity of every stationary point of `db`, in parallel on the current rayon pool.
pub fn landscape_sensitivity(
    db: &LandscapeDb,
    dataset: &Dataset,
    params: &SensitivityParams,
) -> Result<LandscapeSensitivity, AnalysisError> {
    params.validate()?;
    let loss = landscape_loss(db, dataset)?;
    let points = all_points(db)?;
    Ok(sensitivity_of_points(&loss, &points, params))
}

/// Sensitivity of the given points (the global minimum is the lowest minimum among them).
pub fn sensitivity_of_points(
    loss: &Loss,
    points: &[PointRef],
    params: &SensitivityParams,
) -> LandscapeSensitivity {
    let rows: Vec<SensitivityRow> = points
        .par_iter()
        .map_init(
            || loss.clone(),
            |loss, p| SensitivityRow {
                kind: p.kind,
                id: p.id,
                energy: p.energy,
                sensitivity: point_sensitivity(loss, p.kind, p.id, &p.params, params),
            },
        )
        .collect();
    let gmin = global_minimum_id(points);
    let group_of = |r: &SensitivityRow| match r.kind {
        PointKind::Minimum if Some(r.id) == gmin => Group::GlobalMinimum,
        PointKind::Minimum => Group::OtherMinima,
        PointKind::TransitionState => Group::TransitionStates,
    };
    let groups = [
        Group::GlobalMinimum,
        Group::OtherMinima,
        Group::TransitionStates,
    ]
    .into_iter()
    .map(|g| {
        let members: Vec<&SensitivityRow> = rows.iter().filter(|r| group_of(r) == g).collect();
        let n = members.len() as f64;
        GroupSummary {
            group: g,
            count: members.len(),
            mean_fraction_correct: (0..params.sigmas.len())
                .map(|s| {
                    members
                        .iter()
                        .map(|r| r.sensitivity.fraction_correct[s])
                        .sum::<f64>()
                        / n
                })
                .collect(),
            mean_input_gradient_norm: members
                .iter()
                .map(|r| r.sensitivity.mean_input_gradient_norm)
                .sum::<f64>()
                / n,
        }
    })
    .collect();
    LandscapeSensitivity {
        sigmas: params.sigmas.clone(),
        rows,
        groups,
    }
}

impl LandscapeSensitivity {
    /// CSV in long form: `kind,id,energy,sigma,fraction_correct,mean_input_gradient_norm`, one
    /// row per point and sigma (the gradient norm does not depend on sigma and is repeated).
    pub fn write_csv(&self, out: impl Write) -> Result<(), AnalysisError> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record([
            "kind",
            "id",
            "energy",
            "sigma",
            "fraction_correct",
            "mean_input_gradient_norm",
        ])?;
        for r in &self.rows {
            for (s, sigma) in self.sigmas.iter().enumerate() {
                w.write_record([
                    r.kind.as_str().to_owned(),
                    r.id.to_string(),
                    format!("{:.17e}", r.energy),
                    format!("{sigma:e}"),
                    r.sensitivity.fraction_correct[s].to_string(),
                    format!("{:e}", r.sensitivity.mean_input_gradient_norm),
                ])?;
            }
        }
        w.flush()?;
        Ok(())
    }
}
