//! The symmetries of the network: permutations of hidden nodes and sign flips of one node's
//! in-weights, bias and out-weights together (tanh is odd). Together they form a group of order
//! 2^N_h N_h!; every stationary point has that many copies (fewer distinct ones when it is itself
//! symmetric).
//!
//! The squared distance between two parameter vectors separates into a sum over hidden nodes
//! (each node's in-weights, bias and out-weights move together) plus the output biases, which no
//! symmetry touches. Minimising it over the group is therefore a linear assignment problem
//! between the nodes of the two vectors, each pair costed with its better sign, solved exactly in
//! O(N_h^3) by the shortest-augmenting-path (Hungarian) algorithm instead of enumerating the
//! 2^N_h N_h! copies.

use crate::error::ModelError;
use crate::network::Network;

/// One element of the symmetry group: new hidden node `j` is old node `permutation[j]`, negated
/// when `flips[j]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SymmetryOp {
    /// `permutation[j]`: the old node that becomes new node `j` (a permutation of 0..N_h).
    pub permutation: Vec<usize>,
    /// `flips[j]`: whether new node `j` is negated (in-weights, bias and out-weights).
    pub flips: Vec<bool>,
}

impl SymmetryOp {
    /// The identity on `n_hidden` nodes.
    pub fn identity(n_hidden: usize) -> Self {
        Self {
            permutation: (0..n_hidden).collect(),
            flips: vec![false; n_hidden],
        }
    }
}

/// Result of aligning one parameter vector to another: the moving vector's symmetry copy
/// nearest the reference. (The `Alignment` trait of nnscape-optim is the hook algorithms use;
/// this is the network's answer to it.)
#[derive(Debug, Clone, PartialEq)]
pub struct AlignedCopy {
    /// Euclidean distance after the best symmetry operation.
    pub distance: f64,
    /// The symmetry copy of the moving vector closest to the reference.
    pub aligned: Vec<f64>,
    /// The operation that produced `aligned` from the moving vector.
    pub op: SymmetryOp,
}

/// Order of the symmetry group, 2^N_h N_h! (as f64: it overflows u64 beyond N_h = 16).
pub fn group_order(net: &Network) -> f64 {
    let nh = net.n_hidden();
    (1..=nh).map(|k| 2.0 * k as f64).product()
}

/// The parameters that belong to hidden node j, in a fixed order: in-weights, bias, out-weights.
pub(crate) fn node_indices(net: &Network, j: usize) -> impl Iterator<Item = usize> + '_ {
    (0..net.n_in())
        .map(move |k| net.idx_w_hidden(j, k))
        .chain(std::iter::once(net.idx_b_hidden(j)))
        .chain((0..net.n_out()).map(move |i| net.idx_w_out(i, j)))
}

/// Applies a symmetry operation.
pub fn apply(net: &Network, w: &[f64], op: &SymmetryOp) -> Result<Vec<f64>, ModelError> {
    net.check_params(w)?;
    let nh = net.n_hidden();
    if op.permutation.len() != nh || op.flips.len() != nh {
        return Err(ModelError::Symmetry(format!(
            "operation on {} nodes applied to a network with N_h = {nh}",
            op.permutation.len()
        )));
    }
    let mut seen = vec![false; nh];
    for &p in &op.permutation {
        if p >= nh || std::mem::replace(&mut seen[p], true) {
            return Err(ModelError::Symmetry(format!(
                "{:?} is not a permutation of 0..{nh}",
                op.permutation
            )));
        }
    }
    Ok(apply_unchecked(net, w, op))
}

fn apply_unchecked(net: &Network, w: &[f64], op: &SymmetryOp) -> Vec<f64> {
    let mut out = w.to_vec();
    for j in 0..net.n_hidden() {
        let src = op.permutation[j];
        let sign = if op.flips[j] { -1.0 } else { 1.0 };
        for (dst_m, src_m) in node_indices(net, j).zip(node_indices(net, src)) {
            out[dst_m] = sign * w[src_m];
        }
    }
    out
}

fn node_vector(net: &Network, w: &[f64], j: usize) -> Vec<f64> {
    node_indices(net, j).map(|m| w[m]).collect()
}

/// A canonical representative of the symmetry orbit: each node's sign chosen so that its first
/// non-zero entry (in-weights, bias, out-weights) is positive, then nodes sorted in decreasing
/// lexicographic order. Idempotent; two exact symmetry copies map to the same vector.
pub fn canonical(net: &Network, w: &[f64]) -> Vec<f64> {
    let nh = net.n_hidden();
    let mut nodes: Vec<(usize, bool, Vec<f64>)> = (0..nh)
        .map(|j| {
            let mut v = node_vector(net, w, j);
            let flip = v.iter().find(|x| **x != 0.0).is_some_and(|x| *x < 0.0);
            if flip {
                v.iter_mut().for_each(|x| *x = -*x);
            }
            (j, flip, v)
        })
        .collect();
    nodes.sort_by(|a, b| {
        for (x, y) in a.2.iter().zip(&b.2) {
            match y.total_cmp(x) {
                std::cmp::Ordering::Equal => continue,
                o => return o,
            }
        }
        std::cmp::Ordering::Equal
    });
    let op = SymmetryOp {
        permutation: nodes.iter().map(|n| n.0).collect(),
        flips: nodes.iter().map(|n| n.1).collect(),
    };
    apply_unchecked(net, w, &op)
}

/// Aligns `moving` to `reference`: the symmetry copy of `moving` nearest to `reference`, exactly,
/// by a linear assignment over hidden nodes.
///
/// Panics if either vector has the wrong length (validate with [`Network::check_params`]).
pub fn align(net: &Network, reference: &[f64], moving: &[f64]) -> AlignedCopy {
    let nh = net.n_hidden();
    assert_eq!(reference.len(), net.n_params(), "reference length");
    assert_eq!(moving.len(), net.n_params(), "moving length");
    let a: Vec<Vec<f64>> = (0..nh).map(|j| node_vector(net, reference, j)).collect();
    let b: Vec<Vec<f64>> = (0..nh).map(|j| node_vector(net, moving, j)).collect();
    let mut cost = vec![0.0; nh * nh];
    let mut flip = vec![false; nh * nh];
    for j in 0..nh {
        for l in 0..nh {
            let (mut same, mut opposite) = (0.0, 0.0);
            for (x, y) in a[j].iter().zip(&b[l]) {
                same += (x - y) * (x - y);
                opposite += (x + y) * (x + y);
            }
            cost[j * nh + l] = same.min(opposite);
            flip[j * nh + l] = opposite < same;
        }
    }
    let assignment = linear_assignment(&cost, nh);
    let op = SymmetryOp {
        flips: (0..nh).map(|j| flip[j * nh + assignment[j]]).collect(),
        permutation: assignment,
    };
    let aligned = apply_unchecked(net, moving, &op);
    let d2: f64 = reference
        .iter()
        .zip(&aligned)
        .map(|(x, y)| (x - y) * (x - y))
        .sum();
    AlignedCopy {
        distance: d2.sqrt(),
        aligned,
        op,
    }
}

/// Applies the input permutation `perm` (new input m is old input `perm[m]`) to the parameters:
/// a symmetry of the loss when it maps the data set onto itself with the same labels
/// ([`Dataset::feature_symmetries`](crate::Dataset::feature_symmetries); for XOR the swap of x1
/// and x2), since `w'_h[j][m] = w_h[j][perm[m]]` on the permuted inputs computes what `w` does on
/// the original ones, and the regulariser is unchanged.
pub fn permute_inputs(net: &Network, w: &[f64], perm: &[usize]) -> Vec<f64> {
    let mut out = w.to_vec();
    for j in 0..net.n_hidden() {
        for m in 0..net.n_in() {
            out[net.idx_w_hidden(j, m)] = w[net.idx_w_hidden(j, perm[m])];
        }
    }
    out
}

/// Distance between two parameter vectors minimised over all 2^N_h N_h! symmetry copies.
pub fn distance(net: &Network, a: &[f64], b: &[f64]) -> f64 {
    align(net, a, b).distance
}

/// Order of the stabiliser of `w` in the symmetry group (PATHSAMPLE's pgorder): the number of
/// operations that leave `w` unchanged, with node vectors compared to within `tol` (max-abs).
///
/// k all-zero nodes contribute k! 2^k (permute them, flip any); m equal non-zero nodes (up to
/// sign, which the operation then fixes) contribute m!.
pub fn stabiliser_order(net: &Network, w: &[f64], tol: f64) -> f64 {
    let nh = net.n_hidden();
    let nodes: Vec<Vec<f64>> = (0..nh).map(|j| node_vector(net, w, j)).collect();
    let is_zero = |v: &[f64]| v.iter().all(|x| x.abs() <= tol);
    let same_up_to_sign = |u: &[f64], v: &[f64]| {
        u.iter().zip(v).all(|(x, y)| (x - y).abs() <= tol)
            || u.iter().zip(v).all(|(x, y)| (x + y).abs() <= tol)
    };
    let factorial = |m: usize| (1..=m).map(|k| k as f64).product::<f64>();
    let mut used = vec![false; nh];
    let mut order = 1.0;
    let zeros = nodes.iter().filter(|v| is_zero(v)).count();
    order *= factorial(zeros) * 2f64.powi(zeros as i32);
    for j in 0..nh {
        if used[j] || is_zero(&nodes[j]) {
            continue;
        }
        let mut m = 0;
        for l in j..nh {
            if !used[l] && !is_zero(&nodes[l]) && same_up_to_sign(&nodes[j], &nodes[l]) {
                used[l] = true;
                m += 1;
            }
        }
        order *= factorial(m);
    }
    order
}

/// Minimum-cost perfect matching on a square `n x n` cost matrix (row-major), returning the
/// column assigned to each row. Shortest augmenting paths with potentials (Hungarian method,
/// Kuhn-Munkres / Jonker-Volgenant style), O(n^3).
pub fn linear_assignment(cost: &[f64], n: usize) -> Vec<usize> {
    assert_eq!(cost.len(), n * n);
    // 1-based arrays; index 0 is the virtual source column.
    let mut u = vec![0.0; n + 1];
    let mut v = vec![0.0; n + 1];
    let mut p = vec![0usize; n + 1]; // p[col] = row matched to col
    let mut way = vec![0usize; n + 1];
    for i in 1..=n {
        p[0] = i;
        let mut j0 = 0;
        let mut minv = vec![f64::INFINITY; n + 1];
        let mut used = vec![false; n + 1];
        loop {
            used[j0] = true;
            let i0 = p[j0];
            let mut delta = f64::INFINITY;
            let mut j1 = 0;
            for j in 1..=n {
                if !used[j] {
                    let cur = cost[(i0 - 1) * n + (j - 1)] - u[i0] - v[j];
                    if cur < minv[j] {
                        minv[j] = cur;
                        way[j] = j0;
                    }
                    if minv[j] < delta {
                        delta = minv[j];
                        j1 = j;
                    }
                }
            }
            for j in 0..=n {
                if used[j] {
                    u[p[j]] += delta;
                    v[j] -= delta;
                } else {
                    minv[j] -= delta;
                }
            }
            j0 = j1;
            if p[j0] == 0 {
                break;
            }
        }
        loop {
            let j1 = way[j0];
            p[j0] = p[j1];
            j0 = j1;
            if j0 == 0 {
                break;
            }
        }
    }
    let mut assignment = vec![0; n];
    for j in 1..=n {
        assignment[p[j] - 1] = j - 1;
    }
    assignment
}
