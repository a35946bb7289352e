//! Counts of stationary points up to the network symmetries (the database rows) and up to the
//! network and data symmetries together.
//!
//! A permutation pi of the input features that maps the data set onto itself with the same
//! labels ([`Dataset::feature_symmetries`]; for XOR the swap of x1 and x2) is a symmetry of the
//! loss: with `w'_h[j][m] = w_h[j][pi(m)]` (everything else unchanged) the network W' on the
//! permuted input x_pi gives exactly what W gives on x, the data set is the same set of points,
//! and the regulariser is unchanged, so E(W') = E(W). Rows of a database that map onto each other
//! under such a permutation (same energy within the database's tolerance, symmetry-aware distance
//! below its distance tolerance: the database's own lookup) form one class.

use std::io::Write;

use nnscape_landscape::{global_minimum, LandscapeDb, UnionFind};
use nnscape_model::symmetry::permute_inputs;
use nnscape_model::Dataset;

use crate::{check_dataset, AnalysisError};

/// A database lookup: (energy, params) -> id of the stored copy, if any.
type Lookup<'a> = &'a dyn Fn(f64, &[f64]) -> Result<Option<i64>, AnalysisError>;

/// The counts table of one landscape.
#[derive(Debug, Clone, PartialEq)]
pub struct LandscapeCounts {
    pub n_hidden: usize,
    pub lambda: f64,
    /// Minima up to the network symmetries (database rows).
    pub n_minima: usize,
    /// Transition states up to the network symmetries.
    pub n_transition_states: usize,
    /// Transition states per minimum (NaN without minima).
    pub ts_per_minimum: f64,
    /// Lowest minimum energy (NaN without minima).
    pub global_minimum_energy: f64,
    /// Minima that classify every training point correctly (stored `n_correct` = N_data).
    pub n_minima_all_correct: usize,
    /// Order of the group of data symmetries found (1 = only the identity).
    pub n_data_symmetries: usize,
    /// Minima up to network and data symmetries.
    pub n_minima_classes: usize,
    /// Transition states up to network and data symmetries.
    pub n_ts_classes: usize,
}

/// Counts of the landscape in `db` on `dataset` (which must be the db's data).
pub fn landscape_counts(
    db: &LandscapeDb,
    dataset: &Dataset,
) -> Result<LandscapeCounts, AnalysisError> {
    check_dataset(db.identity(), dataset)?;
    let net = *db.network();
    let minima = db.minima()?;
    let ts = db.transition_states()?;
    let symmetries: Vec<Vec<usize>> = dataset
        .feature_symmetries()
        .into_iter()
        .filter(|p| p.iter().enumerate().any(|(m, &k)| m != k))
        .collect();
    let classes_of =
        |rows: Vec<(i64, f64, &[f64])>, find: Lookup<'_>| -> Result<usize, AnalysisError> {
            let index: std::collections::HashMap<i64, usize> =
                rows.iter().enumerate().map(|(i, r)| (r.0, i)).collect();
            let mut uf = UnionFind::new(rows.len());
            for (i, (_, energy, w)) in rows.iter().enumerate() {
                for perm in &symmetries {
                    let image = permute_inputs(&net, w, perm);
                    if let Some(j) = find(*energy, &image)?.and_then(|id| index.get(&id)) {
                        uf.union(i, *j);
                    }
                }
            }
            Ok(uf.classes())
        };
    let n_minima_classes = classes_of(
        minima
            .iter()
            .map(|m| (m.id, m.point.energy, m.point.params.as_slice()))
            .collect(),
        &|e, w| Ok(db.find_minimum(e, w)?),
    )?;
    let n_ts_classes = classes_of(
        ts.iter()
            .map(|t| (t.id, t.point.energy, t.point.params.as_slice()))
            .collect(),
        &|e, w| Ok(db.find_transition_state(e, w)?),
    )?;
    let n_minima = minima.len();
    Ok(LandscapeCounts {
        n_hidden: net.n_hidden(),
        lambda: net.lambda(),
        n_minima,
        n_transition_states: ts.len(),
        ts_per_minimum: if n_minima > 0 {
            ts.len() as f64 / n_minima as f64
        } else {
            f64::NAN
        },
        global_minimum_energy: global_minimum(&minima, |m| (m.point.energy, m.id))
            .map_or(f64::NAN, |m| m.point.energy),
        n_minima_all_correct: minima
            .iter()
            .filter(|m| m.point.n_correct == dataset.len())
            .count(),
        n_data_symmetries: symmetries.len() + 1,
        n_minima_classes,
        n_ts_classes,
    })
}

/// CSV header of [`write_counts_csv`].
pub const COUNTS_HEADER: [&str; 10] = [
    "n_hidden",
    "lambda",
    "n_minima",
    "n_ts",
    "ts_per_minimum",
    "global_min_energy",
    "n_minima_all_correct",
    "n_data_symmetries",
    "n_minima_data_classes",
    "n_ts_data_classes",
];

/// One row per landscape, header [`COUNTS_HEADER`].
pub fn write_counts_csv(rows: &[LandscapeCounts], out: impl Write) -> Result<(), AnalysisError> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COUNTS_HEADER)?;
    for c in rows {
        w.write_record([
            c.n_hidden.to_string(),
            format!("{:e}", c.lambda),
            c.n_minima.to_string(),
            c.n_transition_states.to_string(),
            c.ts_per_minimum.to_string(),
            format!("{:.17e}", c.global_minimum_energy),
            c.n_minima_all_correct.to_string(),
            c.n_data_symmetries.to_string(),
            c.n_minima_classes.to_string(),
            c.n_ts_classes.to_string(),
        ])?;
    }
    w.flush()?;
    Ok(())
}
