//! Helpers shared by the end-to-end tests of the `nnscape` binary: running it, checking that it
//! succeeded, deterministic start points and the XOR loss.

#![allow(dead_code)]

use std::process::{Command, Output};

use nnscape_model::Loss;

/// The binary under test.
pub fn nnscape() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nnscape"))
}

/// Runs `nnscape args` and returns what it did, success or not.
pub fn output(args: &[&str]) -> Output {
    nnscape().args(args).output().unwrap()
}

/// Asserts that a run succeeded (showing its standard error if not); returns its standard
/// output.
pub fn success(out: Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `nnscape args`, asserts success, returns standard output.
pub fn run_ok(args: &[&str]) -> String {
    success(output(args))
}

/// Deterministic pseudo-random numbers (a 64-bit LCG: the tests need no RNG dependency).
pub struct Lcg(u64);

impl Lcg {
    pub fn new(state: u64) -> Self {
        Self(state)
    }

    /// Uniform in [0, 1).
    pub fn next_unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` values in [-scale, scale] from stream `seed`.
pub fn pseudo_random(n: usize, seed: u64, scale: f64) -> Vec<f64> {
    let mut g = Lcg::new(
        seed.wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407),
    );
    (0..n)
        .map(|_| (g.next_unit() * 2.0 - 1.0) * scale)
        .collect()
}

/// The XOR loss with `n_hidden` hidden nodes at `lambda`.
pub fn xor_loss(n_hidden: usize, lambda: f64) -> Loss {
    Loss::xor(n_hidden, lambda).unwrap()
}
