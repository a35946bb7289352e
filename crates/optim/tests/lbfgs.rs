//! L-BFGS: convergence on standard problems, every termination, parameter validation.
mod common;

use common::*;
use nalgebra::DMatrix;
use nnscape_optim::{Lbfgs, LbfgsParams, Objective, OptimError, Termination};
use proptest::prelude::*;

fn lbfgs() -> Lbfgs {
    Lbfgs::new(LbfgsParams::default()).unwrap()
}

#[test]
fn rosenbrock_2d_from_standard_start() {
    let mut obj = Rosenbrock { n: 2 };
    let r = lbfgs().minimise(&mut obj, &[-1.2, 1.0]);
    assert_eq!(r.termination, Termination::Converged, "{r:?}");
    assert!(r.converged());
    assert!(r.rms_gradient < 1e-6);
    assert!(max_abs_diff(&r.x, &[1.0, 1.0]) < 1e-6, "{:?}", r.x);
    assert!(r.energy < 1e-12);
    assert!(r.function_evaluations > r.iterations);
}

#[test]
fn rosenbrock_50d_chained_from_standard_start() {
    let n = 50;
    let mut obj = Rosenbrock { n };
    let r = lbfgs().minimise(&mut obj, &rosenbrock_start(n));
    assert!(r.converged(), "{r:?}");
    assert!(r.rms_gradient < 1e-6);
    assert!(max_abs_diff(&r.x, &vec![1.0; n]) < 1e-6, "{:?}", r.x);
}

#[test]
fn rosenbrock_50d_from_mgh_start_finds_the_second_local_minimum() {
    // A genuine local minimum of the chained function (Kok and Sandrock 2009): a quench must
    // stop there, not wander off to the global one.
    let n = 50;
    let mut obj = Rosenbrock { n };
    let r = lbfgs().minimise(&mut obj, &mgh_start(n));
    assert!(r.converged(), "{r:?}");
    assert!((r.x[0] + 0.9933).abs() < 1e-3, "{:?}", r.x);
    assert!((r.energy - 3.98662).abs() < 1e-4, "{}", r.energy);
}

#[test]
fn workspace_is_reused_across_dimensions() {
    let mut l = lbfgs();
    for n in [2, 10, 2, 30] {
        let r = l.minimise(&mut Rosenbrock { n }, &rosenbrock_start(n));
        assert!(r.converged(), "n = {n}: {r:?}");
        assert!(max_abs_diff(&r.x, &vec![1.0; n]) < 1e-6);
    }
}

#[test]
fn already_converged_start_takes_no_step() {
    let r = lbfgs().minimise(&mut Rosenbrock { n: 3 }, &[1.0, 1.0, 1.0]);
    assert!(r.converged());
    assert_eq!((r.iterations, r.function_evaluations), (0, 1));
}

#[test]
fn steps_never_exceed_max_step() {
    // Records every evaluated point; consecutive accepted points are at most max_step apart,
    // and so is every trial point from its base.
    struct Recorder(Vec<Vec<f64>>);
    impl Objective for Recorder {
        fn dim(&self) -> usize {
            2
        }
        fn energy_gradient(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
            self.0.push(x.to_vec());
            Rosenbrock { n: 2 }.energy_gradient(x, g)
        }
    }
    let mut rec = Recorder(Vec::new());
    let params = LbfgsParams {
        max_step: 0.05,
        ..LbfgsParams::default()
    };
    let r = Lbfgs::new(params).unwrap().minimise(&mut rec, &[-1.2, 1.0]);
    assert!(r.converged());
    // A trial lies within max_step of its base, and the base is the previous evaluated point
    // or shares its base with it: consecutive evaluations are at most 2 max_step apart.
    // (Uncapped, the first step alone would be 0.1 |g| ~ 23.)
    for w in rec.0.windows(2) {
        let d = ((w[1][0] - w[0][0]).powi(2) + (w[1][1] - w[0][1]).powi(2)).sqrt();
        assert!(d <= 2.0 * 0.05 * (1.0 + 1e-12), "jump of {d}");
    }
}

#[test]
fn max_iterations_is_reported() {
    let params = LbfgsParams {
        max_iterations: 2,
        ..LbfgsParams::default()
    };
    let r = Lbfgs::new(params)
        .unwrap()
        .minimise(&mut Rosenbrock { n: 2 }, &[-1.2, 1.0]);
    assert_eq!(r.termination, Termination::MaxIterations);
    assert_eq!(r.iterations, 2);
    assert!(!r.converged());
    // The reported point is a real evaluated point with its own energy.
    let mut g = [0.0; 2];
    assert_eq!(Rosenbrock { n: 2 }.energy_gradient(&r.x, &mut g), r.energy);
}

#[test]
fn non_finite_energy_returns_last_good_point() {
    let mut obj = NanAwayFromStart { scale: 1.0 };
    let r = lbfgs().minimise(&mut obj, &[1.0, 1.0]);
    assert_eq!(r.termination, Termination::NonFiniteEnergy);
    assert!(r.x[0] > 0.5, "{:?}", r.x);
    assert!(r.energy.is_finite() && r.rms_gradient.is_finite());
    let mut g = [0.0; 2];
    assert_eq!(obj.energy_gradient(&r.x, &mut g), r.energy);
}

#[test]
fn non_finite_energy_at_start() {
    let r = lbfgs().minimise(&mut NanAwayFromStart { scale: 1.0 }, &[0.0, 1.0]);
    assert_eq!(r.termination, Termination::NonFiniteEnergy);
    assert_eq!(r.x, vec![0.0, 1.0]);
    assert_eq!(r.iterations, 0);
}

#[test]
fn lying_gradient_gives_line_search_failure() {
    // Steep quadratic: even the smallest trial step (max_step / 10^10) along the true ascent
    // direction raises the energy by more than max_energy_rise.
    let mut obj = Lying(Sphere { n: 2, scale: 1e8 });
    let x0 = [1.0, 1.0];
    let r = lbfgs().minimise(&mut obj, &x0);
    assert_eq!(r.termination, Termination::LineSearchFailure);
    assert_eq!(r.x, x0.to_vec(), "no step may be accepted");
    assert_eq!(r.function_evaluations, 1 + 11);
}

#[test]
fn lying_gradient_on_rosenbrock_fails_with_few_reductions() {
    let params = LbfgsParams {
        max_step_reductions: 2,
        ..LbfgsParams::default()
    };
    let r = Lbfgs::new(params)
        .unwrap()
        .minimise(&mut Lying(Rosenbrock { n: 2 }), &[-1.2, 1.0]);
    assert_eq!(r.termination, Termination::LineSearchFailure);
}

fn assert_invalid(p: LbfgsParams, field: &str) {
    let err = p.validate().unwrap_err();
    match &err {
        OptimError::InvalidParameter { name, .. } => assert_eq!(*name, field),
        other => panic!("wrong error {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains(field), "{msg}");
    assert!(Lbfgs::new(p).is_err());
}

#[test]
fn validate_rejects_negative_nan_and_zero() {
    let d = LbfgsParams::default;
    assert!(d().validate().is_ok());
    for v in [-0.1, f64::NAN, 0.0, f64::INFINITY] {
        assert_invalid(LbfgsParams { max_step: v, ..d() }, "max_step");
        assert_invalid(
            LbfgsParams {
                initial_inverse_hessian: v,
                ..d()
            },
            "initial_inverse_hessian",
        );
        assert_invalid(
            LbfgsParams {
                rms_gradient_tolerance: v,
                ..d()
            },
            "rms_gradient_tolerance",
        );
    }
    for v in [-1e-4, f64::NAN, f64::INFINITY] {
        assert_invalid(
            LbfgsParams {
                max_energy_rise: v,
                ..d()
            },
            "max_energy_rise",
        );
    }
    // Zero rise is strict descent, zero reductions resets at once: both meaningful.
    assert!(LbfgsParams {
        max_energy_rise: 0.0,
        max_step_reductions: 0,
        ..d()
    }
    .validate()
    .is_ok());
    assert_invalid(LbfgsParams { memory: 0, ..d() }, "memory");
    assert_invalid(
        LbfgsParams {
            max_iterations: 0,
            ..d()
        },
        "max_iterations",
    );
    let msg = LbfgsParams {
        max_step: -0.5,
        ..d()
    }
    .validate()
    .unwrap_err()
    .to_string();
    assert!(msg.contains("max_step") && msg.contains("-0.5"), "{msg}");
}

#[test]
#[should_panic(expected = "dimension")]
fn wrong_start_length_panics() {
    lbfgs().minimise(&mut Rosenbrock { n: 3 }, &[0.0, 0.0]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn convex_quadratic_reaches_exact_minimiser(
        n in 1usize..=10,
        seed in proptest::collection::vec(-1.0f64..1.0, 10 * 10 + 10 + 10),
    ) {
        // A = B B^T + I is SPD with eigenvalues in [1, 1 + 10 n].
        let b_mat = DMatrix::from_fn(n, n, |i, j| seed[i * 10 + j]);
        let a = &b_mat * b_mat.transpose() + DMatrix::identity(n, n);
        let b: Vec<f64> = (0..n).map(|i| 3.0 * seed[100 + i]).collect();
        let x0: Vec<f64> = (0..n).map(|i| 5.0 * seed[110 + i]).collect();
        let exact = a.clone().cholesky().unwrap().solve(&nalgebra::DVector::from_column_slice(&b));
        let params = LbfgsParams { rms_gradient_tolerance: 1e-10, ..LbfgsParams::default() };
        let r = Lbfgs::new(params).unwrap().minimise(&mut Quadratic { a, b }, &x0);
        prop_assert_eq!(r.termination, Termination::Converged);
        // |x - x*| <= |g| / lambda_min <= sqrt(n) 1e-10.
        prop_assert!(max_abs_diff(&r.x, exact.as_slice()) < 1e-8, "{:?} vs {:?}", r.x, exact);
    }
}
