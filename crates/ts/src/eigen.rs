//! Lowest Hessian eigenpairs: exact (dense symmetric eigendecomposition) or matrix-free
//! (Lanczos with full reorthogonalisation, using only Hessian-vector products).
//!
//! Lanczos builds an orthonormal basis `Q = (q_1, ..., q_m)` of the Krylov space
//! `K_m(H, q_1) = span(q_1, H q_1, ..., H^(m-1) q_1)`: each new vector is the product `H q_j`
//! orthogonalised against all earlier ones (twice, "twice is enough") and normalised. The
//! Rayleigh-Ritz step diagonalises the small projection `T = Q^T H Q`, `T s = theta s`; the
//! Ritz pairs `(theta, y = Q s)` approximate the extreme eigenpairs of `H`, the lowest first,
//! and a pair is converged when its residual `|H y - theta y|` is at most
//! `lanczos_tolerance`. When the basis reaches `lanczos_max_basis` vectors it is restarted
//! thickly: the `k + 2` lowest Ritz vectors (and their products, which need no new
//! Hessian-vector product) are kept and the Krylov residual direction continues the basis.

use nalgebra::DMatrix;
use nnscape_optim::{HessianObjective, OptimError};

use crate::check::{count, positive};

use nnscape_model::vector::{dot, norm};

pub use nnscape_model::{
    hessian_index, sorted_symmetric_eigen, symmetric_eigen, EigenError, SortedEigen,
    DEFAULT_EIGENVALUE_CUTOFF,
};

/// How the lowest Hessian eigenpairs are obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub enum EigenMethod {
    /// Dense Hessian and full symmetric eigendecomposition: exact, O(n^3); right for the small
    /// networks (up to a few hundred parameters).
    #[default]
    Exact,
    /// Lanczos / Rayleigh-Ritz with full reorthogonalisation using only `hessian_vector`
    /// (pele finds the lowest eigenvector iteratively too); for larger networks.
    Lanczos,
}

/// Parameters of the eigen-solvers.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EigenParams {
    /// Exact or Lanczos.
    ///
    /// Default [`EigenMethod::Exact`]: the networks studied have at most a few hundred
    /// parameters, where the dense decomposition is exact and fast enough.
    pub method: EigenMethod,
    /// Largest Krylov basis before a restart (capped at the dimension).
    ///
    /// Default 60 (a setting of this crate, not tuned).
    pub lanczos_max_basis: usize,
    /// Number of restarts before giving up.
    ///
    /// Default 50 (a setting of this crate, not tuned).
    pub lanczos_max_restarts: usize,
    /// Converged when every wanted Ritz pair has residual `|H y - theta y| <= tol`.
    ///
    /// Default 1e-9: pele's Rayleigh-Ritz uses 1e-6, tightened here because the eigenvalue
    /// decides the index (against the cut-off 1e-7).
    pub lanczos_tolerance: f64,
}

/// The values and their sources are given with each field of [`EigenParams`].
impl Default for EigenParams {
    fn default() -> Self {
        Self {
            method: EigenMethod::Exact,
            lanczos_max_basis: 60,
            lanczos_max_restarts: 50,
            lanczos_tolerance: 1e-9,
        }
    }
}

impl EigenParams {
    /// Checks every field; the error names the first bad one and its allowed range:
    /// `lanczos_max_basis >= 1`, `lanczos_tolerance` finite and `> 0` (`lanczos_max_restarts`
    /// may be 0: one pass without restart).
    pub fn validate(&self) -> Result<(), OptimError> {
        count("lanczos_max_basis", self.lanczos_max_basis)?;
        positive("lanczos_tolerance", self.lanczos_tolerance)
    }
}

/// All Hessian eigenpairs at `x`, sorted ascending (dense).
pub fn hessian_eigen<O: HessianObjective + ?Sized>(
    obj: &mut O,
    x: &[f64],
) -> Result<SortedEigen, EigenError> {
    let n = obj.dim();
    let mut h = DMatrix::zeros(n, n);
    obj.hessian(x, &mut h);
    symmetric_eigen(h)
}

/// The `k` lowest Hessian eigenpairs at `x` by the method chosen in `params`. `start` is an
/// optional guess for the lowest eigenvector (used by Lanczos; a good guess saves iterations).
pub fn lowest_eigenpairs<O: HessianObjective + ?Sized>(
    obj: &mut O,
    x: &[f64],
    k: usize,
    start: Option<&[f64]>,
    params: &EigenParams,
) -> Result<SortedEigen, EigenError> {
    match params.method {
        EigenMethod::Exact => {
            let full = hessian_eigen(obj, x)?;
            let k = k.min(full.eigenvalues.len());
            Ok(SortedEigen {
                eigenvalues: full.eigenvalues[..k].to_vec(),
                eigenvectors: full.eigenvectors.columns(0, k).into_owned(),
            })
        }
        EigenMethod::Lanczos => lanczos_lowest(obj, x, k, start, params),
    }
}

/// The lowest Hessian eigenpair `(eigenvalue, unit eigenvector)`.
pub fn lowest_eigenpair<O: HessianObjective + ?Sized>(
    obj: &mut O,
    x: &[f64],
    start: Option<&[f64]>,
    params: &EigenParams,
) -> Result<(f64, Vec<f64>), EigenError> {
    let e = lowest_eigenpairs(obj, x, 1, start, params)?;
    Ok((e.eigenvalues[0], e.vector(0)))
}

/// Deterministic pseudo-random vector (xorshift), so runs are reproducible without a rand dep.
fn pseudo_random(n: usize, seed: &mut u64, out: &mut [f64]) {
    for o in out.iter_mut().take(n) {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *o = (*seed >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
    }
}

/// Orthogonalise `w` against every basis vector, twice (full reorthogonalisation; twice is
/// enough in floating point, Kahan's "twice is enough").
fn orthogonalise(w: &mut [f64], basis: &[Vec<f64>]) {
    for _ in 0..2 {
        for q in basis {
            let c = dot(w, q);
            for (wi, qi) in w.iter_mut().zip(q) {
                *wi -= c * qi;
            }
        }
    }
}

/// Matrix-free lowest `k` eigenpairs by thick-restarted Lanczos (Krylov-Schur style) with full
/// reorthogonalisation. The basis grows by the orthogonalised product of the newest vector
/// (a Lanczos step); the projection `Q^T H Q` is formed densely from the stored products, so a
/// restart can keep the `k + 2` lowest Ritz vectors and continue from the Krylov residual
/// direction. Breakdown (an invariant subspace) continues with a fresh random direction, so the
/// basis can grow to the whole space, where the answer is exact.
pub fn lanczos_lowest<O: HessianObjective + ?Sized>(
    obj: &mut O,
    x: &[f64],
    k: usize,
    start: Option<&[f64]>,
    params: &EigenParams,
) -> Result<SortedEigen, EigenError> {
    let n = obj.dim();
    let k = k.min(n).max(1);
    let m_max = params.lanczos_max_basis.max(k + 3).min(n);
    let keep = (k + 2).min(m_max.saturating_sub(1)).max(k.min(m_max));
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut q = vec![0.0; n];
    match start {
        Some(s) if norm(s) > 0.0 => q.copy_from_slice(s),
        _ => pseudo_random(n, &mut seed, &mut q),
    }
    let nq = norm(&q);
    q.iter_mut().for_each(|v| *v /= nq);
    let mut basis: Vec<Vec<f64>> = Vec::with_capacity(m_max + 1);
    let mut products: Vec<Vec<f64>> = Vec::with_capacity(m_max + 1);
    let mut next = Some(q);
    for _restart in 0..=params.lanczos_max_restarts {
        // Expand to m_max vectors.
        while basis.len() < m_max {
            let Some(q) = next.take() else { break };
            let mut w = vec![0.0; n];
            obj.hessian_vector(x, &q, &mut w);
            if w.iter().any(|v| !v.is_finite()) {
                return Err(EigenError::NonFinite);
            }
            basis.push(q);
            // Next direction: this product orthogonalised against the basis (a Lanczos step).
            let mut r = w.clone();
            products.push(w);
            orthogonalise(&mut r, &basis);
            let scale = products.last().map_or(1.0, |p| norm(p)).max(1e-300);
            let nr = norm(&r);
            if nr > 1e-10 * scale {
                r.iter_mut().for_each(|v| *v /= nr);
                next = Some(r);
            } else if basis.len() < n {
                // Invariant subspace: continue with a new direction orthogonal to it.
                pseudo_random(n, &mut seed, &mut r);
                orthogonalise(&mut r, &basis);
                let nr = norm(&r);
                if nr < 1e-12 {
                    break;
                }
                r.iter_mut().for_each(|v| *v /= nr);
                next = Some(r);
            }
        }
        // Rayleigh-Ritz on the dense projection T = Q^T H Q (symmetrised).
        let m = basis.len();
        let mut t = DMatrix::zeros(m, m);
        for i in 0..m {
            for j in 0..=i {
                let v = 0.5 * (dot(&basis[i], &products[j]) + dot(&basis[j], &products[i]));
                t[(i, j)] = v;
                t[(j, i)] = v;
            }
        }
        let te = symmetric_eigen(t)?;
        let combine = |vs: &[Vec<f64>], c: usize| {
            let mut y = vec![0.0; n];
            for (i, v) in vs.iter().enumerate() {
                let s = te.eigenvectors[(i, c)];
                for (yj, vj) in y.iter_mut().zip(v) {
                    *yj += s * vj;
                }
            }
            y
        };
        let kept = keep.min(m);
        let ritz: Vec<Vec<f64>> = (0..kept).map(|c| combine(&basis, c)).collect();
        let ritz_products: Vec<Vec<f64>> = (0..kept).map(|c| combine(&products, c)).collect();
        let complete = m == n;
        let converged = (0..k.min(kept)).all(|c| {
            let theta = te.eigenvalues[c];
            let res = ritz_products[c]
                .iter()
                .zip(&ritz[c])
                .map(|(hy, y)| (hy - theta * y).powi(2))
                .sum::<f64>()
                .sqrt();
            complete || res <= params.lanczos_tolerance
        });
        if converged && kept >= k {
            let mut vectors = DMatrix::zeros(n, k);
            let mut eigenvalues = Vec::with_capacity(k);
            for c in 0..k {
                let ny = norm(&ritz[c]);
                for (r, v) in ritz[c].iter().enumerate() {
                    vectors[(r, c)] = v / ny;
                }
                // Rayleigh quotient of the normalised vector for the last digits.
                eigenvalues.push(dot(&ritz[c], &ritz_products[c]) / (ny * ny));
            }
            return Ok(SortedEigen {
                eigenvalues,
                eigenvectors: vectors,
            });
        }
        if next.is_none() {
            return Err(EigenError::NoConvergence);
        }
        // Thick restart: keep the lowest Ritz vectors (and their products, no new matvecs) and
        // continue from the pending Krylov direction, which is orthogonal to all of them.
        basis = ritz;
        products = ritz_products;
    }
    Err(EigenError::NoConvergence)
}
