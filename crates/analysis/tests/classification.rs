//! Classification of stationary points: accuracy, margin, ROC AUC and the landscape histogram.

mod common;

use nnscape_analysis::classification::{classify_landscape, classify_point, roc_auc};
use nnscape_model::Dataset;

#[test]
fn xor_solution_is_perfect() {
    let mut loss = common::loss(2);
    let c = classify_point(&mut loss, &common::xor_solution());
    assert_eq!(c.correct, vec![true; 4]);
    assert_eq!(c.n_correct, 4);
    assert_eq!(c.auc, Some(1.0));
    // Every |y1 - y0| is close to 5, so the margin is about tanh(5/2).
    assert!(
        c.min_margin > 0.98 && c.min_margin < 1.0,
        "{}",
        c.min_margin
    );
}

#[test]
fn zero_weights_tie_everywhere() {
    let mut loss = common::loss(2);
    let c = classify_point(&mut loss, &[0.0; 12]);
    assert_eq!(c.n_correct, 0);
    assert_eq!(c.min_margin, 0.0);
    assert_eq!(c.auc, Some(0.5));
    assert!(c.probabilities.iter().flatten().all(|&p| p == 0.5));
}

#[test]
fn auc_counts_ties_half() {
    assert_eq!(
        roc_auc(&[0.9, 0.1, 0.8, 0.2], &[true, false, true, false]),
        Some(1.0)
    );
    assert_eq!(roc_auc(&[0.1, 0.9], &[true, false]), Some(0.0));
    // Positive 0.5 vs negatives 0.5 (tie) and 0.2 (win): (0.5 + 1) / 2.
    assert_eq!(roc_auc(&[0.5, 0.5, 0.2], &[true, false, false]), Some(0.75));
    assert_eq!(roc_auc(&[0.5, 0.2], &[true, true]), None);
}

#[test]
fn landscape_histogram_matches_stored_counts() {
    let db = common::shared_h2();
    let result = classify_landscape(&db, &Dataset::xor()).unwrap();
    let n_min = db.count_minima().unwrap();
    let n_ts = db.count_transition_states().unwrap();
    assert_eq!(result.rows.len(), n_min + n_ts);
    assert_eq!(result.minima_histogram.len(), 5);
    assert_eq!(result.minima_histogram.iter().sum::<usize>(), n_min);
    assert_eq!(result.ts_histogram.iter().sum::<usize>(), n_ts);
    // The stored n_correct (computed by the landscape crate) agrees with ours.
    for m in db.minima().unwrap() {
        let row = result.rows.iter().find(|r| r.id == m.id).unwrap();
        assert_eq!(row.classification.n_correct, m.point.n_correct);
    }
    let mut csv = Vec::new();
    result.write_csv(&Dataset::xor(), &mut csv).unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert!(text
        .starts_with("kind,id,energy,hessian_index,n_correct,min_margin,auc,p_true_0,correct_0,"));
    assert_eq!(text.lines().count(), 1 + n_min + n_ts);
}

#[test]
fn wrong_dataset_is_refused() {
    let db = common::shared_h2();
    let other = Dataset::new(
        "and",
        2,
        vec![0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
        vec![0, 0, 0, 1],
    )
    .unwrap();
    let err = classify_landscape(&db, &other).unwrap_err().to_string();
    assert!(
        err.contains("not the one this landscape was explored with"),
        "{err}"
    );
}
