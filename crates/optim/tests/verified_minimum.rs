//! The verified-minimum step on the XOR loss: tight polish, positive-definite Hessians, and
//! escape from saddles that L-BFGS mistakes for minima.

use nnscape_model::{Dataset, Loss, Network};
use nnscape_optim::Tolerances;
use nnscape_optim::{
    newton_polish, polish_minimum, verified_minimum, Lbfgs, LbfgsParams, Minimum, MinimumParams,
    NewtonParams,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;

fn xor_loss(n_hidden: usize, lambda: f64) -> Loss {
    Loss::xor(n_hidden, lambda).unwrap()
}

fn lowest_eigenvalue(loss: &mut Loss, x: &[f64]) -> f64 {
    let h = loss.hessian(x);
    let eig = nalgebra::SymmetricEigen::new(h);
    eig.eigenvalues
        .iter()
        .copied()
        .fold(f64::INFINITY, f64::min)
}

/// The verified step with default settings; it must succeed, polished to RMS gradient 1e-10.
fn verified_with_defaults(loss: &mut Loss, x0: &[f64], lbfgs: &mut Lbfgs) -> Minimum {
    let m = verified_minimum(
        loss,
        x0,
        lbfgs,
        &MinimumParams::default(),
        &Tolerances::default(),
    )
    .unwrap();
    assert!(m.rms_gradient <= 1e-10, "rms {}", m.rms_gradient);
    m
}

fn uniform(rng: &mut ChaCha20Rng, n: usize, range: f64) -> Vec<f64> {
    (0..n)
        .map(|_| range * (2.0 * rng.random::<f64>() - 1.0))
        .collect()
}

#[test]
fn lbfgs_plus_polish_reaches_1e10_with_positive_definite_hessian() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let mut lbfgs = Lbfgs::new(LbfgsParams::default()).unwrap();
    let newton = NewtonParams::default();
    for n_hidden in 2..=4 {
        let mut loss = xor_loss(n_hidden, 1e-4);
        let mut verified = 0;
        for _ in 0..10 {
            let x0 = uniform(&mut rng, loss.n_params(), 2.0);
            let quench = lbfgs.minimise(&mut loss, &x0);
            assert!(
                quench.converged(),
                "N_h = {n_hidden}: {:?}",
                quench.termination
            );
            assert!(quench.rms_gradient < 1e-6);
            let polished = polish_minimum(&mut loss, &quench.x, &mut lbfgs, &newton).unwrap();
            assert!(polished.converged());
            assert!(
                polished.rms_gradient <= 1e-10,
                "rms {}",
                polished.rms_gradient
            );
            // The verified step from the same start: always a true minimum.
            let m = verified_with_defaults(&mut loss, &x0, &mut lbfgs);
            assert!(
                m.eigenvalues[0] > 0.0,
                "N_h = {n_hidden}: {:?}",
                m.eigenvalues
            );
            assert!(lowest_eigenvalue(&mut loss, &m.x) > 0.0);
            assert!(m.eigenvalues.windows(2).all(|w| w[0] <= w[1]));
            assert_eq!(m.index(1e-7), 0);
            if m.escapes == 0 {
                // No push-off needed: the plain quench + polish gave the same point.
                assert!((m.energy - polished.energy).abs() < 1e-12);
                verified += 1;
            }
        }
        assert!(verified > 0);
    }
}

/// The N_h = 3 XOR loss and a start with hidden nodes 0 and 1 identical (random), node 2 zero.
fn symmetric_start() -> (Network, Loss, Vec<f64>) {
    let net = Network::xor(3, 1e-4).unwrap();
    let loss = Loss::new(net, Dataset::xor()).unwrap();
    let mut rng = ChaCha20Rng::seed_from_u64(3);
    // w_h[j][0], w_h[j][1], w_o[0][j], w_o[1][j], b_h[j]
    let node: Vec<f64> = uniform(&mut rng, 5, 1.0);
    let mut x0 = vec![0.0; net.n_params()];
    for j in 0..2 {
        x0[net.idx_w_hidden(j, 0)] = node[0];
        x0[net.idx_w_hidden(j, 1)] = node[1];
        x0[net.idx_w_out(0, j)] = node[2];
        x0[net.idx_w_out(1, j)] = node[3];
        x0[net.idx_b_hidden(j)] = node[4];
    }
    x0[net.idx_b_out(0)] = 0.3;
    x0[net.idx_b_out(1)] = -0.2;
    (net, loss, x0)
}

/// N_h = 3 with hidden nodes 0 and 1 identical and node 2 zero: L-BFGS keeps that exactly (the
/// gradients of identical nodes are identical, and a zero node has zero gradient), so it
/// converges onto a stationary point of the subspace, an effectively one-node network.
#[test]
fn symmetric_saddle_is_escaped() {
    let (net, mut loss, x0) = symmetric_start();

    let mut lbfgs = Lbfgs::new(LbfgsParams::default()).unwrap();
    let plain = lbfgs.minimise(&mut loss, &x0);
    assert!(plain.converged());
    let saddle = newton_polish(&mut loss, &plain.x, &NewtonParams::default()).unwrap();
    assert!(saddle.converged() && saddle.rms_gradient <= 1e-10);
    // L-BFGS stayed in the subspace bit for bit; Newton's eigenvectors round slightly.
    for (a, b) in [
        (net.idx_w_hidden(0, 0), net.idx_w_hidden(1, 0)),
        (net.idx_w_hidden(0, 1), net.idx_w_hidden(1, 1)),
        (net.idx_w_out(0, 0), net.idx_w_out(0, 1)),
        (net.idx_b_hidden(0), net.idx_b_hidden(1)),
    ] {
        assert_eq!(plain.x[a], plain.x[b]);
        assert!((saddle.x[a] - saddle.x[b]).abs() < 1e-8);
    }
    let lowest_plain = lowest_eigenvalue(&mut loss, &saddle.x);
    assert!(
        lowest_plain < -1e-7,
        "the subspace point should be a saddle, lowest eigenvalue {lowest_plain}"
    );

    let m = verified_with_defaults(&mut loss, &x0, &mut lbfgs);
    assert!(m.escapes >= 1);
    assert!(m.eigenvalues[0] > -1e-7, "{:?}", m.eigenvalues);
    assert!(lowest_eigenvalue(&mut loss, &m.x) > -1e-7);
    assert!(
        m.energy < saddle.energy - 1e-6,
        "{} vs {}",
        m.energy,
        saddle.energy
    );
    eprintln!(
        "saddle E = {} (lowest eigenvalue {lowest_plain:e}) -> minimum E = {}, {} correct, {} escapes",
        saddle.energy,
        m.energy,
        loss.n_correct(&m.x),
        m.escapes
    );
}

#[test]
fn zero_escapes_reports_the_saddle_as_a_failure() {
    let (_, mut loss, x0) = symmetric_start();
    let mut lbfgs = Lbfgs::new(LbfgsParams::default()).unwrap();
    let params = MinimumParams {
        max_escapes: 0,
        ..MinimumParams::default()
    };
    let err =
        verified_minimum(&mut loss, &x0, &mut lbfgs, &params, &Tolerances::default()).unwrap_err();
    assert!(
        matches!(err, nnscape_optim::MinimumFailure::Saddle { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("saddle"));
}

#[test]
fn verify_params_reject_bad_values() {
    let bad = [
        MinimumParams {
            push: f64::NAN,
            ..MinimumParams::default()
        },
        MinimumParams {
            max_push: 0.01,
            ..MinimumParams::default()
        },
    ];
    for (p, name) in bad.iter().zip(["push", "max_push"]) {
        let e = p.validate().unwrap_err().to_string();
        assert!(e.contains(name), "{e}");
    }
}

/// A minimum of N_h = 4, lambda = 3e-5 (two equal hidden nodes), embedded in N_h = 5 with a zero
/// node, is a saddle of curvature -1.9e-4 whose push-off leads past a soft saddle (curvature
/// -1.8e-6 = 0.06 lambda). The push off that soft saddle leaves a gradient below the quench's
/// absolute tolerance (1e-6): before the quench tolerance was tied to the push, every escape
/// ended on the soft saddle again and verification failed after ten escapes.
#[test]
fn escapes_a_soft_saddle() {
    use nnscape_model::embedding::embed;
    const H4_MINIMUM: [f64; 22] = [
        -3.194490082324914,
        -2.5533790970014487,
        1.2462219885498893,
        2.2105160025234505,
        -2.158065372669367,
        1.9693826908215162,
        1.2462219885498822,
        2.210516002523447,
        4.360891848267114,
        2.347427904242794,
        -2.7242984560820407,
        2.3474279042427857,
        -4.360891848265883,
        -2.3474279042436748,
        2.7242984560819075,
        -2.3474279042436668,
        1.358978531437174,
        -2.479916588474564,
        -1.4912055583441868,
        -2.4799165884745547,
        1.8855631803933233,
        -1.8855631803937727,
    ];
    let lambda = 3e-5;
    let small = xor_loss(4, lambda);
    let mut loss = xor_loss(5, lambda);
    let (_, x) = embed(small.network(), &H4_MINIMUM, 4).unwrap();
    let eig = nalgebra::SymmetricEigen::new(loss.hessian(&x));
    let (i, lowest) = eig
        .eigenvalues
        .iter()
        .enumerate()
        .fold(
            (0, f64::INFINITY),
            |a, (i, &l)| if l < a.1 { (i, l) } else { a },
        );
    assert!((-2e-4..-1.8e-4).contains(&lowest), "{lowest:e}");
    let v = eig.eigenvectors.column(i);
    let tol = Tolerances::at_lambda(lambda);
    let lbfgs_params = LbfgsParams {
        max_step: 0.02,
        max_iterations: 20_000,
        ..LbfgsParams::default()
    };
    for sign in [-1.0, 1.0] {
        let start: Vec<f64> = x
            .iter()
            .zip(v.iter())
            .map(|(a, b)| a + sign * 0.05 * b)
            .collect();
        let mut lbfgs = Lbfgs::new(lbfgs_params.clone()).unwrap();
        let m = verified_minimum(
            &mut loss,
            &start,
            &mut lbfgs,
            &MinimumParams::default(),
            &tol,
        )
        .unwrap();
        assert!(
            (m.energy - 0.0037202190505291).abs() < 1e-12,
            "{}",
            m.energy
        );
        assert!(m.escapes >= 1);
        assert!(m.eigenvalues[0] > -tol.eigenvalue_cutoff);
    }
}
