//! Newton polish of minima and saddles, and `polish_minimum`.
mod common;

use common::*;
use nnscape_optim::{
    newton_polish, polish_minimum, Lbfgs, LbfgsParams, NewtonParams, OptimError, Termination,
};

#[test]
fn polishes_rosenbrock_2d_lbfgs_result_to_1e_10() {
    let mut obj = Rosenbrock { n: 2 };
    let quench = Lbfgs::new(LbfgsParams::default())
        .unwrap()
        .minimise(&mut obj, &[-1.2, 1.0]);
    assert!(quench.converged() && quench.rms_gradient > 1e-10);
    let r = newton_polish(&mut obj, &quench.x, &NewtonParams::default()).unwrap();
    assert_eq!(r.termination, Termination::Converged, "{r:?}");
    assert!(r.rms_gradient <= 1e-10);
    assert!(max_abs_diff(&r.x, &[1.0, 1.0]) < 1e-12, "{:?}", r.x);
    assert!(
        r.iterations <= 5,
        "quadratic convergence: {} steps",
        r.iterations
    );
}

#[test]
fn polish_minimum_takes_50d_rosenbrock_from_1e_6_to_1e_10() {
    let n = 50;
    let mut obj = Rosenbrock { n };
    let mut lbfgs = Lbfgs::new(LbfgsParams::default()).unwrap();
    let quench = lbfgs.minimise(&mut obj, &rosenbrock_start(n));
    assert!(quench.converged());
    let r = polish_minimum(&mut obj, &quench.x, &mut lbfgs, &NewtonParams::default()).unwrap();
    assert!(r.converged(), "{r:?}");
    assert!(r.rms_gradient <= 1e-10);
    assert!(max_abs_diff(&r.x, &vec![1.0; n]) < 1e-10);
    assert_eq!(lbfgs.params(), &LbfgsParams::default(), "params restored");
}

#[test]
fn polish_minimum_falls_back_when_newton_is_cut_short() {
    // One Newton step cannot reach 1e-10 from a rough start, so the L-BFGS fallback and the
    // second Newton pass must finish the job.
    let mut obj = Rosenbrock { n: 2 };
    let mut lbfgs = Lbfgs::new(LbfgsParams::default()).unwrap();
    let newton = NewtonParams {
        max_iterations: 1,
        max_step: 0.01,
        ..NewtonParams::default()
    };
    let r = polish_minimum(&mut obj, &[0.8, 0.7], &mut lbfgs, &newton).unwrap();
    assert!(r.converged(), "{r:?}");
    assert!(r.rms_gradient <= 1e-10);
    assert!(max_abs_diff(&r.x, &[1.0, 1.0]) < 1e-9);
    assert!(r.iterations > 2);
}

#[test]
fn converges_to_the_saddle_of_a_coupled_function() {
    let mut obj = CoupledSaddle;
    for start in [[1.1, -0.4], [0.95, -0.62], [1.02, -0.38]] {
        let r = newton_polish(&mut obj, &start, &NewtonParams::default()).unwrap();
        assert_eq!(
            r.termination,
            Termination::Converged,
            "from {start:?}: {r:?}"
        );
        assert!(r.rms_gradient <= 1e-10);
        assert!(max_abs_diff(&r.x, &SADDLE) < 1e-10, "{:?}", r.x);
        assert!(r.energy.abs() < 1e-18);
    }
}

#[test]
fn max_iterations_is_reported() {
    let params = NewtonParams {
        max_iterations: 1,
        ..NewtonParams::default()
    };
    let r = newton_polish(&mut Rosenbrock { n: 2 }, &[-1.2, 1.0], &params).unwrap();
    assert_eq!(r.termination, Termination::MaxIterations);
    assert_eq!(r.iterations, 1);
}

#[test]
fn lying_hessian_gives_line_search_failure() {
    // With H and g both negated the Newton step is unchanged... so lie about the Hessian alone:
    // the step doubles the distance to the minimum every time.
    struct WrongHessian(Sphere);
    impl nnscape_optim::Objective for WrongHessian {
        fn dim(&self) -> usize {
            self.0.dim()
        }
        fn energy_gradient(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
            self.0.energy_gradient(x, g)
        }
    }
    impl nnscape_optim::HessianObjective for WrongHessian {
        fn hessian(&mut self, x: &[f64], h: &mut nalgebra::DMatrix<f64>) {
            self.0.hessian(x, h);
            h.iter_mut().for_each(|v| *v = -*v);
        }
    }
    let mut obj = WrongHessian(Sphere { n: 3, scale: 1.0 });
    let x0 = [0.01, -0.02, 0.005];
    let r = newton_polish(&mut obj, &x0, &NewtonParams::default()).unwrap();
    assert_eq!(r.termination, Termination::LineSearchFailure);
    assert_eq!(r.iterations, 3);
    assert_eq!(r.x, x0.to_vec(), "best point is the start");
}

#[test]
fn lying_gradient_and_hessian_still_find_the_stationary_point() {
    // Negating both leaves the Newton step unchanged: Newton only cares about stationarity.
    let r = newton_polish(
        &mut Lying(Rosenbrock { n: 2 }),
        &[0.99, 0.98],
        &NewtonParams::default(),
    )
    .unwrap();
    assert!(r.converged());
}

#[test]
fn non_finite_energy_is_reported() {
    // Start at x[0] = 0.6: the unit-curvature Newton step goes to the origin, in the NaN region.
    let r = newton_polish(
        &mut NanSphereWithHessian,
        &[0.6, 0.01],
        &NewtonParams {
            max_step: 1.0,
            ..NewtonParams::default()
        },
    )
    .unwrap();
    assert_eq!(r.termination, Termination::NonFiniteEnergy);
    assert_eq!(r.x, vec![0.6, 0.01]);
    assert!(r.energy.is_finite());
}

struct NanSphereWithHessian;
impl nnscape_optim::Objective for NanSphereWithHessian {
    fn dim(&self) -> usize {
        2
    }
    fn energy_gradient(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
        NanAwayFromStart { scale: 1.0 }.energy_gradient(x, g)
    }
}
impl nnscape_optim::HessianObjective for NanSphereWithHessian {
    fn hessian(&mut self, _x: &[f64], h: &mut nalgebra::DMatrix<f64>) {
        h.fill(0.0);
        h.fill_diagonal(2.0);
    }
}

#[test]
fn zero_modes_are_skipped() {
    // f = (x - 1)^2 has a flat y direction: the Hessian is singular, yet the polish converges
    // without moving y.
    struct Flat;
    impl nnscape_optim::Objective for Flat {
        fn dim(&self) -> usize {
            2
        }
        fn energy_gradient(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
            g[0] = 2.0 * (x[0] - 1.0);
            g[1] = 0.0;
            (x[0] - 1.0).powi(2)
        }
    }
    impl nnscape_optim::HessianObjective for Flat {
        fn hessian(&mut self, _x: &[f64], h: &mut nalgebra::DMatrix<f64>) {
            h.fill(0.0);
            h[(0, 0)] = 2.0;
        }
    }
    let r = newton_polish(&mut Flat, &[1.05, 7.0], &NewtonParams::default()).unwrap();
    assert!(r.converged());
    assert!(max_abs_diff(&r.x, &[1.0, 7.0]) < 1e-14, "{:?}", r.x);
}

#[test]
fn validate_rejects_negative_nan_and_zero() {
    let d = NewtonParams::default;
    assert!(d().validate().is_ok());
    let name_of = |p: NewtonParams| match p.validate() {
        Err(OptimError::InvalidParameter { name, .. }) => name,
        other => panic!("expected an invalid parameter, got {other:?}"),
    };
    for v in [-1.0, f64::NAN, 0.0] {
        assert_eq!(name_of(NewtonParams { max_step: v, ..d() }), "max_step");
        assert_eq!(
            name_of(NewtonParams {
                rms_gradient_tolerance: v,
                ..d()
            }),
            "rms_gradient_tolerance"
        );
    }
    for v in [-1e-12, f64::NAN] {
        assert_eq!(
            name_of(NewtonParams {
                singular_mode_cutoff: v,
                ..d()
            }),
            "singular_mode_cutoff"
        );
    }
    assert_eq!(
        name_of(NewtonParams {
            max_iterations: 0,
            ..d()
        }),
        "max_iterations"
    );
    let msg = NewtonParams {
        singular_mode_cutoff: f64::NAN,
        ..d()
    }
    .validate()
    .unwrap_err()
    .to_string();
    assert!(
        msg.contains("singular_mode_cutoff") && msg.contains("NaN"),
        "{msg}"
    );
}

#[test]
fn entry_points_return_errors_on_bad_settings_and_lengths() {
    let bad = NewtonParams {
        max_step: -1.0,
        ..NewtonParams::default()
    };
    let e = newton_polish(&mut Rosenbrock { n: 2 }, &[0.0, 0.0], &bad).unwrap_err();
    assert!(matches!(
        e,
        OptimError::InvalidParameter { ref name, .. } if name == "max_step"
    ));
    let e = newton_polish(
        &mut Rosenbrock { n: 2 },
        &[0.0; 3],
        &NewtonParams::default(),
    )
    .unwrap_err();
    assert_eq!(
        e,
        OptimError::DimensionMismatch {
            what: "x0",
            expected: 2,
            found: 3
        }
    );
    let mut lbfgs = nnscape_optim::Lbfgs::new(nnscape_optim::LbfgsParams::default()).unwrap();
    let e = polish_minimum(&mut Rosenbrock { n: 2 }, &[0.0, 0.0], &mut lbfgs, &bad).unwrap_err();
    assert!(e.to_string().contains("max_step"), "{e}");
    let d = nnscape_optim::DescentParams {
        max_iterations: 0,
        ..Default::default()
    };
    let e = nnscape_optim::descend(&mut Rosenbrock { n: 2 }, &[0.0, 0.0], &d).unwrap_err();
    assert!(e.to_string().contains("max_iterations"), "{e}");
}

/// f = x^2 + kappa y^2 with kappa = 1e-8: at y = 1e-3 the gradient (2e-11) already meets the
/// tolerance, yet the point is 1e-3 from the minimum. The step criterion takes it there.
#[test]
fn the_step_criterion_places_a_point_on_a_soft_mode() {
    struct Soft;
    const KAPPA: f64 = 1e-8;
    impl nnscape_optim::Objective for Soft {
        fn dim(&self) -> usize {
            2
        }
        fn energy_gradient(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
            g[0] = 2.0 * x[0];
            g[1] = 2.0 * KAPPA * x[1];
            x[0] * x[0] + KAPPA * x[1] * x[1]
        }
    }
    impl nnscape_optim::HessianObjective for Soft {
        fn hessian(&mut self, _x: &[f64], h: &mut nalgebra::DMatrix<f64>) {
            h.fill(0.0);
            h[(0, 0)] = 2.0;
            h[(1, 1)] = 2.0 * KAPPA;
        }
    }
    let r = newton_polish(&mut Soft, &[0.0, 1e-3], &NewtonParams::default()).unwrap();
    assert!(r.converged());
    assert!(r.x[1].abs() < 1e-12, "{:?}", r.x);
    let gradient_only = NewtonParams {
        step_tolerance: f64::INFINITY,
        ..NewtonParams::default()
    };
    let r = newton_polish(&mut Soft, &[0.0, 1e-3], &gradient_only).unwrap();
    assert_eq!(r.x, vec![0.0, 1e-3]);
    assert!(NewtonParams {
        step_tolerance: 0.0,
        ..NewtonParams::default()
    }
    .validate()
    .is_err());
}
