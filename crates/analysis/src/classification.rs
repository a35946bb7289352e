//! How well each stationary point classifies the training data.
//!
//! A point is correct when its true class is strictly the most probable (a tie is wrong, as in
//! [`nnscape_model::classify`]); the margin is p_true - max p_other (negative when wrong, 0 at a
//! tie); for two-class data the area under the ROC curve over the training points uses the score
//! p_1 with tied scores counted 1/2 (the Mann-Whitney statistic).

use std::io::Write;

use nnscape_landscape::{energy_order, LandscapeDb};
use nnscape_model::{classify, Dataset, Loss};

use crate::{all_points, landscape_loss, AnalysisError, PointKind};

/// Classification of the training data at one parameter vector.
#[derive(Debug, Clone, PartialEq)]
pub struct PointClassification {
    /// Class probabilities, one row per data point.
    pub probabilities: Vec<Vec<f64>>,
    /// Per data point: true class strictly most probable.
    pub correct: Vec<bool>,
    /// Number of correct points.
    pub n_correct: usize,
    /// min over data points of p_true - max_{other} p.
    pub min_margin: f64,
    /// ROC AUC with score p_1; `None` unless the data has exactly two classes.
    pub auc: Option<f64>,
}

/// Classifies every training point at `w`.
pub fn classify_point(loss: &mut Loss, w: &[f64]) -> PointClassification {
    let data = loss.dataset().clone();
    let n_out = loss.network().n_out();
    let mut probabilities = Vec::with_capacity(data.len());
    let mut correct = Vec::with_capacity(data.len());
    let mut min_margin = f64::INFINITY;
    for d in 0..data.len() {
        let mut p = vec![0.0; n_out];
        loss.probabilities_into(w, data.input(d), &mut p);
        let c = data.label(d);
        let other = p
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != c)
            .map(|(_, &v)| v)
            .fold(f64::NEG_INFINITY, f64::max);
        min_margin = min_margin.min(p[c] - other);
        correct.push(classify(p.clone(), c).correct);
        probabilities.push(p);
    }
    let auc = (data.n_classes() == 2).then(|| {
        let scores: Vec<f64> = probabilities.iter().map(|p| p[1]).collect();
        let positive: Vec<bool> = data.labels().iter().map(|&l| l == 1).collect();
        roc_auc(&scores, &positive)
    });
    PointClassification {
        n_correct: correct.iter().filter(|&&c| c).count(),
        probabilities,
        correct,
        min_margin,
        auc: auc.flatten(),
    }
}

/// Area under the ROC curve: the probability that a random positive scores above a random
/// negative, ties counted 1/2. `None` when either class is absent.
pub fn roc_auc(scores: &[f64], positive: &[bool]) -> Option<f64> {
    let (mut wins, mut pairs) = (0.0, 0.0);
    for (i, &si) in scores.iter().enumerate() {
        if !positive[i] {
            continue;
        }
        for (j, &sj) in scores.iter().enumerate() {
            if positive[j] {
                continue;
            }
            pairs += 1.0;
            wins += if si > sj {
                1.0
            } else if si == sj {
                0.5
            } else {
                0.0
            };
        }
    }
    (pairs > 0.0).then(|| wins / pairs)
}

/// One row of the classification table.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassificationRow {
    pub kind: PointKind,
    pub id: i64,
    pub energy: f64,
    pub hessian_index: usize,
    pub classification: PointClassification,
}

/// Classification of a whole landscape.
#[derive(Debug, Clone, PartialEq)]
pub struct LandscapeClassification {
    /// Minima by id, then transition states by id.
    pub rows: Vec<ClassificationRow>,
    /// `minima_histogram[k]`: minima classifying exactly k points correctly, k = 0..=N_data.
    pub minima_histogram: Vec<usize>,
    /// The same for transition states.
    pub ts_histogram: Vec<usize>,
}

/// Classifies every stationary point of `db` on `dataset` (which must be the db's data).
pub fn classify_landscape(
    db: &LandscapeDb,
    dataset: &Dataset,
) -> Result<LandscapeClassification, AnalysisError> {
    let mut loss = landscape_loss(db, dataset)?;
    let n = dataset.len();
    let mut minima_histogram = vec![0; n + 1];
    let mut ts_histogram = vec![0; n + 1];
    let rows = all_points(db)?
        .into_iter()
        .map(|p| {
            let classification = classify_point(&mut loss, &p.params);
            match p.kind {
                PointKind::Minimum => minima_histogram[classification.n_correct] += 1,
                PointKind::TransitionState => ts_histogram[classification.n_correct] += 1,
            }
            ClassificationRow {
                kind: p.kind,
                id: p.id,
                energy: p.energy,
                hessian_index: p.hessian_index,
                classification,
            }
        })
        .collect();
    Ok(LandscapeClassification {
        rows,
        minima_histogram,
        ts_histogram,
    })
}

impl LandscapeClassification {
    /// The CSV header of [`write_csv`](Self::write_csv): `kind,id,energy,hessian_index,
    /// n_correct,min_margin,auc`, then `p_true_d,correct_d` for each data point d.
    pub fn csv_header(dataset: &Dataset) -> Vec<String> {
        let mut header: Vec<String> = [
            "kind",
            "id",
            "energy",
            "hessian_index",
            "n_correct",
            "min_margin",
            "auc",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for d in 0..dataset.len() {
            header.push(format!("p_true_{d}"));
            header.push(format!("correct_{d}"));
        }
        header
    }

    /// The CSV record of one row, in the order of [`csv_header`](Self::csv_header) (callers
    /// that add columns of their own write these records without re-parsing the CSV).
    pub fn csv_record(row: &ClassificationRow, dataset: &Dataset) -> Vec<String> {
        let c = &row.classification;
        let mut rec = vec![
            row.kind.as_str().to_owned(),
            row.id.to_string(),
            format!("{:.17e}", row.energy),
            row.hessian_index.to_string(),
            c.n_correct.to_string(),
            format!("{:e}", c.min_margin),
            c.auc.map_or(String::new(), |a| a.to_string()),
        ];
        for d in 0..dataset.len() {
            rec.push(format!("{:e}", c.probabilities[d][dataset.label(d)]));
            rec.push(u8::from(c.correct[d]).to_string());
        }
        rec
    }

    /// The lowest minimum (ties: lowest id), by [`nnscape_landscape::energy_order`].
    pub fn global_minimum(&self) -> Option<&ClassificationRow> {
        self.rows
            .iter()
            .filter(|r| r.kind == PointKind::Minimum)
            .min_by(|a, b| energy_order((a.energy, a.id), (b.energy, b.id)))
    }

    /// CSV: `kind,id,energy,hessian_index,n_correct,min_margin,auc`, then per data point d
    /// `p_true_d` (probability of its true class) and `correct_d` (0/1). An empty `auc` means
    /// the data does not have two classes.
    pub fn write_csv(&self, dataset: &Dataset, out: impl Write) -> Result<(), AnalysisError> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(Self::csv_header(dataset))?;
        for r in &self.rows {
            w.write_record(Self::csv_record(r, dataset))?;
        }
        w.flush()?;
        Ok(())
    }
}
