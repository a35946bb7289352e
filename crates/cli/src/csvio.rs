//! The project's CSV formats for stationary points, shared by `minima`, `ts`, `connect` and
//! `export`: `id,energy,rms_gradient,index,n_correct[,min1,min2],w0,w1,...`, numbers in Rust's
//! shortest round-trip form so they read back bit for bit; and the one-row parameter vectors
//! `eval` reads. Reading and writing go through the `csv` crate; the checks here add what it
//! cannot know (the network's parameter count, ids) and name the file and line of a problem.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use anyhow::{ensure, Context, Result};
use csv::StringRecord;

/// One row: a minimum (no `link`) or a transition state (`link` = its two minima's ids).
pub struct PointRow<'a> {
    pub id: i64,
    pub energy: f64,
    pub rms_gradient: f64,
    pub index: usize,
    pub n_correct: usize,
    pub link: Option<(i64, i64)>,
    pub params: &'a [f64],
}

/// Writes a header and the rows. `with_links` selects the transition-state format (min1, min2
/// columns); every row must then carry a link.
pub fn write_points_csv<'a, W: Write>(
    out: W,
    n_params: usize,
    with_links: bool,
    rows: impl IntoIterator<Item = PointRow<'a>>,
) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let mut header: Vec<String> = ["id", "energy", "rms_gradient", "index", "n_correct"]
        .map(String::from)
        .to_vec();
    if with_links {
        header.extend(["min1".into(), "min2".into()]);
    }
    header.extend((0..n_params).map(|i| format!("w{i}")));
    w.write_record(&header)?;
    for r in rows {
        ensure!(
            r.params.len() == n_params,
            "point {} has {} parameters, expected {n_params}",
            r.id,
            r.params.len()
        );
        // `to_string` of an f64 is the shortest text that parses back to the same bits.
        let mut record = vec![
            r.id.to_string(),
            r.energy.to_string(),
            r.rms_gradient.to_string(),
            r.index.to_string(),
            r.n_correct.to_string(),
        ];
        if with_links {
            let (a, b) = r
                .link
                .ok_or_else(|| anyhow::anyhow!("transition state {} has no minima", r.id))?;
            record.extend([a.to_string(), b.to_string()]);
        }
        record.extend(r.params.iter().map(f64::to_string));
        w.write_record(&record)?;
    }
    w.flush()?;
    Ok(())
}

/// One row of a minima CSV.
#[derive(Debug, Clone)]
pub struct MinimumRow {
    pub id: usize,
    /// The energy the file gives (checked against the landscape by the reader's user).
    pub energy: f64,
    /// 1-based line in the file, for messages.
    pub line: u64,
    pub x: Vec<f64>,
}

/// A line with nothing on it (the csv crate keeps whitespace-only lines as one empty field).
fn is_blank(r: &StringRecord) -> bool {
    r.iter().all(str::is_empty) && r.len() <= 1
}

/// 1-based line of a record, for messages.
fn line_of(r: &StringRecord) -> u64 {
    r.position().map_or(0, csv::Position::line)
}

/// Reads the ids, energies and `w` columns of a minima CSV as `nnscape minima --csv` writes
/// it, checking the column count against the network's `n_params` and every number (finite)
/// on every line; a byte-order mark is accepted.
pub fn read_minima_csv(path: &Path, n_params: usize) -> Result<Vec<MinimumRow>> {
    let file = path.display();
    let text = crate::common::read_text(&path.to_string_lossy())?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut records = reader
        .records()
        .filter(|r| r.as_ref().map_or(true, |r| !is_blank(r)));
    let header = records
        .next()
        .with_context(|| format!("{file}: empty file"))?
        .with_context(|| format!("reading {file}"))?;
    let h = line_of(&header);
    let column = |name: &str| header.iter().position(|c| c == name);
    let w0 = column("w0").with_context(|| {
        format!("{file}:{h}: header has no w0 column (expected the `nnscape minima --csv` format)")
    })?;
    let id_col = column("id").with_context(|| format!("{file}:{h}: header has no id column"))?;
    let energy_col =
        column("energy").with_context(|| format!("{file}:{h}: header has no energy column"))?;
    let expected = w0 + n_params;
    ensure!(
        header.len() == expected,
        "{file}:{h}: header has {} w columns, the network has {n_params} parameters",
        header.len() - w0
    );
    let mut rows = Vec::new();
    let mut seen = HashSet::new();
    for record in records {
        let record = record.with_context(|| format!("reading {file}"))?;
        let line = line_of(&record);
        ensure!(
            record.len() == expected,
            "{file}:{line}: {} columns, expected {expected} ({w0} before w0 and {n_params} parameters)",
            record.len(),
        );
        let id = &record[id_col];
        let id = id
            .parse::<usize>()
            .with_context(|| format!("{file}:{line}: bad id {id:?}"))?;
        let number = |f: &str, column: &str| {
            let v = f
                .parse::<f64>()
                .with_context(|| format!("{file}:{line}: bad number {f:?} in column {column}"))?;
            ensure!(
                v.is_finite(),
                "{file}:{line}: column {column}: value {v} is not finite"
            );
            Ok(v)
        };
        let energy = number(&record[energy_col], "energy")?;
        let x = record
            .iter()
            .skip(w0)
            .enumerate()
            .map(|(k, f)| number(f, &format!("w{k}")))
            .collect::<Result<Vec<f64>>>()?;
        ensure!(seen.insert(id), "{file}:{line}: duplicate id {id}");
        rows.push(MinimumRow {
            id,
            energy,
            line,
            x,
        });
    }
    ensure!(!rows.is_empty(), "{file}: no minima");
    Ok(rows)
}

/// The values of a one-row parameter list: CSV (a header row, not all numbers, is skipped when
/// a data row follows it), fields also split at spaces and tabs so that a whitespace-separated
/// list reads the same.
pub fn parse_params_row(text: &str) -> Result<Vec<f64>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for record in reader.records() {
        let record = record.context("not a CSV row")?;
        let fields: Vec<String> = record
            .iter()
            .flat_map(str::split_whitespace)
            .map(str::to_owned)
            .collect();
        if !fields.is_empty() {
            rows.push(fields);
        }
    }
    let is_number = |f: &String| f.parse::<f64>().is_ok();
    // A first row that is not all numbers is a header only when a data row follows it.
    let (row, rest) = match rows.as_slice() {
        [] => anyhow::bail!("no parameter values found"),
        [first, second, rest @ ..] if !first.iter().all(is_number) => (second, rest),
        [first, rest @ ..] => (first, rest),
    };
    ensure!(
        rest.is_empty(),
        "expected one row of parameters, found several lines"
    );
    row.iter()
        .enumerate()
        .map(|(i, f)| {
            f.parse::<f64>()
                .with_context(|| format!("value {} ('{f}') is not a number", i + 1))
        })
        .collect()
}
