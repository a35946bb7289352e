//! The few vector operations every crate needs, in one place: dot product, norm, RMS (the
//! convergence measure of GMIN/OPTIM) and Euclidean distance, on plain slices.

/// `a . b`.
#[inline]
pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `|a|`.
#[inline]
pub fn norm(a: &[f64]) -> f64 {
    dot(a, a).sqrt()
}

/// RMS of a gradient, |g| / sqrt(n) (0 for an empty vector): the convergence measure of
/// GMIN/OPTIM.
#[inline]
pub fn rms(g: &[f64]) -> f64 {
    (dot(g, g) / g.len().max(1) as f64).sqrt()
}

/// Euclidean distance `|a - b|`.
pub fn euclidean(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}
