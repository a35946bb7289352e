//! Local optimisation and global exploration for energy landscapes, in the style of GMIN, OPTIM
//! and pele: the L-BFGS quench of basin-hopping ([`Lbfgs`]), exact-Hessian Newton polishing of
//! minima and saddles ([`newton_polish`], [`polish_minimum`]), the Hessian-verified minimum
//! ([`verified_minimum`]: quench, escape from saddles that look like minima to the gradient,
//! polish), parallel reproducible basin-hopping over any [`System`] ([`basin_hopping`],
//! [`BasinHoppingParams`], [`MinimaSet`]: distinct minima up to the system's symmetries), FIRE
//! ([`Fire`]), and
//! step-capped steepest-descent path following from a transition state to its minima
//! ([`descend`]), generic over the [`Objective`] / [`HessianObjective`] traits, and training as
//! machine learning does it ([`train`]: Glorot, He and uniform starts; gradient descent, SGD
//! with momentum, Adam; seeded parallel runs). A [`System`]
//! bundles a potential with its symmetries ([`Alignment`]) and the landscape's [`Tolerances`]
//! (when two points are the same, the zero-mode cut-off): the one home of those rules for every
//! crate above; [`System::network`] builds the one of a network loss. With the `lbfgsb` feature,
//! `minimise_lbfgsb` wraps the L-BFGS-B code as an independent cross-check. Dependency rule: this crate may depend only on `nnscape-model` and
//! general-purpose crates, never on the transition-state, landscape or analysis crates, which
//! build on it.
//!
//! ```
//! use nnscape_optim::{Lbfgs, LbfgsParams, Objective};
//!
//! /// f(x, y) = (1 - x)^2 + 100 (y - x^2)^2, minimum 0 at (1, 1).
//! struct Rosenbrock;
//!
//! impl Objective for Rosenbrock {
//!     fn dim(&self) -> usize {
//!         2
//!     }
//!     fn energy_gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
//!         let (a, b) = (1.0 - x[0], x[1] - x[0] * x[0]);
//!         grad[0] = -2.0 * a - 400.0 * x[0] * b;
//!         grad[1] = 200.0 * b;
//!         a * a + 100.0 * b * b
//!     }
//! }
//!
//! let mut lbfgs = Lbfgs::new(LbfgsParams::default()).unwrap();
//! let result = lbfgs.minimise(&mut Rosenbrock, &[-1.2, 1.0]);
//! assert!(result.converged());
//! assert!((result.x[0] - 1.0).abs() < 1e-5 && (result.x[1] - 1.0).abs() < 1e-5);
//! ```
//!
//! Basin-hopping on XOR with two hidden nodes; the lowest minimum classifies all four points:
//!
//! ```
//! use nnscape_model::{Dataset, Loss, Network};
//! use nnscape_optim::{basin_hopping, BasinHoppingParams, Stop, System};
//!
//! let mut loss = Loss::new(Network::xor(2, 1e-4).unwrap(), Dataset::xor()).unwrap();
//! let params = BasinHoppingParams { chains: 2, stop: Stop::Steps(10), ..Default::default() };
//! let report = basin_hopping(&System::network(loss.clone()), &params).unwrap();
//! assert_eq!(loss.n_correct(&report.minima[0].x), 4);
//! assert!(report.minima.iter().all(|m| m.index == 0 && m.rms_gradient <= 1e-10));
//! ```

mod basin_hopping;
mod descent;
mod error;
mod fire;
mod lbfgs;
#[cfg(feature = "lbfgsb")]
mod lbfgsb_backend;
mod minima_set;
mod minimum;
mod network;
mod newton;
mod objective;
mod scaled;
mod system;
pub mod train;

pub use basin_hopping::{
    basin_hopping, basin_hopping_until, basin_hopping_with, AdaptiveStep, BasinHoppingParams,
    BasinHoppingReport, BasinHoppingStopReason, DistinctMinimum, Progress, Stop,
};
pub use descent::{descend, DescentParams};
pub use error::OptimError;
pub use fire::{Fire, FireParams};
pub use lbfgs::{Lbfgs, LbfgsParams, MinimiseResult, Termination};
#[cfg(feature = "lbfgsb")]
pub use lbfgsb_backend::minimise_lbfgsb;
pub use minima_set::{Insertion, MinimaSet};
pub use minimum::{push_off, verified_minimum, Minimum, MinimumFailure, MinimumParams, PushOff};
pub use network::{NetworkAlignment, NetworkSystem};
pub use newton::{newton_polish, polish_minimum, NewtonParams};
pub use objective::{HessianObjective, Objective};
pub use scaled::{LocalScale, Scaled};
pub use system::{euclidean, Alignment, NoSymmetry, System, Tolerances};

/// The linear-algebra crate of the [`HessianObjective`] signature, re-exported so that users
/// implement it with the same version.
pub use nalgebra;
