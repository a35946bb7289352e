//! # nnscape-landscape
//!
//! PATHSAMPLE's job for neural-network loss landscapes: a durable SQLite database per landscape
//! holding every minimum and transition state found, deduplicated up to the network symmetries,
//! with a log of the searches made so that an interrupted exploration resumes where it stopped;
//! the exploration driver that grows the database to saturation (basin-hopping, single-ended and
//! double-ended transition-state searches); and export / import in CSV and PATHSAMPLE formats.
//! It may depend on nnscape-model, nnscape-optim and nnscape-ts, never on the analysis crate or
//! the command-line tool.
//!
//! ```
//! use nnscape_landscape::{LandscapeDb, LandscapeIdentity, StationaryPoint, Tolerances};
//! use nnscape_model::{Dataset, Loss, Network};
//!
//! let mut loss = Loss::new(Network::xor(2, 1e-2).unwrap(), Dataset::xor()).unwrap();
//! let dir = tempfile::tempdir().unwrap();
//! let db = LandscapeDb::open_or_create(
//!     dir.path().join("h2.sqlite"),
//!     &LandscapeIdentity::of(&loss),
//!     Tolerances::default(),
//! )
//! .unwrap();
//! // W = 0 is a minimum of every XOR landscape with lambda > 0.
//! let zero = StationaryPoint::evaluate(&mut loss, &[0.0; 12], db.tolerances()).unwrap();
//! assert_eq!((zero.hessian_index, zero.pgorder), (0, 8));
//! let (id, new) = db.insert_minimum(&zero).unwrap();
//! assert!(new);
//! assert_eq!(db.insert_minimum(&zero).unwrap(), (id, false)); // deduplicated
//! ```

pub mod db;
pub mod error;
pub mod explore;
pub mod graph;
pub mod pathsample;
pub mod point;

pub use db::{CycleRecord, LandscapeDb, LandscapeIdentity, SearchMethod, SCHEMA_VERSION};
pub use error::LandscapeError;
pub use explore::{
    add_stationary_points, embedded_stationary_points, explore, summarise, ExploreParams,
    ExploreProgress, ExploreReport, LandscapeSummary, Phase, StopReason,
};
pub use graph::{energy_order, global_minimum, UnionFind};
pub use nnscape_optim::Tolerances;
pub use point::{MinimumRecord, StationaryPoint, TransitionStateRecord};
