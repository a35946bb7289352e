//! Stationary-point records: everything the database stores about a minimum or transition state,
//! computed from its parameters.

use nnscape_model::{rms, symmetry, Loss};
use nnscape_optim::{Minimum, Tolerances};

use crate::error::LandscapeError;

/// How many of the lowest Hessian eigenvalues are stored with each point: 6 (the negative one
/// of a transition state and the softest modes).
pub const STORED_EIGENVALUES: usize = 6;

/// Node vectors equal to within this (max-abs difference) count as equal when computing
/// pgorder: 1e-6.
pub const PGORDER_TOLERANCE: f64 = 1e-6;

/// A stationary point as stored: a minimum (index 0) or a transition state (index 1).
#[derive(Debug, Clone, PartialEq)]
pub struct StationaryPoint {
    /// Loss at `params`.
    pub energy: f64,
    /// Parameters in MLPVB3 order.
    pub params: Vec<f64>,
    /// RMS of the gradient at `params`.
    pub rms_gradient: f64,
    /// Number of Hessian eigenvalues below -cutoff.
    pub hessian_index: usize,
    /// The lowest few Hessian eigenvalues, ascending.
    pub eigenvalues: Vec<f64>,
    /// ln of the product of the positive (> cutoff) Hessian eigenvalues (PATHSAMPLE's fvib).
    pub fvib: f64,
    /// Order of the point's stabiliser in the network symmetry group (PATHSAMPLE's pgorder).
    pub pgorder: u64,
    /// Training points classified correctly (true class strictly most probable).
    pub n_correct: usize,
}

impl StationaryPoint {
    /// Evaluates everything about the point at `params`: energy, gradient, the full Hessian
    /// spectrum, symmetry stabiliser and classification. Eigenvalues of magnitude at most
    /// `tolerances.eigenvalue_cutoff` are zero modes: they count neither in the Hessian index
    /// (negative side) nor in fvib (positive side), as PATHSAMPLE's `EVCUT`.
    pub fn evaluate(
        loss: &mut Loss,
        params: &[f64],
        tolerances: &Tolerances,
    ) -> Result<Self, LandscapeError> {
        let eigenvalue_cutoff = tolerances.eigenvalue_cutoff;
        loss.network().check_params(params)?;
        let mut grad = vec![0.0; params.len()];
        let energy = loss.energy_gradient(params, &mut grad);
        let ev = loss
            .hessian_eigenvalues(params)
            .ok_or(LandscapeError::Eigen)?;
        let hessian_index = tolerances.index(&ev);
        let fvib = ev
            .iter()
            .filter(|&&e| e > eigenvalue_cutoff)
            .map(|e| e.ln())
            .sum();
        let pgorder = symmetry::stabiliser_order(loss.network(), params, PGORDER_TOLERANCE) as u64;
        Ok(Self {
            energy,
            params: params.to_vec(),
            rms_gradient: rms(&grad),
            hessian_index,
            eigenvalues: ev.into_iter().take(STORED_EIGENVALUES).collect(),
            fvib,
            pgorder,
            n_correct: loss.n_correct(params),
        })
    }

    /// The record of a minimum verified by nnscape-optim (basin-hopping, a quench, the minima
    /// of a transition-state search), re-evaluated with `loss` so that it is classified by
    /// `tolerances` (usually the database's), not by the rules it was verified with: its
    /// `hessian_index` is 0 unless those rules disagree.
    ///
    /// ```
    /// use nnscape_landscape::{StationaryPoint, Tolerances};
    /// use nnscape_model::{Dataset, Loss, Network};
    /// use nnscape_optim::{verified_minimum, Lbfgs, LbfgsParams, MinimumParams};
    ///
    /// let mut loss = Loss::new(Network::xor(2, 1e-2).unwrap(), Dataset::xor()).unwrap();
    /// let tol = Tolerances::default();
    /// let mut lbfgs = Lbfgs::new(LbfgsParams::default()).unwrap();
    /// let m = verified_minimum(&mut loss, &[0.1; 12], &mut lbfgs, &MinimumParams::default(), &tol)
    ///     .unwrap();
    /// let p = StationaryPoint::from_minimum(&mut loss, &m, &tol).unwrap();
    /// assert_eq!((p.hessian_index, p.energy), (0, m.energy));
    /// ```
    pub fn from_minimum(
        loss: &mut Loss,
        minimum: &Minimum,
        tolerances: &Tolerances,
    ) -> Result<Self, LandscapeError> {
        Self::evaluate(loss, &minimum.x, tolerances)
    }

    /// The lowest eigenvalue (the negative one of a transition state).
    pub fn lowest_eigenvalue(&self) -> f64 {
        self.eigenvalues.first().copied().unwrap_or(f64::NAN)
    }
}

/// A stored minimum.
#[derive(Debug, Clone, PartialEq)]
pub struct MinimumRecord {
    /// Database id.
    pub id: i64,
    /// The point.
    pub point: StationaryPoint,
}

/// A stored transition state and the two minima it connects.
#[derive(Debug, Clone, PartialEq)]
pub struct TransitionStateRecord {
    /// Database id.
    pub id: i64,
    /// The point.
    pub point: StationaryPoint,
    /// Id of the minimum on one side (for paths stored by
    /// [`LandscapeDb::insert_path`](crate::LandscapeDb::insert_path): the `-v` side).
    pub min1: i64,
    /// Id of the minimum on the other side.
    pub min2: i64,
}
