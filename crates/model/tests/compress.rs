//! Compression (the inverse of the embedding), dropout masks and mini-batch gradients on
//! hand-built points whose answers are known.

use nnscape_model::compress::{compress, CompressParams, Reduction};
use nnscape_model::dropout::{drop_each_node, masked, scale_nodes};
use nnscape_model::embedding::{embed, split_node};
use nnscape_model::symmetry::{apply, SymmetryOp};
use nnscape_model::{known, Loss, Network};

const LAMBDA: f64 = 1e-3;

/// The hand-set XOR solution of N_h = 2 and its loss.
fn solution() -> (Loss, Vec<f64>) {
    (Loss::xor(2, LAMBDA).unwrap(), known::xor_solution(6.0))
}

fn loss_of(net: Network) -> Loss {
    Loss::new(net, nnscape_model::Dataset::xor()).unwrap()
}

fn max_diff(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f64::max)
}

#[test]
fn an_irreducible_point_keeps_every_node() {
    let (mut loss, w) = solution();
    let c = compress(&loss, &w, &CompressParams::default()).unwrap();
    assert_eq!(c.effective_hidden_nodes, 2);
    assert!(c.reductions.is_empty());
    assert_eq!(c.params, w);
    assert_eq!(c.data_loss, loss.data_loss(&w));
}

#[test]
fn a_dead_node_is_removed_exactly() {
    // An all-zero node (the embedding) at every position reduces to the original network, loss
    // and energy included (the zero node pays no L2).
    let (mut small, w) = solution();
    for position in 0..=2 {
        let (net3, w3) = embed(small.network(), &w, position).unwrap();
        let mut big = loss_of(net3);
        let c = compress(&big, &w3, &CompressParams::default()).unwrap();
        assert_eq!(c.effective_hidden_nodes, 2);
        assert_eq!(c.network, *small.network());
        assert_eq!(c.params, w);
        assert_eq!(c.reductions, [Reduction::Dead { node: position }]);
        assert_eq!(small.energy(&c.params), big.energy(&w3));
    }
    // Output weights equal across the outputs (any in-weights): softmax ignores the node.
    let (net3, mut w3) = embed(small.network(), &w, 0).unwrap();
    for k in 0..2 {
        w3[net3.idx_w_hidden(0, k)] = 1.5 - k as f64;
    }
    w3[net3.idx_b_hidden(0)] = -0.3;
    w3[net3.idx_w_out(0, 0)] = 0.8;
    w3[net3.idx_w_out(1, 0)] = 0.8;
    let c = compress(&loss_of(net3), &w3, &CompressParams::default()).unwrap();
    assert_eq!(c.effective_hidden_nodes, 2);
    assert_eq!(c.params, w);
    assert!((c.reduced_data_loss - c.data_loss).abs() < 1e-15);
}

#[test]
fn a_duplicated_node_merges_into_its_copy() {
    let (mut small, w) = solution();
    for node in 0..2 {
        // Node `node` split into two halves (the copy appended last): the same function.
        let (net3, w3) = split_node(small.network(), &w, node).unwrap();
        let mut big = loss_of(net3);
        let c = compress(&big, &w3, &CompressParams::default()).unwrap();
        assert_eq!(c.effective_hidden_nodes, 2, "node {node}");
        assert_eq!(
            c.reductions,
            [Reduction::Merged {
                node: 2,
                into: node,
                sign: 1.0
            }]
        );
        // Halves added back: exactly the original point, data term and all.
        assert!(max_diff(&c.params, &w) < 1e-15, "{:?}", c.params);
        assert!((c.reduced_data_loss - big.data_loss(&w3)).abs() < 1e-15);
        // The split pays the regulariser on two copies of the in-weights; the merge once.
        let dup_in: f64 = [10.0f64, 10.0, [-5.0, -15.0][node]]
            .iter()
            .map(|v| v * v)
            .sum();
        let e_big = big.energy(&w3);
        let e_small = small.energy(&c.params);
        let out_half = 2.0 * 2.0 * (6.0 / 4.0f64).powi(2); // two outputs, halves of 3
        let out_full = 2.0 * 3.0f64.powi(2);
        let expected = LAMBDA * (dup_in + out_half - out_full);
        assert!(
            (e_big - e_small - expected).abs() < 1e-12,
            "{e_big} {e_small} {expected}"
        );
    }
}

#[test]
fn an_opposite_node_merges_with_a_sign_flip() {
    let (mut small, w) = solution();
    let (net3, w3) = split_node(small.network(), &w, 1).unwrap();
    // Flip the copy (node 2): in-weights, bias and out-weights negated, the same function.
    let op = SymmetryOp {
        permutation: vec![0, 1, 2],
        flips: vec![false, false, true],
    };
    let flipped = apply(&net3, &w3, &op).unwrap();
    let c = compress(&loss_of(net3), &flipped, &CompressParams::default()).unwrap();
    assert_eq!(
        c.reductions,
        [Reduction::Merged {
            node: 2,
            into: 1,
            sign: -1.0
        }]
    );
    assert!(max_diff(&c.params, &w) < 1e-15);
    assert!((c.reduced_data_loss - small.data_loss(&w)).abs() < 1e-15);
}

#[test]
fn a_constant_node_folds_into_the_output_bias() {
    let (mut small, w) = solution();
    let (net3, mut w3) = embed(small.network(), &w, 2).unwrap();
    // Zero in-weights, bias 0.7: h = tanh(0.7) on every input, weighted +-1.2.
    w3[net3.idx_b_hidden(2)] = 0.7;
    w3[net3.idx_w_out(0, 2)] = -1.2;
    w3[net3.idx_w_out(1, 2)] = 1.2;
    let mut big = loss_of(net3);
    let c = compress(&big, &w3, &CompressParams::default()).unwrap();
    assert_eq!(c.effective_hidden_nodes, 2);
    let Reduction::Constant { node, value } = c.reductions[0] else {
        panic!("{:?}", c.reductions)
    };
    assert_eq!((node, value), (2, 0.7f64.tanh()));
    let mut expected = w.clone();
    let net = small.network();
    expected[net.idx_b_out(0)] -= 1.2 * value;
    expected[net.idx_b_out(1)] += 1.2 * value;
    assert!(max_diff(&c.params, &expected) < 1e-15);
    assert!((small.data_loss(&c.params) - big.data_loss(&w3)).abs() < 1e-14);
}

#[test]
fn duplicates_and_dead_nodes_together_reduce_to_one_node() {
    // One node (OR), split twice and embedded with a zero node: 4 nodes, 1 effective.
    let net1 = Network::xor(1, LAMBDA).unwrap();
    let w1 = vec![10.0, 10.0, -3.0, 3.0, -5.0, 1.0, -1.0];
    let (net2, w2) = split_node(&net1, &w1, 0).unwrap();
    let (net3, w3) = split_node(&net2, &w2, 1).unwrap();
    let (net4, w4) = embed(&net3, &w3, 1).unwrap();
    let c = compress(&loss_of(net4), &w4, &CompressParams::default()).unwrap();
    assert_eq!(c.effective_hidden_nodes, 1);
    assert_eq!(c.network, net1);
    assert!(max_diff(&c.params, &w1) < 1e-15);
    assert_eq!(c.counts(), (1, 0, 2));
}

#[test]
fn no_effective_node_leaves_one_zero_node() {
    let net = Network::xor(3, LAMBDA).unwrap();
    let mut w = vec![0.0; net.n_params()];
    w[net.idx_b_out(0)] = 0.25;
    w[net.idx_b_out(1)] = -0.25;
    let c = compress(&loss_of(net), &w, &CompressParams::default()).unwrap();
    assert_eq!(c.effective_hidden_nodes, 0);
    assert_eq!(c.network.n_hidden(), 1);
    assert_eq!(c.params, [0.0, 0.0, 0.0, 0.0, 0.0, 0.25, -0.25]);
}

#[test]
fn nodes_that_differ_beyond_the_tolerance_stay() {
    // A point off tanh's saturation (the hand-set solution is saturated, where a bias barely
    // matters): w_h = [[1, -2], [0.5, 1.5]], w_o = [[-1, 2], [1, -2]], b_h = [0.3, -0.2].
    let net = Network::xor(2, LAMBDA).unwrap();
    let w = [
        1.0, -2.0, 0.5, 1.5, -1.0, 2.0, 1.0, -2.0, 0.3, -0.2, 0.1, -0.1,
    ];
    let (net3, mut w3) = split_node(&net, &w, 0).unwrap();
    // The copy's bias off by 1e-3: a different function, the data term moves by more than
    // the loss tolerance, so no merge.
    w3[net3.idx_b_hidden(2)] += 1e-3;
    let c = compress(&loss_of(net3), &w3, &CompressParams::default()).unwrap();
    assert_eq!(c.effective_hidden_nodes, 3);
    // A looser weight tolerance screens the pair in, but the loss check still refuses it
    // unless the loss tolerance is loosened too.
    let loose = CompressParams {
        weight_tolerance: 1e-2,
        ..CompressParams::default()
    };
    let c = compress(&loss_of(net3), &w3, &loose).unwrap();
    assert_eq!(c.effective_hidden_nodes, 3);
    let looser = CompressParams {
        loss_tolerance: 1e-2,
        ..loose
    };
    let c = compress(&loss_of(net3), &w3, &looser).unwrap();
    assert_eq!(c.effective_hidden_nodes, 2);
}

#[test]
fn dropout_masks_scale_output_weights() {
    let (mut loss, w) = solution();
    let net = *loss.network();
    let scaled = scale_nodes(&net, &w, &[0.0, 2.0]).unwrap();
    for i in 0..2 {
        assert_eq!(scaled[net.idx_w_out(i, 0)], 0.0);
        assert_eq!(scaled[net.idx_w_out(i, 1)], 2.0 * w[net.idx_w_out(i, 1)]);
    }
    assert_eq!(&scaled[..4], &w[..4]);
    let each = drop_each_node(&mut loss, &w).unwrap();
    assert_eq!(each.len(), 2);
    for (j, e) in each.iter().enumerate() {
        let mut f = [1.0, 1.0];
        f[j] = 0.0;
        assert_eq!(*e, masked(&mut loss, &w, &f).unwrap());
        assert!(e.data_loss > loss.data_loss(&w));
    }
    let err = scale_nodes(&net, &w, &[1.0]).unwrap_err().to_string();
    assert!(err.contains("one factor per hidden node"), "{err}");
}

#[test]
fn mini_batch_gradients_average_to_the_full_gradient() {
    let mut loss = Loss::xor(3, 1e-2).unwrap();
    let w: Vec<f64> = (0..17).map(|i| ((i * 7 % 11) as f64 - 5.0) * 0.3).collect();
    let n = loss.n_params();
    let mut full = vec![0.0; n];
    let e = loss.energy_gradient(&w, &mut full);
    let mut sum = vec![0.0; n];
    let mut e_sum = 0.0;
    let mut g = vec![0.0; n];
    for d in 0..4 {
        e_sum += loss.energy_gradient_batch(&w, &[d], &mut g);
        for (s, x) in sum.iter_mut().zip(&g) {
            *s += x / 4.0;
        }
    }
    assert!((e_sum / 4.0 - e).abs() < 1e-14);
    assert!(max_diff(&sum, &full) < 1e-14);
    // The whole data set as one batch is the full gradient, bit for bit.
    let e_all = loss.energy_gradient_batch(&w, &[0, 1, 2, 3], &mut g);
    assert_eq!((e_all, &g), (e, &full));
}
