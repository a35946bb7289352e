//! Landing statistics: the probability of each minimum per optimiser and initialisation, with
//! Wilson score intervals, and how landing relates to a minimum's energy and width.

use nnscape_landscape::{global_minimum, MinimumRecord};

use super::{Landing, Outcome};

/// z of a two-sided 95% normal interval.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval (Wilson 1927) of a binomial proportion `hits / n` at normal
/// quantile `z`: unlike the Wald interval it stays inside [0, 1] and is not empty at 0 or n
/// hits. `(0, 1)` for `n = 0`.
///
/// ```
/// use nnscape_analysis::training::stats::{wilson, Z_95};
///
/// let (lo, hi) = wilson(0, 100, Z_95);
/// assert_eq!(lo, 0.0);
/// assert!((hi - 0.0370).abs() < 1e-4); // 0 of 100: still up to 3.7%
/// let (lo, hi) = wilson(50, 100, Z_95);
/// assert!((lo - 0.4038).abs() < 1e-4 && (hi - 0.5962).abs() < 1e-4);
/// ```
pub fn wilson(hits: usize, n: usize, z: f64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (hits as f64, n as f64);
    let p = k / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At 0 or n hits one end is exactly 0 or 1 (centre and half cancel but for rounding).
    let lo = if hits == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let hi = if hits as f64 == n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (lo, hi)
}

/// A count out of a number of runs, with its 95% Wilson interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Proportion {
    pub hits: usize,
    pub of: usize,
    /// `hits / of` (0 when `of` is 0).
    pub p: f64,
    pub lo: f64,
    pub hi: f64,
}

impl Proportion {
    /// `hits` of `of` with its 95% Wilson interval.
    pub fn new(hits: usize, of: usize) -> Self {
        let (lo, hi) = wilson(hits, of, Z_95);
        let p = if of == 0 {
            0.0
        } else {
            hits as f64 / of as f64
        };
        Self {
            hits,
            of,
            p,
            lo,
            hi,
        }
    }
}

/// How often the runs of a group landed in one minimum.
#[derive(Debug, Clone, PartialEq)]
pub struct MinimumLanding {
    pub id: i64,
    pub energy: f64,
    /// ln of the product of the positive Hessian eigenvalues (PATHSAMPLE's fvib): lower is a
    /// wider (flatter) basin bottom.
    pub fvib: f64,
    /// Training points the minimum classifies correctly.
    pub n_correct: usize,
    pub landing: Proportion,
}

/// The landing statistics of one optimiser and initialisation (`init` = `all`: the
/// optimiser's runs over every initialisation).
#[derive(Debug, Clone, PartialEq)]
pub struct LandingGroup {
    pub optimiser: String,
    pub init: String,
    pub runs: usize,
    /// Runs per outcome, in [`Outcome::ALL`] order.
    pub outcomes: Vec<(Outcome, usize)>,
    /// Every minimum of the map, lowest energy first, with how often the group landed in it.
    pub minima: Vec<MinimumLanding>,
    /// Runs that landed in the global minimum.
    pub global_minimum: Proportion,
    /// Runs that landed in a minimum classifying every training point.
    pub all_correct: Proportion,
    /// Spearman rank correlation, over the minima, of landing probability with energy
    /// (negative: low minima are found more often); `None` with fewer than two minima or no
    /// spread.
    pub rank_correlation_energy: Option<f64>,
    /// The same with fvib (negative: wide minima are found more often).
    pub rank_correlation_fvib: Option<f64>,
}

/// The landing statistics of `landings` against the map's `minima` (the database after the
/// runs, so minima added by training are included): one group per (optimiser, initialisation)
/// in order of first appearance, then one per optimiser over every initialisation.
pub fn landing_groups(
    landings: &[Landing],
    minima: &[MinimumRecord],
    n_data: usize,
) -> Vec<LandingGroup> {
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for l in landings {
        if !keys.contains(&(l.optimiser, l.init)) {
            keys.push((l.optimiser, l.init));
        }
    }
    let mut optimisers: Vec<&str> = Vec::new();
    for (o, _) in &keys {
        if !optimisers.contains(o) {
            optimisers.push(o);
        }
    }
    let mut groups: Vec<LandingGroup> = keys
        .iter()
        .map(|&(o, i)| {
            let runs: Vec<&Landing> = landings
                .iter()
                .filter(|l| l.optimiser == o && l.init == i)
                .collect();
            group(o, i, &runs, minima, n_data)
        })
        .collect();
    for o in optimisers {
        let runs: Vec<&Landing> = landings.iter().filter(|l| l.optimiser == o).collect();
        groups.push(group(o, "all", &runs, minima, n_data));
    }
    groups
}

fn group(
    optimiser: &str,
    init: &str,
    runs: &[&Landing],
    minima: &[MinimumRecord],
    n_data: usize,
) -> LandingGroup {
    let n = runs.len();
    let landed_in = |id: i64| {
        runs.iter()
            .filter(|l| {
                matches!(l.outcome, Outcome::Minimum | Outcome::Unmatched)
                    && l.minimum_id == Some(id)
            })
            .count()
    };
    let mut by_energy: Vec<&MinimumRecord> = minima.iter().collect();
    by_energy.sort_by(|a, b| {
        nnscape_landscape::energy_order((a.point.energy, a.id), (b.point.energy, b.id))
    });
    let minima_landing: Vec<MinimumLanding> = by_energy
        .iter()
        .map(|m| MinimumLanding {
            id: m.id,
            energy: m.point.energy,
            fvib: m.point.fvib,
            n_correct: m.point.n_correct,
            landing: Proportion::new(landed_in(m.id), n),
        })
        .collect();
    let global = global_minimum(minima, |m| (m.point.energy, m.id)).map(|m| m.id);
    let global_hits = global.map_or(0, landed_in);
    let all_correct_hits = minima
        .iter()
        .filter(|m| m.point.n_correct == n_data)
        .map(|m| landed_in(m.id))
        .sum();
    let p: Vec<f64> = minima_landing.iter().map(|m| m.landing.p).collect();
    let energy: Vec<f64> = minima_landing.iter().map(|m| m.energy).collect();
    let fvib: Vec<f64> = minima_landing.iter().map(|m| m.fvib).collect();
    LandingGroup {
        optimiser: optimiser.to_owned(),
        init: init.to_owned(),
        runs: n,
        outcomes: Outcome::ALL
            .iter()
            .map(|&o| (o, runs.iter().filter(|l| l.outcome == o).count()))
            .collect(),
        minima: minima_landing,
        global_minimum: Proportion::new(global_hits, n),
        all_correct: Proportion::new(all_correct_hits, n),
        rank_correlation_energy: spearman(&p, &energy),
        rank_correlation_fvib: spearman(&p, &fvib),
    }
}

/// Ranks from 1, ties given their mean rank.
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            r[k] = mean;
        }
        i = j + 1;
    }
    r
}

/// Spearman's rank correlation (Pearson on mid-ranks); `None` with fewer than two values or
/// when either side has no spread.
///
/// ```
/// use nnscape_analysis::training::stats::spearman;
///
/// assert_eq!(spearman(&[0.5, 0.3, 0.1], &[1.0, 2.0, 9.0]), Some(-1.0));
/// assert_eq!(spearman(&[0.5, 0.5], &[1.0, 2.0]), None);
/// ```
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() < 2 || a.len() != b.len() {
        return None;
    }
    let (ra, rb) = (ranks(a), ranks(b));
    let n = a.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in ra.iter().zip(&rb) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    if saa == 0.0 || sbb == 0.0 {
        return None;
    }
    Some(sab / (saa * sbb).sqrt())
}
