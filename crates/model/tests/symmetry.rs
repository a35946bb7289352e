//! Hidden-node permutations and sign flips.
#![allow(clippy::needless_range_loop)]

mod common;

use common::{loss_and_params, xor_loss};
use nnscape_model::symmetry::{self, linear_assignment, SymmetryOp};
use nnscape_model::Network;
use proptest::prelude::*;

fn random_op(n_hidden: usize, seed: u64) -> SymmetryOp {
    // A small deterministic shuffle from the seed (Fisher-Yates with an LCG).
    let mut state = seed | 1;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    let mut permutation: Vec<usize> = (0..n_hidden).collect();
    for i in (1..n_hidden).rev() {
        permutation.swap(i, next() % (i + 1));
    }
    let flips = (0..n_hidden).map(|_| next() % 2 == 1).collect();
    SymmetryOp { permutation, flips }
}

/// Enumerates all 2^N_h N_h! operations: the brute-force reference for the assignment solver.
fn all_ops(n_hidden: usize) -> Vec<SymmetryOp> {
    let mut perms = vec![vec![]];
    for _ in 0..n_hidden {
        perms = perms
            .into_iter()
            .flat_map(|p: Vec<usize>| {
                (0..n_hidden)
                    .filter(|j| !p.contains(j))
                    .map(|j| {
                        let mut q = p.clone();
                        q.push(j);
                        q
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
    }
    let mut ops = vec![];
    for p in perms {
        for mask in 0..(1u32 << n_hidden) {
            ops.push(SymmetryOp {
                permutation: p.clone(),
                flips: (0..n_hidden).map(|j| mask >> j & 1 == 1).collect(),
            });
        }
    }
    ops
}

fn euclid(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn copies_have_equal_energy_and_zero_distance((mut loss, w) in loss_and_params(), seed in any::<u64>()) {
        let net = *loss.network();
        let op = random_op(net.n_hidden(), seed);
        let copy = symmetry::apply(&net, &w, &op).unwrap();
        let (e0, e1) = (loss.energy(&w), loss.energy(&copy));
        prop_assert!((e0 - e1).abs() <= 1e-12 * e0.abs().max(1.0), "{e0} vs {e1}");
        prop_assert!(symmetry::distance(&net, &w, &copy) <= 1e-12);
        let canon = symmetry::canonical(&net, &w);
        prop_assert_eq!(&symmetry::canonical(&net, &canon), &canon);
        prop_assert_eq!(&symmetry::canonical(&net, &copy), &canon);
    }

    #[test]
    fn distance_is_a_metric(
        nh in 1usize..=5,
        a in proptest::collection::vec(-3.0..3.0f64, 32),
        b in proptest::collection::vec(-3.0..3.0f64, 32),
        c in proptest::collection::vec(-3.0..3.0f64, 32),
    ) {
        let net = Network::xor(nh, 0.0).unwrap();
        let n = net.n_params();
        let (a, b, c) = (&a[..n], &b[..n], &c[..n]);
        let dab = symmetry::distance(&net, a, b);
        let dba = symmetry::distance(&net, b, a);
        let dbc = symmetry::distance(&net, b, c);
        let dac = symmetry::distance(&net, a, c);
        prop_assert!((dab - dba).abs() <= 1e-12 * dab.max(1.0));
        prop_assert!(dac <= dab + dbc + 1e-12);
        prop_assert!(dab <= euclid(a, b) + 1e-12);
        prop_assert_eq!(symmetry::distance(&net, a, a), 0.0);
    }

    /// The assignment solution equals the brute-force minimum over all 2^N_h N_h! copies.
    #[test]
    fn alignment_matches_brute_force(
        nh in 1usize..=4,
        a in proptest::collection::vec(-3.0..3.0f64, 22),
        b in proptest::collection::vec(-3.0..3.0f64, 22),
    ) {
        let net = Network::xor(nh, 0.0).unwrap();
        let n = net.n_params();
        let (a, b) = (&a[..n], &b[..n]);
        let best = all_ops(nh)
            .iter()
            .map(|op| euclid(a, &symmetry::apply(&net, b, op).unwrap()))
            .fold(f64::INFINITY, f64::min);
        let al = symmetry::align(&net, a, b);
        prop_assert!((al.distance - best).abs() <= 1e-12, "{} vs brute force {best}", al.distance);
        prop_assert!((euclid(a, &al.aligned) - al.distance).abs() <= 1e-12);
        prop_assert_eq!(symmetry::apply(&net, b, &al.op).unwrap(), al.aligned);
    }
}

#[test]
fn group_and_stabiliser_orders() {
    let net = Network::xor(3, 0.0).unwrap();
    assert_eq!(symmetry::group_order(&net), 48.0);
    // W = 0 is fixed by the whole group.
    assert_eq!(symmetry::stabiliser_order(&net, &[0.0; 17], 1e-12), 48.0);
    // Three distinct non-zero nodes: only the identity.
    let w: Vec<f64> = (0..17).map(|m| 0.1 + m as f64).collect();
    assert_eq!(symmetry::stabiliser_order(&net, &w, 1e-12), 1.0);
    // Two equal nodes and one zero node: 2! (swap the pair) x 1! 2^1 (flip the zero node) = 4.
    let mut w = vec![0.0; 17];
    for j in 0..2 {
        for k in 0..2 {
            w[net.idx_w_hidden(j, k)] = 1.5 + k as f64;
        }
        w[net.idx_w_out(0, j)] = -0.5;
        w[net.idx_w_out(1, j)] = 0.5;
        w[net.idx_b_hidden(j)] = 0.2;
    }
    assert_eq!(symmetry::stabiliser_order(&net, &w, 1e-12), 4.0);
    // The stabiliser really fixes it: count operations by brute force.
    let fixed = all_ops(3)
        .iter()
        .filter(|op| symmetry::apply(&net, &w, op).unwrap() == w)
        .count();
    assert_eq!(fixed, 4);
}

#[test]
fn linear_assignment_known_case() {
    // Classic 3x3: optimum 0->1, 1->0, 2->2 with cost 1 + 2 + 2 = 5.
    let cost = [4.0, 1.0, 3.0, 2.0, 0.0, 5.0, 3.0, 2.0, 2.0];
    assert_eq!(linear_assignment(&cost, 3), vec![1, 0, 2]);
}

#[test]
fn invalid_operations_are_errors() {
    let net = Network::xor(2, 0.0).unwrap();
    let w = vec![0.0; 12];
    let bad = SymmetryOp {
        permutation: vec![0, 0],
        flips: vec![false, false],
    };
    assert!(symmetry::apply(&net, &w, &bad)
        .unwrap_err()
        .to_string()
        .contains("not a permutation"));
    let short = SymmetryOp::identity(3);
    assert!(symmetry::apply(&net, &w, &short).is_err());
    let _ = xor_loss(2, 0.0);
}
