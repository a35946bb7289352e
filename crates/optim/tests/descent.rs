//! Steepest-descent path following from just off a saddle.
mod common;

use common::*;
use nnscape_optim::{descend, DescentParams, OptimError, Termination};

#[test]
fn double_well_drains_to_the_minimum_on_each_side() {
    for side in [1.0, -1.0] {
        let start = [side * 1e-3, 2e-3];
        let r = descend(&mut DoubleWell, &start, &DescentParams::default()).unwrap();
        assert_eq!(r.termination, Termination::Converged, "{r:?}");
        assert!(r.rms_gradient < 1e-6);
        assert!(
            max_abs_diff(&r.x, &[side, 0.0]) < 1e-6,
            "side {side}: {:?}",
            r.x
        );
    }
}

#[test]
fn corrugated_surface_stays_in_the_neighbouring_well() {
    // Wells every pi/10 ~ 0.314 apart; from just right of the ridge at pi/20 the path must stop
    // in the well at pi/10, not skip further along the corrugation.
    let ridge = std::f64::consts::PI / 20.0;
    for (offset, well) in [(1e-4, 2.0 * ridge), (-1e-4, 0.0)] {
        let r = descend(
            &mut Corrugated,
            &[ridge + offset, 0.3],
            &DescentParams::default(),
        )
        .unwrap();
        assert!(r.converged(), "{r:?}");
        assert!(max_abs_diff(&r.x, &[well, 0.0]) < 1e-6, "{:?}", r.x);
    }
}

#[test]
fn validate_rejects_bad_values() {
    let d = DescentParams::default;
    assert!(d().validate().is_ok());
    for v in [-0.02, f64::NAN, 0.0] {
        let e = DescentParams { max_step: v, ..d() }.validate().unwrap_err();
        assert!(matches!(
            e,
            OptimError::InvalidParameter { ref name, .. } if name == "max_step"
        ));
    }
    let e = DescentParams {
        rms_gradient_tolerance: 0.0,
        ..d()
    }
    .validate()
    .unwrap_err();
    assert!(e.to_string().contains("rms_gradient_tolerance"));
    assert!(DescentParams {
        max_iterations: 0,
        ..d()
    }
    .validate()
    .is_err());
}
