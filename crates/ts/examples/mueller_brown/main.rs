//! Maps the Mueller-Brown surface (Mueller and Brown 1979), a potential that is not a network,
//! with the public API alone: basin-hopping on a [`System`] finds the minima, single-ended
//! searches from each minimum find the transition states around it, and a double-ended
//! connection joins the two deepest minima. The results are checked against the literature:
//! minima at -146.70, -108.17 and -80.77, saddles at -40.66 and -72.25.
//!
//! The potential, with its exact gradient and Hessian, is in `potential.rs` (the tests of
//! this crate use it too).
//!
//! Run: `cargo run -p nnscape-ts --example mueller_brown`.

mod potential;

use nnscape_optim::{basin_hopping, BasinHoppingParams, Stop};
use nnscape_ts::{
    connect, minimise_to_minimum, single_ended_all, ConnectParams, NoSymmetry, SingleEndedParams,
    System, VerifyParams,
};
use potential::MuellerBrown;

/// The `found` energies, sorted, agree with the `known` ones (ascending) to 1e-2.
fn assert_energies(what: &str, found: &mut [f64], known: &[f64]) {
    found.sort_by(f64::total_cmp);
    assert_eq!(found.len(), known.len(), "{what}: {found:?}");
    for (f, k) in found.iter().zip(known) {
        assert!((f - k).abs() < 1e-2, "{what}: {f} vs {k}");
    }
}

fn main() {
    // No symmetry: two points are the same when energies and Euclidean positions agree.
    let mut sys = System::new(MuellerBrown, NoSymmetry);

    // Basin-hopping: steps of 0.5 in the box the surface is drawn in; the Metropolis
    // temperature is of the order of the energy differences between the minima (tens).
    let bh = BasinHoppingParams {
        step: 0.5,
        temperature: 30.0,
        adaptive_step: None,
        initial_range: 1.0,
        chains: 2,
        stop: Stop::Steps(50),
        ..BasinHoppingParams::default()
    };
    let report = basin_hopping(&sys, &bh).expect("valid settings");
    println!(
        "basin-hopping: {} quenches, {} distinct minima",
        report.quenches,
        report.minima.len()
    );
    for m in &report.minima {
        println!(
            "  minimum {}: E = {:9.3} at ({:7.4}, {:7.4}), {} hits",
            m.id, m.energy, m.x[0], m.x[1], m.hits
        );
    }
    let mut energies: Vec<f64> = report.minima.iter().map(|m| m.energy).collect();
    assert_energies("minima", &mut energies, &[-146.70, -108.17, -80.77]);

    // Single-ended searches along both modes (k = 2, both signs) from every minimum.
    let vp = VerifyParams::default();
    let minima = report
        .minima
        .iter()
        .map(|m| minimise_to_minimum(&mut sys, &m.x, &vp).expect("a minimum"))
        .collect();
    let db = single_ended_all(&sys, minima, 2, &SingleEndedParams::default());
    println!(
        "single-ended: {} transition states, {} minima; {:?}",
        db.transition_states.len(),
        db.minima.len(),
        db.stats
    );
    for t in &db.transition_states {
        println!(
            "  saddle E = {:9.3} at ({:7.4}, {:7.4}), eigenvalue {:9.2}, joins minima {} and {}",
            t.ts.energy, t.ts.x[0], t.ts.x[1], t.ts.eigenvalue, t.minus, t.plus
        );
    }
    let mut energies: Vec<f64> = db.transition_states.iter().map(|t| t.ts.energy).collect();
    assert_energies("saddles", &mut energies, &[-72.25, -40.66]);
    assert_eq!(db.minima.len(), 3, "no minimum beyond basin-hopping's");

    // Double-ended: the two deepest minima are joined through the third.
    let (a, b) = (&report.minima[0].x, &report.minima[1].x);
    let r = connect(&mut sys, a, b, &ConnectParams::default()).expect("valid settings");
    assert!(r.connected);
    println!(
        "connect: {} DNEB attempt(s), path through minima {:?}",
        r.attempts, r.path_minima
    );
    for (k, &i) in r.path_minima.iter().enumerate() {
        println!("  minimum E = {:9.3}", r.minima[i].energy);
        if let Some(&t) = r.path_ts.get(k) {
            println!("  saddle  E = {:9.3}", r.transition_states[t].ts.energy);
        }
    }
    let mut energies: Vec<f64> = r
        .path_ts
        .iter()
        .map(|&t| r.transition_states[t].ts.energy)
        .collect();
    assert_energies("path saddles", &mut energies, &[-72.25, -40.66]);
    let mut energies: Vec<f64> = r.path_minima.iter().map(|&i| r.minima[i].energy).collect();
    assert_energies("path minima", &mut energies, &[-146.70, -108.17, -80.77]);
    println!("all checks passed");
}
