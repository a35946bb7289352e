//! Transition-state machinery for energy landscapes: lowest Hessian eigenpairs (exact or
//! Lanczos), hybrid eigenvector-following (Munro and Wales 1999), the doubly-nudged elastic band
//! (Trygubenko and Wales 2004), verification of saddles by push-off and minimisation, single-ended
//! searches and the double-ended connection algorithm (Carr, Trygubenko and Wales 2005), as in
//! OPTIM and pele. Everything is generic over nnscape-optim's `Objective`/`HessianObjective`
//! traits and, for deduplication, over a [`System`] (the potential, its [`Alignment`] and the
//! landscape's [`Tolerances`], all defined in nnscape-optim); this crate may depend on nnscape-optim
//! and nnscape-model, never on landscape/analysis/cli.
//!
//! Modules, one job each: [`eigen`] (lowest Hessian eigenpairs), [`hef`] (one
//! transition-state search), [`dneb`](mod@dneb) (the band between two minima), [`verify`]
//! (index check, push-off and quenches), [`single_ended`](mod@single_ended) (searches from one
//! minimum along its soft modes), [`database`] (minima and transition states stored once up to
//! symmetry), [`connect`](mod@connect) (the double-ended connection; its Dijkstra graph is
//! private). Every name is re-exported at the crate root.
//! `examples/mueller_brown` maps a potential that is not a network with these functions.
//!
//! ```
//! use nalgebra::DMatrix;
//! use nnscape_optim::{HessianObjective, Objective};
//! use nnscape_ts::{find_transition_state, HefParams, Tolerances};
//!
//! /// (x^2 - 1)^2 + y^2: minima at (+-1, 0), saddle at the origin.
//! struct DoubleWell;
//! impl Objective for DoubleWell {
//!     fn dim(&self) -> usize { 2 }
//!     fn energy_gradient(&mut self, p: &[f64], g: &mut [f64]) -> f64 {
//!         let (x, y) = (p[0], p[1]);
//!         g[0] = 4.0 * x * (x * x - 1.0);
//!         g[1] = 2.0 * y;
//!         (x * x - 1.0).powi(2) + y * y
//!     }
//! }
//! impl HessianObjective for DoubleWell {
//!     fn hessian(&mut self, p: &[f64], h: &mut DMatrix<f64>) {
//!         h[(0, 0)] = 12.0 * p[0] * p[0] - 4.0;
//!         h[(0, 1)] = 0.0;
//!         h[(1, 0)] = 0.0;
//!         h[(1, 1)] = 2.0;
//!     }
//! }
//!
//! let tol = Tolerances::default();
//! let ts = find_transition_state(&mut DoubleWell, &[0.3, 0.2], None, &HefParams::default(), &tol).unwrap();
//! assert!(ts.x[0].abs() < 1e-10 && ts.x[1].abs() < 1e-10);
//! assert!((ts.energy - 1.0).abs() < 1e-12 && (ts.eigenvalue + 4.0).abs() < 1e-8);
//! ```

mod check;
pub mod connect;
pub mod database;
pub mod dneb;
pub mod eigen;
mod graph;
pub mod hef;
pub mod near;
pub mod single_ended;
pub mod verify;

pub use connect::{connect, ConnectParams, ConnectResult};
pub use database::{TsDatabase, TsEdge};
pub use dneb::{dneb, image_count, BandObjective, BandOptimizer, Climber, DnebParams, DnebResult};
pub use eigen::{
    hessian_eigen, hessian_index, lanczos_lowest, lowest_eigenpair, lowest_eigenpairs,
    sorted_symmetric_eigen, EigenError, EigenMethod, EigenParams, SortedEigen,
    DEFAULT_EIGENVALUE_CUTOFF,
};
pub use hef::{find_transition_state, HefParams, TransitionState, TsFailure};
pub use near::{newton_root, saddles_near, NearSearchParams, NearSearchResult, Root};
pub use nnscape_optim::{euclidean, Alignment, NetworkAlignment, NoSymmetry, System, Tolerances};
pub use single_ended::{
    single_ended, single_ended_all, single_ended_paths, SingleEndedParams, SingleEndedResult,
};
pub use verify::{
    minimise_to_minimum, push_off_and_minimise, verify_candidate, MinimumFound, TransitionPath,
    VerifyError, VerifyParams, VerifyStats,
};
