//! Analytic derivatives against finite differences, at random points of random networks.
#![allow(clippy::needless_range_loop)]

mod common;

use common::loss_and_params;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Central differences with step h = 1e-5 have truncation error ~ h^2 |E'''| / 6 and round-off
    /// ~ eps |E| / h; for these energies (|E| < ~100) both are below 1e-7, so we require
    /// |fd - analytic| <= 1e-6 + 1e-6 |analytic| componentwise.
    #[test]
    fn gradient_matches_central_differences((mut loss, w) in loss_and_params()) {
        let n = w.len();
        let mut g = vec![0.0; n];
        let e = loss.energy_gradient(&w, &mut g);
        prop_assert!((e - loss.energy(&w)).abs() <= 1e-13 * e.abs().max(1.0));
        let h = 1e-5;
        let mut wp = w.clone();
        for m in 0..n {
            wp[m] = w[m] + h;
            let ep = loss.energy(&wp);
            wp[m] = w[m] - h;
            let em = loss.energy(&wp);
            wp[m] = w[m];
            let fd = (ep - em) / (2.0 * h);
            prop_assert!((fd - g[m]).abs() <= 1e-6 + 1e-6 * g[m].abs(),
                "component {m}: fd {fd} analytic {}", g[m]);
        }
    }

    /// Hessian columns against central differences of the analytic gradient (step 1e-5, same
    /// error analysis one derivative up): |fd - analytic| <= 1e-6 + 1e-5 |analytic|. Also checks
    /// exact symmetry.
    #[test]
    fn hessian_matches_gradient_differences((mut loss, w) in loss_and_params()) {
        let n = w.len();
        let hess = loss.hessian(&w);
        let h = 1e-5;
        let (mut gp, mut gm) = (vec![0.0; n], vec![0.0; n]);
        let mut wp = w.clone();
        for b in 0..n {
            wp[b] = w[b] + h;
            loss.energy_gradient(&wp, &mut gp);
            wp[b] = w[b] - h;
            loss.energy_gradient(&wp, &mut gm);
            wp[b] = w[b];
            for a in 0..n {
                let fd = (gp[a] - gm[a]) / (2.0 * h);
                let an = hess[(a, b)];
                prop_assert!((fd - an).abs() <= 1e-6 + 1e-5 * an.abs(),
                    "H[{a}][{b}]: fd {fd} analytic {an}");
                prop_assert_eq!(hess[(a, b)], hess[(b, a)]);
            }
        }
    }

    /// The matrix-free product agrees with the formed Hessian to round-off (1e-10 relative to the
    /// size of the terms).
    #[test]
    fn hessian_vector_matches_hessian(
        (mut loss, w) in loss_and_params(),
        seed in proptest::collection::vec(-1.0..1.0f64, 64),
    ) {
        let n = w.len();
        let v: Vec<f64> = (0..n).map(|m| seed[m % 64] * (1.0 + m as f64 * 0.01)).collect();
        let hess = loss.hessian(&w);
        let mut hv = vec![0.0; n];
        loss.hessian_vector(&w, &v, &mut hv);
        for a in 0..n {
            let direct: f64 = (0..n).map(|b| hess[(a, b)] * v[b]).sum();
            let scale: f64 = (0..n).map(|b| (hess[(a, b)] * v[b]).abs()).sum::<f64>().max(1e-300);
            prop_assert!((direct - hv[a]).abs() <= 1e-10 * scale.max(1.0),
                "row {a}: H v {direct} vs matrix-free {}", hv[a]);
        }
    }
}
