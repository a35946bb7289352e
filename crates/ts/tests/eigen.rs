//! Exact versus Lanczos lowest eigenpairs.

mod common;

use common::Quadratic;
use nalgebra::DMatrix;
use nnscape_ts::*;
use proptest::prelude::*;

fn symmetric(n: usize, entries: &[f64]) -> DMatrix<f64> {
    let mut m = DMatrix::zeros(n, n);
    let mut k = 0;
    for i in 0..n {
        for j in i..n {
            m[(i, j)] = entries[k];
            m[(j, i)] = entries[k];
            k += 1;
        }
    }
    m
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn lanczos_matches_exact(n in 2usize..40, seed in proptest::collection::vec(-1.0f64..1.0, 820)) {
        let a = symmetric(n, &seed);
        let mut q = Quadratic(a);
        let x = vec![0.0; n];
        let exact = lowest_eigenpairs(&mut q, &x, 2, None, &EigenParams::default()).unwrap();
        // A degenerate lowest eigenvalue has no unique eigenvector.
        prop_assume!(exact.eigenvalues[1] - exact.eigenvalues[0] > 1e-3);
        let lp = EigenParams { method: EigenMethod::Lanczos, lanczos_max_basis: 12, ..EigenParams::default() };
        let (l, v) = lowest_eigenpair(&mut q, &x, None, &lp).unwrap();
        prop_assert!((l - exact.eigenvalues[0]).abs() < 1e-8, "{} vs {}", l, exact.eigenvalues[0]);
        let e0 = exact.vector(0);
        let d: f64 = v.iter().zip(&e0).map(|(a, b)| a * b).sum();
        let s = d.signum();
        let err = v.iter().zip(&e0).map(|(a, b)| (a - s * b).powi(2)).sum::<f64>().sqrt();
        prop_assert!(err < 1e-6, "vector error {}", err);
    }
}

#[test]
fn exact_eigenpairs_are_sorted() {
    let a = DMatrix::from_row_slice(3, 3, &[3.0, 0.0, 0.0, 0.0, -2.0, 0.0, 0.0, 0.0, 1.0]);
    let e = sorted_symmetric_eigen(a, f64::EPSILON, 1000).unwrap();
    assert_eq!(e.eigenvalues, vec![-2.0, 1.0, 3.0]);
    assert!((e.eigenvectors[(1, 0)].abs() - 1.0).abs() < 1e-15);
}

#[test]
fn index_counts_below_minus_cutoff() {
    let ev = [-1.0, -2e-7, -5e-8, 0.0, 3.0];
    assert_eq!(hessian_index(&ev, DEFAULT_EIGENVALUE_CUTOFF), 2);
    assert_eq!(hessian_index(&ev, 1e-6), 1);
}

#[test]
fn lanczos_two_lowest_on_a_diagonal() {
    let mut q = Quadratic(DMatrix::from_diagonal(&nalgebra::DVector::from_vec(
        (0..30).map(|i| (i as f64 - 3.0) * 0.5).collect(),
    )));
    let p = EigenParams {
        method: EigenMethod::Lanczos,
        lanczos_max_basis: 10,
        ..EigenParams::default()
    };
    let e = lowest_eigenpairs(&mut q, &[0.0; 30], 2, None, &p).unwrap();
    assert!((e.eigenvalues[0] + 1.5).abs() < 1e-9 && (e.eigenvalues[1] + 1.0).abs() < 1e-9);
}
