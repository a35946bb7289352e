//! Every settings struct refuses bad values with an error naming the field, and the entry
//! points report it instead of running.

mod common;

use common::DoubleWell;
use nnscape_optim::OptimError;
use nnscape_ts::*;

/// A field name and a change of the defaults that makes it invalid.
type Case<'a, P> = (&'a str, &'a dyn Fn(&mut P));

/// Applies each change to the defaults and checks that `validate` names `field`.
fn refuses<P: Default>(validate: impl Fn(&P) -> Result<(), OptimError>, cases: &[Case<P>]) {
    assert_eq!(validate(&P::default()), Ok(()), "defaults must be valid");
    for (field, change) in cases {
        let mut p = P::default();
        change(&mut p);
        match validate(&p) {
            Err(OptimError::InvalidParameter { name, .. }) => assert_eq!(name, *field),
            other => panic!("{field}: expected an error, got {other:?}"),
        }
    }
}

#[test]
fn eigen_params() {
    refuses::<EigenParams>(
        EigenParams::validate,
        &[
            ("lanczos_max_basis", &|p| p.lanczos_max_basis = 0),
            ("lanczos_tolerance", &|p| p.lanczos_tolerance = 0.0),
            ("lanczos_tolerance", &|p| p.lanczos_tolerance = f64::NAN),
        ],
    );
}

#[test]
fn hef_params() {
    refuses::<HefParams>(
        HefParams::validate,
        &[
            ("rms_gradient_tolerance", &|p| {
                p.rms_gradient_tolerance = -1e-10
            }),
            ("max_iterations", &|p| p.max_iterations = 0),
            ("min_uphill_step", &|p| p.min_uphill_step = 0.0),
            ("max_uphill_step", &|p| p.max_uphill_step = 0.005),
            ("max_uphill_step", &|p| p.max_uphill_step = f64::INFINITY),
            ("initial_uphill_step", &|p| p.initial_uphill_step = 0.6),
            ("initial_uphill_step", &|p| p.initial_uphill_step = f64::NAN),
            ("tangent_steps", &|p| p.tangent_steps = 0),
            ("tangent_max_step", &|p| p.tangent_max_step = -0.1),
            ("lbfgs_memory", &|p| p.lbfgs_memory = 0),
            ("newton_switch_rms", &|p| p.newton_switch_rms = 0.0),
            ("max_energy_rise", &|p| p.max_energy_rise = 0.0),
            ("max_energy_rise", &|p| p.max_energy_rise = f64::NAN),
            ("newton.max_step", &|p| p.newton.max_step = 0.0),
            ("eigen.lanczos_tolerance", &|p| {
                p.eigen.lanczos_tolerance = -1.0
            }),
        ],
    );
}

#[test]
fn dneb_params() {
    refuses::<DnebParams>(
        DnebParams::validate,
        &[
            ("spring_constant", &|p| p.spring_constant = 0.0),
            ("images_per_unit_distance", &|p| {
                p.images_per_unit_distance = -1.0
            }),
            ("min_images", &|p| p.min_images = 0),
            ("max_images", &|p| p.max_images = 2),
            ("max_iterations", &|p| p.max_iterations = 0),
            ("rms_force_tolerance", &|p| {
                p.rms_force_tolerance = f64::INFINITY
            }),
            ("max_step", &|p| p.max_step = 0.0),
        ],
    );
}

#[test]
fn verify_params() {
    refuses::<VerifyParams>(
        VerifyParams::validate,
        &[
            ("hef.lbfgs_memory", &|p| p.hef.lbfgs_memory = 0),
            ("initial_push_off", &|p| p.initial_push_off = 0.0),
            ("max_push_off", &|p| p.max_push_off = 0.001),
            ("push_off_energy_drop", &|p| p.push_off_energy_drop = -1e-6),
            ("lbfgs.max_step", &|p| p.lbfgs.max_step = -0.02),
            ("lbfgs.memory", &|p| p.lbfgs.memory = 0),
            ("minimum.push", &|p| p.minimum.push = 0.0),
            ("minimum.newton.max_iterations", &|p| {
                p.minimum.newton.max_iterations = 0
            }),
        ],
    );
}

#[test]
fn single_ended_params() {
    refuses::<SingleEndedParams>(
        SingleEndedParams::validate,
        &[
            ("displacement", &|p| p.displacement = 0.0),
            ("displacement", &|p| p.displacement = f64::NAN),
            ("verify.max_push_off", &|p| p.verify.max_push_off = 0.0),
            ("verify.hef.max_iterations", &|p| {
                p.verify.hef.max_iterations = 0
            }),
        ],
    );
}

#[test]
fn connect_params() {
    refuses::<ConnectParams>(
        ConnectParams::validate,
        &[
            ("max_attempts", &|p| p.max_attempts = 0),
            ("tried_weight", &|p| p.tried_weight = -1.0),
            ("max_tries_per_pair", &|p| p.max_tries_per_pair = 0),
            ("candidates_per_attempt", &|p| p.candidates_per_attempt = 0),
            ("dneb.min_images", &|p| p.dneb.min_images = 0),
            ("verify.initial_push_off", &|p| {
                p.verify.initial_push_off = -0.01
            }),
        ],
    );
}

fn bad(name: &'static str) -> impl Fn(&OptimError) -> bool {
    move |e| matches!(e, OptimError::InvalidParameter { name: n, .. } if *n == name)
}

#[test]
fn entry_points_report_bad_settings_instead_of_running() {
    let tol = Tolerances::default();
    let hef = HefParams {
        max_uphill_step: 0.0,
        ..HefParams::default()
    };
    match find_transition_state(&mut DoubleWell, &[0.3, 0.2], None, &hef, &tol) {
        Err(TsFailure::InvalidParameters(e)) => assert!(bad("max_uphill_step")(&e)),
        other => panic!("{other:?}"),
    }

    let tol = Tolerances {
        eigenvalue_cutoff: -1e-7,
        ..Tolerances::default()
    };
    let r = find_transition_state(
        &mut DoubleWell,
        &[0.3, 0.2],
        None,
        &HefParams::default(),
        &tol,
    );
    match r {
        Err(TsFailure::InvalidParameters(e)) => assert!(bad("tolerances.eigenvalue_cutoff")(&e)),
        other => panic!("{other:?}"),
    }

    let r = find_transition_state(
        &mut DoubleWell,
        &[0.3],
        None,
        &HefParams::default(),
        &Tolerances::default(),
    );
    assert!(matches!(
        r,
        Err(TsFailure::InvalidParameters(
            OptimError::DimensionMismatch { what: "x0", .. }
        ))
    ));
    let dir = [1.0, 0.0, 0.0];
    let r = find_transition_state(
        &mut DoubleWell,
        &[0.3, 0.2],
        Some(&dir),
        &HefParams::default(),
        &Tolerances::default(),
    );
    assert!(matches!(
        r,
        Err(TsFailure::InvalidParameters(
            OptimError::DimensionMismatch {
                what: "initial_direction",
                ..
            }
        ))
    ));

    let dp = DnebParams {
        spring_constant: -50.0,
        ..DnebParams::default()
    };
    let e = dneb(&mut DoubleWell, &[-1.0, 0.0], &[1.0, 0.0], &NoSymmetry, &dp).unwrap_err();
    assert!(bad("spring_constant")(&e));

    let vp = VerifyParams {
        max_push_off: -1.0,
        ..VerifyParams::default()
    };
    let mut stats = VerifyStats::default();
    let mut sys = System::new(DoubleWell, NoSymmetry);
    match verify_candidate(&mut sys, &[0.1, 0.0], None, &vp, &mut stats) {
        Err(VerifyError::InvalidParameters(e)) => assert!(bad("max_push_off")(&e)),
        other => panic!("{other:?}"),
    }
    assert_eq!(stats, VerifyStats::default(), "no candidate was examined");
    assert!(matches!(
        minimise_to_minimum(&mut sys, &[0.9, 0.1], &vp),
        Err(VerifyError::InvalidParameters(_))
    ));

    let cp = ConnectParams {
        candidates_per_attempt: 0,
        ..ConnectParams::default()
    };
    match connect(&mut sys, &[-1.0, 0.0], &[1.0, 0.0], &cp) {
        Err(VerifyError::InvalidParameters(e)) => {
            assert!(bad("candidates_per_attempt")(&e))
        }
        other => panic!("{other:?}"),
    }

    let sp = SingleEndedParams {
        displacement: -0.01,
        ..SingleEndedParams::default()
    };
    assert!(single_ended(&mut sys, &[1.0, 0.0], 2, &sp).is_empty());
    let r = single_ended_paths(&mut sys, &[1.0, 0.0], 2, &sp);
    assert!(r.paths.is_empty() && r.stats == VerifyStats::default());
    // With valid settings the same call does search.
    let r = single_ended_paths(&mut sys, &[1.0, 0.0], 2, &SingleEndedParams::default());
    assert!(r.stats.candidates > 0);
}
