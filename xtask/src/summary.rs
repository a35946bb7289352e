//! SUMMARY.md: one paragraph per claim of the paper, each stating what the numbers of this run
//! show (computed here, never canned), including where they do not follow the paper.
//!
//! [`claims`] computes the numbers of each claim (one function and one struct per claim, unit
//! tested); [`render`] writes them as Markdown.

mod beyond;
mod claims;
mod render;

use nnscape_analysis::classification::LandscapeClassification;
use nnscape_analysis::embed::EmbedRow;
use nnscape_analysis::sensitivity::LandscapeSensitivity;

use crate::explore::LandscapeResult;
use crate::grid::{Grid, LandscapeKey, Output, Selection};

pub use claims::pooled_curves;

/// The tables of one run that the summary reads.
pub struct SummaryInput<'a> {
    pub grid: &'a Grid,
    pub selection: &'a Selection,
    pub results: &'a [LandscapeResult],
    pub classification: &'a [(LandscapeKey, LandscapeClassification)],
    pub sensitivity: &'a [(LandscapeKey, LandscapeSensitivity)],
    pub embedding: &'a [(LandscapeKey, Vec<EmbedRow>)],
    pub training: &'a [crate::training::LandscapeTraining],
    pub compression: &'a [(
        LandscapeKey,
        Vec<nnscape_analysis::compression::CompressionRow>,
    )],
    pub dataset_len: usize,
    /// Whether the larger landscapes were seeded with the embedded points of the smaller ones.
    pub embed_seeds: bool,
}

/// What the summary can say about one claim.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding<T> {
    /// Its output family was not selected (`--only`).
    NotComputed,
    /// The run has nothing to compare (a single N_h or lambda, no pair to embed).
    NothingToCompare,
    Numbers(T),
}

impl<T> Finding<T> {
    fn of(selected: bool, numbers: Option<T>) -> Self {
        match (selected, numbers) {
            (false, _) => Self::NotComputed,
            (true, None) => Self::NothingToCompare,
            (true, Some(n)) => Self::Numbers(n),
        }
    }
}

/// The numbers of every claim.
#[derive(Debug, Clone, PartialEq)]
pub struct Claims {
    pub overview: claims::Overview,
    pub counts: claims::CountsTable,
    /// How sure the counts are, per N_h (the completeness certificates).
    pub certainty: Vec<claims::Certainty>,
    pub growth: Finding<claims::Growth>,
    pub lambda: Finding<claims::LambdaDependence>,
    pub ratio: claims::Ratio,
    pub embedding: Finding<claims::Embedding>,
    /// Whether the larger landscapes were seeded with the embedded points (changes what
    /// "found in the larger database" means).
    pub embed_seeds: bool,
    pub classification: Finding<claims::Classification>,
    pub sensitivity: Finding<claims::Sensitivity>,
    /// Beyond the paper: training (`None` inside when no landscape was trained) and
    /// compression, with whether each was selected.
    pub training: (bool, Option<beyond::Training>),
    pub compression: (bool, Option<beyond::Compression>),
}

impl Claims {
    pub fn of(inp: &SummaryInput<'_>) -> Self {
        let res = inp.results;
        let wants = |o| inp.selection.wants(o);
        let axes = claims::Axes::of(res);
        Self {
            overview: claims::overview(inp.grid, res),
            counts: claims::counts_table(res),
            certainty: claims::certainty(res),
            growth: Finding::of(true, claims::growth(res)),
            lambda: Finding::of(true, claims::lambda_dependence(res)),
            ratio: claims::ratio(res),
            embedding: Finding::of(wants(Output::Embedding), claims::embedding(inp.embedding)),
            embed_seeds: inp.embed_seeds,
            classification: Finding::of(
                wants(Output::Classification),
                Some(claims::classification(
                    inp.classification,
                    &axes,
                    inp.dataset_len,
                )),
            ),
            // No sensitivity results reads as not computed, as when it was not selected.
            sensitivity: match claims::sensitivity(inp.sensitivity) {
                Some(s) if wants(Output::Sensitivity) => Finding::Numbers(s),
                _ => Finding::NotComputed,
            },
            training: (wants(Output::Training), beyond::training(inp.training)),
            compression: (
                wants(Output::Compression),
                beyond::compression(inp.compression),
            ),
        }
    }
}

/// Markdown of the whole summary.
pub fn summary_markdown(inp: &SummaryInput<'_>) -> String {
    let c = Claims::of(inp);
    let mut s = render::render(&c);
    beyond::render_training(&mut s, c.training.1.as_ref(), c.training.0);
    beyond::render_compression(&mut s, c.compression.1.as_ref(), c.compression.0);
    s
}
