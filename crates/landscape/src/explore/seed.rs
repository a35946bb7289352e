//! Seeding a landscape with known stationary points, typically those of the landscapes with fewer
//! hidden nodes, lifted two ways (`nnscape_model::embedding`):
//! - embedded with an extra all-zero node, a stationary point of N_h nodes is stationary for
//!   N_h + 1 at the same energy;
//! - with one node split into equal copies ([`split_node_into`]) it lies in the subspace where
//!   the copies compute the same function; Newton and gradient steps stay in that subspace and
//!   reach the stationary points of the larger network there. These merged-node points are
//!   minima and saddles (with soft modes that move the copies apart) that random starts, basin-hopping
//!   and eigenvector-following rarely reach: measured at N_h = 3, lambda = 1e-4, the splits of
//!   the N_h = 2 map gave five saddles at E = 0.3568-0.3619, curvature -1e-4, of which two
//!   exploration seeds had found three and zero.
//!
//! So the smaller map gives the larger exploration a head start, and the larger map contains
//! everything the smaller one implies, whatever the seed.

use nnscape_model::embedding::{embed, split_node_into};
use nnscape_model::symmetric_eigen;
use nnscape_model::Loss;
use nnscape_optim::{newton_polish, Lbfgs, NewtonParams};
use nnscape_ts::{push_off_and_minimise, TransitionState};

use super::explorer::Explorer;
use super::params::ExploreParams;
use crate::db::LandscapeDb;
use crate::error::LandscapeError;
use crate::point::StationaryPoint;

/// Newton iterations allowed for a seed's polish: as many as the root searches'
/// ([`nnscape_ts::NearSearchParams`], whose starts are as far from their roots).
const SEED_NEWTON_ITERATIONS: usize = 100;

/// Adds candidate stationary points to the database, typically the stationary points of a
/// smaller network embedded in this one ([`embedded_stationary_points`]).
///
/// Each candidate is Newton-polished (`params.single_ended.verify.hef.newton`, the polish of
/// every stored point; a stationary candidate stays where it is), and also quenched with
/// basin-hopping's L-BFGS and then polished; each result is re-evaluated: a point
/// whose polish does not converge (gradient and Newton step) is skipped; index 0 is stored
/// as a minimum; index 1, when not stored already, as a transition state together with the two
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
    // More iterations than the polish of a converged search: a quenched split start can lie
    // far out along a soft mode (curvature 4e-3 lambda), where the first steps are capped.
    let newton = &NewtonParams {
        max_iterations: SEED_NEWTON_ITERATIONS,
        ..params.single_ended.verify.hef.newton.clone()
    };
    let mut lbfgs = Lbfgs::new(params.basin_hopping.quench.clone())?;
    // Each candidate is polished as it is, and quenched then polished: Newton reaches the
    // stationary point next to the candidate, of any index; the quench reaches the minimum of
    // the candidate's symmetric subspace (gradient steps keep copies equal), which can lie
    // far from a split start: at N_h = 4, lambda = 1e-5 three copies of a node sit at
    // in-weights 1.92 where the N_h = 2 node they split had 2.77.
    let mut quench_loss = loss.clone();
    let candidates: Vec<Vec<f64>> = points
        .iter()
        .flat_map(|x0| {
            let quench = lbfgs.minimise(&mut quench_loss, x0);
            // A stationary candidate (an embedded point) does not move: polish it once.
            let moved = (quench.iterations > 0).then_some(quench.x);
            std::iter::once(x0.clone()).chain(moved)
        })
        .collect();
    for x0 in &candidates {
        // Converged means the Newton step is tiny too: a small gradient alone left copies of
        // one point along its soft modes.
        let polished = match newton_polish(&mut ex.system.potential, x0, newton) {
            Ok(p) if p.converged() => p,
            _ => continue,
        };
        let x = &polished.x;
        let p = StationaryPoint::evaluate(&mut ex.system.potential, x, db.tolerances())?;
        match p.hessian_index {
            0 => {
                db.insert_minimum_at(&mut ex.system.potential, x)?;
            }
            1 if db.find_transition_state(p.energy, x)?.is_none() => {
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
/// one more hidden node (the extra node last, all zero), minima first, each in id order:
/// stationary points of the larger network, the seeds [`add_stationary_points`] expects.
pub fn embedded_stationary_points(small: &LandscapeDb) -> Result<Vec<Vec<f64>>, LandscapeError> {
    let net = *small.network();
    stored_points(small)?
        .iter()
        .map(|w| Ok(embed(&net, w, net.n_hidden())?.1))
        .collect()
}

/// The minima and transition states of a smaller network's database with each node split in
/// turn into equal copies ([`split_node_into`], the copies last), as many as make a network of
/// `n_hidden` nodes: starts next to the merged-node stationary points of that network (module
/// documentation), for [`add_stationary_points`]'s Newton polish. Minima before transition
/// states, each in id order, nodes in order.
///
/// Seeding N_h from every smaller map (N_h - 1 gives pairs of copies, N_h - 2 triples, ...)
/// reaches every pattern of merged nodes: a pair and a triple at N_h = 5 are the triple of the
/// N_h = 4 map split again, and so on. Measured: at N_h = 4, lambda = 1e-5 a minimum with three
/// equal nodes (splitting curvature 4.8e-7 = 0.05 lambda, barrier 7e-9) was found by one
/// exploration seed in three; at N_h = 5 one with four equal nodes.
///
/// # Errors
/// `n_hidden` is not larger than the small network's, or the database cannot be read.
pub fn split_node_starts(
    small: &LandscapeDb,
    n_hidden: usize,
) -> Result<Vec<Vec<f64>>, LandscapeError> {
    let net = *small.network();
    let Some(copies) = (n_hidden + 1)
        .checked_sub(net.n_hidden())
        .filter(|&c| c >= 2)
    else {
        return Err(nnscape_model::ModelError::Node {
            node: 0,
            message: format!(
                "split starts for N_h = {n_hidden} need a smaller network, not N_h = {}",
                net.n_hidden()
            ),
        }
        .into());
    };
    let mut starts = Vec::new();
    for w in stored_points(small)? {
        for j in 0..net.n_hidden() {
            starts.push(split_node_into(&net, &w, j, copies)?.1);
        }
    }
    Ok(starts)
}

/// The stored minima, then the transition states, each in id order.
fn stored_points(db: &LandscapeDb) -> Result<Vec<Vec<f64>>, LandscapeError> {
    Ok(db
        .minima()?
        .into_iter()
        .map(|m| m.point.params)
        .chain(db.transition_states()?.into_iter().map(|t| t.point.params))
        .collect())
}
