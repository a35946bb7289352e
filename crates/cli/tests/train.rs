//! `nnscape train` and `nnscape compress` end to end on small maps built here.

mod common;

use std::path::Path;

use common::{output, pseudo_random, run_ok, xor_loss};
use nnscape_landscape::{LandscapeDb, LandscapeIdentity, StationaryPoint, Tolerances};
use nnscape_model::embedding::embed;
use nnscape_optim::{verified_minimum, Lbfgs, LbfgsParams, MinimumParams};

const LAMBDA: f64 = 1e-3;

/// A map of N_h = `n_hidden`: W = 0, minima quenched from a few starts and, when given, the
/// minima of `smaller` embedded with a zero node where they stay minima.
fn build(path: &Path, n_hidden: usize, smaller: Option<&Path>) -> usize {
    let mut loss = xor_loss(n_hidden, LAMBDA);
    let tol = Tolerances::default();
    let db = LandscapeDb::open_or_create(path, &LandscapeIdentity::of(&loss), tol).unwrap();
    let n = loss.n_params();
    let zero = StationaryPoint::evaluate(&mut loss, &vec![0.0; n], &tol).unwrap();
    db.insert_minimum(&zero).unwrap();
    let mut lbfgs = Lbfgs::new(LbfgsParams::default()).unwrap();
    for seed in 0..4 {
        let x0 = pseudo_random(n, seed, 3.0);
        if let Ok(m) = verified_minimum(&mut loss, &x0, &mut lbfgs, &MinimumParams::default(), &tol)
        {
            db.insert_verified_minimum(&mut loss, &m).unwrap();
        }
    }
    if let Some(small) = smaller {
        let small = LandscapeDb::open_existing(small).unwrap();
        for m in small.minima().unwrap() {
            let (_, w) = embed(small.network(), &m.point.params, 0).unwrap();
            let p = StationaryPoint::evaluate(&mut loss, &w, &tol).unwrap();
            if p.hessian_index == 0 {
                db.insert_minimum(&p).unwrap();
            }
        }
    }
    db.count_minima().unwrap()
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

#[test]
fn train_and_compress_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let (h1, h2) = (dir.path().join("h1.sqlite"), dir.path().join("h2.sqlite"));
    build(&h1, 1, None);
    let minima_before = build(&h2, 2, Some(&h1));
    let s = |p: &Path| p.to_str().unwrap().to_owned();

    // train: 3 optimisers x 3 initialisations x 3 runs, one row each.
    let runs_csv = dir.path().join("runs.csv");
    let args = [
        "train",
        "--db",
        &s(&h2),
        "--runs",
        "3",
        "--epochs",
        "300",
        "--threads",
        "2",
        "--csv",
        &s(&runs_csv),
    ];
    let stdout = run_ok(&args);
    assert!(stdout.contains("P(global minimum)"), "{stdout}");
    let (header, rows) = read_csv(&runs_csv);
    assert_eq!(
        header.join(","),
        "optimiser,init,run,epochs,final_loss,n_correct,outcome,minimum_id,distance"
    );
    assert_eq!(rows.len(), 27);
    for r in &rows {
        assert!(["gd", "sgd", "adam"].contains(&r[0].as_str()), "{r:?}");
        assert!(
            ["glorot", "he", "uniform"].contains(&r[1].as_str()),
            "{r:?}"
        );
        assert!(["minimum", "unmatched", "saddle", "plateau"].contains(&r[6].as_str()));
        let _: f64 = r[4].parse().unwrap();
    }
    let db = LandscapeDb::open_existing(&h2).unwrap();
    let minima_after = db.count_minima().unwrap();
    assert!(minima_after >= minima_before);
    drop(db);
    // The same command again: the same table, one thread or two.
    let again = dir.path().join("again.csv");
    let mut args1 = args;
    args1[8] = "1";
    args1[10] = again.to_str().unwrap();
    run_ok(&args1);
    assert_eq!(
        std::fs::read(&runs_csv).unwrap(),
        std::fs::read(&again).unwrap()
    );

    // compress: one row per stationary point; embedded minima named in h1.
    let comp_csv = dir.path().join("compress.csv");
    let stdout = run_ok(&[
        "compress",
        "--db",
        &s(&h2),
        "--smaller",
        &s(&h1),
        "--csv",
        &s(&comp_csv),
    ]);
    assert!(stdout.contains("effective hidden nodes"), "{stdout}");
    let (header, rows) = read_csv(&comp_csv);
    assert_eq!(
        &header[..7],
        [
            "kind",
            "id",
            "energy",
            "effective_hidden_nodes",
            "reduced_minimum_id",
            "data_loss",
            "n_correct"
        ]
    );
    assert_eq!(rows.len(), minima_after);
    assert!(
        rows.iter().any(|r| r[3] == "0" && r[16] == "found"),
        "W = 0 reduces to nothing"
    );
    assert!(rows.iter().any(|r| r[3] == "2" && r[16] == "irreducible"));
}

#[test]
fn bad_options_name_the_problem_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (h1, h2) = (dir.path().join("h1.sqlite"), dir.path().join("h2.sqlite"));
    build(&h1, 1, None);
    build(&h2, 2, None);
    let before = std::fs::read(&h2).unwrap();
    let s = |p: &Path| p.to_str().unwrap().to_owned();
    let err = |args: &[&str]| {
        let out = output(args);
        assert!(!out.status.success(), "{args:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let e = err(&["train", "--db", &s(&h2), "--optimiser", "gd", "--lr", "-1"]);
    assert!(e.contains("gd.learning_rate"), "{e}");
    let e = err(&[
        "train",
        "--db",
        &s(&h2),
        "--init",
        "uniform",
        "--uniform-a",
        "0",
    ]);
    assert!(e.contains("uniform.a"), "{e}");
    let e = err(&["train", "--db", &s(&h2), "--runs", "0"]);
    assert!(e.contains("--runs"), "{e}");
    let e = err(&["train", "--db", &s(&dir.path().join("none.sqlite"))]);
    assert!(e.contains("no such database"), "{e}");
    let out = s(&dir.path().join("c.csv"));
    let e = err(&[
        "compress",
        "--db",
        &s(&h2),
        "--csv",
        &out,
        "--dropout-rate",
        "1",
    ]);
    assert!(e.contains("dropout.rate"), "{e}");
    let e = err(&[
        "compress",
        "--db",
        &s(&h1),
        "--smaller",
        &s(&h2),
        "--csv",
        &out,
    ]);
    assert!(e.contains("fewer hidden nodes"), "{e}");
    assert!(!dir.path().join("c.csv").exists());
    assert_eq!(std::fs::read(&h2).unwrap(), before);
}
