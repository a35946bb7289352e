//! Seeding a landscape with known stationary points, typically those of the landscape with one
//! hidden node fewer: a stationary point of N_h nodes embedded with an extra all-zero node is
//! stationary for N_h + 1 (`nnscape_model::embedding`), so the smaller map gives the larger
//! exploration a head start.

use nnscape_model::embedding::embed;
use nnscape_model::symmetric_eigen;
use nnscape_model::Loss;
use nnscape_ts::{push_off_and_minimise, TransitionState};

use super::explorer::Explorer;
use super::params::ExploreParams;
use crate::db::LandscapeDb;
use crate::error::LandscapeError;
use crate::point::StationaryPoint;

/// Candidate points offered to [`add_stationary_points`] must be stationary to this RMS gradient
/// (embedded stationary points are, to round-off; a polished point has 1e-10).
pub const SEED_RMS_GRADIENT: f64 = 1e-8;

/// Adds candidate stationary points to the database, typically the stationary points of a
/// smaller network embedded in this one ([`embedded_stationary_points`]).
///
/// Each point is re-evaluated: a point with RMS gradient above [`SEED_RMS_GRADIENT`] is
/// skipped; index 0 is stored as a minimum; index 1 as a transition state together with the two
/// minima its push-off reaches (verified with `params.single_ended.verify`, as in the
/// single-ended searches); higher indices are skipped. Points are processed in order, so the
/// result is deterministic. Returns (new minima, new transition states).
pub fn add_stationary_points(
    db: &LandscapeDb,
    loss: &Loss,
    points: &[Vec<f64>],
    params: &ExploreParams,
) -> Result<(usize, usize), LandscapeError> {
    params.validate()?;
    db.check_loss(loss)?;
    let mut ex = Explorer::new(db, loss, params);
    let before = (db.count_minima()?, db.count_transition_states()?);
    for x in points {
        let p = StationaryPoint::evaluate(&mut ex.system.potential, x, db.tolerances())?;
        if p.rms_gradient > SEED_RMS_GRADIENT {
            continue;
        }
        match p.hessian_index {
            0 => {
                db.insert_minimum(&p)?;
            }
            1 => {
                let eig = symmetric_eigen(ex.system.potential.hessian(x))
                    .map_err(|_| LandscapeError::Eigen)?;
                let ts = TransitionState {
                    x: x.clone(),
                    energy: p.energy,
                    rms_gradient: p.rms_gradient,
                    eigenvalue: eig.eigenvalues[0],
                    eigenvector: eig.vector(0),
                    iterations: 0,
                };
                if let Ok(path) =
                    push_off_and_minimise(&mut ex.system, ts, &params.single_ended.verify)
                {
                    db.insert_path(&mut ex.system.potential, &path)?;
                }
            }
            _ => {}
        }
    }
    Ok((
        db.count_minima()? - before.0,
        db.count_transition_states()? - before.1,
    ))
}

/// The minima and transition states of a smaller network's database embedded in the network with
/// one more hidden node (the extra node last, all zero), minima first, each in id order: the
/// seeds [`add_stationary_points`] expects.
pub fn embedded_stationary_points(small: &LandscapeDb) -> Result<Vec<Vec<f64>>, LandscapeError> {
    let net = *small.network();
    let minima = small.minima()?.into_iter().map(|m| m.point.params);
    let tss = small
        .transition_states()?
        .into_iter()
        .map(|t| t.point.params);
    minima
        .chain(tss)
        .map(|w| Ok(embed(&net, &w, net.n_hidden())?.1))
        .collect()
}
