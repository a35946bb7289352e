//! Basin-hopping on the XOR loss: reproducibility across thread counts, the W = 0 minimum,
//! classification at the global minimum, deduplication up to symmetry and parameter checks.

use std::f64::consts::LN_2;

use nnscape_model::symmetry::{apply, SymmetryOp};
use nnscape_model::{Dataset, Loss, Network};
use nnscape_optim::{
    basin_hopping, basin_hopping_with, verified_minimum, AdaptiveStep, BasinHoppingParams,
    BasinHoppingReport, BasinHoppingStopReason, Insertion, Lbfgs, LbfgsParams, MinimaSet,
    MinimumParams, OptimError, Stop,
};
use nnscape_optim::{NetworkAlignment, NetworkSystem, System, Tolerances};

fn xor_loss(n_hidden: usize, lambda: f64) -> Loss {
    Loss::xor(n_hidden, lambda).unwrap()
}

fn sys(loss: &Loss) -> NetworkSystem {
    System::network(loss.clone())
}

/// Training points a minimum classifies correctly.
fn n_correct(loss: &Loss, x: &[f64]) -> usize {
    loss.clone().n_correct(x)
}

/// Small settings for debug-mode tests: short adaptation interval, rounds that do not divide
/// the step count.
fn small(stop: Stop) -> BasinHoppingParams {
    BasinHoppingParams {
        chains: 3,
        seed: 11,
        stop,
        round_steps: 7,
        adaptive_step: Some(AdaptiveStep {
            interval: 10,
            ..AdaptiveStep::default()
        }),
        ..BasinHoppingParams::default()
    }
}

fn run_on(
    threads: usize,
    loss: &Loss,
    params: &BasinHoppingParams,
) -> (BasinHoppingReport, Vec<f64>) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(|| {
        let mut sunk = Vec::new();
        let report =
            basin_hopping_with(&sys(loss), params, |m| sunk.push(m.energy), |_| {}).unwrap();
        (report, sunk)
    })
}

fn assert_identical(a: &BasinHoppingReport, b: &BasinHoppingReport) {
    assert_eq!(a.minima.len(), b.minima.len());
    for (m, n) in a.minima.iter().zip(&b.minima) {
        assert_eq!(m.energy.to_bits(), n.energy.to_bits());
        let bits = |x: &[f64]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&m.x), bits(&n.x));
        assert_eq!(m.hits, n.hits);
    }
    assert_eq!(a, b);
}

#[test]
fn same_minima_with_one_and_two_threads_fixed_steps() {
    let loss = xor_loss(2, 1e-4);
    let params = small(Stop::Steps(20));
    let (one, sunk1) = run_on(1, &loss, &params);
    let (two, sunk2) = run_on(2, &loss, &params);
    assert_identical(&one, &two);
    assert_eq!(
        sunk1.iter().map(|e| e.to_bits()).collect::<Vec<_>>(),
        sunk2.iter().map(|e| e.to_bits()).collect::<Vec<_>>()
    );
    assert_eq!(one.stop_reason, BasinHoppingStopReason::Steps);
    assert_eq!(one.steps, 3 * 20);
    // Every quench is a step or one chain's initial quench; a chain only quenches a second
    // initial point after a failed one.
    assert!(one.quenches >= one.steps + 3);
    assert!(one.quenches - one.steps - 3 <= one.failed_quenches);
    // Every converged quench reaches the sink, repeats included.
    assert_eq!(sunk1.len(), one.quenches - one.failed_quenches);
    assert!(!one.minima.is_empty());
    // Sorted by energy, ids in order, all verified minima.
    for (i, m) in one.minima.iter().enumerate() {
        assert_eq!(m.id, i);
        assert_eq!(m.index, 0);
        assert!(m.eigenvalues[0] >= -1e-7);
        assert!(m.rms_gradient <= 1e-10);
    }
    assert!(one.minima.windows(2).all(|w| w[0].energy <= w[1].energy));
    assert!((0.0..=1.0).contains(&one.acceptance_ratio));
    assert!((0.0..=1.0).contains(&one.escape_ratio));
    // Adaptation ran (two windows of 10 steps): the step moved from 1.0.
    assert!(one.final_steps.iter().all(|&s| s != 1.0));
}

#[test]
fn same_minima_with_one_and_two_threads_saturation() {
    let loss = xor_loss(2, 1e-4);
    let params = small(Stop::Saturation {
        no_new_for: 15,
        max_steps: 200,
    });
    let (one, _) = run_on(1, &loss, &params);
    let (two, _) = run_on(2, &loss, &params);
    assert_identical(&one, &two);
    assert_eq!(one.stop_reason, BasinHoppingStopReason::Saturated);
    // Saturation stops inside a round: the count is exact, not a multiple of the round.
    assert!(one.quenches < 3 * 201);
}

#[test]
fn zero_weights_are_found_as_a_minimum() {
    // At lambda = 0.1 the regulariser dominates and W = 0 (E = ln 2, p = 1/2 everywhere) is
    // the lowest minimum.
    let loss = xor_loss(2, 0.1);
    let report = basin_hopping(&sys(&loss), &small(Stop::Steps(10))).unwrap();
    let zero = &report.minima[0];
    assert!((zero.energy - LN_2).abs() < 1e-12, "{}", zero.energy);
    assert!(zero.x.iter().all(|v| v.abs() < 1e-9));
    // p = 1/2 at every point: a tie, which counts as wrong. The polished point keeps residues of
    // about 1e-12 in the output biases, far inside `TIE_TOLERANCE` (1e-9), so still 0 correct.
    assert_eq!(n_correct(&loss, &zero.x), 0);
    assert_eq!(zero.index, 0);
    // Its Hessian: 2 lambda for every direction except the output-bias difference.
    assert!(zero.eigenvalues[0] > 0.19 && zero.eigenvalues[0] < 0.21);

    // At lambda = 1e-2 a chain started at 0 reports it like any other minimum.
    let loss = xor_loss(2, 1e-2);
    let params = BasinHoppingParams {
        initial_points: vec![vec![0.0; 12]],
        ..small(Stop::Steps(3))
    };
    let mut first = None;
    let report = basin_hopping_with(
        &sys(&loss),
        &params,
        |m| {
            first.get_or_insert(m.clone());
        },
        |_| {},
    )
    .unwrap();
    let first = first.unwrap();
    assert_eq!(first.energy, LN_2);
    assert!(first.x.iter().all(|&v| v == 0.0));
    assert!(first.eigenvalues[0] > 0.0);
    let listed = report.minima.iter().find(|m| m.energy == LN_2).unwrap();
    assert_eq!(n_correct(&loss, &listed.x), 0); // an exact tie at every point
    assert_eq!(listed.index, 0);
}

#[test]
fn two_hidden_nodes_solve_xor_one_does_not() {
    let params = small(Stop::Steps(15));
    let two = basin_hopping(&sys(&xor_loss(2, 1e-4)), &params).unwrap();
    let x2 = &two.minima[0].x;
    assert_eq!(n_correct(&xor_loss(2, 1e-4), x2), 4, "{:?}", two.minima[0]);
    assert!(two.minima[0].energy < 0.02);
    let one = basin_hopping(&sys(&xor_loss(1, 1e-4)), &params).unwrap();
    assert!(!one.minima.is_empty());
    let l1 = xor_loss(1, 1e-4);
    assert!(one.minima.iter().all(|m| n_correct(&l1, &m.x) < 4));
}

#[test]
fn minima_set_deduplicates_symmetry_copies() {
    let net = Network::xor(2, 1e-4).unwrap();
    let mut loss = Loss::new(net, Dataset::xor()).unwrap();
    let mut lbfgs = Lbfgs::new(LbfgsParams::default()).unwrap();
    let start: Vec<f64> = (0..12).map(|i| ((i * 7 % 5) as f64 - 2.0) * 0.6).collect();
    let m = verified_minimum(
        &mut loss,
        &start,
        &mut lbfgs,
        &MinimumParams::default(),
        &Tolerances::default(),
    )
    .unwrap();
    let zero = verified_minimum(
        &mut loss,
        &[0.0; 12],
        &mut lbfgs,
        &MinimumParams::default(),
        &Tolerances::default(),
    )
    .unwrap();
    assert!(m.energy < zero.energy);

    let mut set = MinimaSet::new(NetworkAlignment::new(net), Tolerances::default()).unwrap();
    assert_eq!(set.insert(zero.clone()), Insertion::New(0));
    assert_eq!(set.insert(m.clone()), Insertion::New(0));
    // Swap the two nodes and flip the sign of one: the same minimum.
    let op = SymmetryOp {
        permutation: vec![1, 0],
        flips: vec![true, false],
    };
    let mut copy = m.clone();
    copy.x = apply(&net, &m.x, &op).unwrap();
    assert!(copy.x != m.x);
    assert_eq!(set.find(&copy), Some(0));
    assert_eq!(set.insert(copy), Insertion::Existing(0));
    assert_eq!(set.insert(zero), Insertion::Existing(1));
    assert_eq!(set.len(), 2);
    assert_eq!(set.hits(), &[2, 2]);
    assert_eq!(set.lowest().unwrap().energy, m.energy);
    // Same energy, different point: distinct.
    let mut other = m.clone();
    other.x[11] += 0.1;
    assert_eq!(set.insert(other), Insertion::New(1));
}

#[test]
fn bad_parameters_are_refused_with_the_field_name() {
    let loss = xor_loss(2, 1e-4);
    let d = BasinHoppingParams::default;
    let cases: Vec<(BasinHoppingParams, &str)> = vec![
        (BasinHoppingParams { step: -1.0, ..d() }, "step"),
        (
            BasinHoppingParams {
                step: f64::NAN,
                ..d()
            },
            "step",
        ),
        (
            BasinHoppingParams {
                temperature: -2.0,
                ..d()
            },
            "temperature",
        ),
        (
            BasinHoppingParams {
                temperature: f64::INFINITY,
                ..d()
            },
            "temperature",
        ),
        (
            BasinHoppingParams {
                stop: Stop::Steps(0),
                ..d()
            },
            "stop.steps",
        ),
        (
            BasinHoppingParams {
                stop: Stop::Saturation {
                    no_new_for: 0,
                    max_steps: 10,
                },
                ..d()
            },
            "stop.no_new_for",
        ),
        (BasinHoppingParams { chains: 0, ..d() }, "chains"),
        (
            BasinHoppingParams {
                initial_range: 0.0,
                ..d()
            },
            "initial_range",
        ),
        (
            BasinHoppingParams {
                quench: LbfgsParams {
                    rms_gradient_tolerance: -1.0,
                    ..LbfgsParams::default()
                },
                ..d()
            },
            "quench.rms_gradient_tolerance",
        ),
    ];
    for (p, name) in cases {
        let e = basin_hopping(&sys(&loss), &p).unwrap_err();
        assert!(
            matches!(&e, OptimError::InvalidParameter { name: n, .. } if *n == name),
            "{name}: {e}"
        );
        assert!(e.to_string().contains(name));
    }
    let bad = Tolerances {
        energy: f64::NAN,
        ..Tolerances::default()
    };
    let e = MinimaSet::new(NetworkAlignment::new(*loss.network()), bad).unwrap_err();
    assert!(e.to_string().contains("tolerances.energy"));
    let e = basin_hopping(&sys(&loss).with_tolerances(bad), &d()).unwrap_err();
    assert!(e.to_string().contains("tolerances.energy"));
    let p = BasinHoppingParams {
        initial_points: vec![vec![0.0; 5]],
        ..d()
    };
    assert!(matches!(
        basin_hopping(&sys(&loss), &p),
        Err(OptimError::DimensionMismatch { .. })
    ));
}
