//! One rule for "the same stationary point" (`nnscape_optim::Tolerances::same_point`): the
//! in-memory minima set of basin-hopping, the transition-state database of nnscape-ts and the
//! SQLite landscape database must all give the same answer, including next to both tolerances.

mod common;

use common::{a_minimum, h2_db};
use nnscape_model::symmetry::{apply, SymmetryOp};
use nnscape_optim::{MinimaSet, Minimum, NetworkAlignment, System};
use nnscape_ts::TsDatabase;

fn minimum(x: Vec<f64>, energy: f64) -> Minimum {
    Minimum {
        x,
        energy,
        rms_gradient: 0.0,
        eigenvalues: vec![1.0],
        escapes: 0,
        function_evaluations: 0,
    }
}

#[test]
fn minima_set_ts_database_and_landscape_database_agree() {
    let (_dir, mut loss, db) = h2_db();
    let stored = a_minimum(&mut loss);
    let net = *loss.network();
    db.insert_minimum(&stored).unwrap();
    let tol = *db.tolerances();
    let sys = System::network(loss.clone()).with_tolerances(tol);

    let mut set = MinimaSet::new(NetworkAlignment::new(net), tol).unwrap();
    set.insert(minimum(stored.params.clone(), stored.energy));

    // A symmetry copy of the stored minimum, moved by `dx` in one parameter and with its
    // energy shifted by `de` (relative): on either side of both tolerances.
    let op = SymmetryOp {
        permutation: vec![1, 0],
        flips: vec![false, true],
    };
    let copy = apply(&net, &stored.params, &op).unwrap();
    let e = stored.energy;
    let window = tol.energy * e.abs().max(1.0);
    let mut decisions = Vec::new();
    for dx in [
        0.0,
        0.5 * tol.distance,
        0.999 * tol.distance,
        1.001 * tol.distance,
        0.1,
    ] {
        for de in [0.0, 0.5 * window, 0.999 * window, 1.001 * window, 1e-3] {
            let mut x = copy.clone();
            x[3] += dx;
            let energy = e + de;
            let rule = tol.same_point(&NetworkAlignment::new(net), &stored.params, e, &x, energy);
            let in_set = set.find(&minimum(x.clone(), energy)).is_some();
            let mut ts_db = TsDatabase::default();
            ts_db.add_minimum(minimum(stored.params.clone(), e), &sys);
            let in_ts_db = ts_db.add_minimum(minimum(x.clone(), energy), &sys) == 0;
            let in_db = db.find_minimum(energy, &x).unwrap().is_some();
            assert_eq!(
                (in_set, in_ts_db, in_db),
                (rule, rule, rule),
                "dx = {dx:e}, de = {de:e}"
            );
            decisions.push(rule);
        }
    }
    // The grid straddles both tolerances: some pairs are the same point, some are not.
    assert!(decisions.iter().any(|&d| d) && decisions.iter().any(|&d| !d));
    assert!(decisions[0], "an exact symmetry copy is the same point");
}
