//! Storing what the transition-state searches of nnscape-ts find, one call per result: a
//! verified minimum, a verified [`TransitionPath`] (a transition state and the two minima its push-off
//! reaches) or everything a [`connect`](nnscape_ts::connect) run found.
//!
//! Every point is re-evaluated with the loss and classified by the database's own
//! [`Tolerances`](nnscape_optim::Tolerances) before it is stored: the search may have run with
//! other rules, the database keeps the ones its points were judged by. The exploration driver
//! stores its results through these same calls.
//!
//! Every new minimum and transition state is stored together with its images under the data
//! set's input symmetries ([`nnscape_model::Dataset::feature_symmetries`]; for XOR the
//! x1 <-> x2 swap), a transition state joined to the images of its minima. The loss is
//! invariant under them, so an image is a stationary point of the same energy and index (the
//! same point when the point is itself symmetric), yet not a copy under the network's own
//! symmetries, which are what the map counts up to. Without this a map holds one of a pair or
//! both depending on which one a search happened to reach, and counts change with the seed.

use nnscape_model::symmetry::permute_inputs;
use nnscape_model::Loss;
use nnscape_optim::Minimum;
use nnscape_ts::{ConnectResult, TransitionPath, TransitionState};

use super::identity::check_identity;
use super::{LandscapeDb, LandscapeIdentity};
use crate::error::LandscapeError;
use crate::point::StationaryPoint;

/// The database ids of a stored transition state and of the two minima it connects (each new
/// or already stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredPath {
    /// The transition state.
    pub ts: i64,
    /// The minimum on the `-v` side of the push-off.
    pub min1: i64,
    /// The minimum on the `+v` side.
    pub min2: i64,
}

impl LandscapeDb {
    /// Refuses a loss of another landscape than the database's (data set, network, lambda).
    /// The data set is compared by content (its hash), not by name.
    pub fn check_loss(&self, loss: &Loss) -> Result<(), LandscapeError> {
        check_identity(self.path(), self.identity(), &LandscapeIdentity::of(loss))
    }

    /// Stores a minimum found by a search, after re-evaluating it with `loss`. Returns its id
    /// (new or already stored), or `None` when the point is not a minimum at the database's
    /// eigenvalue cut-off (the search judged it by other rules); such a point is not stored.
    ///
    /// ```
    /// use nnscape_landscape::{LandscapeDb, LandscapeIdentity, Tolerances};
    /// use nnscape_model::{Dataset, Loss, Network};
    /// use nnscape_optim::{verified_minimum, Lbfgs, LbfgsParams, MinimumParams};
    ///
    /// let mut loss = Loss::new(Network::xor(2, 1e-2).unwrap(), Dataset::xor()).unwrap();
    /// let dir = tempfile::tempdir().unwrap();
    /// let db = LandscapeDb::open_or_create(
    ///     dir.path().join("h2.sqlite"),
    ///     &LandscapeIdentity::of(&loss),
    ///     Tolerances::default(),
    /// )
    /// .unwrap();
    /// let mut lbfgs = Lbfgs::new(LbfgsParams::default()).unwrap();
    /// let start = [0.5, -0.3, 0.8, 0.1, -0.6, 0.2, 0.4, -0.9, 0.3, -0.2, 0.7, -0.1];
    /// let m = verified_minimum(&mut loss, &start, &mut lbfgs, &MinimumParams::default(), db.tolerances())
    ///     .unwrap();
    /// let id = db.insert_verified_minimum(&mut loss, &m).unwrap().unwrap();
    /// assert_eq!(db.insert_verified_minimum(&mut loss, &m).unwrap(), Some(id)); // deduplicated
    /// ```
    pub fn insert_verified_minimum(
        &self,
        loss: &mut Loss,
        m: &Minimum,
    ) -> Result<Option<i64>, LandscapeError> {
        self.insert_minimum_at(loss, &m.x)
    }

    /// [`LandscapeDb::insert_verified_minimum`] for a bare point.
    pub(crate) fn insert_minimum_at(
        &self,
        loss: &mut Loss,
        x: &[f64],
    ) -> Result<Option<i64>, LandscapeError> {
        self.check_loss(loss)?;
        let p = StationaryPoint::evaluate(loss, x, self.tolerances())?;
        if p.hessian_index != 0 {
            return Ok(None);
        }
        let (id, new) = self.insert_minimum(&p)?;
        if new {
            for image in data_images(loss, x) {
                let q = StationaryPoint::evaluate(loss, &image, self.tolerances())?;
                if q.hessian_index == 0 {
                    self.insert_minimum(&q)?;
                }
            }
        }
        Ok(Some(id))
    }

    /// Stores a verified path: both minima, then the transition state linking them, each
    /// re-evaluated with `loss` (the database's landscape). Returns the three ids, or `None`
    /// when a point does not have the right Hessian index at the database's cut-off; a side that
    /// does re-evaluate as a minimum is stored even then (it is a minimum in its own right).
    ///
    /// ```
    /// use nnscape_landscape::{LandscapeDb, LandscapeIdentity, Tolerances};
    /// use nnscape_model::{Dataset, Loss, Network};
    /// use nnscape_ts::{single_ended_paths, NetworkAlignment, SingleEndedParams, System};
    ///
    /// let mut loss = Loss::new(Network::xor(2, 1e-2).unwrap(), Dataset::xor()).unwrap();
    /// let dir = tempfile::tempdir().unwrap();
    /// let db = LandscapeDb::open_or_create(
    ///     dir.path().join("h2.sqlite"),
    ///     &LandscapeIdentity::of(&loss),
    ///     Tolerances::default(),
    /// )
    /// .unwrap();
    /// // Saddles around W = 0, a minimum of every XOR landscape with lambda > 0.
    /// let mut system = System::new(loss.clone(), NetworkAlignment::new(*loss.network()))
    ///     .with_tolerances(*db.tolerances());
    /// let found = single_ended_paths(&mut system, &[0.0; 12], 1, &SingleEndedParams::default());
    /// for path in &found.paths {
    ///     let ids = db.insert_path(&mut loss, path).unwrap().expect("verified with the same rules");
    ///     assert_eq!(db.find_transition_state(path.ts.energy, &path.ts.x).unwrap(), Some(ids.ts));
    /// }
    /// // Each saddle is stored with its image under the data's x1 <-> x2 swap (the same
    /// // point when it is symmetric).
    /// let stored = db.count_transition_states().unwrap();
    /// assert!(stored >= found.paths.len() && stored <= 2 * found.paths.len());
    /// ```
    pub fn insert_path(
        &self,
        loss: &mut Loss,
        path: &TransitionPath,
    ) -> Result<Option<StoredPath>, LandscapeError> {
        self.insert_ts_between(loss, &path.ts, &path.minus, &path.plus)
    }

    /// Stores every transition state a connection run found, each with its two minima, in the
    /// run's order, as [`LandscapeDb::insert_path`] does. Returns one entry per
    /// [`ConnectResult::transition_states`] entry. Minima of the run on no transition state
    /// (for instance the two end points, when nothing joins them) are not stored.
    ///
    /// ```
    /// use nnscape_landscape::{LandscapeDb, LandscapeIdentity, Tolerances};
    /// use nnscape_model::{Dataset, Loss, Network};
    /// use nnscape_ts::{
    ///     connect, single_ended_paths, ConnectParams, NetworkAlignment, SingleEndedParams, System,
    /// };
    ///
    /// let mut loss = Loss::new(Network::xor(2, 1e-2).unwrap(), Dataset::xor()).unwrap();
    /// let dir = tempfile::tempdir().unwrap();
    /// let db = LandscapeDb::open_or_create(
    ///     dir.path().join("h2.sqlite"),
    ///     &LandscapeIdentity::of(&loss),
    ///     Tolerances::default(),
    /// )
    /// .unwrap();
    /// let mut system = System::new(loss.clone(), NetworkAlignment::new(*loss.network()))
    ///     .with_tolerances(*db.tolerances());
    /// // Connect the two minima on either side of each saddle next to W = 0.
    /// let found = single_ended_paths(&mut system, &[0.0; 12], 1, &SingleEndedParams::default());
    /// for path in &found.paths {
    ///     let (a, b) = (&path.minus.x, &path.plus.x);
    ///     let r = connect(&mut system, a, b, &ConnectParams::default()).unwrap();
    ///     let stored = db.insert_connect_result(&mut loss, &r).unwrap();
    ///     assert_eq!(stored.len(), r.transition_states.len());
    ///     assert!(stored.iter().all(Option::is_some)); // found with the database's rules
    /// }
    /// assert!(db.count_transition_states().unwrap() > 0);
    /// ```
    pub fn insert_connect_result(
        &self,
        loss: &mut Loss,
        result: &ConnectResult,
    ) -> Result<Vec<Option<StoredPath>>, LandscapeError> {
        result
            .transition_states
            .iter()
            .map(|t| {
                let minimum = |i: usize| {
                    result.minima.get(i).ok_or_else(|| {
                        LandscapeError::InvalidPoint(format!(
                            "the connect result's transition state refers to minimum {i} of {}",
                            result.minima.len()
                        ))
                    })
                };
                self.insert_ts_between(loss, &t.ts, minimum(t.minus)?, minimum(t.plus)?)
            })
            .collect()
    }

    /// The one implementation behind [`LandscapeDb::insert_path`] and
    /// [`LandscapeDb::insert_connect_result`]: minus side, plus side, then the saddle.
    fn insert_ts_between(
        &self,
        loss: &mut Loss,
        ts: &TransitionState,
        minus: &Minimum,
        plus: &Minimum,
    ) -> Result<Option<StoredPath>, LandscapeError> {
        // Both sides are stored before either is looked at, so a path with one bad side still
        // keeps its good minimum (the explorer has always done this; its databases depend on it).
        let (min1, min2) = (
            self.insert_minimum_at(loss, &minus.x)?,
            self.insert_minimum_at(loss, &plus.x)?,
        );
        let (Some(min1), Some(min2)) = (min1, min2) else {
            return Ok(None);
        };
        let p = StationaryPoint::evaluate(loss, &ts.x, self.tolerances())?;
        if p.hessian_index != 1 {
            return Ok(None);
        }
        let (id, new) = self.insert_transition_state(&p, min1, min2)?;
        if new {
            let images = data_images(loss, &ts.x)
                .into_iter()
                .zip(data_images(loss, &minus.x))
                .zip(data_images(loss, &plus.x));
            for ((t, a), b) in images {
                let (Some(a), Some(b)) = (
                    self.insert_minimum_at(loss, &a)?,
                    self.insert_minimum_at(loss, &b)?,
                ) else {
                    continue;
                };
                let q = StationaryPoint::evaluate(loss, &t, self.tolerances())?;
                if q.hessian_index == 1 {
                    self.insert_transition_state(&q, a, b)?;
                }
            }
        }
        Ok(Some(StoredPath { ts: id, min1, min2 }))
    }
}

/// Largest number of inputs whose permutations are searched for data symmetries
/// ([`nnscape_model::Dataset::feature_symmetries`] tries all `n_in!`).
const MAX_SYMMETRY_INPUTS: usize = 8;

/// The images of `x` under the data set's input symmetries other than the identity (none for
/// more than [`MAX_SYMMETRY_INPUTS`] inputs), in a fixed order.
fn data_images(loss: &Loss, x: &[f64]) -> Vec<Vec<f64>> {
    let net = loss.network();
    if net.n_in() > MAX_SYMMETRY_INPUTS {
        return Vec::new();
    }
    loss.dataset()
        .feature_symmetries()
        .into_iter()
        .filter(|p| p.iter().enumerate().any(|(m, &k)| m != k))
        .map(|p| permute_inputs(net, x, &p))
        .collect()
}
