//! The numbers behind each claim of the paper that SUMMARY.md checks: one function per claim,
//! each returning a small struct that [`super::render`] turns into prose.
//!
//! Every function takes the tables of this run (counts per landscape, the analysis results) and
//! computes nothing that the analysis crate already computes: group means come from
//! [`pooled_group_summaries`], the global minimum from
//! [`LandscapeClassification::global_minimum`]. (Over 500 lines because it holds one function
//! and one struct per claim, eight in all; their tests live in `claims_tests.rs`.)

use nnscape_analysis::classification::LandscapeClassification;
use nnscape_analysis::embed::EmbedRow;
use nnscape_analysis::sensitivity::{pooled_group_summaries, Group, LandscapeSensitivity};
use nnscape_analysis::PointKind;

use crate::explore::LandscapeResult;
use crate::grid::{sorted_unique, Grid, LandscapeKey};

/// RMS gradient below which an embedded point counts as stationary in the larger network.
pub const EMBED_STATIONARY_RMS: f64 = 1e-6;

/// The axes of the tables of this run: N_h ascending, lambda descending (the column order).
#[derive(Debug, Clone, PartialEq)]
pub struct Axes {
    pub hidden: Vec<usize>,
    pub lambdas: Vec<f64>,
}

impl Axes {
    pub fn of(results: &[LandscapeResult]) -> Self {
        let mut lambdas = sorted_unique(results.iter().map(|r| r.lambda).collect());
        lambdas.reverse();
        Self {
            hidden: sorted_unique(results.iter().map(|r| r.n_hidden).collect()),
            lambdas,
        }
    }
}

fn find(results: &[LandscapeResult], h: usize, l: f64) -> Option<&LandscapeResult> {
    results.iter().find(|r| r.n_hidden == h && r.lambda == l)
}

fn non_decreasing(v: &[usize]) -> bool {
    v.windows(2).all(|w| w[1] >= w[0])
}

/// `hits` of `of` (minima that classify every point, seeds found, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fraction {
    pub hits: usize,
    pub of: usize,
}

/// Minima and transition states summed over some landscapes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub minima: usize,
    pub ts: usize,
}

impl Totals {
    fn of<'a>(rows: impl Iterator<Item = &'a LandscapeResult>) -> Self {
        rows.fold(Self::default(), |t, r| Self {
            minima: t.minima + r.counts.n_minima,
            ts: t.ts + r.counts.n_transition_states,
        })
    }
}

/// The grid and how far each landscape got.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    /// The grid's N_h and lambda, in the grid's order.
    pub grid_hidden: Vec<usize>,
    pub grid_lambdas: Vec<f64>,
    pub n_landscapes: usize,
    pub n_saturated: usize,
    /// (name, why it stopped) of each landscape that did not saturate.
    pub unsaturated: Vec<(String, String)>,
    /// Landscapes whose minima are not all joined to the global minimum.
    pub disconnected: Vec<String>,
}

pub fn overview(grid: &Grid, results: &[LandscapeResult]) -> Overview {
    Overview {
        grid_hidden: grid.hidden.clone(),
        grid_lambdas: grid.lambdas.clone(),
        n_landscapes: results.len(),
        n_saturated: results.iter().filter(|r| r.saturated).count(),
        unsaturated: results
            .iter()
            .filter(|r| !r.saturated)
            .map(|r| (r.name.clone(), r.stop.clone()))
            .collect(),
        disconnected: results
            .iter()
            .filter(|r| !r.connected)
            .map(|r| r.name.clone())
            .collect(),
    }
}

/// How sure the counts of one group of landscapes (one N_h) are: the completeness
/// certificates of its landscapes.
#[derive(Debug, Clone, PartialEq)]
pub struct Certainty {
    pub n_hidden: usize,
    pub landscapes: usize,
    pub certified: usize,
    /// Landscapes with a finished certificate evaluation.
    pub evaluated: usize,
    /// Largest Good-Turing chance of an unseen minimum / transition state over the evaluated
    /// landscapes of the group.
    pub worst_p_minimum: Option<f64>,
    pub worst_p_ts: Option<f64>,
    /// Landscapes whose extra seeds added nothing.
    pub seed_agreement: usize,
    /// (name, failed tests or why no certificate) of each landscape not certified.
    pub not_certified: Vec<(String, String)>,
}

/// One [`Certainty`] per N_h, ascending.
pub fn certainty(results: &[LandscapeResult]) -> Vec<Certainty> {
    let axes = Axes::of(results);
    axes.hidden
        .iter()
        .map(|&h| {
            let group: Vec<&LandscapeResult> = results.iter().filter(|r| r.n_hidden == h).collect();
            let certs: Vec<_> = group
                .iter()
                .filter_map(|r| r.certificate.as_ref())
                .collect();
            let worst = |f: fn(&crate::explore::CertificateFigures) -> f64| {
                certs.iter().map(|c| f(c)).reduce(f64::max)
            };
            Certainty {
                n_hidden: h,
                landscapes: group.len(),
                certified: group.iter().filter(|r| r.saturated).count(),
                evaluated: certs.len(),
                worst_p_minimum: worst(|c| c.p_unseen_minimum),
                worst_p_ts: worst(|c| c.p_unseen_ts),
                seed_agreement: certs.iter().filter(|c| c.seed_agreement).count(),
                not_certified: group
                    .iter()
                    .filter(|r| !r.saturated)
                    .map(|r| {
                        let why = match &r.certificate {
                            Some(c) if c.failed != "none" => c.failed.clone(),
                            _ => format!("no certificate: {}", r.stop),
                        };
                        (r.name.clone(), why)
                    })
                    .collect(),
            }
        })
        .collect()
}

/// One cell of the counts table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CountCell {
    pub minima: usize,
    pub ts: usize,
    pub saturated: bool,
    pub connected: bool,
}

/// Counts by N_h (rows, [`Axes::hidden`]) and lambda (columns, [`Axes::lambdas`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CountsTable {
    pub axes: Axes,
    pub cells: Vec<Vec<Option<CountCell>>>,
}

pub fn counts_table(results: &[LandscapeResult]) -> CountsTable {
    let axes = Axes::of(results);
    let cells = axes
        .hidden
        .iter()
        .map(|&h| {
            axes.lambdas
                .iter()
                .map(|&l| {
                    find(results, h, l).map(|r| CountCell {
                        minima: r.counts.n_minima,
                        ts: r.counts.n_transition_states,
                        saturated: r.saturated,
                        connected: r.connected,
                    })
                })
                .collect()
        })
        .collect();
    CountsTable { axes, cells }
}

/// Minima or transition states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Points {
    Minima,
    Ts,
}

/// A sequence of counts that does not follow the paper's trend, at a fixed `at` (a lambda for
/// the growth with N_h, an N_h for the dependence on lambda).
#[derive(Debug, Clone, PartialEq)]
pub struct Exception<K> {
    pub points: Points,
    pub at: K,
    /// Counts in the order the trend is read.
    pub counts: Vec<usize>,
}

/// How the counts along lines of the table (fixed `K`, landscapes in reading order) follow a
/// trend: the shared part of claims 1 and 2.
struct Trend<K> {
    /// Lines with at least two landscapes (shorter ones say nothing).
    n_lines: usize,
    minima_follow: usize,
    ts_follow: usize,
    /// Lines where both counts are larger at the end than at the start.
    both_grew: usize,
    /// Minima before TS on each line.
    exceptions: Vec<Exception<K>>,
}

fn trend<'a, K: Copy>(
    lines: impl Iterator<Item = (K, Vec<&'a LandscapeResult>)>,
    follows: fn(&[usize]) -> bool,
) -> Trend<K> {
    let mut t = Trend {
        n_lines: 0,
        minima_follow: 0,
        ts_follow: 0,
        both_grew: 0,
        exceptions: Vec::new(),
    };
    for (at, rows) in lines.filter(|(_, rows)| rows.len() >= 2) {
        t.n_lines += 1;
        let m: Vec<usize> = rows.iter().map(|r| r.counts.n_minima).collect();
        let ts: Vec<usize> = rows.iter().map(|r| r.counts.n_transition_states).collect();
        if m.last() > m.first() && ts.last() > ts.first() {
            t.both_grew += 1;
        }
        for (points, counts) in [(Points::Minima, m), (Points::Ts, ts)] {
            if !follows(&counts) {
                t.exceptions.push(Exception { points, at, counts });
            } else if points == Points::Minima {
                t.minima_follow += 1;
            } else {
                t.ts_follow += 1;
            }
        }
    }
    t
}

/// Claim 1: the numbers of minima and transition states grow with N_h.
#[derive(Debug, Clone, PartialEq)]
pub struct Growth {
    pub h_first: usize,
    pub h_last: usize,
    /// lambda values with at least two N_h.
    pub n_lambdas: usize,
    pub minima_non_decreasing: usize,
    pub ts_non_decreasing: usize,
    /// lambda values where both counts are larger at `h_last` than at `h_first`.
    pub both_grew: usize,
    /// Counts by increasing N_h at one lambda, minima before TS, lambda descending.
    pub exceptions: Vec<Exception<f64>>,
    /// Summed over lambda.
    pub first: Totals,
    pub last: Totals,
}

/// Claim 1; `None` with a single N_h.
pub fn growth(results: &[LandscapeResult]) -> Option<Growth> {
    let axes = Axes::of(results);
    if axes.hidden.len() < 2 {
        return None;
    }
    let lines = axes.lambdas.iter().map(|&l| {
        let rows = axes.hidden.iter().filter_map(|&h| find(results, h, l));
        (l, rows.collect())
    });
    let t = trend(lines, non_decreasing);
    let (h_first, h_last) = (axes.hidden[0], axes.hidden[axes.hidden.len() - 1]);
    let totals = |h: usize| Totals::of(results.iter().filter(|r| r.n_hidden == h));
    Some(Growth {
        h_first,
        h_last,
        n_lambdas: t.n_lines,
        minima_non_decreasing: t.minima_follow,
        ts_non_decreasing: t.ts_follow,
        both_grew: t.both_grew,
        exceptions: t.exceptions,
        first: totals(h_first),
        last: totals(h_last),
    })
}

/// Claim 2: larger lambda removes stationary points.
#[derive(Debug, Clone, PartialEq)]
pub struct LambdaDependence {
    pub lambda_smallest: f64,
    pub lambda_largest: f64,
    /// N_h values with at least two lambdas.
    pub n_hidden_values: usize,
    pub minima_non_increasing: usize,
    pub ts_non_increasing: usize,
    /// Counts by increasing lambda at one N_h, minima before TS, N_h ascending.
    pub exceptions: Vec<Exception<usize>>,
    /// Summed over N_h.
    pub smallest: Totals,
    pub largest: Totals,
}

/// Claim 2; `None` with a single lambda.
pub fn lambda_dependence(results: &[LandscapeResult]) -> Option<LambdaDependence> {
    let axes = Axes::of(results);
    if axes.lambdas.len() < 2 {
        return None;
    }
    let ascending: Vec<f64> = axes.lambdas.iter().rev().copied().collect();
    let lines = axes.hidden.iter().map(|&h| {
        let rows = ascending.iter().filter_map(|&l| find(results, h, l));
        (h, rows.collect())
    });
    let t = trend(lines, |v| v.windows(2).all(|w| w[1] <= w[0]));
    let (l0, l1) = (ascending[0], ascending[ascending.len() - 1]);
    let totals = |l: f64| Totals::of(results.iter().filter(|r| r.lambda == l));
    Some(LambdaDependence {
        lambda_smallest: l0,
        lambda_largest: l1,
        n_hidden_values: t.n_lines,
        minima_non_increasing: t.minima_follow,
        ts_non_increasing: t.ts_follow,
        exceptions: t.exceptions,
        smallest: totals(l0),
        largest: totals(l1),
    })
}

/// Mean and range of the TS/minima ratio over the lambdas of one N_h.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RatioRange {
    pub n_hidden: usize,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
}

/// Claim 3: transition states per minimum.
#[derive(Debug, Clone, PartialEq)]
pub struct Ratio {
    /// N_h ascending; N_h without a finite ratio are left out.
    pub by_hidden: Vec<RatioRange>,
    pub ts_outnumber_minima: usize,
    pub n_landscapes: usize,
    /// Whether the mean never decreases with N_h; `None` with fewer than two N_h.
    pub mean_never_decreases: Option<bool>,
}

pub fn ratio(results: &[LandscapeResult]) -> Ratio {
    let by_hidden: Vec<RatioRange> = Axes::of(results)
        .hidden
        .into_iter()
        .filter_map(|h| {
            let r: Vec<f64> = results
                .iter()
                .filter(|r| r.n_hidden == h && r.counts.ts_per_minimum.is_finite())
                .map(|r| r.counts.ts_per_minimum)
                .collect();
            (!r.is_empty()).then(|| RatioRange {
                n_hidden: h,
                mean: r.iter().sum::<f64>() / r.len() as f64,
                min: r.iter().copied().fold(f64::INFINITY, f64::min),
                max: r.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            })
        })
        .collect();
    let mean_never_decreases =
        (by_hidden.len() >= 2).then(|| by_hidden.windows(2).all(|w| w[1].mean >= w[0].mean));
    Ratio {
        ts_outnumber_minima: results
            .iter()
            .filter(|r| r.counts.n_transition_states > r.counts.n_minima)
            .count(),
        n_landscapes: results.len(),
        by_hidden,
        mean_never_decreases,
    }
}

/// Claim 4: what became of the stationary points of N_h embedded in N_h + 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Embedding {
    pub n_points: usize,
    pub n_pairs: usize,
    /// RMS gradient below [`EMBED_STATIONARY_RMS`] in the larger network.
    pub stationary: usize,
    /// Hessian index equal to the zero-node-block prediction.
    pub index_as_predicted: usize,
    pub n_minima: usize,
    /// Minima still minima (index 0) in the larger network.
    pub minima_stay: usize,
    pub n_ts: usize,
    /// Transition states still of index 1.
    pub ts_stay: usize,
    /// Embedded points of index 0 or 1 (storable in the larger database), and how many of
    /// those it holds.
    pub in_larger_db: Fraction,
}

/// Claim 4; `None` without a pair of landscapes (N_h, N_h + 1) at the same lambda.
pub fn embedding(rows: &[(LandscapeKey, Vec<EmbedRow>)]) -> Option<Embedding> {
    if rows.is_empty() {
        return None;
    }
    let all: Vec<&EmbedRow> = rows.iter().flat_map(|(_, r)| r).collect();
    let count = |f: &dyn Fn(&EmbedRow) -> bool| all.iter().filter(|r| f(r)).count();
    let is_min = |r: &EmbedRow| r.kind == PointKind::Minimum;
    let is_ts = |r: &EmbedRow| r.kind == PointKind::TransitionState;
    Some(Embedding {
        n_points: all.len(),
        n_pairs: rows.len(),
        stationary: count(&|r| r.rms_gradient_embedded < EMBED_STATIONARY_RMS),
        index_as_predicted: count(&|r| r.index_large == r.index_predicted),
        n_minima: count(&is_min),
        minima_stay: count(&|r| is_min(r) && r.index_large == 0),
        n_ts: count(&is_ts),
        ts_stay: count(&|r| is_ts(r) && r.index_large == 1),
        in_larger_db: Fraction {
            hits: count(&|r| r.found_in_larger.is_found()),
            of: count(&|r| r.index_large <= 1),
        },
    })
}

/// Claim 5: how minima and transition states classify the data.
#[derive(Debug, Clone, PartialEq)]
pub struct Classification {
    pub n_data: usize,
    /// Minima (transition states) that classify every data point.
    pub minima_all_correct: Fraction,
    pub ts_all_correct: Fraction,
    /// Mean number of points classified correctly (NaN without points).
    pub mean_correct_minimum: f64,
    pub mean_correct_ts: f64,
    /// Landscapes whose global minimum classifies every point, of `n_landscapes`.
    pub global_minimum_all_correct: usize,
    pub n_landscapes: usize,
    /// Minima classifying every point, per N_h of the run.
    pub minima_all_correct_by_hidden: Vec<(usize, Fraction)>,
    /// The same at the largest and at the smallest lambda of the run (`None`: no landscape).
    pub at_largest_lambda: (Option<f64>, Fraction),
    pub at_smallest_lambda: (Option<f64>, Fraction),
}

/// Claim 5, over the landscapes of `rows`, broken down along `axes`.
pub fn classification(
    rows: &[(LandscapeKey, LandscapeClassification)],
    axes: &Axes,
    n_data: usize,
) -> Classification {
    let all_correct_minima = |keep: &dyn Fn(&LandscapeKey) -> bool| {
        rows.iter()
            .filter(|(k, _)| keep(k))
            .fold(Fraction::default(), |f, (_, c)| Fraction {
                hits: f.hits + c.minima_histogram.get(n_data).copied().unwrap_or(0),
                of: f.of + c.minima_histogram.iter().sum::<usize>(),
            })
    };
    let ts = rows.iter().fold(Fraction::default(), |f, (_, c)| Fraction {
        hits: f.hits + c.ts_histogram.get(n_data).copied().unwrap_or(0),
        of: f.of + c.ts_histogram.iter().sum::<usize>(),
    });
    // Sum over points of the number of data points each gets right.
    let correct_sum = |h: fn(&LandscapeClassification) -> &Vec<usize>| -> usize {
        rows.iter()
            .map(|(_, c)| h(c).iter().enumerate().map(|(k, n)| k * n).sum::<usize>())
            .sum()
    };
    let mean = |a: usize, b: usize| {
        if b == 0 {
            f64::NAN
        } else {
            a as f64 / b as f64
        }
    };
    let minima = all_correct_minima(&|_| true);
    let at = |l: Option<f64>| (l, all_correct_minima(&|k| Some(k.lambda) == l));
    Classification {
        n_data,
        minima_all_correct: minima,
        ts_all_correct: ts,
        mean_correct_minimum: mean(correct_sum(|c| &c.minima_histogram), minima.of),
        mean_correct_ts: mean(correct_sum(|c| &c.ts_histogram), ts.of),
        global_minimum_all_correct: rows
            .iter()
            .filter(|(_, c)| {
                c.global_minimum()
                    .is_some_and(|g| g.classification.n_correct == n_data)
            })
            .count(),
        n_landscapes: rows.len(),
        minima_all_correct_by_hidden: axes
            .hidden
            .iter()
            .map(|&h| (h, all_correct_minima(&|k| k.n_hidden == h)))
            .collect(),
        at_largest_lambda: at(axes.lambdas.first().copied()),
        at_smallest_lambda: at(axes.lambdas.last().copied()),
    }
}

/// A sensitivity curve pooled over the grid: mean fraction correct against sigma.
#[derive(Debug, Clone, PartialEq)]
pub struct PooledCurve {
    pub group: Group,
    /// Points in the group over every landscape.
    pub count: usize,
    /// (sigma, mean fraction correct).
    pub points: Vec<(f64, f64)>,
}

/// Per group ([`Group::ALL`]), the mean over every point of every landscape (the landscapes
/// share their sigmas: they share the parameters).
pub fn pooled_curves(rows: &[(LandscapeKey, LandscapeSensitivity)]) -> Vec<PooledCurve> {
    let landscapes: Vec<&LandscapeSensitivity> = rows.iter().map(|(_, s)| s).collect();
    let sigmas = landscapes.first().map_or(&[][..], |s| &s.sigmas);
    pooled_group_summaries(&landscapes)
        .into_iter()
        .map(|g| PooledCurve {
            group: g.group,
            count: g.count,
            points: sigmas
                .iter()
                .copied()
                .zip(g.mean_fraction_correct)
                .collect(),
        })
        .collect()
}

/// One within-landscape comparison of two groups at the reference noise level.
#[derive(Debug, Clone, PartialEq)]
pub struct PairedComparison {
    /// The group compared ...
    pub a: Group,
    /// ... with this one.
    pub b: Group,
    /// Landscapes where both groups have points.
    pub landscapes: usize,
    /// Landscapes where `a`'s mean fraction correct exceeds `b`'s by more than [`TIE`].
    pub a_more_robust: usize,
    /// Landscapes where they differ by at most [`TIE`].
    pub ties: usize,
    /// Landscapes where `b`'s exceeds `a`'s by more than [`TIE`].
    pub b_more_robust: usize,
    /// Median over those landscapes of `a - b` (NaN without landscapes).
    pub median_difference: f64,
}

/// Two group means closer than this count as a tie: the Monte Carlo resolution of a fraction
/// from the default 200 noise samples on 4 data points is 1/800, so differences of 1e-3 are
/// noise.
pub const TIE: f64 = 1e-3;

/// The noise level at which groups are compared: the sigma of the grid closest to this.
pub const REFERENCE_SIGMA: f64 = 0.1;

/// Claim 6: how robust the classification of each group is to input noise, compared within
/// each landscape (paired): a landscape whose global minimum is W = 0 (0 of 4 points correct)
/// must not decide, by pooling, how the global minima of the other landscapes compare.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    /// The pooled curves (every point of every landscape), for the table only.
    pub curves: Vec<PooledCurve>,
    /// The sigma of the paired comparisons.
    pub sigma: f64,
    /// Global minimum vs other minima, global minimum vs transition states, other minima vs
    /// transition states.
    pub pairs: Vec<PairedComparison>,
}

/// Claim 6; `None` without sensitivity results.
pub fn sensitivity(rows: &[(LandscapeKey, LandscapeSensitivity)]) -> Option<Sensitivity> {
    let first = rows.first()?;
    let sigmas = &first.1.sigmas;
    let at = (0..sigmas.len()).min_by(|&i, &j| {
        (sigmas[i] - REFERENCE_SIGMA)
            .abs()
            .total_cmp(&(sigmas[j] - REFERENCE_SIGMA).abs())
    })?;
    // Per landscape, per group: the mean fraction correct at the reference sigma.
    let means: Vec<[Option<f64>; 3]> = rows
        .iter()
        .map(|(_, s)| {
            let groups = s.row_groups();
            Group::ALL.map(|g| {
                let v: Vec<f64> = s
                    .rows
                    .iter()
                    .zip(&groups)
                    .filter(|(_, rg)| **rg == g)
                    .map(|(r, _)| r.sensitivity.fraction_correct[at])
                    .collect();
                (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
            })
        })
        .collect();
    let pair = |ia: usize, ib: usize| {
        let mut d: Vec<f64> = means.iter().filter_map(|m| Some(m[ia]? - m[ib]?)).collect();
        d.sort_by(f64::total_cmp);
        PairedComparison {
            a: Group::ALL[ia],
            b: Group::ALL[ib],
            landscapes: d.len(),
            a_more_robust: d.iter().filter(|&&x| x > TIE).count(),
            ties: d.iter().filter(|&&x| x.abs() <= TIE).count(),
            b_more_robust: d.iter().filter(|&&x| x < -TIE).count(),
            median_difference: median(&d),
        }
    };
    Some(Sensitivity {
        curves: pooled_curves(rows),
        sigma: sigmas[at],
        pairs: vec![pair(0, 1), pair(0, 2), pair(1, 2)],
    })
}

/// Median of sorted values (NaN when empty).
fn median(sorted: &[f64]) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]),
    }
}

#[cfg(test)]
#[path = "claims_tests.rs"]
mod tests;
