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

/// Runs `nnscape args` (with `RUST_BACKTRACE=1`, so that a panic could not hide), asserts that
/// it failed cleanly: exit code 1 (an error) or 2 (refused by the argument parser), no panic,
/// no abort, no backtrace; returns its standard error.
pub fn fails(args: &[&str]) -> String {
    let out = nnscape()
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        matches!(out.status.code(), Some(1 | 2)),
        "nnscape {args:?} should fail with an error, got {:?}\n{stderr}",
        out.status
    );
    for sign in [
        "panicked",
        "stack backtrace",
        "RUST_BACKTRACE",
        "overflow",
        "abort",
    ] {
        assert!(
            !stderr.contains(sign),
            "nnscape {args:?}: '{sign}' reached the user:\n{stderr}"
        );
    }
    assert!(stderr.starts_with("error"), "nnscape {args:?}: {stderr}");
    stderr
}

/// Asserts that `stderr` contains every needle.
pub fn says(stderr: &str, needles: &[&str]) {
    for n in needles {
        assert!(stderr.contains(n), "expected {n:?} in:\n{stderr}");
    }
}

/// The XOR landscape of the small tests: N_h = 1, lambda = 1e-2 (7 parameters; a certified map
/// of 5 minima and 4 transition states in about a second of a debug build).
pub const H1: [&str; 4] = ["--hidden", "1", "--lambda", "1e-2"];

/// Explores the H1 landscape into `path` (certified); returns the output.
pub fn explore_h1(path: &std::path::Path) -> String {
    run_ok(&[&["explore"][..], &H1, &["--db", path.to_str().unwrap()]].concat())
}

/// The names of the files in `dir` (hidden ones included), sorted, and the bytes of each.
pub fn listing(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes = if e.path().is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    v.sort();
    v
}
