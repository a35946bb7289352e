//! `explore` killed with SIGKILL at random moments, from the first millisecond (while the file
//! is being created) to past the end of the run, then rerun: every rerun ends with the
//! landscape of an uninterrupted run.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use common::{nnscape, run_ok, Lcg};
use nnscape_landscape::LandscapeDb;

/// A small landscape whose certified run takes about two seconds of a debug build, through
/// every phase (basin-hopping, the searches next to W = 0, single- and double-ended searches,
/// the certificate and its seed-agreement cycles).
const LANDSCAPE: [&str; 4] = ["--hidden", "2", "--lambda", "1e-2"];

/// Kill moments per database, and databases.
const KILLS: usize = 5;
const DATABASES: usize = 4;

fn explore_args(db: &Path) -> Vec<String> {
    let mut args: Vec<String> = ["explore"].iter().map(|s| s.to_string()).collect();
    args.extend(LANDSCAPE.iter().map(|s| s.to_string()));
    args.extend([
        "--db".into(),
        db.to_str().unwrap().into(),
        "--threads".into(),
        "1".into(),
    ]);
    args
}

/// Minimum energies and transition states (energies and links), as bit patterns.
fn landscape(db: &Path) -> (Vec<u64>, Vec<(u64, i64, i64)>) {
    let db = LandscapeDb::open_existing(db).unwrap();
    assert_eq!(db.integrity_check().unwrap(), "ok");
    db.snapshot().unwrap().energies_and_links()
}

#[test]
fn killed_at_random_moments_then_rerun_gives_the_uninterrupted_landscape() {
    let dir = tempfile::tempdir().unwrap();
    let reference = dir.path().join("reference.sqlite");
    let args = explore_args(&reference);
    run_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let expected = landscape(&reference);
    assert!(!expected.0.is_empty() && !expected.1.is_empty());

    // Moments log-uniform in [1 ms, 3 s]: many in the first milliseconds (creation, the first
    // quenches), some after the run would have ended.
    let mut rng = Lcg::new(12);
    let mut moments = Vec::new();
    for d in 0..DATABASES {
        let db = dir.path().join(format!("killed{d}.sqlite"));
        for _ in 0..KILLS {
            let t = Duration::from_secs_f64(1e-3 * 3000f64.powf(rng.next_unit()));
            moments.push(t);
            let mut child = nnscape()
                .args(explore_args(&db))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(t);
            child.kill().ok(); // SIGKILL: no chance to clean up
            child.wait().unwrap();
            // Whatever the moment, the file is absent or a database that opens.
            if db.exists() {
                LandscapeDb::open_existing(&db)
                    .unwrap_or_else(|e| panic!("after a kill at {t:?}: {e}"));
            }
        }
        let args = explore_args(&db);
        run_ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(
            landscape(&db),
            expected,
            "database {d}, killed at {:?}",
            &moments[moments.len() - KILLS..]
        );
    }
    assert!(moments.len() >= 20);
    assert!(moments.iter().any(|t| *t < Duration::from_millis(10)));
}
