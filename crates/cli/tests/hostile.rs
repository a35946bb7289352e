//! Hostile and mistaken inputs, one test per failure class of issue 12, several cases each:
//! every one is a clean error (exit 1 or 2, no panic, no abort) that names the problem, and
//! leaves existing files byte-identical.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{explore_h1, fails, listing, run_ok, says, H1};
use nnscape_landscape::{LandscapeDb, LandscapeIdentity, Tolerances};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `args` with the H1 landscape options after the subcommand.
fn h1<'a>(command: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    [&[command][..], &H1, rest].concat()
}

/// Runs the SQL on a copy of `from` written to `to`.
fn damaged(from: &Path, to: &Path, sql: &str) {
    std::fs::copy(from, to).unwrap();
    let conn = rusqlite::Connection::open(to).unwrap();
    // Damage as a disk or another program could: no foreign-key enforcement.
    conn.pragma_update(None, "foreign_keys", false).unwrap();
    conn.execute_batch(sql).unwrap();
    // Leave it as one file, as a copy would be.
    conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
}

#[test]
fn class1_out_of_range_numbers_are_refused_with_their_range() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h1.sqlite");
    explore_h1(&db);
    let db = s(&db);
    let new_db = dir.path().join("new.sqlite");
    let new_db = s(&new_db);
    let params = dir.path().join("w.json");
    std::fs::write(&params, "[0,0,0,0,0,0,0]").unwrap();
    let p = s(&params);
    let x = dir.path().join("x");
    let x = s(&x);
    let cases: Vec<(Vec<&str>, Vec<&str>)> = vec![
        // Sizes that cannot be allocated: refused before allocating, with the range.
        (
            vec![
                "eval",
                "--hidden",
                "100000000000",
                "--lambda",
                "1e-2",
                "--params",
                p,
            ],
            vec!["N_h must lie in 1..=818"],
        ),
        (
            vec![
                "minima",
                "--hidden",
                "4000000000000000000",
                "--lambda",
                "1e-2",
                "--steps",
                "1",
            ],
            vec!["N_h must lie in 1..=818"],
        ),
        (
            h1("explore", &["--db", new_db, "--max-seconds", "1e300"]),
            vec!["(0, 1e9]"],
        ),
        (
            h1("explore", &["--db", new_db, "--max-seconds", "-1"]),
            vec!["(0, 1e9]"],
        ),
        (
            h1(
                "explore",
                &["--db", new_db, "--max-cycles", "9223372036854775808"],
            ),
            vec!["1..=1000000"],
        ),
        (
            h1("explore", &["--db", new_db, "--threads", "100000"]),
            vec!["1..=1024"],
        ),
        (
            h1("explore", &["--db", new_db, "--threads", "0"]),
            vec!["1..=1024"],
        ),
        (
            h1("explore", &["--db", new_db, "--modes", "100000"]),
            vec!["1..=7"],
        ),
        (
            h1("minima", &["--steps", "1", "--chains", "100000000000"]),
            vec!["1..=1024"],
        ),
        (h1("minima", &["--steps", "0"]), vec!["1..=1000000000"]),
        (
            vec!["dgraph", "--db", db, "--levels", "1000000"],
            vec!["1..=100000"],
        ),
        (
            vec!["analyse", "--db", db, "--out", x, "--samples", "0"],
            vec!["1..=100000"],
        ),
        (
            vec![
                "analyse",
                "--db",
                db,
                "--out",
                x,
                "--samples",
                "100000000000000",
            ],
            vec!["1..=100000"],
        ),
        (
            h1("eval", &["--params", p, "--eigenvalue-cutoff", "-1"]),
            vec!["[0, 1]"],
        ),
    ];
    for (args, needles) in &cases {
        says(&fails(args), needles);
    }
    // Data values: a huge label, a huge input.
    for (name, text, needles) in [
        (
            "label.csv",
            "x1,x2,label\n0,0,0\n1,1,18446744073709551615\n",
            ["line 3", "0..2"],
        ),
        (
            "value.csv",
            "x1,x2,label\n0,0,0\n1e308,1,1\n",
            ["line 3", "[-1e6, 1e6]"],
        ),
    ] {
        let data = dir.path().join(name);
        std::fs::write(&data, text).unwrap();
        let err = fails(&h1("explore", &["--db", new_db, "--data", s(&data)]));
        says(&err, &[name]);
        says(&err, &needles);
    }
    assert!(!Path::new(new_db).exists());
    // A deep tree of levels is drawn without recursion.
    let svg = dir.path().join("deep.svg");
    run_ok(&["dgraph", "--db", db, "--levels", "100000", "--svg", s(&svg)]);
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
}

#[test]
fn class2_failed_writes_leave_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h1.sqlite");
    explore_h1(&db);
    let ps = dir.path().join("ps");
    run_ok(&["export", "--db", s(&db), "--pathsample", s(&ps)]);
    // A bad last line of ts.data: nothing of the lines before it is stored.
    let bad = dir.path().join("bad");
    std::fs::create_dir(&bad).unwrap();
    for f in ["min.data", "points.min", "points.ts", "ts.data"] {
        std::fs::copy(ps.join(f), bad.join(f)).unwrap();
    }
    let mut ts = std::fs::read_to_string(bad.join("ts.data")).unwrap();
    ts.push_str("0.7 garbage\n");
    std::fs::write(bad.join("ts.data"), ts).unwrap();
    // Into a fresh copy of the database without its transition states.
    let partial = dir.path().join("partial.sqlite");
    damaged(&db, &partial, "DELETE FROM transition_states;");
    let before = listing(dir.path());
    says(
        &fails(&h1(
            "import",
            &["--db", s(&partial), "--pathsample", s(&bad)],
        )),
        &["ts.data", "line 5"],
    );
    // Into a new file: no file is left behind, and the right import then works.
    let new = dir.path().join("new.sqlite");
    fails(&h1("import", &["--db", s(&new), "--pathsample", s(&bad)]));
    says(
        &fails(&[
            "import",
            "--hidden",
            "1",
            "--lambda",
            "1e-3",
            "--db",
            s(&new),
            "--pathsample",
            s(&ps),
        ]),
        &["min.data", "another landscape"],
    );
    assert_eq!(listing(dir.path()), before);
    run_ok(&h1("import", &["--db", s(&new), "--pathsample", s(&ps)]));
    // analyse refuses an option before writing anything (no folder is created).
    let out = dir.path().join("analysis");
    let other = dir.path().join("other.csv");
    std::fs::write(&other, "x1,x2,label\n0,0,1\n0,1,0\n1,0,0\n1,1,1\n").unwrap();
    let before = listing(dir.path());
    says(
        &fails(&[
            "analyse",
            "--db",
            s(&db),
            "--out",
            s(&out),
            "--data",
            s(&other),
        ]),
        &["other"],
    );
    fails(&["dgraph", "--db", s(&db), "--csv", s(&out), "--emax", "-5"]);
    assert_eq!(listing(dir.path()), before);
}

/// Writes a damaged database to the path given.
type Damage<'a> = Box<dyn Fn(&Path) + 'a>;

#[test]
fn class3_corruption_is_detected() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h1.sqlite");
    explore_h1(&db);
    let bytes = std::fs::read(&db).unwrap();
    let cases: Vec<(&str, Damage, &str)> = vec![
        (
            "cut8.sqlite",
            Box::new(|p: &Path| std::fs::write(p, &bytes[..bytes.len() - 8]).unwrap()),
            "cut short",
        ),
        (
            "cut1000.sqlite",
            Box::new(|p: &Path| std::fs::write(p, &bytes[..bytes.len() - 1000]).unwrap()),
            "cut short",
        ),
        (
            "zeroed.sqlite",
            Box::new(|p: &Path| {
                damaged(
                    &db,
                    p,
                    "UPDATE minima SET params = zeroblob(56) WHERE id = 2;",
                )
            }),
            "minimum 2 has energy",
        ),
        (
            "links.sqlite",
            Box::new(|p: &Path| {
                damaged(
                    &db,
                    p,
                    "UPDATE transition_states SET min1 = 0, min2 = 0 WHERE id = 2;",
                )
            }),
            "refers to a row that does not exist",
        ),
        (
            "below.sqlite",
            Box::new(|p: &Path| {
                damaged(
                    &db,
                    p,
                    "UPDATE transition_states SET energy = 0.1 WHERE id = 1;",
                )
            }),
            "below that of its minimum",
        ),
        (
            "short.sqlite",
            Box::new(|p: &Path| {
                damaged(
                    &db,
                    p,
                    "UPDATE minima SET params = zeroblob(48) WHERE id = 3;",
                )
            }),
            "48 bytes of parameters",
        ),
        (
            "text.sqlite",
            Box::new(|p: &Path| std::fs::write(p, "not a database\n".repeat(20)).unwrap()),
            "not an SQLite database",
        ),
    ];
    for (name, make, needle) in &cases {
        let path = dir.path().join(name);
        make(&path);
        let before = std::fs::read(&path).unwrap();
        let p = s(&path);
        let out = dir.path().join("out");
        let svg = dir.path().join("x.svg");
        for args in [
            vec!["export", "--db", p, "--csv", s(&out)],
            vec!["dgraph", "--db", p, "--svg", s(&svg)],
            vec!["analyse", "--db", p, "--out", s(&out)],
            h1("explore", &["--db", p]),
        ] {
            says(&fails(&args), &[name, needle]);
        }
        assert_eq!(std::fs::read(&path).unwrap(), before, "{name}");
        assert!(!out.exists() && !svg.exists());
    }
    // Import re-checks every connection: a transition state said to join a minimum above it.
    let ps = dir.path().join("ps");
    run_ok(&["export", "--db", s(&db), "--pathsample", s(&ps)]);
    let min_energies: Vec<f64> = std::fs::read_to_string(ps.join("min.data"))
        .unwrap()
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    let ts = std::fs::read_to_string(ps.join("ts.data")).unwrap();
    let first: Vec<&str> = ts.lines().next().unwrap().split_whitespace().collect();
    let e_ts: f64 = first[0].parse().unwrap();
    let above = 1 + min_energies
        .iter()
        .position(|&e| e > e_ts)
        .expect("a minimum above");
    let mut fields: Vec<String> = first.iter().map(|f| f.to_string()).collect();
    fields[3] = above.to_string();
    let rest: Vec<&str> = ts.lines().skip(1).collect();
    std::fs::write(
        ps.join("ts.data"),
        format!("{}\n{}\n", fields.join(" "), rest.join("\n")),
    )
    .unwrap();
    let before = std::fs::read(&db).unwrap();
    says(
        &fails(&h1("import", &["--db", s(&db), "--pathsample", s(&ps)])),
        &["ts.data", "line 1", "below minimum"],
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn class4_files_in_use_and_killed_creations_are_handled() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h1.sqlite");
    explore_h1(&db);
    // A second writer is told the file is in use (held here by a writer of this process).
    let loss = common::xor_loss(1, 1e-2);
    let held =
        LandscapeDb::open_or_create(&db, &LandscapeIdentity::of(&loss), Tolerances::default())
            .unwrap();
    says(
        &fails(&h1("explore", &["--db", s(&db)])),
        &["h1.sqlite", "in use"],
    );
    let ps = dir.path().join("ps");
    run_ok(&["export", "--db", s(&db), "--pathsample", s(&ps)]); // readers are welcome
    says(
        &fails(&h1("import", &["--db", s(&db), "--pathsample", s(&ps)])),
        &["h1.sqlite", "in use"],
    );
    drop(held);
    assert_eq!(
        listing(dir.path())
            .iter()
            .filter(|(n, _)| n.contains("sqlite"))
            .count(),
        1,
        "a writer that closed leaves one file"
    );
    // What a creation killed early can leave: an abandoned temporary file; it blocks nothing.
    let new = dir.path().join("new.sqlite");
    let stale = dir.path().join(".new.sqlite.abc123.creating");
    std::fs::write(&stale, "").unwrap();
    explore_h1(&new);
    // Empty files and SQLite files without our tables are named and left alone.
    let empty = dir.path().join("empty.sqlite");
    std::fs::write(&empty, "").unwrap();
    says(
        &fails(&h1("explore", &["--db", s(&empty)])),
        &["empty.sqlite", "too short"],
    );
    let bare = dir.path().join("bare.sqlite");
    rusqlite::Connection::open(&bare)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); DROP TABLE t;")
        .unwrap();
    let before = std::fs::read(&bare).unwrap();
    says(
        &fails(&h1("explore", &["--db", s(&bare)])),
        &["bare.sqlite", "no landscape table"],
    );
    assert_eq!(std::fs::read(&bare).unwrap(), before);
    // A database and folder that cannot be written: named, nothing created beside it.
    let missing = dir.path().join("no/such/folder/h.sqlite");
    says(
        &fails(&h1("explore", &["--db", s(&missing)])),
        &["h.sqlite", "cannot write"],
    );
}

#[test]
fn class5_degenerate_landscapes_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.sqlite");
    let zero = ["--hidden", "2", "--lambda", "0"];
    for args in [
        [&["explore"][..], &zero, &["--db", s(&db)]].concat(),
        [&["minima"][..], &zero, &["--steps", "10"]].concat(),
        [
            &["import"][..],
            &zero,
            &["--db", s(&db), "--pathsample", "ps"],
        ]
        .concat(),
    ] {
        says(&fails(&args), &["--lambda 0", "no finite minimum"]);
    }
    assert!(!db.exists());
    // Finite parameters too large for the loss: an error, not an infinite energy.
    let w = dir.path().join("w.json");
    std::fs::write(&w, "[0,0,0,0,0,0,1e200]").unwrap();
    says(
        &fails(&h1("eval", &["--params", s(&w)])),
        &["w.json", "not finite"],
    );
    // The clock is checked inside basin-hopping: a short budget ends the run soon.
    let timed = dir.path().join("timed.sqlite");
    let start = Instant::now();
    let out = run_ok(&[
        "explore",
        "--hidden",
        "3",
        "--lambda",
        "1e-3",
        "--db",
        s(&timed),
        "--max-seconds",
        "0.05",
    ]);
    says(&out, &["time budget"]);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn class6_data_is_compared_by_content_and_identities_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h1.sqlite");
    explore_h1(&db);
    // The XOR data in a file with CRLF line endings: the same content, accepted everywhere.
    let crlf = dir.path().join("xor_crlf.csv");
    std::fs::write(&crlf, "x1,x2,label\r\n0,0,0\r\n0,1,1\r\n1,0,1\r\n1,1,0\r\n").unwrap();
    let out = run_ok(&h1("explore", &["--db", s(&db), "--data", s(&crlf)]));
    says(&out, &["minima         5"]);
    let svg = dir.path().join("g.svg");
    run_ok(&[
        "dgraph",
        "--db",
        s(&db),
        "--data",
        s(&crlf),
        "--svg",
        s(&svg),
    ]);
    // Other data or another network: refused in words, the file untouched.
    let before = std::fs::read(&db).unwrap();
    let other = dir.path().join("and.csv");
    std::fs::write(&other, "x1,x2,label\n0,0,0\n0,1,0\n1,0,0\n1,1,1\n").unwrap();
    for (args, needles) in [
        (
            h1("explore", &["--db", s(&db), "--data", s(&other)]),
            vec!["the data set", "'and'"],
        ),
        (
            vec![
                "explore",
                "--hidden",
                "2",
                "--lambda",
                "1e-2",
                "--db",
                s(&db),
            ],
            vec!["N_h is 1 in the file but 2"],
        ),
        (
            vec![
                "explore",
                "--hidden",
                "1",
                "--lambda",
                "1e-3",
                "--db",
                s(&db),
            ],
            vec!["lambda is 0.01 in the file but 0.001"],
        ),
    ] {
        let err = fails(&args);
        says(&err, &needles);
        assert!(!err.contains("LandscapeIdentity {"), "{err}");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn class7_errors_come_early_and_say_where() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // An unwritable output fails before the computation (nothing printed, quickly).
    for args in [
        h1(
            "minima",
            &["--steps", "100000", "--csv", "/no/such/folder/m.csv"],
        ),
        h1(
            "ts",
            &["--from-minima", "m.csv", "--csv", "/no/such/folder/t.csv"],
        ),
    ] {
        let start = Instant::now();
        says(&fails(&args), &["/no/such/folder"]);
        assert!(start.elapsed() < Duration::from_secs(5));
    }
    // A byte-order mark is accepted in every text input.
    let minima = d.join("m.csv");
    run_ok(&h1("minima", &["--steps", "30", "--csv", s(&minima)]));
    let bom = |name: &str, text: &[u8]| {
        let p = d.join(name);
        std::fs::write(&p, [&b"\xef\xbb\xbf"[..], text].concat()).unwrap();
        p
    };
    let minima_bom = bom("m_bom.csv", &std::fs::read(&minima).unwrap());
    run_ok(&h1("ts", &["--from-minima", s(&minima_bom), "--k", "1"]));
    let params = bom("w.json", b"[0,0,0,0,0,0,0]");
    run_ok(&h1("eval", &["--params", s(&params)]));
    let data = bom("xor.csv", b"x1,x2,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n");
    run_ok(&h1("eval", &["--params", s(&params), "--data", s(&data)]));
    // Problems are located: file, line, what.
    let w = d.join("w.csv");
    std::fs::write(&w, "w0,w1,w2,w3,w4,w5,w6\n0,0,0,0,0,0,NaN\n").unwrap();
    says(
        &fails(&h1("eval", &["--params", s(&w)])),
        &["w.csv", "parameter 6 is not finite"],
    );
    let text = std::fs::read_to_string(&minima).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut fields: Vec<&str> = lines[1].split(',').collect();
    *fields.last_mut().unwrap() = "inf";
    lines[1] = fields.join(",");
    let broken = d.join("broken.csv");
    std::fs::write(&broken, lines.join("\n")).unwrap();
    says(
        &fails(&h1("ts", &["--from-minima", s(&broken)])),
        &["broken.csv:2", "not finite"],
    );
    // Minima of another lambda are not minima here.
    says(
        &fails(&[
            "ts",
            "--hidden",
            "1",
            "--lambda",
            "1e-3",
            "--from-minima",
            s(&minima),
        ]),
        &["m.csv:2", "another landscape"],
    );
    // An empty database has nothing to analyse (no NaN).
    let empty = d.join("empty.sqlite");
    let loss = common::xor_loss(1, 1e-2);
    drop(
        LandscapeDb::open_or_create(&empty, &LandscapeIdentity::of(&loss), Tolerances::default())
            .unwrap(),
    );
    let out = d.join("analysis");
    let (svg, csv) = (d.join("g.svg"), d.join("e.csv"));
    for args in [
        vec!["analyse", "--db", s(&empty), "--out", s(&out)],
        vec!["dgraph", "--db", s(&empty), "--svg", s(&svg)],
        vec!["embed", "--db", s(&empty), "--csv", s(&csv)],
    ] {
        let err = fails(&args);
        says(&err, &["empty.sqlite", "no minima"]);
        assert!(!err.contains("NaN"));
    }
    assert!(!out.exists() && !svg.exists() && !csv.exists());
}
