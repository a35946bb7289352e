//! Time per single-ended transition-state search on XOR (lambda 1e-3) at N_h = 2, 3, 4, from
//! fixed minima (quenched from seeded random starts), and the fraction of searches that converge.
//! Run: `cargo bench -p nnscape-ts`. The converged fraction and the time per converged
//! transition state (total time / converged searches) are printed before the divan table.

use std::time::Instant;

use nnscape_model::{Dataset, Loss, Network};
use nnscape_ts::{
    minimise_to_minimum, single_ended_paths, NetworkAlignment, SingleEndedParams, VerifyParams,
};
use nnscape_ts::{NoSymmetry, System};
use rand::{Rng, SeedableRng};

const K: usize = 4;

fn setup(nh: usize) -> (Loss, NetworkAlignment, Vec<Vec<f64>>) {
    let net = Network::xor(nh, 1e-3).unwrap();
    let mut loss = Loss::new(net, Dataset::xor()).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let minima = (0..4)
        .filter_map(|_| {
            let x0: Vec<f64> = (0..net.n_params())
                .map(|_| rng.random_range(-3.0..3.0))
                .collect();
            minimise_to_minimum(
                &mut System::new(&mut loss, NoSymmetry),
                &x0,
                &VerifyParams::default(),
            )
            .ok()
            .map(|m| m.x)
        })
        .collect();
    (loss, NetworkAlignment::new(net), minima)
}

fn main() {
    let params = SingleEndedParams::default();
    for nh in [2, 3, 4] {
        let (mut loss, al, minima) = setup(nh);
        let t = Instant::now();
        let (mut searches, mut converged) = (0, 0);
        for m in &minima {
            let r = single_ended_paths(&mut System::new(&mut loss, &al), m, K, &params);
            searches += r.stats.candidates;
            converged += r.stats.accepted + r.stats.duplicates;
        }
        let dt = t.elapsed();
        println!(
            "N_h = {nh}: {converged}/{searches} searches converged ({:.2}), {:.3} ms per converged transition state",
            converged as f64 / searches as f64,
            dt.as_secs_f64() * 1e3 / converged.max(1) as f64
        );
    }
    divan::main();
}

/// All single-ended searches (k = 4 modes, both signs, verified) from 4 fixed minima.
#[divan::bench(args = [2, 3, 4], sample_count = 10)]
fn single_ended_from_four_minima(bencher: divan::Bencher, nh: usize) {
    let (loss, al, minima) = setup(nh);
    let params = SingleEndedParams::default();
    bencher.bench_local(|| {
        let mut loss = loss.clone();
        minima
            .iter()
            .map(|m| {
                single_ended_paths(&mut System::new(&mut loss, &al), m, K, &params)
                    .paths
                    .len()
            })
            .sum::<usize>()
    });
}
