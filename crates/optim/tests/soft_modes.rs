//! Stationary points on soft modes: the Newton step criterion and the lambda-relative
//! eigenvalue cut-off ([`Tolerances::at_lambda`]), on the points that made two maps of
//! N_h = 5, lambda = 1e-5 differ: a minimum where four hidden nodes compute the same function
//! (splitting curvature 4.7e-8 = 4.7e-3 lambda), a copy of it left 1e-3 away along that mode at
//! RMS gradient 1.8e-11, and the transition state between the split and unsplit arrangements.

use nnscape_model::{symmetric_eigen, Loss};
use nnscape_optim::{newton_polish, Alignment, NetworkAlignment, NewtonParams, Tolerances};

/// As stored by a map made before the step criterion (full precision).
const MERGED_MINIMUM: [f64; 27] = [
    -2.056323730035876,
    2.1006301687376268,
    -3.278517570454554,
    3.2330827096483152,
    -2.0563480284265996,
    2.100654961804668,
    -2.0563171944104166,
    2.1006235000397155,
    -2.056315468697011,
    2.1006217391876456,
    1.412506533227665,
    -5.1319215900372495,
    1.4125470767596633,
    1.4124956283664083,
    1.4124927489884718,
    -1.4125065332283442,
    5.13192159003916,
    -1.4125470767603416,
    -1.4124956283670878,
    -1.4124927489891514,
    0.9883846560535878,
    -1.512509269309368,
    0.9883971594644172,
    0.9883812929665312,
    0.9883804049529222,
    -4.697483963866071,
    4.6974839638654835,
];
const SOFT_COPY: [f64; 27] = [
    -2.056207690856403,
    2.100511775413899,
    -3.278517576267034,
    3.2330827126486263,
    -2.0562140910000406,
    2.1005183047106533,
    -2.0566851322800996,
    2.100998897152527,
    -2.056197454826939,
    2.100501332378361,
    1.412312786521421,
    -5.131921611373133,
    1.4123234840159953,
    1.4131100771003693,
    1.4122956746908715,
    -1.4123127865227576,
    5.131921611372745,
    -1.4123234840173327,
    -1.413110077101709,
    -1.4122956746922053,
    0.9883249399861527,
    -1.5125092691830748,
    0.988328233375968,
    0.988570620982138,
    0.9883196724169959,
    -4.697483980724303,
    4.697483980722992,
];
const SPLITTING_SADDLE: [f64; 27] = [
    -2.057960882864758,
    2.1023006457547755,
    -3.278517796283753,
    3.2330827007462717,
    -2.0513952244430316,
    2.095601308458579,
    -2.0579618805274627,
    2.1023016637259824,
    -2.057967868329445,
    2.1023077734239863,
    1.4152449874335158,
    -5.131919613776031,
    1.4042899045349517,
    1.4152466521202443,
    1.4152566432066322,
    -1.4152449874314352,
    5.131919613776305,
    -1.4042899045328763,
    -1.4152466521181668,
    -1.415256643204552,
    0.989226891017116,
    -1.5125096702070358,
    0.9858483491141162,
    0.9892274043916969,
    0.9892304855798857,
    -4.69748191891793,
    4.697481918918103,
];

const LAMBDA: f64 = 1e-5;

fn xor5() -> Loss {
    Loss::xor(5, LAMBDA).unwrap()
}

#[test]
fn a_small_gradient_on_a_soft_mode_is_not_converged() {
    let mut loss = xor5();
    let align = NetworkAlignment::new(*loss.network());
    let gradient_only = NewtonParams {
        step_tolerance: f64::INFINITY,
        ..NewtonParams::default()
    };
    // Both points already meet the gradient criterion: without the step criterion nothing
    // moves, and the two are further apart than the same-point distance.
    let a = newton_polish(&mut loss, &MERGED_MINIMUM, &gradient_only).unwrap();
    let b = newton_polish(&mut loss, &SOFT_COPY, &gradient_only).unwrap();
    assert!(a.converged() && b.converged());
    assert!(align.distance(&a.x, &b.x) > 1e-3);

    let a = newton_polish(&mut loss, &MERGED_MINIMUM, &NewtonParams::default()).unwrap();
    let b = newton_polish(&mut loss, &SOFT_COPY, &NewtonParams::default()).unwrap();
    assert!(a.converged() && b.converged(), "{a:?} {b:?}");
    let d = align.distance(&a.x, &b.x);
    assert!(d < 1e-7, "one point, distance {d:e}");
    // The four copies are equal at the minimum (to the polish's precision).
    let (w_first, w_copy) = (&a.x[0..2], &a.x[4..6]);
    assert!((w_first[0] - w_copy[0]).abs() < 1e-7 && (w_first[1] - w_copy[1]).abs() < 1e-7);
}

#[test]
fn the_splitting_saddle_has_index_one_at_the_lambda_cut_off() {
    let mut loss = xor5();
    let tol = Tolerances::at_lambda(LAMBDA);
    assert_eq!(tol.eigenvalue_cutoff, 1e-4 * LAMBDA);
    let polish = |x: &[f64]| newton_polish(&mut xor5(), x, &NewtonParams::default()).unwrap();
    let saddle = polish(&SPLITTING_SADDLE);
    let minimum = polish(&MERGED_MINIMUM);
    let ev_saddle = symmetric_eigen(loss.hessian(&saddle.x))
        .unwrap()
        .eigenvalues;
    let ev_minimum = symmetric_eigen(loss.hessian(&minimum.x))
        .unwrap()
        .eigenvalues;
    // Curvatures of a few 1e-3 lambda, real ones: the saddle's negative one and the minimum's
    // threefold splitting mode.
    assert!((-5e-8..-4e-8).contains(&ev_saddle[0]), "{:e}", ev_saddle[0]);
    assert!((4e-8..5e-8).contains(&ev_minimum[0]), "{:e}", ev_minimum[0]);
    assert_eq!(tol.index(&ev_saddle), 1);
    assert_eq!(tol.index(&ev_minimum), 0);
    // PATHSAMPLE's fixed EVCUT 1e-7 counted the saddle as a minimum.
    assert_eq!(Tolerances::default().index(&ev_saddle), 0);
    // 2e-12 above the minimum and 1e-2 away: distinct points at this lambda's distance.
    assert!(saddle.energy - minimum.energy > 1e-12);
    let d = NetworkAlignment::new(*loss.network()).distance(&saddle.x, &minimum.x);
    assert!(d > 10.0 * tol.distance && d > 1e-2, "{d:e}");
}
