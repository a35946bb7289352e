//! The neural-network loss of `nnscape-model` as an [`Objective`] / [`HessianObjective`], its
//! hidden-node symmetries as an [`Alignment`], and the two together as a [`System`].

use nalgebra::DMatrix;
use nnscape_model::{symmetry, Dataset, Loss, Network};

use crate::objective::{HessianObjective, Objective};
use crate::system::{Alignment, System};

impl Objective for Loss {
    fn dim(&self) -> usize {
        self.n_params()
    }
    #[inline]
    fn energy_gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        Loss::energy_gradient(self, x, grad)
    }
    #[inline]
    fn energy(&mut self, x: &[f64]) -> f64 {
        Loss::energy(self, x)
    }
}

impl HessianObjective for Loss {
    fn hessian(&mut self, x: &[f64], hess: &mut DMatrix<f64>) {
        self.hessian_matrix_into(x, hess);
    }
    fn hessian_vector(&mut self, x: &[f64], v: &[f64], out: &mut [f64]) {
        Loss::hessian_vector(self, x, v, out);
    }
}

/// Alignment over the 2^N_h N_h! hidden-node symmetries (permutations and sign flips) of
/// `network`, solved exactly by [`nnscape_model::symmetry::align`] (linear assignment), and
/// optionally over the data set's input symmetries as well.
///
/// ```
/// use nnscape_model::{symmetry::permute_inputs, Dataset, Network};
/// use nnscape_optim::{Alignment, NetworkAlignment};
///
/// let net = Network::xor(2, 1e-3).unwrap();
/// let w: Vec<f64> = (0..12).map(|i| 0.1 * i as f64).collect();
/// let swapped = permute_inputs(&net, &w, &[1, 0]); // x1 <-> x2: a symmetry of XOR
/// assert!(NetworkAlignment::new(net).distance(&w, &swapped) > 0.1);
/// let both = NetworkAlignment::with_data_symmetries(net, &Dataset::xor());
/// assert!(both.distance(&w, &swapped) < 1e-12);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkAlignment {
    /// The network whose parameter layout the points use.
    pub network: Network,
    /// Input permutations (other than the identity) that are symmetries of the data set, tried
    /// on top of the hidden-node symmetries; empty for [`NetworkAlignment::new`].
    pub input_permutations: Vec<Vec<usize>>,
}

impl NetworkAlignment {
    /// Alignment for points of `network`, up to its hidden-node symmetries.
    pub fn new(network: Network) -> Self {
        Self {
            network,
            input_permutations: Vec::new(),
        }
    }

    /// Alignment up to the hidden-node symmetries and the input permutations that map `data`
    /// onto itself ([`nnscape_model::Dataset::feature_symmetries`]): points related by a data
    /// symmetry count as the same (for XOR, the x1 <-> x2 swap).
    pub fn with_data_symmetries(network: Network, data: &Dataset) -> Self {
        let input_permutations = data
            .feature_symmetries()
            .into_iter()
            .filter(|p| p.iter().enumerate().any(|(m, &k)| m != k))
            .collect();
        Self {
            network,
            input_permutations,
        }
    }
}

impl Alignment for NetworkAlignment {
    /// Panics when a vector does not have `network.n_params()` entries.
    fn align(&self, a: &[f64], b: &[f64]) -> (f64, Vec<f64>) {
        let net = &self.network;
        let mut best = symmetry::align(net, a, b);
        for perm in &self.input_permutations {
            let al = symmetry::align(net, a, &symmetry::permute_inputs(net, b, perm));
            if al.distance < best.distance {
                best = al;
            }
        }
        (best.distance, best.aligned)
    }

    fn distance(&self, a: &[f64], b: &[f64]) -> f64 {
        if self.input_permutations.is_empty() {
            symmetry::distance(&self.network, a, b)
        } else {
            self.align(a, b).0
        }
    }

    /// The softmax shifts: for each hidden node j the common shift of `w_o[i][j]` over outputs
    /// i, and the common shift of `b_o`. The data term is exactly invariant along them (softmax
    /// is shift-invariant), so their curvature is only the regulariser's 2 lambda (or 0 for
    /// `b_o` without bias regularisation): at an XOR minimum they are the N_h + 1 lowest modes,
    /// and a search along them would climb a parabola for ever.
    fn invariant_directions(&self) -> Vec<Vec<f64>> {
        let net = &self.network;
        let n = net.n_params();
        let c = 1.0 / (net.n_out() as f64).sqrt();
        let mut dirs = Vec::with_capacity(net.n_hidden() + 1);
        for j in 0..net.n_hidden() {
            let mut d = vec![0.0; n];
            for i in 0..net.n_out() {
                d[net.idx_w_out(i, j)] = c;
            }
            dirs.push(d);
        }
        let mut d = vec![0.0; n];
        for i in 0..net.n_out() {
            d[net.idx_b_out(i)] = c;
        }
        dirs.push(d);
        dirs
    }
}

/// A network loss landscape: the loss, its hidden-node symmetries, default tolerances.
pub type NetworkSystem = System<Loss, NetworkAlignment>;

impl System<Loss, NetworkAlignment> {
    /// The landscape of `loss` with alignment over its network's symmetries and the tolerances
    /// of its lambda ([`Tolerances::at_lambda`](crate::Tolerances::at_lambda)).
    ///
    /// ```
    /// use nnscape_model::{Dataset, Loss, Network};
    /// use nnscape_optim::System;
    ///
    /// let sys = System::network(Loss::new(Network::xor(2, 1e-3).unwrap(), Dataset::xor()).unwrap());
    /// assert_eq!(sys.alignment.network.n_params(), 12);
    /// ```
    pub fn network(loss: Loss) -> Self {
        let alignment = NetworkAlignment::new(*loss.network());
        let tolerances = crate::Tolerances::at_lambda(loss.network().lambda());
        System::new(loss, alignment).with_tolerances(tolerances)
    }

    /// The network of this landscape.
    pub fn net(&self) -> &Network {
        &self.alignment.network
    }

    /// The landscape of `loss` counted up to the data set's input symmetries too
    /// ([`NetworkAlignment::with_data_symmetries`]).
    pub fn network_with_data_symmetries(loss: Loss) -> Self {
        let alignment = NetworkAlignment::with_data_symmetries(*loss.network(), loss.dataset());
        let tolerances = crate::Tolerances::at_lambda(loss.network().lambda());
        System::new(loss, alignment).with_tolerances(tolerances)
    }
}
