//! Two writers at once, on a new file and on an existing one: each finishes correctly or says
//! that the file is in use, and the database ends intact.

mod common;

use std::path::Path;
use std::process::{Child, Output, Stdio};

use common::{nnscape, run_ok, H1};
use nnscape_landscape::LandscapeDb;

fn spawn(args: &[&str]) -> Child {
    nnscape()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Asserts that a writer either succeeded or was told the file is in use; returns whether it
/// succeeded.
fn finished_or_in_use(out: &Output, db: &Path) -> bool {
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        return true;
    }
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("in use by another process")
            && stderr.contains(db.file_name().unwrap().to_str().unwrap()),
        "{stderr}"
    );
    false
}

/// The database opens (whole file, foreign keys, point invariants) with its integrity intact.
fn intact(db: &Path) -> (Vec<u64>, Vec<(u64, i64, i64)>) {
    let store = LandscapeDb::open_existing(db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    store.snapshot().unwrap().energies_and_links()
}

#[test]
fn two_writers_on_a_new_and_on_an_existing_file() {
    let dir = tempfile::tempdir().unwrap();
    let reference = dir.path().join("reference.sqlite");
    common::explore_h1(&reference);
    let expected = intact(&reference);

    // A new file: two explorations started together. The one that runs maps the landscape as
    // if alone; the other says the file is in use (or, started after the first one ended,
    // finds it complete).
    let db = dir.path().join("h1.sqlite");
    let args: Vec<&str> = [&["explore"][..], &H1, &["--db", db.to_str().unwrap()]].concat();
    for _ in 0..3 {
        let _ = std::fs::remove_file(&db);
        let (a, b) = (spawn(&args), spawn(&args));
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        let done = [finished_or_in_use(&a, &db), finished_or_in_use(&b, &db)];
        assert!(done.contains(&true));
        assert_eq!(intact(&db), expected);
    }

    // An existing file: an exploration with another seed and an import of the reference's
    // points, at once. Both end well or the second is told the file is in use; the database
    // ends intact and holds at least the reference's minima.
    let ps = dir.path().join("ps");
    run_ok(&[
        "export",
        "--db",
        reference.to_str().unwrap(),
        "--pathsample",
        ps.to_str().unwrap(),
    ]);
    let partial = dir.path().join("partial.sqlite");
    let p = partial.to_str().unwrap();
    run_ok(&[&["explore"][..], &H1, &["--db", p, "--max-cycles", "1"]].concat());
    let explore = [&["explore"][..], &H1, &["--db", p, "--seed", "7"]].concat();
    let import = [
        &["import"][..],
        &H1,
        &["--db", p, "--pathsample", ps.to_str().unwrap()],
    ]
    .concat();
    let (a, b) = (spawn(&explore), spawn(&import));
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    let done = [
        finished_or_in_use(&a, &partial),
        finished_or_in_use(&b, &partial),
    ];
    assert!(done.contains(&true));
    let (minima, _) = intact(&partial);
    assert!(!minima.is_empty());
    // Run again one after the other: the file takes both writers' work.
    run_ok(&import);
    run_ok(&explore);
    let (minima, _) = intact(&partial);
    assert!(minima.len() >= expected.0.len(), "{minima:?}");
}
