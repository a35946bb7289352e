//! # nnscape-landscape
//!
//! PATHSAMPLE's job for neural-network loss landscapes: a durable SQLite database per landscape
//! holding every minimum and transition state found, deduplicated up to the network symmetries,
//! with a log of the searches made so that an interrupted exploration resumes where it stopped;
//! the exploration driver that grows the database until its completeness certificate holds
//! (basin-hopping, single-ended and double-ended transition-state searches; the certificate in
//! [`certificate`]: Good-Turing estimates from independent quenches and searches, seed
//! agreement, connectivity); and export / import in CSV and PATHSAMPLE formats.
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
//!
//! Storing what a transition-state search found takes one call: [`LandscapeDb::insert_path`]
//! for a verified `nnscape_ts::TransitionPath`, [`LandscapeDb::insert_connect_result`] for a connection
//! run, [`LandscapeDb::insert_verified_minimum`] for a minimum (each re-evaluated with the
//! database's tolerances).
//!
//! A larger landscape can start from a smaller one's map: [`embedded_stationary_points`] lifts
//! the stationary points of N_h hidden nodes to N_h + 1 (they stay stationary),
//! [`split_node_starts`] gives starts next to the points where several nodes of a larger network
//! compute the same function (a node of the smaller one split into equal copies), and [`add_stationary_points`] polishes them and stores those that are minima
//! or transition states there.
//!
//! ```
//! use nnscape_landscape::{
//!     add_stationary_points, embedded_stationary_points, ExploreParams, LandscapeDb,
//!     LandscapeIdentity, StationaryPoint, Tolerances,
//! };
//! use nnscape_model::{Dataset, Loss, Network};
//!
//! let xor = |n_hidden| Loss::new(Network::xor(n_hidden, 1e-2).unwrap(), Dataset::xor()).unwrap();
//! let dir = tempfile::tempdir().unwrap();
//! let open = |name: &str, loss: &Loss| {
//!     let identity = LandscapeIdentity::of(loss);
//!     LandscapeDb::open_or_create(dir.path().join(name), &identity, Tolerances::default())
//! };
//! // A one-point map of N_h = 2: W = 0.
//! let mut small_loss = xor(2);
//! let small = open("h2.sqlite", &small_loss).unwrap();
//! let zero = StationaryPoint::evaluate(&mut small_loss, &[0.0; 12], small.tolerances()).unwrap();
//! small.insert_minimum(&zero).unwrap();
//! // Lifted to N_h = 3, where W = 0 is a minimum too.
//! let big_loss = xor(3);
//! let big = open("h3.sqlite", &big_loss).unwrap();
//! let seeds = embedded_stationary_points(&small).unwrap();
//! assert_eq!(seeds, vec![vec![0.0; 17]]);
//! let added = add_stationary_points(&big, &big_loss, &seeds, &ExploreParams::default()).unwrap();
//! assert_eq!(added, (1, 0)); // (new minima, new transition states)
//! ```

#![warn(missing_docs)]

pub mod certificate;
pub mod db;
pub mod error;
pub mod explore;
pub mod graph;
pub mod output;
pub mod pathsample;
pub mod point;

pub use certificate::{
    good_turing, Certificate, CertificateParams, CertificateTest, GoodTuring, StartScale,
};
pub use db::{
    CertificateStart, CycleRecord, DbSnapshot, LandscapeDb, LandscapeIdentity, SearchMethod,
    StoredPath, TrialKind, SCHEMA_VERSION,
};
pub use error::LandscapeError;
pub use explore::{
    add_stationary_points, certify, embedded_stationary_points, explore, split_node_starts,
    summarise, ExploreParams, ExploreProgress, ExploreReport, ExploreStopReason, LandscapeSummary,
    Phase,
};
pub use graph::{energy_order, global_minimum, UnionFind};
pub use nnscape_optim::Tolerances;
pub use output::OutputFile;
pub use point::{MinimumRecord, StationaryPoint, TransitionStateRecord};
