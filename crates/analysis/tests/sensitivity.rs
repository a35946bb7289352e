//! Sensitivity to Gaussian noise on the inputs: the sigma -> 0 limit and reproducibility.

mod common;

use nnscape_analysis::classification::classify_point;
use nnscape_analysis::sensitivity::{
    landscape_sensitivity, point_sensitivity, sensitivity_of_points, Group, SensitivityParams,
};
use nnscape_analysis::{all_points, landscape_loss, PointKind};
use nnscape_model::Dataset;

#[test]
fn default_grid() {
    let p = SensitivityParams::default();
    assert_eq!(p.sigmas.len(), 7);
    assert!((p.sigmas[0] - 0.01).abs() < 1e-15 && (p.sigmas[6] - 1.0).abs() < 1e-14);
    assert!((p.sigmas[3] - 0.1).abs() < 1e-15);
    assert_eq!(p.samples, 200);
}

#[test]
fn tiny_noise_reproduces_clean_classification() {
    let params = SensitivityParams {
        sigmas: vec![1e-12],
        samples: 50,
        seed: 1,
    };
    let db = common::shared_h2();
    let mut loss = common::loss(2);
    let mut points: Vec<Vec<f64>> = db
        .minima()
        .unwrap()
        .into_iter()
        .map(|m| m.point.params)
        .collect();
    points.push(common::xor_solution());
    for w in &points {
        let clean = classify_point(&mut loss, w);
        let s = point_sensitivity(&mut loss, PointKind::Minimum, 7, w, &params);
        assert_eq!(s.fraction_correct[0], clean.n_correct as f64 / 4.0);
        assert!(s.mean_input_gradient_norm.is_finite() && s.mean_input_gradient_norm >= 0.0);
    }
    // W = 0: every p is 1/2 whatever the input, and the gradient vanishes.
    let s = point_sensitivity(&mut loss, PointKind::Minimum, 1, &[0.0; 12], &params);
    assert_eq!(s.fraction_correct[0], 0.0);
    assert_eq!(s.mean_input_gradient_norm, 0.0);
}

#[test]
fn noise_degrades_the_xor_solution() {
    let mut loss = common::loss(2);
    let s = point_sensitivity(
        &mut loss,
        PointKind::Minimum,
        1,
        &common::xor_solution(),
        &SensitivityParams::default(),
    );
    assert_eq!(s.fraction_correct[0], 1.0); // sigma = 0.01
                                            // sigma = 1 scrambles the inputs: close to chance.
    assert!(s.fraction_correct[6] < 0.75, "{:?}", s.fraction_correct);
}

#[test]
fn seeded_results_do_not_depend_on_threads() {
    let db = common::shared_h2();
    let params = SensitivityParams {
        samples: 40,
        ..SensitivityParams::default()
    };
    // The database connection is not Sync: read the points first, compute inside the pools.
    let loss = landscape_loss(&db, &Dataset::xor()).unwrap();
    let points = all_points(&db).unwrap();
    let run = |threads: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| sensitivity_of_points(&loss, &points, &params))
    };
    let one = run(1);
    let two = run(2);
    let again = run(2);
    assert_eq!(one, two);
    assert_eq!(two, again);
    assert_eq!(
        one,
        landscape_sensitivity(&db, &Dataset::xor(), &params).unwrap()
    );
    let other_seed = sensitivity_of_points(
        &loss,
        &points,
        &SensitivityParams {
            seed: 2,
            ..params.clone()
        },
    );
    assert_ne!(one.rows, other_seed.rows);
    assert_eq!(one.groups[0].group, Group::GlobalMinimum);
    assert_eq!(one.groups[0].count, 1);
    assert_eq!(
        one.groups.iter().map(|g| g.count).sum::<usize>(),
        db.count_minima().unwrap() + db.count_transition_states().unwrap()
    );
    let mut csv = Vec::new();
    one.write_csv(&mut csv).unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert!(text.starts_with("kind,id,energy,sigma,fraction_correct,mean_input_gradient_norm\n"));
    assert_eq!(text.lines().count(), 1 + 7 * one.rows.len());
}
