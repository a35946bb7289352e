//! Sorted spectra of symmetric matrices (Hessians) and the Hessian index: the one dense
//! eigendecomposition used by every crate above this one.

use nalgebra::{DMatrix, SymmetricEigen};

/// Hessian eigenvalues below `-DEFAULT_EIGENVALUE_CUTOFF` count as negative and those of
/// smaller magnitude as zero modes (PATHSAMPLE's `EVCUT 1e-7`).
pub const DEFAULT_EIGENVALUE_CUTOFF: f64 = 1e-7;

/// Largest number of QR sweeps per matrix dimension before the decomposition gives up: a bound,
/// so a pathological matrix fails instead of hanging (converged matrices need a handful).
const SWEEPS_PER_DIMENSION: usize = 100;

/// The bound on nalgebra's QR sweeps for an `n x n` symmetric matrix that every dense
/// eigendecomposition in nnscape uses: 100 per dimension, at least 1,000.
pub fn max_qr_sweeps(n: usize) -> usize {
    SWEEPS_PER_DIMENSION * n.max(10)
}

/// [`sorted_symmetric_eigen`] at machine precision with the sweep bound [`max_qr_sweeps`].
pub fn symmetric_eigen(h: DMatrix<f64>) -> Result<SortedEigen, EigenError> {
    let n = h.nrows();
    sorted_symmetric_eigen(h, f64::EPSILON, max_qr_sweeps(n))
}

/// The Hessian index: the number of eigenvalues below `-cutoff` (0 for a minimum, 1 for a
/// transition state). The eigenvalues need not be sorted.
pub fn hessian_index(eigenvalues: &[f64], cutoff: f64) -> usize {
    eigenvalues.iter().filter(|&&l| l < -cutoff).count()
}

/// Eigen-solver failure.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EigenError {
    /// The dense QR iteration (or an iterative solver above this crate) did not converge.
    #[error("eigen-solver did not converge")]
    NoConvergence,
    /// The matrix contains NaN or infinity.
    #[error("non-finite Hessian")]
    NonFinite,
}

/// Eigenpairs sorted by ascending eigenvalue; `eigenvectors` holds them as unit columns.
#[derive(Debug, Clone)]
pub struct SortedEigen {
    /// Ascending eigenvalues.
    pub eigenvalues: Vec<f64>,
    /// Matching unit eigenvectors (column `i` belongs to `eigenvalues[i]`).
    pub eigenvectors: DMatrix<f64>,
}

impl SortedEigen {
    /// Eigenvector `i` as a vector.
    pub fn vector(&self, i: usize) -> Vec<f64> {
        self.eigenvectors.column(i).iter().copied().collect()
    }
}

/// Full eigendecomposition of a symmetric matrix, sorted ascending (nalgebra returns the pairs
/// unsorted). The matrix is symmetrised first, so round-off between the two triangles of an
/// analytic Hessian cannot matter. `eps` and `max_iterations` bound nalgebra's QR iteration.
pub fn sorted_symmetric_eigen(
    h: DMatrix<f64>,
    eps: f64,
    max_iterations: usize,
) -> Result<SortedEigen, EigenError> {
    if h.iter().any(|v| !v.is_finite()) {
        return Err(EigenError::NonFinite);
    }
    let n = h.nrows();
    let sym = (&h + h.transpose()) * 0.5;
    let eig = SymmetricEigen::try_new(sym, eps, max_iterations).ok_or(EigenError::NoConvergence)?;
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| eig.eigenvalues[a].total_cmp(&eig.eigenvalues[b]));
    let eigenvalues = order.iter().map(|&i| eig.eigenvalues[i]).collect();
    let mut eigenvectors = DMatrix::zeros(n, n);
    for (c, &i) in order.iter().enumerate() {
        eigenvectors.set_column(c, &eig.eigenvectors.column(i));
    }
    Ok(SortedEigen {
        eigenvalues,
        eigenvectors,
    })
}

/// Eigenvalues of a symmetric matrix in ascending order, `None` if the matrix is not finite or
/// the iteration does not converge.
pub fn sorted_eigenvalues(m: DMatrix<f64>) -> Option<Vec<f64>> {
    symmetric_eigen(m).ok().map(|e| e.eigenvalues)
}
