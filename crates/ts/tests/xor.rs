//! The transition-state machinery on the real problem: the XOR loss (MLPVB3).

mod common;

use common::xor_loss;
use nnscape_model::vector::rms;
use nnscape_model::{Dataset, Loss, Network};
use nnscape_ts::*;
use nnscape_ts::{NoSymmetry, System, Tolerances};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const CUTOFF: f64 = 1e-7;

/// Distinct verified minima quenched from `starts` fixed random points in [-3, 3]^n.
fn minima(loss: &mut Loss, net: Network, starts: usize, seed: u64) -> Vec<MinimumFound> {
    let al = NetworkAlignment::new(net);
    let vp = VerifyParams::default();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out: Vec<MinimumFound> = Vec::new();
    for _ in 0..starts {
        let x0: Vec<f64> = (0..net.n_params())
            .map(|_| rng.random_range(-3.0..3.0))
            .collect();
        let m = minimise_to_minimum(&mut System::new(&mut *loss, NoSymmetry), &x0, &vp).unwrap();
        if !out
            .iter()
            .any(|o| Tolerances::default().same_point(&al, &o.x, o.energy, &m.x, m.energy))
        {
            out.push(m);
        }
    }
    out
}

/// Independent check (nalgebra's full spectrum through nnscape-model) of a point's index and
/// gradient.
fn index_and_rms(loss: &mut Loss, x: &[f64]) -> (usize, f64) {
    let ev = loss.hessian_eigenvalues(x).unwrap();
    let mut g = vec![0.0; x.len()];
    loss.energy_gradient(x, &mut g);
    (ev.iter().filter(|&&l| l < -CUTOFF).count(), rms(&g))
}

fn assert_true_minimum(loss: &mut Loss, m: &MinimumFound) {
    let (index, r) = index_and_rms(loss, &m.x);
    assert_eq!(
        index, 0,
        "minimum with a negative eigenvalue: {:?}",
        m.eigenvalues
    );
    assert!(r <= 1e-10, "minimum RMS gradient {r:e}");
    assert!(m.rms_gradient <= 1e-10);
}

fn assert_true_ts(loss: &mut Loss, ts: &TransitionState) {
    let (index, r) = index_and_rms(loss, &ts.x);
    assert_eq!(index, 1, "transition state index");
    assert!(r <= 1e-10, "transition state RMS gradient {r:e}");
    assert!(ts.eigenvalue < -CUTOFF);
}

#[test]
fn network_alignment_is_symmetry_aware() {
    let net = Network::xor(3, 1e-3).unwrap();
    let al = NetworkAlignment::new(net);
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let a: Vec<f64> = (0..net.n_params())
        .map(|_| rng.random_range(-2.0..2.0))
        .collect();
    let op = nnscape_model::SymmetryOp {
        permutation: vec![2, 0, 1],
        flips: vec![true, false, true],
    };
    let b = nnscape_model::symmetry::apply(&net, &a, &op).unwrap();
    assert!(euclidean(&a, &b) > 1.0);
    let (d, aligned) = al.align(&a, &b);
    assert!(d < 1e-12, "{d}");
    assert!(euclidean(&a, &aligned) < 1e-12);
    // The invariant directions are orthonormal and the data term does not change along them.
    let dirs = al.invariant_directions();
    assert_eq!(dirs.len(), 4);
    for (i, u) in dirs.iter().enumerate() {
        for (j, v) in dirs.iter().enumerate() {
            let d: f64 = u.iter().zip(v).map(|(p, q)| p * q).sum();
            assert!((d - if i == j { 1.0 } else { 0.0 }).abs() < 1e-15);
        }
    }
    let free = Network::xor(3, 0.0).unwrap();
    let mut loss = Loss::new(free, Dataset::xor()).unwrap();
    let shifted: Vec<f64> = a.iter().zip(&dirs[1]).map(|(x, d)| x + 0.7 * d).collect();
    assert!((loss.energy(&a) - loss.energy(&shifted)).abs() < 1e-14);
}

/// N_h = 2, lambda = 1e-3: single-ended searches from every minimum and a connect between two
/// distinct minima; every transition state and minimum is checked independently.
#[test]
fn xor_single_ended_and_connect() {
    let (net, mut loss) = xor_loss(2, 1e-3);
    let al = NetworkAlignment::new(net);
    let mins = minima(&mut loss, net, 6, 1);
    assert!(
        mins.len() >= 2,
        "need two distinct minima, got {}",
        mins.len()
    );
    for m in &mins {
        assert_true_minimum(&mut loss, m);
    }
    let sp = SingleEndedParams::default();
    let db = single_ended_all(&System::new(loss.clone(), &al), mins.clone(), 3, &sp);
    let proper: Vec<&TsEdge> = db
        .transition_states
        .iter()
        .filter(|t| !t.same_minimum)
        .collect();
    assert!(
        !proper.is_empty(),
        "no transition state found: {:?}",
        db.stats
    );
    for t in &db.transition_states {
        assert_true_ts(&mut loss, &t.ts);
        let (a, b) = (&db.minima[t.minus], &db.minima[t.plus]);
        assert_true_minimum(&mut loss, a);
        assert_true_minimum(&mut loss, b);
        assert!(t.ts.energy > a.energy && t.ts.energy > b.energy);
        if t.same_minimum {
            // Reported separately: both sides really are one minimum up to symmetry.
            assert_eq!(t.minus, t.plus);
        } else {
            assert_ne!(t.minus, t.plus);
            assert!(al.align(&a.x, &b.x).0 > 1e-3 || (a.energy - b.energy).abs() > 1e-7);
        }
    }
    // Every search is accounted for, and index-2+ end points are counted, never returned.
    let s = &db.stats;
    assert_eq!(
        s.candidates,
        s.accepted
            + s.rejected_higher_index
            + s.rejected_no_negative
            + s.climb_limit
            + s.failed
            + s.duplicates
    );

    // Double-ended: the lowest two distinct minima.
    let cp = ConnectParams {
        max_attempts: 6,
        ..ConnectParams::default()
    };
    let r = connect(
        &mut System::new(&mut loss, &al),
        &mins[0].x,
        &mins[1].x,
        &cp,
    )
    .unwrap();
    assert_eq!(
        r.stats.candidates,
        r.stats.accepted
            + r.stats.rejected_higher_index
            + r.stats.rejected_no_negative
            + r.stats.climb_limit
            + r.stats.failed
    );
    for m in &r.minima {
        assert_true_minimum(&mut loss, m);
    }
    for t in &r.transition_states {
        assert_true_ts(&mut loss, &t.ts);
        assert!(t.ts.energy > r.minima[t.minus].energy && t.ts.energy > r.minima[t.plus].energy);
        assert_eq!(t.same_minimum, t.minus == t.plus);
    }
    if r.connected {
        assert_eq!(r.path_minima.first(), Some(&0));
        assert_eq!(r.path_minima.last(), Some(&1));
        for &i in &r.path_ts {
            assert!(!r.transition_states[i].same_minimum);
        }
    }
    eprintln!(
        "single-ended: {} TS ({} proper) {:?}; connect: connected {} with {} TS in {} attempts {:?}",
        db.transition_states.len(),
        proper.len(),
        db.stats,
        r.connected,
        r.transition_states.len(),
        r.attempts,
        r.stats
    );
}

/// A saddle whose two sides drain to the same minimum is flagged, not dropped.
#[test]
fn same_minimum_paths_are_flagged() {
    let (net, mut loss) = xor_loss(2, 1e-3);
    let al = NetworkAlignment::new(net);
    let mins = minima(&mut loss, net, 6, 1);
    let db = single_ended_all(
        &System::new(loss.clone(), &al),
        mins,
        4,
        &SingleEndedParams::default(),
    );
    let same: Vec<&TsEdge> = db
        .transition_states
        .iter()
        .filter(|t| t.same_minimum)
        .collect();
    assert!(
        !same.is_empty(),
        "seed 1, k = 4 has a degenerate path (measured: E = 0.5411)"
    );
    for t in same {
        assert_eq!(t.minus, t.plus);
        assert_true_ts(&mut loss, &t.ts);
    }
}

/// Exact and Lanczos lowest eigenpairs agree on random network points (N_h 2-4).
#[test]
fn eigen_routes_agree_on_network_hessians() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let lp = EigenParams {
        method: EigenMethod::Lanczos,
        lanczos_max_basis: 12,
        ..EigenParams::default()
    };
    let mut compared = 0;
    for nh in 2..=4 {
        for lambda in [1e-2, 1e-4] {
            let (net, mut loss) = xor_loss(nh, lambda);
            for _ in 0..5 {
                let x: Vec<f64> = (0..net.n_params())
                    .map(|_| rng.random_range(-2.0..2.0))
                    .collect();
                let exact =
                    lowest_eigenpairs(&mut loss, &x, 2, None, &EigenParams::default()).unwrap();
                if exact.eigenvalues[1] - exact.eigenvalues[0] < 1e-3 {
                    continue; // degenerate: no unique vector
                }
                let (l, v) = lowest_eigenpair(&mut loss, &x, None, &lp).unwrap();
                assert!(
                    (l - exact.eigenvalues[0]).abs() < 1e-8,
                    "{l} vs {}",
                    exact.eigenvalues[0]
                );
                let e0 = exact.vector(0);
                let s = v.iter().zip(&e0).map(|(a, b)| a * b).sum::<f64>().signum();
                let err = euclidean(&v, &e0.iter().map(|b| s * b).collect::<Vec<_>>());
                assert!(err < 1e-6, "vector error {err}");
                compared += 1;
            }
        }
    }
    assert!(compared >= 20, "{compared}");
}

fn run_in_pool(
    threads: usize,
    loss: &Loss,
    mins: &[MinimumFound],
    al: &NetworkAlignment,
) -> TsDatabase {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| {
            single_ended_all(
                &System::new(loss.clone(), al),
                mins.to_vec(),
                2,
                &SingleEndedParams::default(),
            )
        })
}

/// Same inputs give bitwise the same transition states and minima with 1 and 2 threads.
#[test]
fn single_ended_all_is_deterministic_across_thread_counts() {
    let (net, mut loss) = xor_loss(2, 1e-3);
    let al = NetworkAlignment::new(net);
    let mins = minima(&mut loss, net, 4, 5);
    let a = run_in_pool(1, &loss, &mins, &al);
    let b = run_in_pool(2, &loss, &mins, &al);
    assert!(!a.transition_states.is_empty());
    assert_eq!(a.stats, b.stats);
    assert_eq!(a.transition_states.len(), b.transition_states.len());
    for (s, t) in a.transition_states.iter().zip(&b.transition_states) {
        assert_eq!(s.ts.energy.to_bits(), t.ts.energy.to_bits());
        assert!(s
            .ts
            .x
            .iter()
            .zip(&t.ts.x)
            .all(|(p, q)| p.to_bits() == q.to_bits()));
        assert_eq!(
            (s.minus, s.plus, s.same_minimum),
            (t.minus, t.plus, t.same_minimum)
        );
    }
    assert_eq!(a.minima.len(), b.minima.len());
    for (m, n) in a.minima.iter().zip(&b.minima) {
        assert!(m
            .x
            .iter()
            .zip(&n.x)
            .all(|(p, q)| p.to_bits() == q.to_bits()));
    }
}
