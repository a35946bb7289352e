//! Bit-for-bit regression guard of `find_transition_state` on XOR (N_h = 2 and 3, lambda =
//! 1e-3): a fingerprint of every result (coordinates, energy, RMS gradient, eigenpair,
//! iterations, or the failure) from fixed starts, recorded before `hef.rs` was restructured,
//! and re-recorded when the Newton polish gained its step criterion (5 of 188 results moved,
//! by the last polish steps). Any change to the floating-point operations of the search, or to their order, changes it.
//! The loss uses the platform's `exp`/`tanh`, so the fingerprints are those of x86_64 Linux.

mod common;

use common::{xor_loss, MuellerBrown};
use nnscape_optim::HessianObjective;
use nnscape_ts::{
    find_transition_state, hessian_eigen, minimise_to_minimum, EigenMethod, HefParams, NoSymmetry,
    System, Tolerances, TransitionState, TsFailure, VerifyParams,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// FNV-1a over 64-bit words.
fn fnv(words: impl IntoIterator<Item = u64>) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for w in words {
        for b in w.to_le_bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
    }
    h
}

fn fingerprint(r: &Result<TransitionState, TsFailure>) -> u64 {
    match r {
        Ok(ts) => fnv(ts
            .x
            .iter()
            .chain([&ts.energy, &ts.rms_gradient, &ts.eigenvalue])
            .chain(&ts.eigenvector)
            .map(|v| v.to_bits())
            .chain([ts.iterations as u64])),
        Err(e) => fnv(format!("{e:?}").bytes().map(u64::from)),
    }
}

/// Fingerprint of one search with the default tolerances.
fn search<O: HessianObjective>(obj: &mut O, x0: &[f64], dir: Option<&[f64]>, p: &HefParams) -> u64 {
    fingerprint(&find_transition_state(
        obj,
        x0,
        dir,
        p,
        &Tolerances::default(),
    ))
}

/// Fingerprints of searches from random points (no direction, a random direction; exact and
/// Lanczos) and from quenched minima displaced along modes 4-7 (mode following, exact and
/// Lanczos).
fn fingerprints(nh: usize) -> Vec<u64> {
    let (net, mut loss) = xor_loss(nh, 1e-3);
    let n = net.n_params();
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut out = Vec::new();
    for _ in 0..4 {
        let x0: Vec<f64> = (0..n).map(|_| rng.random_range(-2.0..2.0)).collect();
        let dir: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
        for method in [EigenMethod::Exact, EigenMethod::Lanczos] {
            let mut p = HefParams::default();
            p.eigen.method = method;
            p.eigen.lanczos_max_basis = 8;
            for d in [None, Some(dir.as_slice())] {
                out.push(search(&mut loss, &x0, d, &p));
            }
        }
        let m = minimise_to_minimum(
            &mut System::new(&mut loss, NoSymmetry),
            &x0,
            &VerifyParams::default(),
        )
        .unwrap();
        let eig = hessian_eigen(&mut loss, &m.x).unwrap();
        // Modes 4-7 skip the softmax-shift invariances at the bottom of the spectrum.
        for mode in 4..8 {
            for sign in [1.0, -1.0] {
                let dir: Vec<f64> = eig.vector(mode).iter().map(|c| sign * c).collect();
                let start: Vec<f64> = m.x.iter().zip(&dir).map(|(a, d)| a + 0.01 * d).collect();
                for method in [EigenMethod::Exact, EigenMethod::Lanczos] {
                    let mut p = HefParams::default();
                    p.eigen.method = method;
                    out.push(search(&mut loss, &start, Some(&dir), &p));
                }
            }
        }
    }
    out
}

/// Settings that reach the rarer branches: failed Newton polishes (early switch, few Newton
/// steps) and both climb limits, with a large trust radius. (The retry of an uphill step that
/// lowered the energy, and of one with a non-finite energy, are reached by none of these
/// searches.)
fn stressed_fingerprints() -> Vec<u64> {
    let (net, mut loss) = xor_loss(2, 1e-3);
    let n = net.n_params();
    let mut p = HefParams {
        initial_uphill_step: 1.5,
        max_uphill_step: 3.0,
        newton_switch_rms: 0.1,
        max_convex_cycles: 30,
        max_energy_rise: 2.0,
        ..HefParams::default()
    };
    p.newton.max_iterations = 3;
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let mut out = Vec::new();
    for _ in 0..6 {
        let x0: Vec<f64> = (0..n).map(|_| rng.random_range(-3.0..3.0)).collect();
        let dir: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
        for d in [None, Some(dir.as_slice())] {
            out.push(search(&mut loss, &x0, d, &p));
        }
    }
    // Mueller-Brown: energies of order 100 rather than 1.
    let mut mb = MuellerBrown;
    for _ in 0..8 {
        let x0 = [rng.random_range(-1.5..1.0), rng.random_range(-0.5..2.0)];
        let dir = [rng.random_range(-1.0..1.0), rng.random_range(-1.0..1.0)];
        for d in [None, Some(dir.as_slice())] {
            out.push(search(&mut mb, &x0, d, &p));
        }
    }
    out
}

#[test]
#[cfg_attr(
    not(all(target_arch = "x86_64", target_os = "linux")),
    ignore = "fingerprints recorded with x86_64 Linux libm"
)]
fn hef_results_are_bit_identical_to_the_recorded_ones() {
    let got = [fingerprints(2), fingerprints(3), stressed_fingerprints()];
    let expected = [EXPECTED_NH2, EXPECTED_NH3, EXPECTED_STRESSED];
    assert!(
        got.iter().zip(expected).all(|(g, e)| g == e),
        "fingerprints changed (N_h = 2, N_h = 3, stressed): {got:#018x?}"
    );
}

const EXPECTED_NH2: &[u64] = &[
    0x9bb01827fe09d5e8,
    0x9bb01827fe09d5e8,
    0xdf9103c130a76548,
    0xdf9103c130a76548,
    0xac8cfbde39c9bb39,
    0x92cfb4eabb50ef42,
    0xac8cfbde39c9bb39,
    0x92cfb4eabb50ef42,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0x92cfb4eabb50ef42,
    0x1ffe57cac4de9095,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0x92cfb4eabb50ef42,
    0x92cfb4eabb50ef42,
    0xa102fdd99b95d6b3,
    0xa102fdd99b95d6b3,
    0x41bc91f2bccaeeee,
    0x41bc91f2bccaeeee,
    0xac8cfbde39c9bb39,
    0x92cfb4eabb50ef42,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xca42ccf784936caa,
    0x5cd827a5063b02a1,
    0x92cfb4eabb50ef42,
    0x92cfb4eabb50ef42,
    0xfa81df46289a9ce7,
    0x92cfb4eabb50ef42,
    0x19f4b4ffc202557a,
    0x19f4b4ffc202557a,
    0x587a7b12197bcf63,
    0x587a7b12197bcf63,
    0xac8cfbde39c9bb39,
    0x92cfb4eabb50ef42,
    0xac8cfbde39c9bb39,
    0x92cfb4eabb50ef42,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0x92cfb4eabb50ef42,
    0x3702569b79e8089b,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0x92cfb4eabb50ef42,
    0x92cfb4eabb50ef42,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0x5312c260609b9844,
    0x5312c260609b9844,
    0xcfae6db9971e5ac4,
    0xcfae6db9971e5ac4,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0x92cfb4eabb50ef42,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0x0627b090ba0e371e,
    0x3a917948c4066fe8,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0x66e6f9e105814397,
    0x92cfb4eabb50ef42,
    0x92cfb4eabb50ef42,
    0x92cfb4eabb50ef42,
];
const EXPECTED_NH3: &[u64] = &[
    0x92cfb4eabb50ef42,
    0x92cfb4eabb50ef42,
    0xf8197d579c82076c,
    0xf8197d579c82076c,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xdbd72c2d3917becf,
    0x0c1f0ac52f8f8b75,
    0xcdccb0da085996bd,
    0xac8cfbde39c9bb39,
    0x695b826a13f7a596,
    0xac8cfbde39c9bb39,
    0x570d768e8df1b5d7,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0x92cfb4eabb50ef42,
    0x92cfb4eabb50ef42,
    0x882b5c2a774e36dd,
    0x882b5c2a774e36dd,
    0x2e74e659711b6804,
    0x2e74e659711b6804,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xcb5ab128ad11782d,
    0x086179816aa9a47c,
    0xac8cfbde39c9bb39,
    0x550c9c929108b3a6,
    0xdd52137dc4a29f49,
    0x238f672b6411d50b,
    0xac8cfbde39c9bb39,
    0x4dce17c3ec2b64f9,
    0xac8cfbde39c9bb39,
    0x2235135a5944a1e1,
    0xac8cfbde39c9bb39,
    0xa92873a671d7d2b9,
    0xba7d7e3553553025,
    0xba7d7e3553553025,
    0xd746107e7b05c9b3,
    0xd746107e7b05c9b3,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xc77e5306ede22b4d,
    0x92cfb4eabb50ef42,
    0x0ff199bbba3cd8de,
    0xac8cfbde39c9bb39,
    0xf76e685ac663c3a4,
    0xac8cfbde39c9bb39,
    0xce6a80e7674446d8,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0x92cfb4eabb50ef42,
    0x2387bbd677cba20a,
    0x2387bbd677cba20a,
    0xf215fa39a04de45b,
    0xf215fa39a04de45b,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xfb43c7b8a1433ed3,
    0x536b898f8ebf2b60,
    0x427a411dac929b43,
    0xac8cfbde39c9bb39,
    0xf5fba8b78780484a,
    0xa96c4041eaa69c03,
    0xe33386b2ffbc8d79,
    0xac8cfbde39c9bb39,
    0x1b4adea377231984,
    0xac8cfbde39c9bb39,
    0x5801da0a1a429709,
];
const EXPECTED_STRESSED: &[u64] = &[
    0x0054e7a24f367875,
    0x0054e7a24f367875,
    0x4892a600b3f8ee98,
    0x4892a600b3f8ee98,
    0x92cfb4eabb50ef42,
    0x92cfb4eabb50ef42,
    0x7329e09be85b39b4,
    0x7329e09be85b39b4,
    0x6c1cf70e79e08d9c,
    0x6c1cf70e79e08d9c,
    0x7be54f58b6c19f73,
    0x7be54f58b6c19f73,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xa5eadf5e9eae74fc,
    0xa5eadf5e9eae74fc,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xf211d105ab0705e5,
    0xf211d105ab0705e5,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0x27dd9760185feb2f,
    0x27dd9760185feb2f,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
    0xac8cfbde39c9bb39,
];
