//! Disconnectivity graphs (Becker and Karplus 1997; Wales, Miller and Walsh 1998).
//!
//! Two layers:
//!
//! - [`MergeTree`]: the exact merge tree. Transition states sorted by energy join the basins of
//!   their two minima with union-find (Kruskal); each join is a node at the exact energy of the
//!   transition state, so the energy at which two sets of minima first connect is exact.
//! - [`DisconnectivityGraph`]: the drawing as disconnectionDPS and pele draw it. At each energy
//!   level the minima below it are grouped into superbasins joined by transition states at or
//!   below it; each group is a node and a line joins each node to its group one level up. Every
//!   minimum has one leaf line ending at its energy: vertical while the minimum is alone in its
//!   group (the usual case), a diagonal to its first group when it joins other minima within the
//!   lowest bin above it (as pele draws leaves). Chains of levels where a group does not change
//!   are drawn as one vertical line. The global minimum is centred (CENTREGMIN): at every node
//!   with three or more children the child holding the lowest minimum goes in the middle and the
//!   others alternate right and left in order of decreasing basin size (number of minima, then
//!   lower energy); two children are ordered larger basin first. Minima not connected to the
//!   global minimum's tree at Emax are drawn as separate trees to its right and reported;
//!   minima at or above Emax are not drawn and are reported.
//!
//! Segments that belong to a group rather than one minimum carry the id of the group's lowest
//! minimum (a leaf line carries its own minimum's id), so colouring by `minimum_id` follows the
//! lowest minimum down each branch.
//!
//! One module per job: `tree` builds the merge tree, `layout` turns it into segments
//! ([`DisconnectivityGraph::new`]), `render` draws them as SVG
//! ([`DisconnectivityGraph::to_svg`]); the CSV of the segments is written here.

use std::io::Write;

use nnscape_landscape::{LandscapeDb, MinimumRecord, TransitionStateRecord};
use nnscape_model::Dataset;

use crate::{check_dataset, AnalysisError};

mod layout;
mod render;
mod tree;

pub use render::correct_colour;
pub use tree::{MergeNode, MergeTree};

/// A minimum as the graph needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DgMinimum {
    pub id: i64,
    pub energy: f64,
    /// Training points classified correctly (the leaf colour).
    pub n_correct: usize,
}

impl From<&MinimumRecord> for DgMinimum {
    fn from(m: &MinimumRecord) -> Self {
        Self {
            id: m.id,
            energy: m.point.energy,
            n_correct: m.point.n_correct,
        }
    }
}

/// A transition state as the graph needs it: an edge between two minima.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DgEdge {
    pub id: i64,
    pub energy: f64,
    pub min1: i64,
    pub min2: i64,
}

impl From<&TransitionStateRecord> for DgEdge {
    fn from(t: &TransitionStateRecord) -> Self {
        Self {
            id: t.id,
            energy: t.point.energy,
            min1: t.min1,
            min2: t.min2,
        }
    }
}

/// How the energy levels are chosen.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum Levels {
    /// This many levels, equally spaced from Emax down to just above the global minimum.
    Count(usize),
    /// Levels Emax, Emax - delta, ... down to the global minimum (disconnectionDPS DELTA).
    Spacing(f64),
}

/// Settings of the drawing; each field's doc gives its default (pele's and disconnectionDPS's).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DgraphParams {
    /// The energy levels. Default [`Levels::Count`]`(20)` (pele's 20 levels).
    pub levels: Levels,
    /// Top level; `None` (the default): the highest transition state (or just above the
    /// highest minimum when there are none), as pele's `Emax`.
    pub emax: Option<f64>,
    /// Put the branch of the lowest minimum in the middle at every node (disconnectionDPS
    /// `CENTREGMIN`). Default `true`.
    pub centre_gmin: bool,
}

/// Most levels a drawing may have: far more than a readable graph needs, and a bound on the
/// work and memory a typo (`--levels 1e9`) can ask for.
pub const MAX_LEVELS: usize = 100_000;

impl DgraphParams {
    /// Checks the settings that do not depend on the landscape: a level count in
    /// `1..=MAX_LEVELS`, a finite positive spacing, a finite `emax`. (Whether `emax` lies above
    /// the global minimum, and how many levels a spacing gives, is checked when drawing.)
    pub fn validate(&self) -> Result<(), AnalysisError> {
        match self.levels {
            Levels::Count(n) if !(1..=MAX_LEVELS).contains(&n) => {
                return Err(AnalysisError::InvalidSetting {
                    name: "levels",
                    value: n.to_string(),
                    reason: "must lie in 1..=100000",
                })
            }
            Levels::Spacing(d) if !(d.is_finite() && d > 0.0) => {
                return Err(AnalysisError::InvalidSetting {
                    name: "spacing",
                    value: d.to_string(),
                    reason: "must be finite and > 0",
                })
            }
            _ => {}
        }
        if let Some(e) = self.emax {
            if !e.is_finite() {
                return Err(AnalysisError::InvalidSetting {
                    name: "emax",
                    value: e.to_string(),
                    reason: "must be finite",
                });
            }
        }
        Ok(())
    }
}

impl Default for DgraphParams {
    fn default() -> Self {
        Self {
            levels: Levels::Count(20),
            emax: None,
            centre_gmin: true,
        }
    }
}

/// One straight line of the drawing, x in leaf slots (0, 1, ...), y in energy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    /// The minimum of a leaf line; for a group line the group's lowest minimum.
    pub minimum_id: i64,
    /// Whether this is the leaf line of `minimum_id` (its lower end is at the minimum's energy).
    pub leaf: bool,
}

/// A laid-out disconnectivity graph.
#[derive(Debug, Clone, PartialEq)]
pub struct DisconnectivityGraph {
    pub tree: MergeTree,
    /// The minima given, in input order.
    pub minima: Vec<DgMinimum>,
    /// Energy levels, ascending; the last is Emax.
    pub levels: Vec<f64>,
    pub segments: Vec<Segment>,
    /// (minimum id, x) of every drawn minimum, left to right.
    pub leaf_x: Vec<(i64, f64)>,
    /// The global minimum's id.
    pub global_minimum: i64,
    /// Drawn minima not connected to the global minimum at Emax, ascending id.
    pub disconnected: Vec<i64>,
    /// Minima at or above Emax (not drawn), ascending id.
    pub above_emax: Vec<i64>,
    /// Number of training points (the colour scale runs 0..=n_data).
    pub n_data: usize,
}

impl DisconnectivityGraph {
    /// Reads minima and transition states from `db` (checking that `dataset` is its data).
    pub fn from_db(
        db: &LandscapeDb,
        dataset: &Dataset,
        params: &DgraphParams,
    ) -> Result<Self, AnalysisError> {
        check_dataset(db.identity(), dataset)?;
        let minima: Vec<DgMinimum> = db.minima()?.iter().map(DgMinimum::from).collect();
        let edges: Vec<DgEdge> = db.transition_states()?.iter().map(DgEdge::from).collect();
        Self::new(&minima, &edges, dataset.len(), params)
    }

    /// CSV of the segments: `x1,y1,x2,y2,minimum_id` (x in leaf slots, y in energy). A group
    /// line carries the id of the group's lowest minimum; a leaf line its own minimum, with
    /// its lower end (y1) at the minimum's energy.
    pub fn write_csv(&self, out: impl Write) -> Result<(), AnalysisError> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["x1", "y1", "x2", "y2", "minimum_id"])?;
        for s in &self.segments {
            w.write_record([
                s.x1.to_string(),
                format!("{:.17e}", s.y1),
                s.x2.to_string(),
                format!("{:.17e}", s.y2),
                s.minimum_id.to_string(),
            ])?;
        }
        w.flush()?;
        Ok(())
    }
}
