//! The W = 0 point of XOR, computed by hand.
#![allow(clippy::needless_range_loop)]

mod common;

use nnscape_model::{known, Dataset, Loss, Network};

/// Hessian at W = 0 on XOR, by hand.
///
/// At W = 0 every hidden unit has a_j = 0, so h_j = 0, h'_j = 1, h''_j = 0; every output is 0 so
/// p = (1/2, 1/2) and E = ln 2 + 0. The residuals r = p - e_c are (-1/2, 1/2) for class 0 and
/// (1/2, -1/2) for class 1, so the gradient terms r_i h_j (w_o), r_i (b_o: summed over the two
/// points of each class, -1/2 -1/2 +1/2 +1/2 = 0) and h'_j g_j x_k with g_j = sum_i r_i w_o[i][j]
/// = 0 all vanish: the gradient is exactly zero.
///
/// Hessian = (1/4) sum_d [J^T S J + sum_i r_i d2y_i] + 2 lambda M, M the regularisation mask:
/// - J: dy_l/dw_o[i][j] = delta_il h_j = 0, dy_l/dw_h = w_o h' x = 0, dy_l/db_h = 0, and
///   dy_l/db_o[i] = delta_il, so the Gauss-Newton part lives only in the b_o block, where it is
///   S = diag(p) - p p^T = [[1/4, -1/4], [-1/4, 1/4]] at every point.
/// - Second-derivative terms: (w_o[i][j], w_h[j][k]) gives (1/4) sum_d r_i(d) x_k(d): for x1 the
///   points with x1 = 1 are (1,0) (class 1, r_0 = +1/2) and (1,1) (class 0, r_0 = -1/2): sum 0;
///   likewise for x2 and for the bias (all four points: 0). (w_h, w_h) terms carry h'' = 0.
///
/// So H = 2 lambda M + S on the b_o block. With biases regularised the spectrum is 2 lambda
/// (multiplicity 5 N_h + 1) and 2 lambda + 1/2 (once: S has eigenvalues 0 along (1,1) and 1/2
/// along (1,-1)). Without bias regularisation: 2 lambda (x 4 N_h, the weights), 0 (x N_h, b_h),
/// and 0 and 1/2 on b_o.
fn expected_spectrum(n_hidden: usize, lambda: f64, regularise_biases: bool) -> Vec<f64> {
    let mut ev = if regularise_biases {
        let mut ev = vec![2.0 * lambda; 5 * n_hidden + 1];
        ev.push(2.0 * lambda + 0.5);
        ev
    } else {
        let mut ev = vec![2.0 * lambda; 4 * n_hidden];
        ev.extend(std::iter::repeat_n(0.0, n_hidden + 1));
        ev.push(0.5);
        ev
    };
    ev.sort_by(f64::total_cmp);
    ev
}

#[test]
fn zero_weights_on_xor() {
    for n_hidden in 1..=5 {
        for lambda in [0.0, 1e-4, 1e-2] {
            for regb in [true, false] {
                let net = Network::xor(n_hidden, lambda)
                    .unwrap()
                    .with_bias_regularisation(regb);
                let mut loss = Loss::new(net, Dataset::xor()).unwrap();
                let w = vec![0.0; net.n_params()];
                let mut g = vec![1.0; net.n_params()];
                let e = loss.energy_gradient(&w, &mut g);
                assert!((e - std::f64::consts::LN_2).abs() < 1e-15, "E = {e}");
                assert!(g.iter().all(|x| *x == 0.0), "gradient {g:?}");
                let hess = loss.hessian(&w);
                let mut ev: Vec<f64> = hess.symmetric_eigenvalues().iter().copied().collect();
                ev.sort_by(f64::total_cmp);
                let expected = expected_spectrum(n_hidden, lambda, regb);
                assert_eq!(ev.len(), expected.len());
                for (a, b) in ev.iter().zip(&expected) {
                    assert!(
                        (a - b).abs() < 1e-14,
                        "N_h {n_hidden} lambda {lambda}: {ev:?} vs {expected:?}"
                    );
                }
                // Every point sits on the decision boundary: p = 1/2, a tie, so nothing is correct.
                let preds = loss.predict(&w);
                assert!(preds
                    .iter()
                    .all(|p| !p.correct && p.probabilities == vec![0.5, 0.5]));
                assert_eq!(loss.n_correct(&w), 0);
            }
        }
    }
}

/// The hand-set XOR solution with margin 4 (OR and AND nodes; `nnscape_model::known`).
#[test]
fn hand_set_xor_solution_classifies_all_points() {
    let net = Network::xor(2, 0.0).unwrap();
    let w = known::xor_solution(4.0);
    let mut loss = Loss::new(net, Dataset::xor()).unwrap();
    let preds = loss.predict(&w);
    assert_eq!(
        preds.iter().map(|p| p.predicted).collect::<Vec<_>>(),
        vec![0, 1, 1, 0]
    );
    assert_eq!(loss.n_correct(&w), 4);
    // Each point has margin y_c - y_other = 4 (up to tanh saturation): p_c = 1/(1+e^-4) approx.
    for p in &preds {
        let pc = p.probabilities[p.predicted];
        assert!((pc - 1.0 / (1.0 + (-4.0f64).exp())).abs() < 1e-3, "{pc}");
    }
    let e = loss.energy(&w);
    assert!((e - (1.0 + (-4.0f64).exp()).ln()).abs() < 1e-3, "{e}");
}

/// The input sensitivity agrees with finite differences of the class probability.
#[test]
fn input_gradient_matches_finite_differences() {
    let net = Network::xor(3, 1e-3).unwrap();
    let mut loss = Loss::new(net, Dataset::xor()).unwrap();
    let w: Vec<f64> = (0..net.n_params())
        .map(|m| ((m as f64 * 0.618).fract() - 0.5) * 4.0)
        .collect();
    let x = [0.3, -0.7];
    let mut gx = [0.0; 2];
    let mut probs = [0.0; 2];
    for class in 0..2 {
        let pc = loss.class_probability_input_gradient(&w, &x, class, &mut gx);
        loss.probabilities_into(&w, &x, &mut probs);
        assert_eq!(pc, probs[class]);
        for k in 0..2 {
            let h = 1e-6;
            let (mut xp, mut xm) = (x, x);
            xp[k] += h;
            xm[k] -= h;
            loss.probabilities_into(&w, &xp, &mut probs);
            let pp = probs[class];
            loss.probabilities_into(&w, &xm, &mut probs);
            let fd = (pp - probs[class]) / (2.0 * h);
            assert!(
                (fd - gx[k]).abs() < 1e-8,
                "class {class} k {k}: {fd} vs {}",
                gx[k]
            );
        }
    }
}
