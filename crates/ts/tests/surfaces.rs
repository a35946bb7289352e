//! HEF and verification on simple surfaces with known answers.

mod common;

use common::*;
use nnscape_ts::*;
use nnscape_ts::{NoSymmetry, System, Tolerances};

#[test]
fn double_well_saddle_is_the_origin_exactly() {
    for method in [EigenMethod::Exact, EigenMethod::Lanczos] {
        let mut p = HefParams::default();
        p.eigen.method = method;
        let ts = find_transition_state(
            &mut DoubleWell,
            &[0.4, -0.3],
            None,
            &p,
            &Tolerances::default(),
        )
        .unwrap();
        assert!(ts.x[0].abs() < 1e-12 && ts.x[1].abs() < 1e-12, "{:?}", ts.x);
        assert!((ts.energy - 1.0).abs() < 1e-14);
        assert!((ts.eigenvalue + 4.0).abs() < 1e-9);
        assert!(ts.eigenvector[0].abs() > 1.0 - 1e-9);
    }
}

#[test]
fn double_well_dneb_and_verification() {
    let mut dw = DoubleWell;
    let band = dneb(
        &mut dw,
        &[-1.0, 0.0],
        &[1.0, 0.0],
        &NoSymmetry,
        &DnebParams::default(),
    )
    .unwrap();
    assert_eq!(band.images.len(), 22);
    let mut stats = VerifyStats::default();
    let c = &band.maxima[0];
    let path = verify_candidate(
        &mut System::new(&mut dw, &NoSymmetry),
        &c.x,
        Some(&c.tangent),
        &VerifyParams::default(),
        &mut stats,
    )
    .unwrap();
    // Exact up to the Newton stopping rule (RMS gradient 1e-10, curvature -4).
    assert!(path.ts.x.iter().all(|v| v.abs() < 1e-10), "{:?}", path.ts);
    assert!((path.ts.energy - 1.0).abs() < 1e-18);
    let mut xs = [path.minus.x[0], path.plus.x[0]];
    xs.sort_by(f64::total_cmp);
    assert!((xs[0] + 1.0).abs() < 1e-10 && (xs[1] - 1.0).abs() < 1e-10);
    assert!(!path.same_minimum);
}

#[test]
fn hef_from_near_a_minimum_climbs_to_a_saddle() {
    // No negative mode at the start: HEF must climb out of the basin. In the double well the
    // softest mode at the minimum (y) leads nowhere, so the direction is given (mode following).
    let ts = find_transition_state(
        &mut DoubleWell,
        &[0.95, 0.02],
        Some(&[-1.0, 0.0]),
        &HefParams::default(),
        &Tolerances::default(),
    )
    .unwrap();
    assert!(ts.x.iter().all(|v| v.abs() < 1e-12), "{:?}", ts.x);
    let mut mb = MuellerBrown;
    let ts = find_transition_state(
        &mut mb,
        &[0.61, 0.04],
        None,
        &HefParams::default(),
        &Tolerances::default(),
    )
    .unwrap();
    assert!(ts.rms_gradient <= 1e-10 && ts.eigenvalue < 0.0);
    // The lowest mode at minimum B leads to the B-C saddle.
    let reference = newton_2d(MuellerBrown::all, MB_TS_BC);
    assert!(
        euclidean(&ts.x, &reference) < 1e-8,
        "climbed to {:?} E {}",
        ts.x,
        ts.energy
    );
}

#[test]
fn index_two_point_is_rejected_and_counted() {
    let mut stats = VerifyStats::default();
    let r = verify_candidate(
        &mut System::new(&mut EggBox, &NoSymmetry),
        &[1e-6, -2e-6],
        None,
        &VerifyParams::default(),
        &mut stats,
    );
    assert_eq!(
        r.unwrap_err(),
        VerifyError::Ts(TsFailure::TooManyNegativeEigenvalues { index: 2 })
    );
    assert_eq!(stats.candidates, 1);
    assert_eq!(stats.rejected_higher_index, 1);
    assert_eq!(stats.accepted, 0);
}

#[test]
fn quench_from_a_saddle_never_reports_the_saddle() {
    // Starting exactly on the double-well saddle: the quench sits there, the Hessian check
    // sees the negative mode, and the escape finds a true minimum.
    let m = minimise_to_minimum(
        &mut System::new(&mut DoubleWell, NoSymmetry),
        &[0.0, 0.0],
        &VerifyParams::default(),
    )
    .unwrap();
    assert!((m.x[0].abs() - 1.0).abs() < 1e-10 && m.energy.abs() < 1e-18);
    assert!(m.eigenvalues.iter().all(|&l| l > 0.0));
}

/// (z_0^2 - 1)^2 + sum_i c_i z_i^2 with z = R x for a fixed rotation R: saddle at the origin,
/// minima at x = +-R^T e_0. Exercises HEF in more than two dimensions, exact and matrix-free.
struct RotatedWell {
    r: nalgebra::DMatrix<f64>,
    c: Vec<f64>,
}

impl RotatedWell {
    fn new(n: usize) -> Self {
        // Orthogonal R from the QR factorisation of a fixed, well-conditioned matrix.
        let m = nalgebra::DMatrix::from_fn(n, n, |i, j| {
            ((i * 7 + j * 3) as f64).sin() + if i == j { 2.0 } else { 0.0 }
        });
        let r = m.qr().q();
        let c = (0..n).map(|i| 5.0 + i as f64).collect();
        Self { r, c }
    }
    fn z(&self, x: &[f64]) -> Vec<f64> {
        (0..x.len())
            .map(|i| (0..x.len()).map(|j| self.r[(i, j)] * x[j]).sum())
            .collect()
    }
}

impl nnscape_optim::Objective for RotatedWell {
    fn dim(&self) -> usize {
        self.c.len()
    }
    fn energy_gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        let z = self.z(x);
        let n = x.len();
        let mut gz = vec![0.0; n];
        let mut e = (z[0] * z[0] - 1.0).powi(2);
        gz[0] = 4.0 * z[0] * (z[0] * z[0] - 1.0);
        for i in 1..n {
            e += self.c[i] * z[i] * z[i];
            gz[i] = 2.0 * self.c[i] * z[i];
        }
        for (j, g) in grad.iter_mut().enumerate() {
            *g = (0..n).map(|i| self.r[(i, j)] * gz[i]).sum();
        }
        e
    }
}

impl nnscape_optim::HessianObjective for RotatedWell {
    fn hessian(&mut self, x: &[f64], hess: &mut nalgebra::DMatrix<f64>) {
        let z = self.z(x);
        let n = x.len();
        let mut d = nalgebra::DMatrix::zeros(n, n);
        d[(0, 0)] = 12.0 * z[0] * z[0] - 4.0;
        for i in 1..n {
            d[(i, i)] = 2.0 * self.c[i];
        }
        hess.copy_from(&(self.r.transpose() * d * &self.r));
    }
}

#[test]
fn rotated_well_in_ten_dimensions_exact_and_lanczos() {
    let n = 10;
    let mut f = RotatedWell::new(n);
    let minimum: Vec<f64> = f.r.row(0).iter().copied().collect();
    for method in [EigenMethod::Exact, EigenMethod::Lanczos] {
        let mut vp = VerifyParams::default();
        vp.hef.eigen.method = method;
        vp.hef.eigen.lanczos_max_basis = 4;
        // The outward direction climbs the quartic wall for ever; do not spend 1000 cycles.
        vp.hef.max_iterations = 200;
        let found = single_ended(
            &mut System::new(&mut f, &NoSymmetry),
            &minimum,
            1,
            &SingleEndedParams {
                verify: vp.clone(),
                ..Default::default()
            },
        );
        assert_eq!(found.len(), 1, "{method:?}");
        let ts = &found[0];
        assert!(
            ts.x.iter().all(|v| v.abs() < 1e-10),
            "{method:?} {:?}",
            ts.x
        );
        assert!((ts.eigenvalue + 4.0).abs() < 1e-8);
        let mut stats = VerifyStats::default();
        let path = verify_candidate(
            &mut System::new(&mut f, &NoSymmetry),
            &ts.x,
            None,
            &vp,
            &mut stats,
        )
        .unwrap();
        let m = [&path.minus.x, &path.plus.x];
        assert!(m.iter().any(|x| euclidean(x, &minimum) < 1e-9));
        let neg: Vec<f64> = minimum.iter().map(|v| -v).collect();
        assert!(m.iter().any(|x| euclidean(x, &neg) < 1e-9));
    }
}

#[test]
fn hef_started_exactly_at_a_minimum_still_climbs() {
    let mut mb = MuellerBrown;
    let m = minimise_to_minimum(
        &mut System::new(&mut mb, NoSymmetry),
        &MB_MIN_C,
        &VerifyParams::default(),
    )
    .unwrap();
    let ts = find_transition_state(
        &mut mb,
        &m.x,
        None,
        &HefParams::default(),
        &Tolerances::default(),
    )
    .unwrap();
    assert!(ts.rms_gradient <= 1e-10 && ts.eigenvalue < 0.0 && ts.energy > m.energy);
}
