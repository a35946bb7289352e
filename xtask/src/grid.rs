//! The grid of landscapes (N_h x lambda), their names, and what `--only` selects.

use anyhow::{bail, ensure, Result};
use serde::Serialize;

/// N_h of the default grid.
pub const FULL_HIDDEN: [usize; 5] = [1, 2, 3, 4, 5];
/// lambda of the default grid, largest first (the row order of every table).
pub const FULL_LAMBDAS: [f64; 9] = [1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5];
/// N_h of the `--quick` grid.
pub const QUICK_HIDDEN: [usize; 3] = [1, 2, 3];
/// lambda of the `--quick` grid.
pub const QUICK_LAMBDAS: [f64; 3] = [1e-1, 1e-2, 1e-3];

/// The output families `--only` accepts (besides a landscape name such as `h3_l1e-3`).
pub const OUTPUT_NAMES: [&str; 7] = [
    "counts",
    "dgraph",
    "classification",
    "sensitivity",
    "embedding",
    "training",
    "compression",
];

/// Which landscapes: every N_h with every lambda.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grid {
    pub hidden: Vec<usize>,
    pub lambdas: Vec<f64>,
}

impl Grid {
    /// N_h 1..=5 and lambda 1e-1 .. 1e-5 (1 and 3 per decade): 45 landscapes.
    pub fn full() -> Self {
        Self {
            hidden: FULL_HIDDEN.to_vec(),
            lambdas: FULL_LAMBDAS.to_vec(),
        }
    }
    /// N_h 1..=3 and lambda 1e-1, 1e-2, 1e-3: 9 landscapes.
    pub fn quick() -> Self {
        Self {
            hidden: QUICK_HIDDEN.to_vec(),
            lambdas: QUICK_LAMBDAS.to_vec(),
        }
    }
    /// Landscapes in table order: N_h ascending, then lambda in the order given.
    pub fn landscapes(&self) -> Vec<LandscapeKey> {
        self.hidden
            .iter()
            .flat_map(|&n_hidden| {
                self.lambdas
                    .iter()
                    .map(move |&lambda| LandscapeKey { n_hidden, lambda })
            })
            .collect()
    }
    pub(crate) fn validate(&self) -> Result<()> {
        ensure!(
            !self.hidden.is_empty() && !self.lambdas.is_empty(),
            "the grid is empty"
        );
        for &h in &self.hidden {
            ensure!(h >= 1, "N_h must be at least 1, got {h}");
        }
        for &l in &self.lambdas {
            ensure!(
                l.is_finite() && l > 0.0,
                "lambda must be finite and positive, got {l}"
            );
        }
        let names: std::collections::BTreeSet<String> =
            self.landscapes().iter().map(|k| k.name()).collect();
        ensure!(
            names.len() == self.hidden.len() * self.lambdas.len(),
            "the grid repeats a landscape"
        );
        Ok(())
    }
}

/// One landscape of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LandscapeKey {
    pub n_hidden: usize,
    pub lambda: f64,
}

impl LandscapeKey {
    /// File-name-safe name, e.g. `h3_l1e-3`.
    pub fn name(&self) -> String {
        format!("h{}_l{}", self.n_hidden, lambda_label(self.lambda))
    }
}

/// lambda as written in file names: Rust's shortest `{:e}` form (`1e-3`, `3e-4`, `2.5e-2`).
pub fn lambda_label(lambda: f64) -> String {
    format!("{lambda:e}")
}

/// One output family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Output {
    /// counts.csv, counts_vs_lambda.svg, counts_vs_nh.svg, ratio.svg.
    Counts,
    /// `dgraph_<landscape>.csv` and `.svg`.
    Dgraph,
    /// classification.csv.
    Classification,
    /// sensitivity.csv and sensitivity.svg.
    Sensitivity,
    /// embedding.csv.
    Embedding,
    /// training.csv and landing.svg (runs on the landscapes of the training plan; minima a map
    /// lacks are stored in it).
    Training,
    /// compression.csv.
    Compression,
}

impl Output {
    pub const ALL: [Output; 7] = [
        Output::Counts,
        Output::Dgraph,
        Output::Classification,
        Output::Sensitivity,
        Output::Embedding,
        Output::Training,
        Output::Compression,
    ];
    pub fn name(self) -> &'static str {
        OUTPUT_NAMES[self as usize]
    }
}

/// What `--only` selected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Selection {
    /// Every landscape, every output.
    All,
    /// Every landscape, one output family.
    Output(Output),
    /// One landscape of the grid, every output.
    Landscape(LandscapeKey),
}

impl Selection {
    /// Parses an `--only` value against the grid.
    pub fn parse(name: &str, grid: &Grid) -> Result<Self> {
        if let Some(o) = Output::ALL.iter().find(|o| o.name() == name) {
            return Ok(Self::Output(*o));
        }
        let keys = grid.landscapes();
        if let Some(k) = keys.iter().find(|k| k.name() == name) {
            return Ok(Self::Landscape(*k));
        }
        let names: Vec<String> = keys.iter().map(|k| k.name()).collect();
        bail!(
            "unknown --only value {name:?}: expected one of the outputs {} or a landscape of the grid ({})",
            OUTPUT_NAMES.join(", "),
            names.join(", ")
        )
    }
    pub(crate) fn wants(&self, o: Output) -> bool {
        match self {
            Self::Output(x) => *x == o,
            _ => true,
        }
    }
}

/// The distinct values of `v`, ascending (the axes of the tables and plots).
pub(crate) fn sorted_unique<T: PartialOrd + Copy>(mut v: Vec<T>) -> Vec<T> {
    v.sort_by(|a, b| a.partial_cmp(b).expect("finite"));
    v.dedup_by(|a, b| a == b);
    v
}
