//! `nnscape dgraph`, `nnscape embed` and `nnscape analyse` end to end on a small real N_h = 2
//! XOR database built here (quenches from fixed starts plus single-ended searches).

mod common;

use std::path::Path;

use common::{output, pseudo_random, run_ok, xor_loss};
use nnscape_landscape::{LandscapeDb, LandscapeIdentity, StationaryPoint, Tolerances};
use nnscape_ts::{
    minimise_to_minimum, single_ended_paths, NetworkAlignment, SingleEndedParams, VerifyParams,
};
use nnscape_ts::{NoSymmetry, System};

const LAMBDA: f64 = 1e-3;

/// Returns (number of minima, number of transition states).
fn build_db(path: &Path) -> (usize, usize) {
    let mut loss = xor_loss(2, LAMBDA);
    let db =
        LandscapeDb::open_or_create(path, &LandscapeIdentity::of(&loss), Tolerances::default())
            .unwrap();
    let vp = VerifyParams::default();
    let mut lowest: Option<(f64, Vec<f64>)> = None;
    for seed in 0..4 {
        if let Ok(m) = minimise_to_minimum(
            &mut System::new(&mut loss, NoSymmetry),
            &pseudo_random(12, seed, 3.0),
            &vp,
        ) {
            let p = StationaryPoint::evaluate(&mut loss, &m.x, &Tolerances::default()).unwrap();
            db.insert_minimum(&p).unwrap();
            if lowest.as_ref().is_none_or(|l| m.energy < l.0) {
                lowest = Some((m.energy, m.x));
            }
        }
    }
    let net = *loss.network();
    let res = single_ended_paths(
        &mut System::new(&mut loss, &NetworkAlignment::new(net)),
        &lowest.unwrap().1,
        4,
        &SingleEndedParams::default(),
    );
    for path in res.paths {
        let ts = StationaryPoint::evaluate(&mut loss, &path.ts.x, &Tolerances::default()).unwrap();
        let a =
            StationaryPoint::evaluate(&mut loss, &path.minus.x, &Tolerances::default()).unwrap();
        let b = StationaryPoint::evaluate(&mut loss, &path.plus.x, &Tolerances::default()).unwrap();
        if ts.hessian_index == 1 && a.hessian_index == 0 && b.hessian_index == 0 {
            let (ia, _) = db.insert_minimum(&a).unwrap();
            let (ib, _) = db.insert_minimum(&b).unwrap();
            db.insert_transition_state(&ts, ia, ib).unwrap();
        }
    }
    let counts = (
        db.count_minima().unwrap(),
        db.count_transition_states().unwrap(),
    );
    assert!(counts.0 >= 2 && counts.1 >= 1, "{counts:?}");
    counts
}

#[test]
fn dgraph_embed_and_analyse() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h2.sqlite");
    let (n_min, n_ts) = build_db(&db);
    let p = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let db = db.to_string_lossy().into_owned();

    let out = run_ok(&[
        "dgraph",
        "--db",
        &db,
        "--svg",
        &p("dg.svg"),
        "--csv",
        &p("dg.csv"),
        "--levels",
        "30",
    ]);
    assert!(out.contains("global minimum"), "{out}");
    let svg = std::fs::read_to_string(p("dg.svg")).unwrap();
    assert!(svg.starts_with("<svg"));
    assert_eq!(svg.matches("class=\"leaf\"").count(), n_min);
    let csv = std::fs::read_to_string(p("dg.csv")).unwrap();
    assert_eq!(csv.lines().next().unwrap(), "x1,y1,x2,y2,minimum_id");
    assert!(csv.lines().count() > n_min);

    run_ok(&["embed", "--db", &db, "--csv", &p("embed.csv")]);
    let csv = std::fs::read_to_string(p("embed.csv")).unwrap();
    assert_eq!(
        csv.lines().next().unwrap(),
        "kind,id,energy,rms_gradient_embedded,index_small,index_large,found_in_larger"
    );
    assert_eq!(csv.lines().count(), 1 + n_min + n_ts);
    assert_eq!(csv.lines().filter(|l| l.starts_with("min,")).count(), n_min);
    assert_eq!(csv.lines().filter(|l| l.starts_with("ts,")).count(), n_ts);

    // An empty N_h = 3 database: every lookup reports `none` (points of index >= 2 too: they
    // cannot be stored there).
    let h3 = p("h3.sqlite");
    let loss3 = xor_loss(3, LAMBDA);
    LandscapeDb::open_or_create(&h3, &LandscapeIdentity::of(&loss3), Tolerances::default())
        .unwrap();
    run_ok(&[
        "embed",
        "--db",
        &db,
        "--into",
        &h3,
        "--csv",
        &p("embed3.csv"),
    ]);
    let csv = std::fs::read_to_string(p("embed3.csv")).unwrap();
    assert!(csv.lines().skip(1).all(|l| l.ends_with(",none")), "{csv}");

    let out_dir = p("analysis");
    let out = run_ok(&[
        "analyse",
        "--db",
        &db,
        "--out",
        &out_dir,
        "--seed",
        "7",
        "--samples",
        "20",
    ]);
    assert!(out.contains("transition states"), "{out}");
    let read = |f: &str| std::fs::read_to_string(Path::new(&out_dir).join(f)).unwrap();
    assert_eq!(read("counts.csv").lines().count(), 2);
    assert_eq!(read("classification.csv").lines().count(), 1 + n_min + n_ts);
    assert_eq!(
        read("sensitivity.csv").lines().count(),
        1 + 7 * (n_min + n_ts)
    );

    // The wrong data set is refused with a clear message.
    let and = p("and.csv");
    std::fs::write(&and, "x1,x2,label\n0,0,0\n0,1,0\n1,0,0\n1,1,1\n").unwrap();
    let out = output(&["dgraph", "--db", &db, "--csv", &p("x.csv"), "--data", &and]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("not the one this landscape was explored with"));
}
