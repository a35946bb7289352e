//! # nnscape-model
//!
//! The network model of nnscape: a one-hidden-layer tanh network with a softmax output trained
//! by cross-entropy with L2 regularisation, exactly the GMIN/OPTIM `MLPVB3` loss
//! (Mehta, Zhao, Bernal, Wales, Phys. Rev. E 97, 052307, 2018). It provides data sets (built-in
//! XOR and a CSV loader), the network specification and its parameter layout, the loss with
//! analytic (autodiff-free, allocation-free) gradient, Hessian and Hessian-vector product,
//! per-point predictions, the hidden-node symmetries (permutation and sign flips, canonical form,
//! exact symmetry-aware distance), the embedding of an N_h network into N_h + 1 and its inverse
//! ([`compress`]: dead, constant and duplicate nodes removed), dropout masks ([`dropout`]), and
//! points of the XOR landscape known in closed form ([`known`]).
//! This is the bottom layer: it depends on no other nnscape crate, only on nalgebra, csv,
//! serde (settings are serialisable) and thiserror.
//!
//! ```
//! use nnscape_model::{Dataset, Loss, Network};
//!
//! let net = Network::xor(2, 1e-4).unwrap(); // N_h = 2, lambda = 1e-4: 12 parameters
//! let mut loss = Loss::new(net, Dataset::xor()).unwrap();
//! let w = vec![0.0; net.n_params()];
//! let mut grad = vec![0.0; net.n_params()];
//! let e = loss.energy_gradient(&w, &mut grad);
//! assert!((e - std::f64::consts::LN_2).abs() < 1e-15); // W = 0: p = 1/2 for every point
//! assert!(grad.iter().all(|g| *g == 0.0));
//! let hessian = loss.hessian(&w);
//! assert_eq!(hessian.nrows(), 12);
//! ```

#![warn(missing_docs)]
// Index loops mirror the formulas (w_h[j][k], w_o[i][j]) and are kept deliberately.
#![allow(clippy::needless_range_loop)]

pub mod compress;
pub mod dataset;
pub mod dropout;
pub mod embedding;
pub mod error;
pub mod known;
pub mod loss;
pub mod network;
pub mod spectrum;
pub mod symmetry;
pub mod vector;

pub use dataset::Dataset;
pub use error::{DataError, ModelError};
pub use loss::{classify, is_correct, Loss, PointPrediction, TIE_TOLERANCE};
pub use network::{Network, NetworkSpec};
pub use spectrum::{
    hessian_index, max_qr_sweeps, sorted_eigenvalues, sorted_symmetric_eigen, symmetric_eigen,
    EigenError, SortedEigen, DEFAULT_EIGENVALUE_CUTOFF,
};
pub use symmetry::{AlignedCopy, SymmetryOp};
pub use vector::rms;
