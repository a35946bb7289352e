//! Malformed data files and specifications give the right error, naming file, line and problem.
#![allow(clippy::needless_range_loop)]

use std::io::Write;

use nnscape_model::{DataError, Dataset, Loss, ModelError, Network, NetworkSpec};

fn load(
    contents: &str,
) -> (
    tempfile::TempDir,
    std::path::PathBuf,
    Result<Dataset, DataError>,
) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::File::create(&path)
        .unwrap()
        .write_all(contents.as_bytes())
        .unwrap();
    let r = Dataset::from_csv_path(&path);
    (dir, path, r)
}

fn message_names(err: &DataError, path: &std::path::Path, needles: &[&str]) {
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    for n in needles {
        assert!(msg.contains(n), "'{msg}' lacks '{n}'");
    }
}

#[test]
fn shipped_xor_file_equals_built_in() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/xor.csv");
    let d = Dataset::from_csv_path(path).unwrap();
    let x = Dataset::xor();
    assert_eq!(d.inputs(), x.inputs());
    assert_eq!(d.labels(), x.labels());
    assert_eq!(d.content_hash(), x.content_hash());
    assert_eq!(x.feature_symmetries(), vec![vec![0, 1], vec![1, 0]]);
}

#[test]
fn missing_file() {
    let err = Dataset::from_csv_path("/nonexistent/dir/data.csv").unwrap_err();
    assert!(matches!(err, DataError::Io { .. }));
    assert!(err.to_string().contains("/nonexistent/dir/data.csv"));
}

#[test]
fn ragged_row() {
    let (_d, p, r) = load("x1,x2,label\n0,0,0\n0,1\n");
    let e = r.unwrap_err();
    assert!(
        matches!(
            e,
            DataError::Ragged {
                line: 3,
                expected: 3,
                found: 2,
                ..
            }
        ),
        "{e:?}"
    );
    message_names(&e, &p, &["line 3", "ragged"]);
}

#[test]
fn non_numeric_value() {
    let (_d, p, r) = load("x1,x2,label\n0,0,0\n0,abc,1\n");
    let e = r.unwrap_err();
    assert!(matches!(e, DataError::NotNumeric { line: 3, .. }), "{e:?}");
    message_names(&e, &p, &["line 3", "x2", "abc", "not a number"]);
}

#[test]
fn non_finite_value() {
    for bad in ["NaN", "inf", "-inf"] {
        let (_d, p, r) = load(&format!("x1,x2,label\n0,0,0\n{bad},1,1\n"));
        let e = r.unwrap_err();
        assert!(matches!(e, DataError::NonFinite { line: 3, .. }), "{e:?}");
        message_names(&e, &p, &["line 3", "x1", "not finite"]);
    }
}

#[test]
fn non_integer_or_negative_label() {
    for bad in ["1.5", "-1", "one"] {
        let (_d, p, r) = load(&format!("x1,x2,label\n0,0,0\n0,1,{bad}\n"));
        let e = r.unwrap_err();
        assert!(
            matches!(e, DataError::BadLabel { line: 3, .. }),
            "{bad}: {e:?}"
        );
        message_names(&e, &p, &["line 3", bad]);
    }
    // "1.0" is an integer label.
    let (_d, _p, r) = load("x1,x2,label\n0,0,0\n0,1,1.0\n");
    assert_eq!(r.unwrap().labels(), &[0, 1]);
}

#[test]
fn skipped_class() {
    let (_d, p, r) = load("x1,label\n0,0\n1,2\n2,0\n");
    let e = r.unwrap_err();
    assert!(
        matches!(
            e,
            DataError::SkippedClass {
                missing: 1,
                n_classes: 3,
                ..
            }
        ),
        "{e:?}"
    );
    message_names(&e, &p, &["skip class 1"]);
}

#[test]
fn labels_and_values_out_of_range_are_refused_before_allocating() {
    // A label no class can have (at most as many classes as points), however large.
    for label in ["2", "1000000000000", "18446744073709551615"] {
        let (_d, p, r) = load(&format!("x1,label\n0,0\n1,{label}\n"));
        let e = r.unwrap_err();
        assert!(matches!(e, DataError::LabelRange { line: 3, .. }), "{e:?}");
        message_names(&e, &p, &["line 3", label, "0..2"]);
    }
    // Inputs beyond 1e6 (a value of 1e308 makes every energy infinite).
    for value in ["1e308", "-2e6", "1000001"] {
        let (_d, p, r) = load(&format!("x1,label\n0,0\n{value},1\n"));
        let e = r.unwrap_err();
        assert!(matches!(e, DataError::InputRange { line: 3, .. }), "{e:?}");
        message_names(&e, &p, &["line 3", "[-1e6, 1e6]"]);
    }
    // In memory too.
    let e = Dataset::new("m", 1, vec![0.0, 1e7], vec![0, 1]).unwrap_err();
    assert!(matches!(e, DataError::InputRange { line: 2, .. }), "{e:?}");
    let e = Dataset::new("m", 1, vec![0.0, 1.0], vec![0, 7]).unwrap_err();
    assert!(matches!(e, DataError::LabelRange { value: 7, .. }), "{e:?}");
}

#[test]
fn one_class_only() {
    let (_d, p, r) = load("x1,label\n0,0\n1,0\n");
    let e = r.unwrap_err();
    assert!(
        matches!(e, DataError::TooFewClasses { found: 1, .. }),
        "{e:?}"
    );
    message_names(&e, &p, &["at least two"]);
}

#[test]
fn empty_data() {
    for contents in ["", "x1,x2,label\n"] {
        let (_d, p, r) = load(contents);
        let e = r.unwrap_err();
        assert!(matches!(e, DataError::Empty { .. }), "{e:?}");
        message_names(&e, &p, &["no data"]);
    }
}

#[test]
fn header_without_label_column() {
    let (_d, p, r) = load("x1\n0\n");
    let e = r.unwrap_err();
    assert!(matches!(e, DataError::BadHeader { .. }), "{e:?}");
    message_names(&e, &p, &["header"]);
}

#[test]
fn invalid_network_specs() {
    assert!(matches!(
        Network::new(NetworkSpec {
            n_in: 0,
            n_hidden: 2,
            n_out: 2,
            lambda: 0.0
        }),
        Err(ModelError::LayerSize { what: "N_in", .. })
    ));
    assert!(matches!(
        Network::new(NetworkSpec {
            n_in: 2,
            n_hidden: 0,
            n_out: 2,
            lambda: 0.0
        }),
        Err(ModelError::LayerSize { what: "N_h", .. })
    ));
    assert!(matches!(
        Network::new(NetworkSpec {
            n_in: 2,
            n_hidden: 2,
            n_out: 1,
            lambda: 0.0
        }),
        Err(ModelError::LayerSize { what: "N_out", .. })
    ));
    // Sizes whose parameters (and Hessian) could not be held: an error naming the range of
    // N_h, before anything is allocated, also where the count overflows.
    for n_hidden in [819, 100_000_000_000, usize::MAX] {
        let e = Network::xor(n_hidden, 1e-3).unwrap_err();
        assert!(
            matches!(
                e,
                ModelError::TooLarge {
                    max_hidden: 818,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.to_string().contains("N_h must lie in 1..=818"), "{e}");
    }
    assert!(Network::xor(818, 1e-3).is_ok());
    let huge_input = NetworkSpec {
        n_in: usize::MAX,
        n_hidden: 1,
        n_out: 2,
        lambda: 0.0,
    };
    assert!(matches!(
        Network::new(huge_input),
        Err(ModelError::TooLarge { max_hidden: 0, .. })
    ));
    for bad in [-1e-4, f64::NAN, f64::INFINITY] {
        let e = Network::xor(2, bad).unwrap_err();
        assert!(matches!(e, ModelError::Lambda(_)));
        assert!(e.to_string().contains("lambda"), "{e}");
    }
    let net = Network::xor(2, 0.0).unwrap();
    let e = net.check_params(&[0.0; 11]).unwrap_err();
    assert!(
        e.to_string().contains("11 entries") && e.to_string().contains("has 12"),
        "{e}"
    );
    let mut w = vec![0.0; 12];
    w[4] = f64::NAN;
    assert!(matches!(
        net.check_params(&w),
        Err(ModelError::NonFiniteParameter { index: 4, .. })
    ));
    // A data set whose width or classes do not fit the network.
    let three_inputs = Dataset::new("d", 3, vec![0.0; 6], vec![0, 1]).unwrap();
    assert!(matches!(
        Loss::new(net, three_inputs),
        Err(ModelError::DatasetMismatch { .. })
    ));
    let three_classes = Dataset::new("d", 2, vec![0.0; 6], vec![0, 1, 2]).unwrap();
    assert!(Loss::new(net, three_classes)
        .unwrap_err()
        .to_string()
        .contains("3 classes"));
}

#[test]
#[should_panic(expected = "w has 11 entries but the 2-2-2, lambda = 1e-3 network needs 12")]
fn wrong_length_panics_with_a_message_in_every_build() {
    let mut loss = nnscape_model::Loss::new(
        nnscape_model::Network::xor(2, 1e-3).unwrap(),
        nnscape_model::Dataset::xor(),
    )
    .unwrap();
    loss.energy(&[0.0; 11]);
}
