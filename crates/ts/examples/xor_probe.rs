use nnscape_model::{Dataset, Loss, Network};
use nnscape_ts::*;
use nnscape_ts::{NoSymmetry, System, Tolerances};
use rand::{Rng, SeedableRng};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let nh: usize = args.get(1).map(|s| s.parse().unwrap()).unwrap_or(2);
    let lambda: f64 = args.get(2).map(|s| s.parse().unwrap()).unwrap_or(1e-3);
    let nstart: usize = args.get(3).map(|s| s.parse().unwrap()).unwrap_or(6);
    let net = Network::xor(nh, lambda).unwrap();
    let mut loss = Loss::new(net, Dataset::xor()).unwrap();
    let al = NetworkAlignment::new(net);
    let vp = VerifyParams::default();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let mut minima: Vec<MinimumFound> = vec![];
    for _ in 0..nstart {
        let x0: Vec<f64> = (0..net.n_params())
            .map(|_| rng.random_range(-3.0..3.0))
            .collect();
        match minimise_to_minimum(&mut System::new(&mut loss, NoSymmetry), &x0, &vp) {
            Ok(m) => {
                if !minima.iter().any(|o| {
                    Tolerances {
                        energy: 1e-7,
                        distance: 1e-3,
                        ..Tolerances::default()
                    }
                    .same_point(&al, &o.x, o.energy, &m.x, m.energy)
                }) {
                    println!(
                        "min E={:.10} rms={:.1e} l0={:.3e}",
                        m.energy, m.rms_gradient, m.eigenvalues[0]
                    );
                    minima.push(m);
                }
            }
            Err(e) => println!("quench failed {e}"),
        }
    }
    let mut sp = SingleEndedParams::default();
    if let Ok(v) = std::env::var("CYC") {
        sp.verify.hef.max_convex_cycles = v.parse().unwrap();
    }
    if let Ok(v) = std::env::var("ERISE") {
        sp.verify.hef.max_energy_rise = v.parse().unwrap();
    }
    if std::env::var("NOMODES").is_err() {
        let inv = al.invariant_directions();
        for m in &minima {
            let eig = hessian_eigen(&mut loss, &m.x).unwrap();
            for mode in 0..net.n_params() {
                let v = eig.vector(mode);
                let ov: f64 = inv
                    .iter()
                    .map(|d| {
                        let c: f64 = d.iter().zip(&v).map(|(a, b)| a * b).sum();
                        c * c
                    })
                    .sum();
                if ov > 0.5 {
                    continue;
                }
                for sign in [1.0, -1.0] {
                    let dir: Vec<f64> = v.iter().map(|c| sign * c).collect();
                    let x0: Vec<f64> = m.x.iter().zip(&dir).map(|(a, d)| a + 0.01 * d).collect();
                    let t = Instant::now();
                    let r = find_transition_state(
                        &mut loss,
                        &x0,
                        Some(&dir),
                        &sp.verify.hef,
                        &Tolerances::default(),
                    );
                    match r {
                    Ok(ts) => println!("  E0={:.5} mode {mode} l={:.2e} s={sign}: TS E={:.6} it={} d={:.2} {:?}", m.energy, eig.eigenvalues[mode], ts.energy, ts.iterations, euclidean(&ts.x, &m.x), t.elapsed()),
                    Err(e) => println!("  E0={:.5} mode {mode} l={:.2e} s={sign}: {e} {:?}", m.energy, eig.eigenvalues[mode], t.elapsed()),
                }
                }
            }
        }
    }
    let t = Instant::now();
    let db = single_ended_all(&System::new(loss.clone(), &al), minima.clone(), 4, &sp);
    println!(
        "db: {} minima, {} ts, {:?} in {:?}",
        db.minima.len(),
        db.transition_states.len(),
        db.stats,
        t.elapsed()
    );
    for t in &db.transition_states {
        let d0 = al.align(&db.minima[t.minus].x, &t.ts.x).0;
        let d1 = al.align(&db.minima[t.plus].x, &t.ts.x).0;
        println!(
            "  ts E={:.8} it={} l={:.3e} {}({:.6}) -- {}({:.6}) same={} dist {:.2} {:.2}",
            t.ts.energy,
            t.ts.iterations,
            t.ts.eigenvalue,
            t.minus,
            db.minima[t.minus].energy,
            t.plus,
            db.minima[t.plus].energy,
            t.same_minimum,
            d0,
            d1
        );
    }
}
