//! The CSV tables of the study: counts.csv (one row per landscape) and the classification,
//! sensitivity, embedding, training and compression tables of the analysis crate with the
//! landscape's `n_hidden,lambda` in front.
//!
//! The analysis crate formats its own columns ([`LandscapeClassification::csv_record`],
//! [`SensitivityRow::csv_records`], [`EmbedRow::csv_record`]); this module only adds the
//! landscape columns, so every number is formatted in one place.

use anyhow::Result;
use nnscape_analysis::classification::LandscapeClassification;
use nnscape_analysis::compression::{CompressionRow, COMPRESSION_CSV_HEADER};
use nnscape_analysis::counts::COUNTS_HEADER;
use nnscape_analysis::embed::{EmbedRow, EMBED_CSV_HEADER};
use nnscape_analysis::sensitivity::{LandscapeSensitivity, SensitivityRow, SENSITIVITY_CSV_HEADER};
use nnscape_analysis::training::LANDING_CSV_HEADER;
use nnscape_model::Dataset;
use serde::{Serialize, Serializer};

use crate::explore::LandscapeResult;
use crate::grid::LandscapeKey;
use crate::training::LandscapeTraining;

/// Header of counts.csv (the field names of `CountsRow`): the landscape's name, the
/// analysis crate's counts columns ([`COUNTS_HEADER`]), then how the exploration went, then
/// the completeness certificate (added last, so the earlier columns keep their places).
pub const COUNTS_CSV_HEADER: [&str; 20] = {
    const EXPLORATION: [&str; 9] = [
        "connected",
        "saturated",
        "stop",
        "searches",
        "seconds",
        "p_unseen_minimum",
        "p_unseen_ts",
        "seed_agreement",
        "certified",
    ];
    let mut h = [""; 20];
    h[0] = "landscape";
    // Loops by index: the only way to copy arrays in a const.
    let mut i = 0;
    while i < COUNTS_HEADER.len() {
        h[1 + i] = COUNTS_HEADER[i];
        i += 1;
    }
    let mut j = 0;
    while j < EXPLORATION.len() {
        h[1 + COUNTS_HEADER.len() + j] = EXPLORATION[j];
        j += 1;
    }
    h
};

/// Writes a float with `Display` (shortest round-trip digits, no exponent: `0.001`), the
/// format counts.csv has always used; serde's own float format (ryu) writes `1e-5` and `1.0`.
fn display<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(x)
}

/// [`display`] for an optional float; `None` is an empty field.
fn display_option<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match x {
        Some(x) => s.collect_str(x),
        None => s.serialize_str(""),
    }
}

/// One row of counts.csv.
#[derive(Serialize)]
struct CountsRow<'a> {
    landscape: &'a str,
    n_hidden: usize,
    #[serde(serialize_with = "display")]
    lambda: f64,
    n_minima: usize,
    n_ts: usize,
    #[serde(serialize_with = "display")]
    ts_per_minimum: f64,
    #[serde(serialize_with = "display")]
    global_min_energy: f64,
    n_minima_all_correct: usize,
    n_data_symmetries: usize,
    n_minima_data_classes: usize,
    n_ts_data_classes: usize,
    connected: bool,
    saturated: bool,
    stop: &'a str,
    /// Searches logged in the database over every run.
    searches: usize,
    /// Exploration seconds over every run.
    #[serde(serialize_with = "display")]
    seconds: f64,
    /// The last certificate evaluation's Good-Turing estimates, seed agreement and verdict
    /// (empty when none finished).
    #[serde(serialize_with = "display_option")]
    p_unseen_minimum: Option<f64>,
    #[serde(serialize_with = "display_option")]
    p_unseen_ts: Option<f64>,
    seed_agreement: Option<bool>,
    certified: bool,
}

impl<'a> From<&'a LandscapeResult> for CountsRow<'a> {
    fn from(r: &'a LandscapeResult) -> Self {
        let c = &r.counts;
        Self {
            landscape: &r.name,
            n_hidden: r.n_hidden,
            lambda: r.lambda,
            n_minima: c.n_minima,
            n_ts: c.n_transition_states,
            ts_per_minimum: c.ts_per_minimum,
            global_min_energy: c.global_minimum_energy,
            n_minima_all_correct: c.n_minima_all_correct,
            n_data_symmetries: c.n_data_symmetries,
            n_minima_data_classes: c.n_minima_classes,
            n_ts_data_classes: c.n_ts_classes,
            connected: r.connected,
            saturated: r.saturated,
            stop: &r.stop,
            searches: r.searches_total,
            seconds: r.seconds_total,
            p_unseen_minimum: r.certificate.as_ref().map(|c| c.p_unseen_minimum),
            p_unseen_ts: r.certificate.as_ref().map(|c| c.p_unseen_ts),
            seed_agreement: r.certificate.as_ref().map(|c| c.seed_agreement),
            certified: r.certificate.as_ref().is_some_and(|c| c.certified),
        }
    }
}

/// counts.csv: one row per landscape, header [`COUNTS_CSV_HEADER`].
pub(crate) fn counts_csv(results: &[LandscapeResult]) -> Result<Vec<u8>> {
    // The header is written by hand so that it is there even without rows.
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(COUNTS_CSV_HEADER)?;
    for r in results {
        w.serialize(CountsRow::from(r))?;
    }
    Ok(w.into_inner()?)
}

/// The landscape columns `n_hidden,lambda` as the tables write them.
fn key_columns(k: &LandscapeKey) -> [String; 2] {
    [k.n_hidden.to_string(), k.lambda.to_string()]
}

/// A CSV writer with `header` written.
fn writer_with_header<I, T>(header: I) -> Result<csv::Writer<Vec<u8>>>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    Ok(w)
}

/// classification.csv: `n_hidden,lambda` then the analysis crate's columns.
pub(crate) fn classification_csv(
    rows: &[(LandscapeKey, LandscapeClassification)],
    dataset: &Dataset,
) -> Result<Vec<u8>> {
    let header = ["n_hidden".to_owned(), "lambda".to_owned()]
        .into_iter()
        .chain(LandscapeClassification::csv_header(dataset));
    let mut w = writer_with_header(header)?;
    for (k, c) in rows {
        for row in &c.rows {
            let rec = LandscapeClassification::csv_record(row, dataset);
            w.write_record(key_columns(k).iter().chain(&rec))?;
        }
    }
    Ok(w.into_inner()?)
}

/// sensitivity.csv: `n_hidden,lambda,group` then the analysis crate's columns (the group as a
/// single word: `global_minimum`, `other_minima`, `transition_states`).
pub(crate) fn sensitivity_csv(rows: &[(LandscapeKey, LandscapeSensitivity)]) -> Result<Vec<u8>> {
    let header = ["n_hidden", "lambda", "group"]
        .into_iter()
        .chain(SENSITIVITY_CSV_HEADER);
    let mut w = writer_with_header(header)?;
    for (k, s) in rows {
        for (row, group) in s.rows.iter().zip(s.row_groups()) {
            let group = group.as_str().replace(' ', "_");
            for rec in SensitivityRow::csv_records(row, &s.sigmas) {
                let [n_hidden, lambda] = key_columns(k);
                w.write_record([n_hidden, lambda, group.clone()].iter().chain(&rec))?;
            }
        }
    }
    Ok(w.into_inner()?)
}

/// embedding.csv: `n_hidden,lambda` (of the smaller network) then the analysis crate's columns.
pub(crate) fn embedding_csv(rows: &[(LandscapeKey, Vec<EmbedRow>)]) -> Result<Vec<u8>> {
    let header = ["n_hidden", "lambda"].into_iter().chain(EMBED_CSV_HEADER);
    let mut w = writer_with_header(header)?;
    for (k, r) in rows {
        for row in r {
            w.write_record(key_columns(k).iter().chain(&row.csv_record()))?;
        }
    }
    Ok(w.into_inner()?)
}

/// training.csv: `n_hidden,lambda` then one run per row ([`LANDING_CSV_HEADER`]).
pub(crate) fn training_csv(rows: &[LandscapeTraining]) -> Result<Vec<u8>> {
    let header = ["n_hidden", "lambda"].into_iter().chain(LANDING_CSV_HEADER);
    let mut w = writer_with_header(header)?;
    for t in rows {
        for l in &t.landings {
            w.write_record(key_columns(&t.key).iter().chain(&l.csv_record()))?;
        }
    }
    Ok(w.into_inner()?)
}

/// compression.csv: `n_hidden,lambda` then one stationary point per row
/// ([`COMPRESSION_CSV_HEADER`]).
pub(crate) fn compression_csv(rows: &[(LandscapeKey, Vec<CompressionRow>)]) -> Result<Vec<u8>> {
    let header = ["n_hidden", "lambda"]
        .into_iter()
        .chain(COMPRESSION_CSV_HEADER);
    let mut w = writer_with_header(header)?;
    for (k, r) in rows {
        for row in r {
            w.write_record(key_columns(k).iter().chain(&row.csv_record()))?;
        }
    }
    Ok(w.into_inner()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use nnscape_analysis::counts::LandscapeCounts;
    use std::path::PathBuf;

    fn result(name: &str, lambda: f64, minima: usize, ts: usize) -> LandscapeResult {
        LandscapeResult {
            name: name.into(),
            n_hidden: 2,
            lambda,
            db: PathBuf::from("db/x.sqlite"),
            saturated: true,
            stop: "saturated".into(),
            connected: false,
            cycles: 2,
            searches_this_run: 0,
            searches_total: 9,
            seconds_this_run: 0.0,
            seconds_total: 0.213,
            budget_seconds: 1.0,
            certificate: Some(crate::explore::CertificateFigures {
                p_unseen_minimum: 0.0005,
                p_unseen_ts: 0.02,
                seed_agreement: true,
                certified: false,
                failed: "connected".into(),
                disconnected: 1,
                evaluations: 1,
            }),
            counts: LandscapeCounts {
                n_hidden: 2,
                lambda,
                n_minima: minima,
                n_transition_states: ts,
                ts_per_minimum: ts as f64 / minima as f64,
                global_minimum_energy: 0.08355758969359212,
                n_minima_all_correct: 2,
                n_data_symmetries: 2,
                n_minima_classes: 5,
                n_ts_classes: 9,
            },
        }
    }

    #[test]
    fn counts_rows_keep_the_display_float_format_and_the_header() {
        let bytes = counts_csv(&[result("h2_l1e-5", 1e-5, 7, 15)]).unwrap();
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            format!(
                "{}\nh2_l1e-5,2,0.00001,7,15,2.142857142857143,0.08355758969359212,2,2,5,9,false,true,saturated,9,0.213,0.0005,0.02,true,false\n",
                COUNTS_CSV_HEADER.join(",")
            )
        );
    }

    #[test]
    fn counts_header_matches_the_row_fields() {
        // The serde field names are the header a self-describing writer would use.
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(CountsRow::from(&result("h2_l1e-1", 0.1, 1, 0)))
            .unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(
            text.lines().next(),
            Some(COUNTS_CSV_HEADER.join(",").as_str())
        );
        assert!(text.contains(",0.1,1,0,0,"), "{text}");
    }

    #[test]
    fn empty_tables_still_have_their_headers() {
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        assert_eq!(text(counts_csv(&[]).unwrap()).lines().count(), 1);
        assert_eq!(
            text(embedding_csv(&[]).unwrap()),
            "n_hidden,lambda,kind,id,energy,rms_gradient_embedded,index_small,index_large,found_in_larger\n"
        );
        assert_eq!(
            text(sensitivity_csv(&[]).unwrap()),
            "n_hidden,lambda,group,kind,id,energy,sigma,fraction_correct,mean_input_gradient_norm\n"
        );
        let header = text(classification_csv(&[], &Dataset::xor()).unwrap());
        assert!(
            header.starts_with("n_hidden,lambda,kind,id,energy,"),
            "{header}"
        );
        assert!(header.ends_with(",p_true_3,correct_3\n"), "{header}");
    }
}
