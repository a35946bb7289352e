//! Smaller networks embedded in larger ones stay stationary.
#![allow(clippy::needless_range_loop)]

mod common;

use common::xor_loss;
use nnscape_model::embedding::{embed, remove_node, zero_nodes};
use nnscape_model::{rms, Loss};

/// Drives a point to a stationary point of the loss: plain gradient descent, then Newton steps
/// with the exact Hessian (pseudo-inverse over non-negligible eigenvalues).
fn stationary_point(loss: &mut Loss, mut w: Vec<f64>) -> Vec<f64> {
    let n = w.len();
    let mut g = vec![0.0; n];
    for _ in 0..20_000 {
        loss.energy_gradient(&w, &mut g);
        for m in 0..n {
            w[m] -= 0.5 * g[m];
        }
    }
    for _ in 0..20 {
        loss.energy_gradient(&w, &mut g);
        if rms(&g) < 1e-14 {
            break;
        }
        let eig = loss.hessian(&w).symmetric_eigen();
        let gv = nalgebra::DVector::from_column_slice(&g);
        let mut step = nalgebra::DVector::zeros(n);
        for (i, &ev) in eig.eigenvalues.iter().enumerate() {
            if ev.abs() > 1e-10 {
                let v = eig.eigenvectors.column(i);
                step -= v * (v.dot(&gv) / ev);
            }
        }
        for m in 0..n {
            w[m] += step[m];
        }
    }
    w
}

#[test]
fn embedded_stationary_points_stay_stationary() {
    for (n_hidden, lambda) in [(1, 1e-3), (2, 1e-3), (2, 1e-4), (3, 1e-2)] {
        let mut small = xor_loss(n_hidden, lambda);
        let net = *small.network();
        let start: Vec<f64> = (0..net.n_params())
            .map(|m| ((m as f64 * 0.7548776662 + 0.1).fract() - 0.5) * 2.0)
            .collect();
        let w = stationary_point(&mut small, start);
        let mut g = vec![0.0; w.len()];
        let e_small = small.energy_gradient(&w, &mut g);
        assert!(
            rms(&g) < 1e-12,
            "not stationary in N_h = {n_hidden}: rms {}",
            rms(&g)
        );
        for position in 0..=n_hidden {
            let (big_net, wb) = embed(&net, &w, position).unwrap();
            assert_eq!(big_net.n_hidden(), n_hidden + 1);
            let mut big = Loss::new(big_net, small.dataset().clone()).unwrap();
            let mut gb = vec![0.0; wb.len()];
            let e_big = big.energy_gradient(&wb, &mut gb);
            assert!(
                (e_big - e_small).abs() <= 1e-15 * e_small.abs().max(1.0),
                "{e_big} vs {e_small}"
            );
            assert!(rms(&gb) < 1e-12, "embedded gradient rms {}", rms(&gb));
            assert_eq!(zero_nodes(&big_net, &wb, 0.0), vec![position]);
            let (back_net, back) = remove_node(&big_net, &wb, position, 0.0).unwrap();
            assert_eq!(back_net, net);
            assert_eq!(back, w);
        }
    }
}

#[test]
fn zero_point_embeds_exactly() {
    let small = xor_loss(2, 1e-4);
    let (big_net, wb) = embed(small.network(), &[0.0; 12], 1).unwrap();
    let mut big = Loss::new(big_net, small.dataset().clone()).unwrap();
    let mut g = vec![1.0; 17];
    assert_eq!(big.energy_gradient(&wb, &mut g), std::f64::consts::LN_2);
    assert!(g.iter().all(|x| *x == 0.0));
}

#[test]
fn removing_a_non_zero_node_is_an_error() {
    let small = xor_loss(2, 0.0);
    let net = small.network();
    let w: Vec<f64> = (0..12).map(|m| m as f64 + 1.0).collect();
    let err = remove_node(net, &w, 0, 1e-12).unwrap_err().to_string();
    assert!(
        err.contains("hidden node 0") && err.contains("not all zero"),
        "{err}"
    );
    assert!(embed(net, &w, 3).is_err());
}

/// Splitting a node into k equal copies keeps the outputs, so the data term is unchanged, and
/// the regulariser changes as the split says: the in-weights and bias are paid k times, the
/// out-weights 1/k times.
#[test]
fn split_into_copies_keeps_the_data_term() {
    use nnscape_model::embedding::split_node_into;
    let mut small = xor_loss(2, 1e-3);
    let w: Vec<f64> = (0..small.n_params())
        .map(|i| 0.3 * (i as f64 + 1.0).sin())
        .collect();
    let net = *small.network();
    for copies in 2..=4 {
        for node in 0..2 {
            let (big, wb) = split_node_into(&net, &w, node, copies).unwrap();
            assert_eq!(big.n_hidden(), 2 + copies - 1);
            let mut large = xor_loss(big.n_hidden(), 1e-3);
            let d_small = small.data_loss(&w);
            let d_large = large.data_loss(&wb);
            assert!(
                (d_small - d_large).abs() < 1e-14,
                "{copies} copies of node {node}"
            );
            let k = copies as f64;
            let sq = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>();
            // w = [w_h (2x2), w_o (2x2), b_h (2), b_o (2)]: node's in-weights, bias, out-weights.
            let node_in = [w[2 * node], w[2 * node + 1], w[8 + node]];
            let node_out = [w[4 + node], w[6 + node]];
            let expected = sq(&w) + (k - 1.0) * sq(&node_in) + (1.0 / k - 1.0) * sq(&node_out);
            assert!(
                (sq(&wb) - expected).abs() < 1e-12,
                "{copies} copies of node {node}"
            );
        }
    }
    assert!(split_node_into(&net, &w, 0, 1).is_err());
    assert!(split_node_into(&net, &w, 2, 2).is_err());
}
