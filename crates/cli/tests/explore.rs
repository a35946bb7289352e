//! `nnscape explore` / `export` end to end, including a run killed mid-way and resumed.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{nnscape, output, run_ok, success};
use nnscape_landscape::LandscapeDb;

const LANDSCAPE: [&str; 6] = ["--hidden", "4", "--lambda", "1e-3", "--max-cycles", "1"];

fn explore(db: &Path, threads: &str) -> String {
    let db = db.to_str().unwrap();
    run_ok(
        &[
            &["explore"][..],
            &LANDSCAPE,
            &["--db", db, "--threads", threads],
        ]
        .concat(),
    )
}

/// Minimum and transition-state energies (bit patterns) with their links, in id order.
fn contents(path: &Path) -> (Vec<u64>, Vec<(u64, i64, i64)>) {
    let db = LandscapeDb::open_existing(path).unwrap();
    db.snapshot().unwrap().energies_and_links()
}

fn count_minima(path: &Path) -> usize {
    // Read-only peek while the writer runs (WAL allows it).
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY);
    conn.and_then(|c| c.query_row("SELECT count(*) FROM minima", [], |r| r.get::<_, i64>(0)))
        .map_or(0, |n| n as usize)
}

#[test]
fn killed_run_keeps_its_points_and_resumes_to_the_same_landscape() {
    let dir = tempfile::tempdir().unwrap();
    let reference = dir.path().join("reference.sqlite");
    let summary = explore(&reference, "2");
    assert!(summary.contains("minima"), "{summary}");

    let db = dir.path().join("killed.sqlite");
    let mut child = nnscape()
        .arg("explore")
        .args(LANDSCAPE)
        .args(["--db", db.to_str().unwrap(), "--threads", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill it (SIGKILL: no chance to clean up) once it has committed a few minima.
    let start = Instant::now();
    let mut seen = 0;
    while start.elapsed() < Duration::from_secs(60) {
        seen = count_minima(&db);
        if seen >= 3 || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let finished_early = child.try_wait().unwrap().is_some();
    child.kill().ok();
    child.wait().unwrap();
    assert!(
        seen >= 1 && !finished_early,
        "the run should be killed mid-way (saw {seen} minima)"
    );

    let reopened = LandscapeDb::open_existing(&db).unwrap();
    assert_eq!(reopened.integrity_check().unwrap(), "ok");
    assert!(reopened.count_minima().unwrap() >= seen);
    drop(reopened);

    // Rerunning the same command resumes and ends with the landscape of an uninterrupted run.
    explore(&db, "1");
    assert_eq!(contents(&db), contents(&reference));
}

#[test]
fn export_csv_matches_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h2.sqlite");
    let h2 = ["--hidden", "2", "--lambda", "1e-2"];
    let stdout = run_ok(&[&["explore"][..], &h2, &["--db", db.to_str().unwrap()]].concat());
    assert!(
        stdout.contains("saturated") && stdout.contains("connected      yes"),
        "{stdout}"
    );
    let csv_dir = dir.path().join("csv");
    let ps_dir = dir.path().join("ps");
    run_ok(&[
        "export",
        "--db",
        db.to_str().unwrap(),
        "--csv",
        csv_dir.to_str().unwrap(),
        "--pathsample",
        ps_dir.to_str().unwrap(),
    ]);
    let store = LandscapeDb::open_existing(&db).unwrap();
    let minima = std::fs::read_to_string(csv_dir.join("minima.csv")).unwrap();
    let mut lines = minima.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header[..5],
        ["id", "energy", "rms_gradient", "index", "n_correct"]
    );
    assert_eq!(header.len(), 5 + 12);
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    let stored = store.minima().unwrap();
    assert_eq!(rows.len(), stored.len());
    for (row, m) in rows.iter().zip(&stored) {
        assert_eq!(row[0].parse::<i64>().unwrap(), m.id);
        assert_eq!(row[1].parse::<f64>().unwrap(), m.point.energy);
        let w: Vec<f64> = row[5..].iter().map(|v| v.parse().unwrap()).collect();
        assert_eq!(w, m.point.params); // full precision: bit-exact
    }
    let ts = std::fs::read_to_string(csv_dir.join("ts.csv")).unwrap();
    let mut lines = ts.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header[..7],
        [
            "id",
            "energy",
            "rms_gradient",
            "index",
            "n_correct",
            "min1",
            "min2"
        ]
    );
    let stored = store.transition_states().unwrap();
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), stored.len());
    for (row, t) in rows.iter().zip(&stored) {
        let f: Vec<&str> = row.split(',').collect();
        assert_eq!(f[3], "1");
        assert_eq!(
            (f[5].parse::<i64>().unwrap(), f[6].parse::<i64>().unwrap()),
            (t.min1, t.min2)
        );
    }
    for f in ["min.data", "ts.data", "points.min", "points.ts"] {
        assert!(ps_dir.join(f).exists(), "{f}");
    }
    // Importing the PATHSAMPLE files into a fresh database gives the same counts.
    let copy = dir.path().join("copy.sqlite");
    let (copy_db, ps) = (copy.to_str().unwrap(), ps_dir.to_str().unwrap());
    success(output(
        &[&["import"][..], &h2, &["--db", copy_db, "--pathsample", ps]].concat(),
    ));
    assert_eq!(contents(&copy), contents(&db));
    // A database of another landscape is refused, untouched.
    let before = std::fs::read(&db).unwrap();
    let out = output(&[
        "explore",
        "--hidden",
        "3",
        "--lambda",
        "1e-2",
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("N_h is 2 in the file but 3"));
    assert_eq!(std::fs::read(&db).unwrap(), before);
}
