//! The two sections of SUMMARY.md beyond the paper: which minima training finds, and how
//! compressible and dropout-robust the stationary points are. The numbers (one struct each,
//! unit tested below) and their prose.

use std::fmt::Write as _;

use nnscape_analysis::compression::{CompressionRow, Reduced};
use nnscape_analysis::training::stats::Proportion;
use nnscape_analysis::training::Outcome;
use nnscape_analysis::PointKind;

use crate::grid::{lambda_label, LandscapeKey};
use crate::training::LandscapeTraining;

/// One optimiser on one landscape (runs over every initialisation).
#[derive(Debug, Clone, PartialEq)]
pub struct OptimiserLanding {
    pub optimiser: String,
    pub global: Proportion,
    pub all_correct: Proportion,
    /// Runs that ended on a saddle, a plateau or diverged.
    pub stuck: usize,
    pub rank_energy: Option<f64>,
    pub rank_fvib: Option<f64>,
}

/// The training runs of one landscape.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingLine {
    pub landscape: String,
    pub minima: usize,
    pub added_minima: usize,
    pub optimisers: Vec<OptimiserLanding>,
}

/// Section 7's numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Training {
    pub runs_per_setting: usize,
    pub lines: Vec<TrainingLine>,
    /// Per (optimiser, initialisation): runs landing in the global minimum over every landscape.
    pub by_setting: Vec<(String, String, Proportion)>,
    /// Per optimiser: in how many landscapes landing falls with energy and with fvib.
    pub low_and_wide: Vec<Trend>,
}

/// Landscapes with a rank correlation, and how many of them negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negative {
    pub landscapes: usize,
    pub negative: usize,
}

/// One optimiser's landing probability against energy and width over the landscapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trend {
    pub optimiser: String,
    pub energy: Negative,
    pub fvib: Negative,
}

pub fn training(rows: &[LandscapeTraining]) -> Option<Training> {
    let first = rows.first()?;
    let runs_per_setting = first.groups.first().map_or(0, |g| g.runs);
    let lines: Vec<TrainingLine> = rows
        .iter()
        .map(|t| TrainingLine {
            landscape: t.key.name(),
            minima: t.minima,
            added_minima: t.added_minima,
            optimisers: t
                .groups
                .iter()
                .filter(|g| g.init == "all")
                .map(|g| OptimiserLanding {
                    optimiser: g.optimiser.clone(),
                    global: g.global_minimum,
                    all_correct: g.all_correct,
                    stuck: g
                        .outcomes
                        .iter()
                        .filter(|(o, _)| !matches!(o, Outcome::Minimum | Outcome::Unmatched))
                        .map(|(_, n)| n)
                        .sum(),
                    rank_energy: g.rank_correlation_energy,
                    rank_fvib: g.rank_correlation_fvib,
                })
                .collect(),
        })
        .collect();
    let mut by_setting: Vec<(String, String, Proportion)> = Vec::new();
    for g in rows
        .iter()
        .flat_map(|t| &t.groups)
        .filter(|g| g.init != "all")
    {
        match by_setting
            .iter_mut()
            .find(|(o, i, _)| *o == g.optimiser && *i == g.init)
        {
            Some((_, _, p)) => *p = Proportion::new(p.hits + g.global_minimum.hits, p.of + g.runs),
            None => by_setting.push((g.optimiser.clone(), g.init.clone(), g.global_minimum)),
        }
    }
    let mut low_and_wide = Vec::new();
    for o in lines
        .first()
        .map(|l| l.optimisers.clone())
        .unwrap_or_default()
    {
        let of = |f: fn(&OptimiserLanding) -> Option<f64>| {
            let v: Vec<f64> = lines
                .iter()
                .flat_map(|l| l.optimisers.iter().filter(|x| x.optimiser == o.optimiser))
                .filter_map(f)
                .collect();
            Negative {
                landscapes: v.len(),
                negative: v.iter().filter(|r| **r < 0.0).count(),
            }
        };
        low_and_wide.push(Trend {
            optimiser: o.optimiser.clone(),
            energy: of(|x| x.rank_energy),
            fvib: of(|x| x.rank_fvib),
        });
    }
    Some(Training {
        runs_per_setting,
        lines,
        by_setting,
        low_and_wide,
    })
}

/// Minima or transition states of one N_h: how many, and how many nodes they really use.
#[derive(Debug, Clone, PartialEq)]
pub struct EffectiveNodes {
    pub n_hidden: usize,
    pub kind: PointKind,
    /// Count per effective node number 0..=n_hidden.
    pub histogram: Vec<usize>,
    /// Of the reducible ones: named in the smaller landscape, and with a smaller database.
    pub found: usize,
    pub with_database: usize,
}

/// Dropout figures of minima or transition states, means over every point.
#[derive(Debug, Clone, PartialEq)]
pub struct DropoutMeans {
    pub kind: PointKind,
    pub points: usize,
    pub correct: f64,
    pub drop1_correct: f64,
    pub dropout_correct: f64,
    pub drop1_loss_rise: f64,
    pub dropout_loss_rise: f64,
}

/// Section 8's numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct Compression {
    pub effective: Vec<EffectiveNodes>,
    /// The minima of the largest N_h, per lambda (largest first): effective-node histograms.
    pub largest: Vec<(f64, Vec<usize>)>,
    /// Over every point, then over the points that classify all four points intact.
    pub dropout: Vec<DropoutMeans>,
    pub dropout_solving: Vec<DropoutMeans>,
}

pub fn compression(rows: &[(LandscapeKey, Vec<CompressionRow>)]) -> Option<Compression> {
    if rows.is_empty() {
        return None;
    }
    let mut hidden: Vec<usize> = rows.iter().map(|(k, _)| k.n_hidden).collect();
    hidden.sort_unstable();
    hidden.dedup();
    let points = |kind: PointKind| {
        rows.iter()
            .flat_map(|(k, r)| r.iter().map(move |p| (k, p)))
            .filter(move |(_, p)| p.kind == kind)
    };
    let mut effective = Vec::new();
    for kind in [PointKind::Minimum, PointKind::TransitionState] {
        for &h in &hidden {
            let of: Vec<&CompressionRow> = points(kind)
                .filter(|(k, _)| k.n_hidden == h)
                .map(|(_, p)| p)
                .collect();
            let mut histogram = vec![0; h + 1];
            for p in &of {
                histogram[p.effective_hidden_nodes] += 1;
            }
            effective.push(EffectiveNodes {
                n_hidden: h,
                kind,
                histogram,
                found: of
                    .iter()
                    .filter(|p| matches!(p.reduced, Reduced::Found(_)))
                    .count(),
                with_database: of
                    .iter()
                    .filter(|p| {
                        matches!(
                            p.reduced,
                            Reduced::Found(_) | Reduced::NotFound | Reduced::QuenchFailed
                        )
                    })
                    .count(),
            });
        }
    }
    let top = *hidden.last().expect("rows is not empty");
    let mut lambdas: Vec<f64> = rows.iter().map(|(k, _)| k.lambda).collect();
    lambdas.sort_by(|a, b| b.total_cmp(a));
    lambdas.dedup();
    let largest = lambdas
        .iter()
        .map(|&l| {
            let mut histogram = vec![0; top + 1];
            for (_, p) in
                points(PointKind::Minimum).filter(|(k, _)| k.n_hidden == top && k.lambda == l)
            {
                histogram[p.effective_hidden_nodes] += 1;
            }
            (l, histogram)
        })
        .collect();
    let means = |solving: bool| -> Vec<DropoutMeans> {
        [PointKind::Minimum, PointKind::TransitionState]
            .into_iter()
            .filter_map(|kind| {
                let of: Vec<&CompressionRow> = points(kind)
                    .map(|(_, p)| p)
                    .filter(|p| !solving || p.n_correct == 4)
                    .collect();
                if of.is_empty() {
                    return None;
                }
                let mean = |f: &dyn Fn(&CompressionRow) -> f64| {
                    of.iter().map(|p| f(p)).sum::<f64>() / of.len() as f64
                };
                Some(DropoutMeans {
                    kind,
                    points: of.len(),
                    correct: mean(&|p| p.n_correct as f64),
                    drop1_correct: mean(&|p| p.drop1_mean_correct),
                    dropout_correct: mean(&|p| p.dropout_mean_correct),
                    drop1_loss_rise: mean(&|p| p.drop1_mean_loss - p.data_loss),
                    dropout_loss_rise: mean(&|p| p.dropout_mean_loss - p.data_loss),
                })
            })
            .collect()
    };
    Some(Compression {
        effective,
        largest,
        dropout: means(false),
        dropout_solving: means(true),
    })
}

fn ci(p: &Proportion) -> String {
    format!("{:.2} [{:.2}, {:.2}]", p.p, p.lo, p.hi)
}

fn kind_name(k: PointKind) -> &'static str {
    match k {
        PointKind::Minimum => "minima",
        PointKind::TransitionState => "transition states",
    }
}

/// Section 7.
pub fn render_training(s: &mut String, t: Option<&Training>, computed: bool) {
    let _ = writeln!(
        s,
        "\n## 7. Which minima training finds (beyond the paper)\n"
    );
    let Some(t) = t.filter(|_| computed) else {
        let _ = writeln!(
            s,
            "{}",
            if computed {
                "No landscape of this run is in the training plan."
            } else {
                "Not computed in this run (`--only`)."
            }
        );
        return;
    };
    let _ = writeln!(
        s,
        "Each landscape below was trained {} times per optimiser (full-batch gradient descent `gd`, SGD with momentum \
         on mini-batches `sgd`, Adam `adam`) and initialisation (Glorot uniform, He normal, uniform), every end point quenched \
         and matched to the map (training.csv, landing.svg). P(global) is the fraction of runs landing in the global \
         minimum, P(solves) in any minimum that classifies all four points, with 95% Wilson intervals, over the three \
         initialisations.\n",
        t.runs_per_setting
    );
    for l in &t.lines {
        let per: Vec<String> = l
            .optimisers
            .iter()
            .map(|o| {
                let mut x = format!(
                    "{} P(global) {}, P(solves) {}",
                    o.optimiser,
                    ci(&o.global),
                    ci(&o.all_correct)
                );
                if o.stuck > 0 {
                    let _ = write!(x, ", {} on saddles or plateaus", o.stuck);
                }
                x
            })
            .collect();
        let _ = writeln!(
            s,
            "- {} ({} minima): {}.",
            l.landscape,
            l.minima,
            per.join("; ")
        );
    }
    let added: Vec<String> = t
        .lines
        .iter()
        .filter(|l| l.added_minima > 0)
        .map(|l| format!("{} ({})", l.landscape, l.added_minima))
        .collect();
    if added.is_empty() {
        let _ = writeln!(s, "\nNo run ended in a minimum the maps lack: the maps hold every minimum training reached.");
    } else {
        let _ = writeln!(
            s,
            "\nRuns ended in minima the maps lacked (stored, with their data-symmetry images, and counted in counts.csv): {}. \
             Those maps were incomplete.",
            added.join(", ")
        );
    }
    let best: Vec<String> = t
        .by_setting
        .iter()
        .map(|(o, i, p)| format!("{o}/{i} {}", ci(p)))
        .collect();
    let _ = writeln!(
        s,
        "\nP(global) over every landscape, per optimiser and initialisation: {}.",
        best.join(", ")
    );
    let trend: Vec<String> = t
        .low_and_wide
        .iter()
        .map(|t| {
            format!(
                "{}: lower minima more often in {} of {} landscapes, wider (lower fvib) in {} of {}",
                t.optimiser, t.energy.negative, t.energy.landscapes, t.fvib.negative, t.fvib.landscapes
            )
        })
        .collect();
    let _ = writeln!(
        s,
        "\nDoes training favour low, wide minima? Spearman rank correlation over each landscape's minima of landing \
         probability with energy and with fvib (ln of the product of the Hessian eigenvalues: lower is wider), counted \
         negative: {}.",
        trend.join("; ")
    );
}

/// Section 8.
pub fn render_compression(s: &mut String, c: Option<&Compression>, computed: bool) {
    let _ = writeln!(
        s,
        "\n## 8. How many hidden nodes the stationary points use, and dropout (beyond the paper)\n"
    );
    let Some(c) = c.filter(|_| computed) else {
        let _ = writeln!(s, "Not computed in this run (`--only`).");
        return;
    };
    let _ = writeln!(
        s,
        "Every minimum and transition state reduced to the smallest network with the same data term (relative \
         tolerance 1e-7): dead nodes removed, nodes constant on the data folded into the output bias, equal or opposite \
         nodes merged (compression.csv). Effective hidden nodes (count of points with 0, 1, ... nodes; 0 is W = 0 and its \
         embeddings), and how many of the reducible ones land, after a quench in the landscape with that many nodes (at \
         least one), on one of its mapped minima:\n"
    );
    for e in &c.effective {
        let reducible: usize = e.histogram[..e.n_hidden].iter().sum();
        let total: usize = e.histogram.iter().sum();
        if total == 0 {
            continue;
        }
        let _ = writeln!(
            s,
            "- N_h = {} {}: {} of {} use fewer nodes (by effective nodes 0..{}: {}); {} of the {} with that map land on one of its minima.",
            e.n_hidden,
            kind_name(e.kind),
            reducible,
            total,
            e.n_hidden,
            e.histogram.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", "),
            e.found,
            e.with_database
        );
    }
    if let Some(top) = c
        .effective
        .iter()
        .filter(|e| e.kind == PointKind::Minimum)
        .max_by_key(|e| e.n_hidden)
    {
        let h = top.n_hidden;
        let total: usize = top.histogram.iter().sum();
        let smaller: usize = top.histogram[..h].iter().sum();
        let sizes: Vec<String> = (0..h)
            .map(|k| format!("{} with {k}", top.histogram[k]))
            .collect();
        let _ = writeln!(
            s,
            "\nOf the {total} minima with N_h = {h} (over every lambda), {smaller} are really smaller networks (effective hidden nodes): {}.",
            sizes.join(", ")
        );
        let per: Vec<String> = c
            .largest
            .iter()
            .filter(|(_, hist)| hist.iter().sum::<usize>() > 0)
            .map(|(l, hist)| {
                let n: usize = hist.iter().sum();
                let small: usize = hist[..h].iter().sum();
                let by: Vec<String> = (1..h)
                    .filter(|&k| hist[k] > 0)
                    .map(|k| format!("{} with {k}", hist[k]))
                    .collect();
                let by = if by.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", by.join(", "))
                };
                format!("lambda {}: {small} of {n}{by}", lambda_label(*l))
            })
            .collect();
        let _ = writeln!(
            s,
            "By lambda (minima of N_h = {h} really smaller): {}.",
            per.join("; ")
        );
    }
    let _ = writeln!(
        s,
        "\nDropout (no L2 term; points correct out of 4): one hidden node removed, and random masks at rate 0.5 with \
         inverted scaling (exact mean over all masks), means over every point:\n"
    );
    for (d, solving) in c
        .dropout
        .iter()
        .map(|d| (d, false))
        .chain(c.dropout_solving.iter().map(|d| (d, true)))
    {
        let _ = writeln!(
            s,
            "- {} {}({}): {:.2} correct intact, {:.2} with one node removed (data term +{:.3}), {:.2} under dropout (+{:.3}).",
            kind_name(d.kind),
            if solving { "that solve XOR " } else { "" },
            d.points,
            d.correct,
            d.drop1_correct,
            d.drop1_loss_rise,
            d.dropout_correct,
            d.dropout_loss_rise
        );
    }
    if let [m, t] = &c.dropout_solving[..] {
        let _ = writeln!(
            s,
            "\nOf the points that solve XOR, minima keep {:.2} of their correct points under dropout on average and transition states {:.2}: {}.",
            if m.correct > 0.0 { m.dropout_correct / m.correct } else { 0.0 },
            if t.correct > 0.0 { t.dropout_correct / t.correct } else { 0.0 },
            if m.dropout_correct >= t.dropout_correct {
                "minima are the more dropout-robust"
            } else {
                "transition states are the more dropout-robust"
            }
        );
    }
}

#[cfg(test)]
#[path = "beyond_tests.rs"]
mod tests;
