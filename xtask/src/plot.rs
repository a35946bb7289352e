//! The line plots of the study are drawn by the analysis crate's SVG module
//! ([`nnscape_analysis::svg::plot`]), the one SVG writer of the workspace, which also draws the
//! disconnectivity graphs; this module keeps the names xtask uses.

pub use nnscape_analysis::svg::plot::{Plot, Series, PALETTE};
