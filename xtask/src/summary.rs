//! SUMMARY.md: one paragraph per claim of the paper, each stating what the numbers of this run
//! show (computed here, never canned), including where they do not follow the paper.

use std::fmt::Write as _;

use nnscape_analysis::classification::LandscapeClassification;
use nnscape_analysis::embed::EmbedRow;
use nnscape_analysis::sensitivity::{Group, LandscapeSensitivity, SensitivityRow};
use nnscape_analysis::PointKind;

use crate::{lambda_label, Grid, LandscapeKey, LandscapeResult, Output, Selection};

/// RMS gradient below which an embedded point counts as stationary in the larger network.
pub const EMBED_STATIONARY_RMS: f64 = 1e-6;

pub struct SummaryInput<'a> {
    pub grid: &'a Grid,
    pub selection: &'a Selection,
    pub results: &'a [LandscapeResult],
    pub classification: &'a [(LandscapeKey, LandscapeClassification)],
    pub sensitivity: &'a [(LandscapeKey, LandscapeSensitivity)],
    pub embedding: &'a [(LandscapeKey, Vec<EmbedRow>)],
    pub dataset_len: usize,
    /// Whether the larger landscapes were seeded with the embedded points of the smaller ones.
    pub embed_seeds: bool,
}

/// The lowest minimum of a sensitivity table (ties: lowest id).
pub fn global_minimum_of(s: &LandscapeSensitivity) -> Option<i64> {
    s.rows
        .iter()
        .filter(|r| r.kind == PointKind::Minimum)
        .min_by(|a, b| a.energy.total_cmp(&b.energy).then(a.id.cmp(&b.id)))
        .map(|r| r.id)
}

pub fn group_of(r: &SensitivityRow, gmin: Option<i64>) -> Group {
    match r.kind {
        PointKind::Minimum if Some(r.id) == gmin => Group::GlobalMinimum,
        PointKind::Minimum => Group::OtherMinima,
        PointKind::TransitionState => Group::TransitionStates,
    }
}

/// A pooled sensitivity curve: group, number of points, [(sigma, mean fraction correct)].
pub type PooledCurve = (Group, usize, Vec<(f64, f64)>);

/// Per group: (group, number of points, [(sigma, mean fraction correct)]) over every point of
/// every landscape. Assumes every landscape used the same sigmas (they share the parameters).
pub fn pooled_sensitivity(rows: &[(LandscapeKey, LandscapeSensitivity)]) -> Vec<PooledCurve> {
    let sigmas: Vec<f64> = rows
        .first()
        .map(|(_, s)| s.sigmas.clone())
        .unwrap_or_default();
    [
        Group::GlobalMinimum,
        Group::OtherMinima,
        Group::TransitionStates,
    ]
    .into_iter()
    .map(|g| {
        let mut sums = vec![0.0; sigmas.len()];
        let mut n = 0usize;
        for (_, s) in rows {
            let gmin = global_minimum_of(s);
            for r in s.rows.iter().filter(|r| group_of(r, gmin) == g) {
                n += 1;
                for (acc, f) in sums.iter_mut().zip(&r.sensitivity.fraction_correct) {
                    *acc += f;
                }
            }
        }
        let curve = sigmas
            .iter()
            .zip(&sums)
            .map(|(&s, &sum)| (s, sum / n as f64))
            .collect();
        (g, n, curve)
    })
    .collect()
}

fn seq(v: &[usize]) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn pct(a: usize, b: usize) -> String {
    if b == 0 {
        "n/a".into()
    } else {
        format!("{:.1}%", 100.0 * a as f64 / b as f64)
    }
}

fn non_decreasing(v: &[usize]) -> bool {
    v.windows(2).all(|w| w[1] >= w[0])
}

/// Markdown of the whole summary.
pub fn summary_markdown(inp: &SummaryInput<'_>) -> String {
    let mut s = String::new();
    let res = inp.results;
    let sat = res.iter().filter(|r| r.saturated).count();
    let _ = writeln!(s, "# Reproduction summary\n");
    let _ = writeln!(
        s,
        "Mehta, Zhao, Bernal and Wales, *Loss surface of XOR artificial neural networks*, Phys. Rev. E 97, 052307 (2018), \
         reproduced by `cargo xtask reproduce`. Every number below is computed from the files next to this one \
         (counts up to the network symmetries: hidden-node permutations and sign flips)."
    );
    let _ = writeln!(
        s,
        "\nGrid: N_h in {{{}}}, lambda in {{{}}}: {} landscape(s) in this run, {} saturated.",
        seq(&inp.grid.hidden),
        inp.grid
            .lambdas
            .iter()
            .map(|l| lambda_label(*l))
            .collect::<Vec<_>>()
            .join(", "),
        res.len(),
        sat
    );
    let open: Vec<String> = res
        .iter()
        .filter(|r| !r.saturated)
        .map(|r| format!("{} ({})", r.name, r.stop))
        .collect();
    if open.is_empty() {
        let _ = writeln!(
            s,
            "Every landscape saturated: a full cycle of basin-hopping and transition-state searches found nothing new."
        );
    } else {
        let _ = writeln!(
            s,
            "Not saturated within the time budget, so their counts are lower bounds (marked `*` below and drawn hollow in the plots): {}.",
            open.join(", ")
        );
    }
    let disconnected: Vec<&str> = res
        .iter()
        .filter(|r| !r.connected)
        .map(|r| r.name.as_str())
        .collect();
    if !disconnected.is_empty() {
        let _ = writeln!(
            s,
            "\nSaturated is not the same as complete: in {} of {} landscapes the minima are not all joined to the global minimum \
             by known transition states (marked `+` below): {}. The searches stopped finding new points there, but the \
             transition states joining those minima were never found, so their transition-state counts (and perhaps their minima) \
             are lower bounds.",
            disconnected.len(),
            res.len(),
            disconnected.join(", ")
        );
    }

    // Counts table.
    let hidden: Vec<usize> = crate::sorted_unique(res.iter().map(|r| r.n_hidden).collect());
    let mut lambdas: Vec<f64> = crate::sorted_unique(res.iter().map(|r| r.lambda).collect());
    lambdas.reverse();
    let find = |h: usize, l: f64| res.iter().find(|r| r.n_hidden == h && r.lambda == l);
    let _ = writeln!(s, "\n## Counts (minima / transition states)\n");
    let _ = write!(s, "| N_h |");
    for l in &lambdas {
        let _ = write!(s, " lambda {} |", lambda_label(*l));
    }
    let _ = write!(s, "\n|---|");
    for _ in &lambdas {
        let _ = write!(s, "---|");
    }
    let _ = writeln!(s);
    for &h in &hidden {
        let _ = write!(s, "| {h} |");
        for &l in &lambdas {
            match find(h, l) {
                Some(r) => {
                    let _ = write!(
                        s,
                        " {} / {}{}{} |",
                        r.counts.n_minima,
                        r.counts.n_transition_states,
                        if r.saturated { "" } else { "*" },
                        if r.connected { "" } else { "+" }
                    );
                }
                None => {
                    let _ = write!(s, " - |");
                }
            }
        }
        let _ = writeln!(s);
    }

    // 1. Growth with N_h.
    let _ = writeln!(s, "\n## 1. Growth with the number of hidden nodes\n");
    let _ = writeln!(
        s,
        "Paper: the numbers of minima and of transition states grow quickly with N_h."
    );
    if hidden.len() < 2 {
        let _ = writeln!(
            s,
            "\nThis run has a single N_h, so it says nothing about this claim."
        );
    } else {
        let (mut min_ok, mut ts_ok, mut grew, mut n) = (0, 0, 0, 0);
        let mut exceptions = Vec::new();
        for &l in &lambdas {
            let rows: Vec<&LandscapeResult> = hidden.iter().filter_map(|&h| find(h, l)).collect();
            if rows.len() < 2 {
                continue;
            }
            n += 1;
            let m: Vec<usize> = rows.iter().map(|r| r.counts.n_minima).collect();
            let t: Vec<usize> = rows.iter().map(|r| r.counts.n_transition_states).collect();
            if non_decreasing(&m) {
                min_ok += 1;
            } else {
                exceptions.push(format!("minima at lambda {}: {}", lambda_label(l), seq(&m)));
            }
            if non_decreasing(&t) {
                ts_ok += 1;
            } else {
                exceptions.push(format!("TS at lambda {}: {}", lambda_label(l), seq(&t)));
            }
            if m.last() > m.first() && t.last() > t.first() {
                grew += 1;
            }
        }
        let (h0, h1) = (hidden[0], hidden[hidden.len() - 1]);
        let tot = |h: usize, f: &dyn Fn(&LandscapeResult) -> usize| -> usize {
            res.iter().filter(|r| r.n_hidden == h).map(f).sum()
        };
        let _ = writeln!(
            s,
            "\nHere: over N_h = {} .. {}, the minima never decrease with N_h at {min_ok} of {n} lambda values and the transition states at {ts_ok} of {n}; \
             both are larger at N_h = {h1} than at N_h = {h0} at {grew} of {n}. Summed over lambda, N_h = {h0} has {} minima and {} TS, N_h = {h1} has {} minima and {} TS.",
            h0,
            h1,
            tot(h0, &|r| r.counts.n_minima),
            tot(h0, &|r| r.counts.n_transition_states),
            tot(h1, &|r| r.counts.n_minima),
            tot(h1, &|r| r.counts.n_transition_states),
        );
        if exceptions.is_empty() {
            let _ = writeln!(s, "This follows the paper.");
        } else {
            let _ = writeln!(
                s,
                "Where it does not follow the paper (counts by increasing N_h): {}.",
                exceptions.join("; ")
            );
        }
    }

    // 2. Dependence on lambda.
    let _ = writeln!(s, "\n## 2. Dependence on the regularisation lambda\n");
    let _ = writeln!(
        s,
        "Paper: larger lambda removes stationary points (fewer minima and transition states as lambda grows)."
    );
    if lambdas.len() < 2 {
        let _ = writeln!(
            s,
            "\nThis run has a single lambda, so it says nothing about this claim."
        );
    } else {
        let (mut min_ok, mut ts_ok, mut n) = (0, 0, 0);
        let mut exceptions = Vec::new();
        let ascending: Vec<f64> = lambdas.iter().rev().copied().collect();
        for &h in &hidden {
            let rows: Vec<&LandscapeResult> =
                ascending.iter().filter_map(|&l| find(h, l)).collect();
            if rows.len() < 2 {
                continue;
            }
            n += 1;
            let m: Vec<usize> = rows.iter().map(|r| r.counts.n_minima).collect();
            let t: Vec<usize> = rows.iter().map(|r| r.counts.n_transition_states).collect();
            let rm: Vec<usize> = m.iter().rev().copied().collect();
            let rt: Vec<usize> = t.iter().rev().copied().collect();
            if non_decreasing(&rm) {
                min_ok += 1;
            } else {
                exceptions.push(format!("minima at N_h = {h}: {}", seq(&m)));
            }
            if non_decreasing(&rt) {
                ts_ok += 1;
            } else {
                exceptions.push(format!("TS at N_h = {h}: {}", seq(&t)));
            }
        }
        let (l0, l1) = (ascending[0], ascending[ascending.len() - 1]);
        let tot = |l: f64, f: &dyn Fn(&LandscapeResult) -> usize| -> usize {
            res.iter().filter(|r| r.lambda == l).map(f).sum()
        };
        let _ = writeln!(
            s,
            "\nHere: the minima never increase as lambda grows at {min_ok} of {n} N_h values and the transition states at {ts_ok} of {n}. \
             Summed over N_h, lambda = {} gives {} minima and {} TS, lambda = {} gives {} minima and {} TS.",
            lambda_label(l0),
            tot(l0, &|r| r.counts.n_minima),
            tot(l0, &|r| r.counts.n_transition_states),
            lambda_label(l1),
            tot(l1, &|r| r.counts.n_minima),
            tot(l1, &|r| r.counts.n_transition_states),
        );
        if exceptions.is_empty() {
            let _ = writeln!(s, "This follows the paper.");
        } else {
            let _ = writeln!(
                s,
                "Where it does not follow the paper (counts by increasing lambda, {} .. {}): {}.",
                lambda_label(l0),
                lambda_label(l1),
                exceptions.join("; ")
            );
        }
    }

    // 3. Ratio.
    let _ = writeln!(s, "\n## 3. Transition states per minimum\n");
    let _ = writeln!(
        s,
        "Paper: the counts of transition states are reported next to those of minima; their ratio says how richly the minima are interconnected (for molecular landscapes TS usually outnumber minima)."
    );
    let mut means = Vec::new();
    let mut lines = Vec::new();
    for &h in &hidden {
        let r: Vec<f64> = res
            .iter()
            .filter(|r| r.n_hidden == h && r.counts.ts_per_minimum.is_finite())
            .map(|r| r.counts.ts_per_minimum)
            .collect();
        if r.is_empty() {
            continue;
        }
        let mean = r.iter().sum::<f64>() / r.len() as f64;
        let lo = r.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = r.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        means.push(mean);
        lines.push(format!(
            "N_h = {h}: mean {mean:.2} (range {lo:.2} .. {hi:.2})"
        ));
    }
    let above = res
        .iter()
        .filter(|r| r.counts.n_transition_states > r.counts.n_minima)
        .count();
    let rising = means.windows(2).all(|w| w[1] >= w[0]);
    let _ = writeln!(
        s,
        "\nHere: TS per minimum by N_h (over lambda): {}. TS outnumber minima in {above} of {} landscapes; \
         the mean ratio {} with N_h.",
        lines.join("; "),
        res.len(),
        if means.len() < 2 {
            "cannot be compared across N_h (single N_h)"
        } else if rising {
            "never decreases"
        } else {
            "does not increase monotonically"
        }
    );

    // 4. Embedding.
    let _ = writeln!(s, "\n## 4. Embedding of smaller networks in larger ones\n");
    let _ = writeln!(
        s,
        "Paper: the stationary points of smaller networks are embedded in larger ones (an extra hidden node with zero weights keeps \
         a stationary point stationary; its Hessian index can only stay or grow)."
    );
    if !inp.selection.wants(Output::Embedding) {
        let _ = writeln!(s, "\nNot computed in this run (`--only`).");
    } else if inp.embedding.is_empty() {
        let _ = writeln!(
            s,
            "\nThis run has no pair of landscapes (N_h, N_h + 1) at the same lambda, so nothing was embedded."
        );
    } else {
        let all: Vec<&EmbedRow> = inp.embedding.iter().flat_map(|(_, r)| r).collect();
        let stationary = all
            .iter()
            .filter(|r| r.rms_gradient_embedded < EMBED_STATIONARY_RMS)
            .count();
        let predicted = all
            .iter()
            .filter(|r| r.index_large == r.index_predicted)
            .count();
        let minima: Vec<&&EmbedRow> = all
            .iter()
            .filter(|r| r.kind == PointKind::Minimum)
            .collect();
        let stay = minima.iter().filter(|r| r.index_large == 0).count();
        let ts: Vec<&&EmbedRow> = all
            .iter()
            .filter(|r| r.kind == PointKind::TransitionState)
            .collect();
        let ts_stay = ts.iter().filter(|r| r.index_large == 1).count();
        let storable = all.iter().filter(|r| r.index_large <= 1).count();
        let found = all.iter().filter(|r| r.found_in_larger.is_found()).count();
        let _ = writeln!(
            s,
            "\nHere: {} stationary points of {} pair(s) of landscapes were embedded. {stationary} ({}) are stationary in the larger network \
             (RMS gradient < {EMBED_STATIONARY_RMS:e}); the Hessian index of {predicted} ({}) equals the zero-node-block prediction. \
             Of {} minima, {stay} stay minima and {} become saddles; of {} transition states, {ts_stay} stay index 1. \
             Of the {storable} embedded points with index 0 or 1, {found} ({}) are in the larger landscape's database{}; \
             the other {} are minima or transition states of the larger network that its database lacks.",
            all.len(),
            inp.embedding.len(),
            pct(stationary, all.len()),
            pct(predicted, all.len()),
            minima.len(),
            minima.len() - stay,
            ts.len(),
            pct(found, storable),
            if inp.embed_seeds {
                " (the larger landscapes were seeded with these points, so this counts the seeds that passed verification there)"
            } else {
                " (found by the independent exploration of the larger landscape: a direct measure of how incomplete that exploration is)"
            },
            storable - found,
        );
    }

    // 5. Classification.
    let _ = writeln!(s, "\n## 5. How minima and saddles classify the data\n");
    let _ = writeln!(
        s,
        "Paper: minima and saddles differ in how they classify the data (how many of the four XOR points they get right)."
    );
    if !inp.selection.wants(Output::Classification) {
        let _ = writeln!(s, "\nNot computed in this run (`--only`).");
    } else {
        let nd = inp.dataset_len;
        let (mut nm, mut nm_ok, mut nt, mut nt_ok, mut sum_m, mut sum_t) = (0, 0, 0, 0, 0, 0);
        let mut gmin_ok = 0;
        let mut per_h: Vec<String> = Vec::new();
        for &h in &hidden {
            let (mut a, mut b) = (0, 0);
            for (k, c) in inp.classification.iter().filter(|(k, _)| k.n_hidden == h) {
                let _ = k;
                a += c.minima_histogram.get(nd).copied().unwrap_or(0);
                b += c.minima_histogram.iter().sum::<usize>();
            }
            per_h.push(format!("N_h = {h}: {a} of {b} ({})", pct(a, b)));
        }
        for (_, c) in inp.classification {
            nm += c.minima_histogram.iter().sum::<usize>();
            nm_ok += c.minima_histogram.get(nd).copied().unwrap_or(0);
            nt += c.ts_histogram.iter().sum::<usize>();
            nt_ok += c.ts_histogram.get(nd).copied().unwrap_or(0);
            sum_m += c
                .minima_histogram
                .iter()
                .enumerate()
                .map(|(k, n)| k * n)
                .sum::<usize>();
            sum_t += c
                .ts_histogram
                .iter()
                .enumerate()
                .map(|(k, n)| k * n)
                .sum::<usize>();
            let gmin = c
                .rows
                .iter()
                .filter(|r| r.kind == PointKind::Minimum)
                .min_by(|a, b| a.energy.total_cmp(&b.energy).then(a.id.cmp(&b.id)));
            if gmin.is_some_and(|g| g.classification.n_correct == nd) {
                gmin_ok += 1;
            }
        }
        let mean = |a: usize, b: usize| {
            if b == 0 {
                f64::NAN
            } else {
                a as f64 / b as f64
            }
        };
        let (by_lambda_hi, by_lambda_lo) = {
            let lmax = lambdas.first().copied();
            let lmin = lambdas.last().copied();
            let frac = |l: Option<f64>| {
                let (mut a, mut b) = (0, 0);
                for (_, c) in inp
                    .classification
                    .iter()
                    .filter(|(k, _)| Some(k.lambda) == l)
                {
                    a += c.minima_histogram.get(nd).copied().unwrap_or(0);
                    b += c.minima_histogram.iter().sum::<usize>();
                }
                (l.map(lambda_label).unwrap_or_default(), a, b)
            };
            (frac(lmax), frac(lmin))
        };
        let _ = writeln!(
            s,
            "\nHere: {nm_ok} of {nm} minima ({}) and {nt_ok} of {nt} transition states ({}) classify all {nd} points; \
             on average a minimum gets {:.2} and a transition state {:.2} of {nd} points right. \
             The global minimum classifies every point in {gmin_ok} of {} landscapes. \
             Minima classifying every point, by N_h: {}. At the largest lambda ({}) {} of {} minima do, at the smallest ({}) {} of {}.",
            pct(nm_ok, nm),
            pct(nt_ok, nt),
            mean(sum_m, nm),
            mean(sum_t, nt),
            inp.classification.len(),
            per_h.join("; "),
            by_lambda_hi.0,
            by_lambda_hi.1,
            by_lambda_hi.2,
            by_lambda_lo.0,
            by_lambda_lo.1,
            by_lambda_lo.2,
        );
    }

    // 6. Sensitivity.
    let _ = writeln!(
        s,
        "\n## 6. Sensitivity to noisy inputs: minima vs saddles\n"
    );
    let _ = writeln!(
        s,
        "Paper: minima and saddles differ in how sensitive their classification is to perturbed inputs."
    );
    if !inp.selection.wants(Output::Sensitivity) || inp.sensitivity.is_empty() {
        let _ = writeln!(s, "\nNot computed in this run (`--only`).");
    } else {
        let pooled = pooled_sensitivity(inp.sensitivity);
        let _ = write!(s, "\n| sigma |");
        for (g, n, _) in &pooled {
            let _ = write!(s, " {} ({n}) |", g.as_str());
        }
        let _ = write!(s, "\n|---|");
        for _ in &pooled {
            let _ = write!(s, "---|");
        }
        let _ = writeln!(s);
        let n_sigma = pooled.first().map_or(0, |p| p.2.len());
        for i in 0..n_sigma {
            let _ = write!(s, "| {:.3} |", pooled[0].2[i].0);
            for (_, _, c) in &pooled {
                let _ = write!(s, " {:.3} |", c[i].1);
            }
            let _ = writeln!(s);
        }
        let area = |c: &[(f64, f64)]| c.iter().map(|p| p.1).sum::<f64>() / c.len().max(1) as f64;
        let mut ranked: Vec<(String, f64)> = pooled
            .iter()
            .filter(|(_, n, _)| *n > 0)
            .map(|(g, _, c)| (g.as_str().to_owned(), area(c)))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        let _ = writeln!(
            s,
            "\nHere (mean fraction correct averaged over the sigmas, every point of every landscape): {}. \
             The {} are the most robust and the {} the least.",
            ranked
                .iter()
                .map(|(g, a)| format!("{g} {a:.3}"))
                .collect::<Vec<_>>()
                .join(", "),
            ranked.first().map_or("-", |r| r.0.as_str()),
            ranked.last().map_or("-", |r| r.0.as_str()),
        );
    }
    s
}
