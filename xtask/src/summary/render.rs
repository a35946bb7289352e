//! SUMMARY.md from the numbers of [`super::claims`]: the prose of each claim, and nothing
//! computed here beyond formatting (percentages, number lists).

use std::fmt::Write as _;

use super::claims::{
    Certainty, Classification, CountsTable, Embedding, Exception, Fraction, Growth,
    LambdaDependence, Overview, Points, Ratio, Sensitivity, EMBED_STATIONARY_RMS,
};
use super::{Claims, Finding};
use crate::grid::lambda_label;

fn seq(v: &[usize]) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

fn pct(f: Fraction) -> String {
    if f.of == 0 {
        "n/a".into()
    } else {
        format!("{:.1}%", 100.0 * f.hits as f64 / f.of as f64)
    }
}

fn points(p: Points) -> &'static str {
    match p {
        Points::Minima => "minima",
        Points::Ts => "TS",
    }
}

/// The heading of a claim and what the paper says.
fn claim(s: &mut String, title: &str, paper: &str) {
    let _ = writeln!(s, "\n## {title}\n");
    let _ = writeln!(s, "Paper: {paper}");
}

const NOT_COMPUTED: &str = "\nNot computed in this run (`--only`).";

/// The whole summary.
pub fn render(c: &Claims) -> String {
    let mut s = String::new();
    overview(&mut s, &c.overview);
    counts(&mut s, &c.counts);
    certainty(&mut s, &c.certainty);
    growth(&mut s, &c.growth);
    lambda(&mut s, &c.lambda);
    ratio(&mut s, &c.ratio);
    embedding(&mut s, &c.embedding, c.embed_seeds);
    classification(&mut s, &c.classification);
    sensitivity(&mut s, &c.sensitivity);
    s
}

fn overview(s: &mut String, o: &Overview) {
    let _ = writeln!(s, "# Reproduction summary\n");
    let _ = writeln!(
        s,
        "Mehta, Zhao, Bernal and Wales, *Loss surface of XOR artificial neural networks*, Phys. Rev. E 97, 052307 (2018), \
         reproduced by `cargo xtask reproduce`. Every number below is computed from the files next to this one \
         (counts up to the network symmetries: hidden-node permutations and sign flips)."
    );
    let _ = writeln!(
        s,
        "\nGrid: N_h in {{{}}}, lambda in {{{}}}: {} landscape(s) in this run, {} certified complete.",
        seq(&o.grid_hidden),
        o.grid_lambdas
            .iter()
            .map(|l| lambda_label(*l))
            .collect::<Vec<_>>()
            .join(", "),
        o.n_landscapes,
        o.n_saturated
    );
    if o.unsaturated.is_empty() {
        let _ = writeln!(
            s,
            "Every landscape is certified complete: independent random-start quenches and transition-state searches found \
             nothing new and estimate (Good-Turing) that one more would find an unseen point with a small probability, \
             two further seeds added nothing, and every minimum is joined to the global minimum (next section)."
        );
    } else {
        let open: Vec<String> = o
            .unsaturated
            .iter()
            .map(|(name, stop)| format!("{name} ({stop})"))
            .collect();
        let _ = writeln!(
            s,
            "Not certified complete, so their counts are lower bounds (marked `*` below and drawn hollow in the plots; \
             why in the next section): {}.",
            open.join(", ")
        );
    }
    if !o.disconnected.is_empty() {
        let _ = writeln!(
            s,
            "\nIn {} of {} landscapes the minima are not all joined to the global minimum by known transition states \
             (marked `+` below): {}. The transition states joining those minima were never found, so their \
             transition-state counts (and perhaps their minima) are lower bounds.",
            o.disconnected.len(),
            o.n_landscapes,
            o.disconnected.join(", ")
        );
    }
}

/// A probability in the summary's prose: `0` or two significant digits.
fn prob(p: f64) -> String {
    if p == 0.0 {
        "0".into()
    } else {
        format!("{p:.1e}")
    }
}

fn certainty(s: &mut String, groups: &[Certainty]) {
    let _ = writeln!(s, "\n## How sure the counts are\n");
    let _ = writeln!(
        s,
        "Each landscape's completeness certificate (`p_unseen_minimum, p_unseen_ts, seed_agreement, certified` in counts.csv): \
         random-start quenches and Newton root searches (for transition states) independent of the exploration, each end \
         point matched to the map; P(unseen) is the Good-Turing chance that one more trial reaches a point the map lacks \
         ((points reached exactly once + trials reaching new points) / trials); two further seeds must add \
         nothing and the map must be connected.\n"
    );
    for g in groups {
        let mut line = format!(
            "- N_h = {}: {} of {} landscape(s) certified",
            g.n_hidden, g.certified, g.landscapes
        );
        if let (Some(pm), Some(pt)) = (g.worst_p_minimum, g.worst_p_ts) {
            let _ = write!(
                line,
                "; at worst P(unseen minimum) = {} and P(unseen transition state) = {}; further seeds added nothing in {} of {}",
                prob(pm),
                prob(pt),
                g.seed_agreement,
                g.evaluated
            );
        }
        if !g.not_certified.is_empty() {
            let open: Vec<String> = g
                .not_certified
                .iter()
                .map(|(name, why)| format!("{name} ({why})"))
                .collect();
            let _ = write!(line, "; not certified: {}", open.join(", "));
        }
        let _ = writeln!(s, "{line}.");
    }
}

fn counts(s: &mut String, t: &CountsTable) {
    let _ = writeln!(s, "\n## Counts (minima / transition states)\n");
    let _ = write!(s, "| N_h |");
    for l in &t.axes.lambdas {
        let _ = write!(s, " lambda {} |", lambda_label(*l));
    }
    let _ = write!(s, "\n|---|");
    for _ in &t.axes.lambdas {
        let _ = write!(s, "---|");
    }
    let _ = writeln!(s);
    for (h, row) in t.axes.hidden.iter().zip(&t.cells) {
        let _ = write!(s, "| {h} |");
        for cell in row {
            match cell {
                Some(c) => {
                    let _ = write!(
                        s,
                        " {} / {}{}{} |",
                        c.minima,
                        c.ts,
                        if c.saturated { "" } else { "*" },
                        if c.connected { "" } else { "+" }
                    );
                }
                None => {
                    let _ = write!(s, " - |");
                }
            }
        }
        let _ = writeln!(s);
    }
}

/// "This follows the paper." or the exceptions, one `label(exception)` each.
fn verdict<K>(s: &mut String, intro: &str, exceptions: &[Exception<K>], at: impl Fn(&K) -> String) {
    if exceptions.is_empty() {
        let _ = writeln!(s, "This follows the paper.");
    } else {
        let list: Vec<String> = exceptions
            .iter()
            .map(|e| format!("{} at {}: {}", points(e.points), at(&e.at), seq(&e.counts)))
            .collect();
        let _ = writeln!(
            s,
            "Where it does not follow the paper ({intro}): {}.",
            list.join("; ")
        );
    }
}

fn growth(s: &mut String, g: &Finding<Growth>) {
    claim(
        s,
        "1. Growth with the number of hidden nodes",
        "the numbers of minima and of transition states grow quickly with N_h.",
    );
    let g = match g {
        Finding::Numbers(g) => g,
        _ => {
            let _ = writeln!(
                s,
                "\nThis run has a single N_h, so it says nothing about this claim."
            );
            return;
        }
    };
    let (h0, h1, n) = (g.h_first, g.h_last, g.n_lambdas);
    let _ = writeln!(
        s,
        "\nHere: over N_h = {h0} .. {h1}, the minima never decrease with N_h at {} of {n} lambda values and the transition states at {} of {n}; \
         both are larger at N_h = {h1} than at N_h = {h0} at {} of {n}. Summed over lambda, N_h = {h0} has {} minima and {} TS, N_h = {h1} has {} minima and {} TS.",
        g.minima_non_decreasing,
        g.ts_non_decreasing,
        g.both_grew,
        g.first.minima,
        g.first.ts,
        g.last.minima,
        g.last.ts,
    );
    verdict(s, "counts by increasing N_h", &g.exceptions, |l| {
        format!("lambda {}", lambda_label(*l))
    });
}

fn lambda(s: &mut String, d: &Finding<LambdaDependence>) {
    claim(
        s,
        "2. Dependence on the regularisation lambda",
        "larger lambda removes stationary points (fewer minima and transition states as lambda grows).",
    );
    let d = match d {
        Finding::Numbers(d) => d,
        _ => {
            let _ = writeln!(
                s,
                "\nThis run has a single lambda, so it says nothing about this claim."
            );
            return;
        }
    };
    let n = d.n_hidden_values;
    let (l0, l1) = (
        lambda_label(d.lambda_smallest),
        lambda_label(d.lambda_largest),
    );
    let _ = writeln!(
        s,
        "\nHere: the minima never increase as lambda grows at {} of {n} N_h values and the transition states at {} of {n}. \
         Summed over N_h, lambda = {l0} gives {} minima and {} TS, lambda = {l1} gives {} minima and {} TS.",
        d.minima_non_increasing,
        d.ts_non_increasing,
        d.smallest.minima,
        d.smallest.ts,
        d.largest.minima,
        d.largest.ts,
    );
    let intro = format!("counts by increasing lambda, {l0} .. {l1}");
    verdict(s, &intro, &d.exceptions, |h| format!("N_h = {h}"));
}

fn ratio(s: &mut String, r: &Ratio) {
    claim(
        s,
        "3. Transition states per minimum",
        "the counts of transition states are reported next to those of minima; their ratio says how richly the minima are interconnected (for molecular landscapes TS usually outnumber minima).",
    );
    let lines: Vec<String> = r
        .by_hidden
        .iter()
        .map(|b| {
            format!(
                "N_h = {}: mean {:.2} (range {:.2} .. {:.2})",
                b.n_hidden, b.mean, b.min, b.max
            )
        })
        .collect();
    let _ = writeln!(
        s,
        "\nHere: TS per minimum by N_h (over lambda): {}. TS outnumber minima in {} of {} landscapes; \
         the mean ratio {} with N_h.",
        lines.join("; "),
        r.ts_outnumber_minima,
        r.n_landscapes,
        match r.mean_never_decreases {
            None => "cannot be compared across N_h (single N_h)",
            Some(true) => "never decreases",
            Some(false) => "does not increase monotonically",
        }
    );
}

fn embedding(s: &mut String, e: &Finding<Embedding>, seeded: bool) {
    claim(
        s,
        "4. Embedding of smaller networks in larger ones",
        "the stationary points of smaller networks are embedded in larger ones (an extra hidden node with zero weights keeps \
         a stationary point stationary; its Hessian index can only stay or grow).",
    );
    let e = match e {
        Finding::NotComputed => {
            let _ = writeln!(s, "{NOT_COMPUTED}");
            return;
        }
        Finding::NothingToCompare => {
            let _ = writeln!(
                s,
                "\nThis run has no pair of landscapes (N_h, N_h + 1) at the same lambda, so nothing was embedded."
            );
            return;
        }
        Finding::Numbers(e) => e,
    };
    let of_all = |hits| {
        pct(Fraction {
            hits,
            of: e.n_points,
        })
    };
    let found = e.in_larger_db;
    let _ = writeln!(
        s,
        "\nHere: {} stationary points of {} pair(s) of landscapes were embedded. {} ({}) are stationary in the larger network \
         (RMS gradient < {EMBED_STATIONARY_RMS:e}); the Hessian index of {} ({}) equals the zero-node-block prediction. \
         Of {} minima, {} stay minima and {} become saddles; of {} transition states, {} stay index 1. \
         Of the {} embedded points with index 0 or 1, {} ({}) are in the larger landscape's database{}; \
         the other {} are minima or transition states of the larger network that its database lacks.",
        e.n_points,
        e.n_pairs,
        e.stationary,
        of_all(e.stationary),
        e.index_as_predicted,
        of_all(e.index_as_predicted),
        e.n_minima,
        e.minima_stay,
        e.n_minima - e.minima_stay,
        e.n_ts,
        e.ts_stay,
        found.of,
        found.hits,
        pct(found),
        if seeded {
            " (the larger landscapes were seeded with these points, so this counts the seeds that passed verification there)"
        } else {
            " (found by the independent exploration of the larger landscape: a direct measure of how incomplete that exploration is)"
        },
        found.of - found.hits,
    );
}

fn classification(s: &mut String, c: &Finding<Classification>) {
    claim(
        s,
        "5. How minima and saddles classify the data",
        "minima and saddles differ in how they classify the data (how many of the four XOR points they get right).",
    );
    let Finding::Numbers(c) = c else {
        let _ = writeln!(s, "{NOT_COMPUTED}");
        return;
    };
    let nd = c.n_data;
    let per_h: Vec<String> = c
        .minima_all_correct_by_hidden
        .iter()
        .map(|(h, f)| format!("N_h = {h}: {} of {} ({})", f.hits, f.of, pct(*f)))
        .collect();
    let label = |l: Option<f64>| l.map(lambda_label).unwrap_or_default();
    let (hi, lo) = (c.at_largest_lambda, c.at_smallest_lambda);
    let _ = writeln!(
        s,
        "\nHere: {} of {} minima ({}) and {} of {} transition states ({}) classify all {nd} points; \
         on average a minimum gets {:.2} and a transition state {:.2} of {nd} points right. \
         The global minimum classifies every point in {} of {} landscapes. \
         Minima classifying every point, by N_h: {}. At the largest lambda ({}) {} of {} minima do, at the smallest ({}) {} of {}.",
        c.minima_all_correct.hits,
        c.minima_all_correct.of,
        pct(c.minima_all_correct),
        c.ts_all_correct.hits,
        c.ts_all_correct.of,
        pct(c.ts_all_correct),
        c.mean_correct_minimum,
        c.mean_correct_ts,
        c.global_minimum_all_correct,
        c.n_landscapes,
        per_h.join("; "),
        label(hi.0),
        hi.1.hits,
        hi.1.of,
        label(lo.0),
        lo.1.hits,
        lo.1.of,
    );
}

fn sensitivity(s: &mut String, r: &Finding<Sensitivity>) {
    claim(
        s,
        "6. Sensitivity to noisy inputs: minima vs saddles",
        "minima and saddles differ in how sensitive their classification is to perturbed inputs.",
    );
    let Finding::Numbers(r) = r else {
        let _ = writeln!(s, "{NOT_COMPUTED}");
        return;
    };
    let _ = write!(s, "\n| sigma |");
    for c in &r.curves {
        let _ = write!(s, " {} ({}) |", c.group.as_str(), c.count);
    }
    let _ = write!(s, "\n|---|");
    for _ in &r.curves {
        let _ = write!(s, "---|");
    }
    let _ = writeln!(s);
    let n_sigma = r.curves.first().map_or(0, |c| c.points.len());
    for i in 0..n_sigma {
        let _ = write!(s, "| {:.3} |", r.curves[0].points[i].0);
        for c in &r.curves {
            let _ = write!(s, " {:.3} |", c.points[i].1);
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "\nThe table pools every point of every landscape and is no comparison: landscapes differ \
         in how many points of each group they have, and where W = 0 is the global minimum it \
         classifies no point. Compared within each landscape (paired), at sigma = {}:",
        r.sigma
    );
    for p in &r.pairs {
        let _ = writeln!(
            s,
            "- {} vs {}: {} landscapes with both; {} more robust in {}, tied (within {}) in {}, \
             less robust in {}; median difference of the fraction correct {:+.3}.",
            p.a.as_str(),
            p.b.as_str(),
            p.landscapes,
            p.a.as_str(),
            p.a_more_robust,
            crate::summary::claims::TIE,
            p.ties,
            p.b_more_robust,
            p.median_difference,
        );
    }
}
