//! The L-BFGS-B backend agrees with the landscape-style L-BFGS.
#![cfg(feature = "lbfgsb")]
mod common;

use common::*;
use nnscape_optim::{minimise_lbfgsb, Lbfgs, LbfgsParams, OptimError, Termination};

#[test]
fn both_backends_reach_the_same_rosenbrock_minimum() {
    for (n, x0) in [(2, vec![-1.2, 1.0]), (50, rosenbrock_start(50))] {
        let params = LbfgsParams::default();
        let ours = Lbfgs::new(params.clone())
            .unwrap()
            .minimise(&mut Rosenbrock { n }, &x0);
        let theirs = minimise_lbfgsb(&mut Rosenbrock { n }, &x0, None, &params).unwrap();
        assert!(ours.converged(), "{ours:?}");
        assert_eq!(theirs.termination, Termination::Converged, "{theirs:?}");
        assert!(theirs.rms_gradient < 1e-6);
        assert!(max_abs_diff(&ours.x, &theirs.x) < 2e-6);
        assert!(
            max_abs_diff(&theirs.x, &vec![1.0; n]) < 1e-6,
            "{:?}",
            theirs.x
        );
    }
}

#[test]
fn bounds_give_the_constrained_minimum() {
    // With x <= 0.5, the minimum of (1 - x)^2 + 100 (y - x^2)^2 is at (0.5, 0.25).
    let bounds = [(-2.0, 0.5), (f64::NEG_INFINITY, f64::INFINITY)];
    let r = minimise_lbfgsb(
        &mut Rosenbrock { n: 2 },
        &[-1.2, 1.0],
        Some(&bounds),
        &LbfgsParams::default(),
    )
    .unwrap();
    assert!(r.converged(), "{r:?}");
    assert!(max_abs_diff(&r.x, &[0.5, 0.25]) < 1e-6, "{:?}", r.x);
}

#[test]
fn terminations_and_errors() {
    let r = minimise_lbfgsb(
        &mut NanAwayFromStart { scale: 1.0 },
        &[1.0, 1.0],
        None,
        &LbfgsParams::default(),
    )
    .unwrap();
    assert_eq!(r.termination, Termination::NonFiniteEnergy);
    assert!(r.x[0] > 0.5 && r.energy.is_finite());

    let few = LbfgsParams {
        max_iterations: 3,
        ..LbfgsParams::default()
    };
    let r = minimise_lbfgsb(&mut Rosenbrock { n: 2 }, &[-1.2, 1.0], None, &few).unwrap();
    assert_eq!(r.termination, Termination::MaxIterations);
    assert_eq!(r.function_evaluations, 3);

    let e = minimise_lbfgsb(
        &mut Rosenbrock { n: 3 },
        &[0.0; 2],
        None,
        &LbfgsParams::default(),
    );
    assert!(matches!(
        e,
        Err(OptimError::DimensionMismatch {
            expected: 3,
            found: 2,
            ..
        })
    ));
    let e = minimise_lbfgsb(
        &mut Rosenbrock { n: 2 },
        &[0.0; 2],
        Some(&[(1.0, 0.0), (0.0, 1.0)]),
        &LbfgsParams::default(),
    );
    assert!(matches!(
        e,
        Err(OptimError::InvalidParameter { name, .. }) if name == "bounds"
    ));
    let bad = LbfgsParams {
        memory: 0,
        ..LbfgsParams::default()
    };
    assert!(minimise_lbfgsb(&mut Rosenbrock { n: 2 }, &[0.0; 2], None, &bad).is_err());
}

#[test]
fn concurrent_runs_do_not_interfere() {
    // The C code keeps state in statics; without the backend's lock this fails at random.
    let handles: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(|| {
                (0..5)
                    .map(|_| {
                        minimise_lbfgsb(
                            &mut Rosenbrock { n: 20 },
                            &rosenbrock_start(20),
                            None,
                            &LbfgsParams::default(),
                        )
                        .unwrap()
                    })
                    .all(|r| r.converged() && max_abs_diff(&r.x, &[1.0; 20]) < 1e-6)
            })
        })
        .collect();
    for h in handles {
        assert!(h.join().unwrap());
    }
}
