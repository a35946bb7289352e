//! Training data: real input vectors with integer class labels `0..n_classes`, every class
//! present. The built-in XOR set, a CSV loader (a header row, one column per input, then the
//! label) and the permutations of the input features that map a data set onto itself.

use std::path::{Path, PathBuf};

use crate::error::DataError;

/// A classification data set: `n_data` points of `n_in` real inputs, each with a class label in
/// `0..n_classes`, every class present.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    name: String,
    n_in: usize,
    n_classes: usize,
    /// Row-major `n_data x n_in`.
    inputs: Vec<f64>,
    labels: Vec<usize>,
}

const MEMORY: &str = "<memory>";

/// Largest magnitude of an input value: 1e6. The tanh units saturate long before that, and
/// products of such inputs with weights stay far from overflow (a value of 1e308 would turn
/// every energy infinite).
pub const MAX_INPUT: f64 = 1e6;

impl Dataset {
    /// Builds a data set from row-major inputs (`labels.len() x n_in`) and labels.
    ///
    /// Errors: empty data, wrong sizes, non-finite inputs, labels that skip a class, fewer than two
    /// classes.
    pub fn new(
        name: impl Into<String>,
        n_in: usize,
        inputs: Vec<f64>,
        labels: Vec<usize>,
    ) -> Result<Self, DataError> {
        let path = PathBuf::from(MEMORY);
        if labels.is_empty() {
            return Err(DataError::Empty { path });
        }
        if n_in == 0 || inputs.len() != labels.len() * n_in {
            return Err(DataError::Shape {
                path,
                message: format!(
                    "{} inputs for {} labels with N_in = {n_in}",
                    inputs.len(),
                    labels.len()
                ),
            });
        }
        if let Some(i) = inputs.iter().position(|v| !v.is_finite()) {
            return Err(DataError::NonFinite {
                path,
                line: (i / n_in) as u64 + 1,
                column: format!("x{}", i % n_in + 1),
                value: inputs[i].to_string(),
            });
        }
        if let Some(i) = inputs.iter().position(|v| v.abs() > MAX_INPUT) {
            return Err(DataError::InputRange {
                path,
                line: (i / n_in) as u64 + 1,
                column: format!("x{}", i % n_in + 1),
                value: inputs[i],
                max: MAX_INPUT,
            });
        }
        let points: Vec<u64> = (1..=labels.len() as u64).collect();
        check_label_range(&labels, &points, &path)?;
        Self::with_checked_classes(name.into(), n_in, inputs, labels, &path)
    }

    /// The XOR problem of Mehta et al. (2018): (0,0)->0, (0,1)->1, (1,0)->1, (1,1)->0.
    pub fn xor() -> Self {
        Self::new(
            "xor",
            2,
            vec![0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0],
            vec![0, 1, 1, 0],
        )
        .expect("built-in XOR data is valid")
    }

    /// Reads a CSV file with a header row: one column per input, then the integer class label
    /// (e.g. `x1,x2,label`). The data set is named after the file stem.
    pub fn from_csv_path(path: impl AsRef<Path>) -> Result<Self, DataError> {
        let path = path.as_ref();
        let file = std::fs::File::open(path).map_err(|source| DataError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "data".into());
        Self::from_csv_reader(name, path, file)
    }

    /// Reads CSV data from any reader; `path` is only used in error messages.
    pub fn from_csv_reader(
        name: impl Into<String>,
        path: impl AsRef<Path>,
        reader: impl std::io::Read,
    ) -> Result<Self, DataError> {
        let path = path.as_ref().to_path_buf();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(reader);
        let csv_err = |e: csv::Error, path: &PathBuf| DataError::Csv {
            path: path.clone(),
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        };
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| csv_err(e, &path))?
            .iter()
            .map(str::to_owned)
            .collect();
        if header.len() < 2 || header.iter().all(|h| h.is_empty()) {
            if header.iter().all(|h| h.is_empty()) {
                return Err(DataError::Empty { path });
            }
            return Err(DataError::BadHeader {
                path,
                found: header,
            });
        }
        let n_in = header.len() - 1;
        let mut inputs = Vec::new();
        let mut labels = Vec::new();
        let mut lines = Vec::new();
        for record in rdr.records() {
            let record = record.map_err(|e| csv_err(e, &path))?;
            let line = record.position().map_or(0, |p| p.line());
            // A blank line is skipped by the csv crate; a line of only commas is ragged or bad.
            if record.len() != header.len() {
                return Err(DataError::Ragged {
                    path,
                    line,
                    expected: header.len(),
                    found: record.len(),
                });
            }
            for (col, field) in record.iter().take(n_in).enumerate() {
                let value: f64 = field.parse().map_err(|_| DataError::NotNumeric {
                    path: path.clone(),
                    line,
                    column: header[col].clone(),
                    value: field.to_owned(),
                })?;
                if !value.is_finite() {
                    return Err(DataError::NonFinite {
                        path,
                        line,
                        column: header[col].clone(),
                        value: field.to_owned(),
                    });
                }
                if value.abs() > MAX_INPUT {
                    return Err(DataError::InputRange {
                        path,
                        line,
                        column: header[col].clone(),
                        value,
                        max: MAX_INPUT,
                    });
                }
                inputs.push(value);
            }
            let field = &record[n_in];
            labels.push(parse_label(field).ok_or_else(|| DataError::BadLabel {
                path: path.clone(),
                line,
                value: field.to_owned(),
            })?);
            lines.push(line);
        }
        if labels.is_empty() {
            return Err(DataError::Empty { path });
        }
        check_label_range(&labels, &lines, &path)?;
        Self::with_checked_classes(name.into(), n_in, inputs, labels, &path)
    }

    /// The data set from inputs and labels already checked for size, finiteness and emptiness,
    /// after the class check both constructors end with ([`check_classes`]).
    fn with_checked_classes(
        name: String,
        n_in: usize,
        inputs: Vec<f64>,
        labels: Vec<usize>,
        path: &Path,
    ) -> Result<Self, DataError> {
        let n_classes = check_classes(&labels, path)?;
        Ok(Self {
            name,
            n_in,
            n_classes,
            inputs,
            labels,
        })
    }

    /// The data set's name (the file stem for CSV data, `xor` for the built-in set).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Number of inputs per point, N_in.
    pub fn n_in(&self) -> usize {
        self.n_in
    }
    /// Number of classes (max label + 1).
    pub fn n_classes(&self) -> usize {
        self.n_classes
    }
    /// Number of data points.
    pub fn len(&self) -> usize {
        self.labels.len()
    }
    /// Always false: an empty data set cannot be built.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
    /// Inputs of point `d`.
    pub fn input(&self, d: usize) -> &[f64] {
        &self.inputs[d * self.n_in..(d + 1) * self.n_in]
    }
    /// All inputs, row-major `len() x n_in()`.
    pub fn inputs(&self) -> &[f64] {
        &self.inputs
    }
    /// Class label of point `d`.
    pub fn label(&self, d: usize) -> usize {
        self.labels[d]
    }
    /// All labels.
    pub fn labels(&self) -> &[usize] {
        &self.labels
    }

    /// A stable 64-bit FNV-1a hash of the shape, inputs (bit patterns) and labels, as 16 hex
    /// digits. Landscape databases record it so that a database is never reused with other data.
    pub fn content_hash(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for &b in bytes {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0000_0100_0000_01b3);
            }
        };
        eat(&(self.n_in as u64).to_le_bytes());
        eat(&(self.labels.len() as u64).to_le_bytes());
        for v in &self.inputs {
            eat(&v.to_bits().to_le_bytes());
        }
        for &l in &self.labels {
            eat(&(l as u64).to_le_bytes());
        }
        format!("{h:016x}")
    }

    /// Permutations of the input features that map the data set onto itself with the same labels
    /// (as a set of points). The identity is always included. For XOR: identity and the swap of
    /// x1 and x2. Brute force over `n_in!` permutations: meant for small `n_in` (<= 8).
    pub fn feature_symmetries(&self) -> Vec<Vec<usize>> {
        let mut rows: Vec<(Vec<u64>, usize)> = (0..self.len())
            .map(|d| {
                (
                    self.input(d).iter().map(|v| v.to_bits()).collect(),
                    self.label(d),
                )
            })
            .collect();
        rows.sort();
        let mut out = Vec::new();
        let mut perm: Vec<usize> = (0..self.n_in).collect();
        loop {
            let mut mapped: Vec<(Vec<u64>, usize)> = rows
                .iter()
                .map(|(x, l)| (perm.iter().map(|&k| x[k]).collect(), *l))
                .collect();
            mapped.sort();
            if mapped == rows {
                out.push(perm.clone());
            }
            if !next_permutation(&mut perm) {
                break;
            }
        }
        out
    }
}

fn next_permutation(p: &mut [usize]) -> bool {
    let n = p.len();
    if n < 2 {
        return false;
    }
    let mut i = n - 1;
    while i > 0 && p[i - 1] >= p[i] {
        i -= 1;
    }
    if i == 0 {
        return false;
    }
    let mut j = n - 1;
    while p[j] <= p[i - 1] {
        j -= 1;
    }
    p.swap(i - 1, j);
    p[i..].reverse();
    true
}

/// Accepts "1", "1.0", "+1"; rejects "1.5", "-1", "x".
fn parse_label(field: &str) -> Option<usize> {
    if let Ok(v) = field.parse::<usize>() {
        return Some(v);
    }
    let v: f64 = field.parse().ok()?;
    (v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 1e9).then_some(v as usize)
}

/// Refuses a label no class can have (at least the number of points: with every class
/// present there are at most that many classes), before anything is sized by the labels.
/// `lines[d]` names point d in messages.
fn check_label_range(labels: &[usize], lines: &[u64], path: &Path) -> Result<(), DataError> {
    match labels.iter().position(|&l| l >= labels.len()) {
        Some(d) => Err(DataError::LabelRange {
            path: path.to_path_buf(),
            line: lines[d],
            value: labels[d],
            n_data: labels.len(),
        }),
        None => Ok(()),
    }
}

/// The number of classes, max label + 1, when at least two are present and none is skipped.
fn check_classes(labels: &[usize], path: &Path) -> Result<usize, DataError> {
    let n_classes = labels.iter().max().map_or(0, |m| m + 1);
    let mut seen = vec![false; n_classes];
    for &l in labels {
        seen[l] = true;
    }
    let present = seen.iter().filter(|&&s| s).count();
    if present < 2 {
        return Err(DataError::TooFewClasses {
            path: path.to_path_buf(),
            found: present,
        });
    }
    if let Some(missing) = seen.iter().position(|&s| !s) {
        return Err(DataError::SkippedClass {
            path: path.to_path_buf(),
            missing,
            n_classes,
        });
    }
    Ok(n_classes)
}
