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

use nnscape_landscape::{energy_order, LandscapeDb};
use nnscape_model::Loss;
use nnscape_model::{classify, Dataset};

use crate::{all_points, landscape_loss, AnalysisError, PointKind, PointRef};

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
        if !(1..=MAX_SAMPLES).contains(&self.samples) {
            return Err(AnalysisError::InvalidSetting {
                name: "samples",
                value: self.samples.to_string(),
                reason: "must lie in 1..=100000",
            });
        }
        Ok(())
    }
}

/// Most perturbed copies per data point and noise level: 100,000 (the default is far below;
/// a bound on the work a typo can ask for).
pub const MAX_SAMPLES: usize = 100_000;

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
    /// The groups in the order of [`LandscapeSensitivity::groups`].
    pub const ALL: [Group; 3] = [
        Group::GlobalMinimum,
        Group::OtherMinima,
        Group::TransitionStates,
    ];

    /// The group of the point `(kind, id)` in a landscape whose global minimum is `gmin`.
    pub fn of(kind: PointKind, id: i64, gmin: Option<i64>) -> Group {
        match kind {
            PointKind::Minimum if Some(id) == gmin => Group::GlobalMinimum,
            PointKind::Minimum => Group::OtherMinima,
            PointKind::TransitionState => Group::TransitionStates,
        }
    }

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
    let mut out = LandscapeSensitivity {
        sigmas: params.sigmas.clone(),
        rows,
        groups: vec![],
    };
    out.groups = pooled_group_summaries(&[&out]);
    out
}

/// Means of the measures per group (in [`Group::ALL`] order) over every row of every landscape
/// given, each landscape grouped by its own global minimum. The landscapes must share their
/// sigmas (the first one's are used); with none, every group has count 0 and no means.
pub fn pooled_group_summaries(landscapes: &[&LandscapeSensitivity]) -> Vec<GroupSummary> {
    let n_sigmas = landscapes.first().map_or(0, |s| s.sigmas.len());
    Group::ALL
        .into_iter()
        .map(|g| {
            let (mut sums, mut gradient_sum, mut n) = (vec![0.0; n_sigmas], 0.0, 0usize);
            for s in landscapes {
                let gmin = s.global_minimum_id();
                for r in s.rows.iter().filter(|r| Group::of(r.kind, r.id, gmin) == g) {
                    n += 1;
                    gradient_sum += r.sensitivity.mean_input_gradient_norm;
                    for (acc, f) in sums.iter_mut().zip(&r.sensitivity.fraction_correct) {
                        *acc += f;
                    }
                }
            }
            GroupSummary {
                group: g,
                count: n,
                mean_fraction_correct: sums.iter().map(|sum| sum / n as f64).collect(),
                mean_input_gradient_norm: gradient_sum / n as f64,
            }
        })
        .collect()
}

/// CSV header of [`LandscapeSensitivity::write_csv`].
pub const SENSITIVITY_CSV_HEADER: [&str; 6] = [
    "kind",
    "id",
    "energy",
    "sigma",
    "fraction_correct",
    "mean_input_gradient_norm",
];

impl SensitivityRow {
    /// The CSV records of this row, one per sigma, in the order of [`SENSITIVITY_CSV_HEADER`]
    /// (callers that add columns of their own write these without re-parsing the CSV).
    pub fn csv_records<'a>(&'a self, sigmas: &'a [f64]) -> impl Iterator<Item = [String; 6]> + 'a {
        sigmas.iter().enumerate().map(move |(s, sigma)| {
            [
                self.kind.as_str().to_owned(),
                self.id.to_string(),
                format!("{:.17e}", self.energy),
                format!("{sigma:e}"),
                self.sensitivity.fraction_correct[s].to_string(),
                format!("{:e}", self.sensitivity.mean_input_gradient_norm),
            ]
        })
    }
}

impl LandscapeSensitivity {
    /// The id of the lowest minimum among the rows (ties: lowest id), by
    /// [`nnscape_landscape::energy_order`].
    pub fn global_minimum_id(&self) -> Option<i64> {
        self.rows
            .iter()
            .filter(|r| r.kind == PointKind::Minimum)
            .min_by(|a, b| energy_order((a.energy, a.id), (b.energy, b.id)))
            .map(|r| r.id)
    }

    /// The group of each row, in row order.
    pub fn row_groups(&self) -> Vec<Group> {
        let gmin = self.global_minimum_id();
        self.rows
            .iter()
            .map(|r| Group::of(r.kind, r.id, gmin))
            .collect()
    }

    /// CSV in long form: `kind,id,energy,sigma,fraction_correct,mean_input_gradient_norm`, one
    /// row per point and sigma (the gradient norm does not depend on sigma and is repeated).
    pub fn write_csv(&self, out: impl Write) -> Result<(), AnalysisError> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(SENSITIVITY_CSV_HEADER)?;
        for r in &self.rows {
            for rec in r.csv_records(&self.sigmas) {
                w.write_record(rec)?;
            }
        }
        w.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: PointKind, id: i64, energy: f64, f: [f64; 2], g: f64) -> SensitivityRow {
        SensitivityRow {
            kind,
            id,
            energy,
            sensitivity: PointSensitivity {
                fraction_correct: f.to_vec(),
                mean_input_gradient_norm: g,
            },
        }
    }

    #[test]
    fn groups_follow_each_landscapes_global_minimum_and_pool_over_landscapes() {
        use PointKind::{Minimum, TransitionState};
        let landscape = |rows| LandscapeSensitivity {
            sigmas: vec![0.1, 1.0],
            rows,
            groups: vec![],
        };
        // Equal energies: the lower id is the global minimum.
        let a = landscape(vec![
            row(Minimum, 2, 0.1, [1.0, 0.5], 1.0),
            row(Minimum, 1, 0.1, [0.5, 0.0], 3.0),
            row(TransitionState, 1, 0.0, [1.0, 1.0], 2.0),
        ]);
        let b = landscape(vec![row(Minimum, 5, 0.4, [0.0, 0.5], 5.0)]);
        assert_eq!(a.global_minimum_id(), Some(1));
        use Group::{GlobalMinimum, OtherMinima, TransitionStates};
        assert_eq!(
            a.row_groups(),
            [OtherMinima, GlobalMinimum, TransitionStates]
        );
        let pooled = pooled_group_summaries(&[&a, &b]);
        let g = &pooled[0];
        assert_eq!((g.group, g.count), (GlobalMinimum, 2));
        assert_eq!(g.mean_fraction_correct, [0.25, 0.25]);
        assert_eq!(g.mean_input_gradient_norm, 4.0);
        assert_eq!((pooled[1].count, pooled[2].count), (1, 1));
        let none = pooled_group_summaries(&[]);
        assert!(none
            .iter()
            .all(|g| g.count == 0 && g.mean_fraction_correct.is_empty()));
    }

    #[test]
    fn csv_records_are_the_rows_of_write_csv() {
        let s = LandscapeSensitivity {
            sigmas: vec![0.5],
            rows: vec![row(PointKind::Minimum, 3, 0.25, [0.75, 0.0], 0.5)],
            groups: vec![],
        };
        let mut buf = Vec::new();
        s.write_csv(&mut buf).unwrap();
        let rec: Vec<[String; 6]> = s.rows[0].csv_records(&s.sigmas).collect();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            format!(
                "{}\n{}\n",
                SENSITIVITY_CSV_HEADER.join(","),
                rec[0].join(",")
            )
        );
        assert_eq!(rec[0][..3], ["min", "3", "2.50000000000000000e-1"]);
    }
}
