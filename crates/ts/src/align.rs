//! The symmetry hook: how two points are compared.

/// Distance between two points after removing symmetries (permutations of hidden units, sign
/// flips, ...). Network-specific implementations live outside this crate.
pub trait Alignment {
    /// Distance between `a` and `b` minimised over symmetries, and `b`'s copy aligned to `a`.
    fn align(&self, a: &[f64], b: &[f64]) -> (f64, Vec<f64>);

    /// Orthonormal directions along which the energy is invariant up to a simple convex term
    /// (continuous symmetries, e.g. the softmax shift of a network's output weights, curved only
    /// by the regulariser). No saddle lies along them, so single-ended searches skip them.
    /// Default: none.
    fn invariant_directions(&self) -> Vec<Vec<f64>> {
        Vec::new()
    }
}

/// No symmetry: plain Euclidean distance, `b` returned unchanged.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSymmetry;

impl Alignment for NoSymmetry {
    fn align(&self, a: &[f64], b: &[f64]) -> (f64, Vec<f64>) {
        (euclidean(a, b), b.to_vec())
    }
}

impl<T: Alignment + ?Sized> Alignment for &T {
    fn align(&self, a: &[f64], b: &[f64]) -> (f64, Vec<f64>) {
        (**self).align(a, b)
    }
    fn invariant_directions(&self) -> Vec<Vec<f64>> {
        (**self).invariant_directions()
    }
}

/// Euclidean distance.
pub fn euclidean(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

pub(crate) fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

pub(crate) fn rms(g: &[f64]) -> f64 {
    if g.is_empty() {
        0.0
    } else {
        (dot(g, g) / g.len() as f64).sqrt()
    }
}
