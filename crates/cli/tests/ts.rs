//! `nnscape ts` and `nnscape connect` end to end on XOR (N_h = 2, lambda = 1e-3).

mod common;

use common::{output, success, xor_loss, Lcg};
use nnscape_ts::{minimise_to_minimum, NetworkAlignment, VerifyParams};
use nnscape_ts::{NoSymmetry, System, Tolerances};

/// The landscape of every test here: XOR, N_h = 2, lambda = 1e-3.
const XOR_H2: [&str; 4] = ["--hidden", "2", "--lambda", "1e-3"];

/// Minima from fixed pseudo-random starts in [-3, 3).
fn minima_csv(dir: &std::path::Path) -> std::path::PathBuf {
    let mut loss = xor_loss(2, 1e-3);
    let net = *loss.network();
    let al = NetworkAlignment::new(net);
    let vp = VerifyParams::default();
    let mut lcg = Lcg::new(12345);
    let mut next = || lcg.next_unit() * 6.0 - 3.0;
    let mut found: Vec<(f64, Vec<f64>)> = Vec::new();
    for _ in 0..16 {
        let x0: Vec<f64> = (0..net.n_params()).map(|_| next()).collect();
        let m = minimise_to_minimum(&mut System::new(&mut loss, NoSymmetry), &x0, &vp).unwrap();
        if !found.iter().any(|(e, x)| {
            Tolerances {
                energy: 1e-7,
                distance: 1e-3,
                ..Tolerances::default()
            }
            .same_point(&al, x, *e, &m.x, m.energy)
        }) {
            found.push((m.energy, m.x));
        }
    }
    assert!(found.len() >= 2);
    let mut text = String::from("id,energy,rms_gradient,index,n_correct");
    for i in 0..net.n_params() {
        text.push_str(&format!(",w{i}"));
    }
    text.push('\n');
    for (id, (e, x)) in found.iter().enumerate() {
        text.push_str(&format!("{id},{e},0,0,4"));
        for w in x {
            text.push_str(&format!(",{w}"));
        }
        text.push('\n');
    }
    let path = dir.join("minima.csv");
    std::fs::write(&path, text).unwrap();
    path
}

/// `nnscape <command>` on [`XOR_H2`] with the minima file and `extra` arguments.
fn run(command: &str, minima: &std::path::Path, extra: &[&str]) -> std::process::Output {
    let minima = minima.to_str().unwrap();
    output(&[&[command][..], &XOR_H2, &["--from-minima", minima], extra].concat())
}

#[test]
fn ts_writes_verified_transition_states() {
    let dir = tempfile::tempdir().unwrap();
    let minima = minima_csv(dir.path());
    let csv = dir.path().join("ts.csv");
    let stdout = success(run(
        "ts",
        &minima,
        &["--k", "4", "--threads", "2", "--csv", csv.to_str().unwrap()],
    ));
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let mut expected = String::from("id,energy,rms_gradient,index,n_correct,min1,min2");
    for i in 0..12 {
        expected.push_str(&format!(",w{i}"));
    }
    assert_eq!(header, expected);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert!(!rows.is_empty(), "no transition state written");
    let mut proper = 0;
    for r in &rows {
        assert_eq!(r.len(), 7 + 12);
        assert_eq!(r[3], "1");
        assert!(r[2].parse::<f64>().unwrap() <= 1e-10);
        // min1 == min2 only for paths flagged as having the same minimum on both sides.
        if r[5] != r[6] {
            proper += 1;
        }
    }
    assert!(proper >= 1);
    assert_eq!(
        rows.iter().filter(|r| r[5] == r[6]).count(),
        stdout.matches("(same minimum on both sides)").count()
    );
    let mins = std::fs::read_to_string(dir.path().join("ts_minima.csv")).unwrap();
    assert!(mins.starts_with("id,energy,rms_gradient,index,n_correct,w0,"));
    let ids: Vec<&str> = mins
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    for r in &rows {
        assert!(ids.contains(&r[5]) && ids.contains(&r[6]));
    }
}

#[test]
fn wrong_column_count_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let minima = minima_csv(dir.path());
    // N_h = 3 has 17 parameters: the 12-column file is refused with its name and line.
    let out = output(&[
        "ts",
        "--hidden",
        "3",
        "--lambda",
        "1e-3",
        "--from-minima",
        minima.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("minima.csv:1") && err.contains("17"), "{err}");
}

#[test]
fn bad_rows_name_file_line_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(minima_csv(dir.path())).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let fields = |l: &str| l.split(',').map(str::to_owned).collect::<Vec<_>>();
    for (name, line, edit, needle) in [
        (
            "number.csv",
            2,
            (6, "abc"),
            "bad number \"abc\" in column w1",
        ),
        ("id.csv", 3, (0, "x"), "bad id \"x\""),
    ] {
        let mut bad = lines.clone();
        let mut row = fields(&bad[line - 1]);
        row[edit.0] = edit.1.to_owned();
        bad[line - 1] = row.join(",");
        let path = dir.path().join(name);
        std::fs::write(&path, bad.join("\n")).unwrap();
        let out = run("ts", &path, &[]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(&format!("{name}:{line}: {needle}")), "{err}");
    }
    // A duplicate id, on the line that repeats it.
    let n = lines.len();
    lines.push(lines[1].clone());
    let path = dir.path().join("dup.csv");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let err = String::from_utf8_lossy(&run("ts", &path, &[]).stderr).into_owned();
    assert!(
        err.contains(&format!("dup.csv:{}: duplicate id 0", n + 1)),
        "{err}"
    );
}

#[test]
fn connect_joins_two_minima() {
    let dir = tempfile::tempdir().unwrap();
    let minima = minima_csv(dir.path());
    let csv = dir.path().join("c.csv");
    success(run(
        "connect",
        &minima,
        &["--min1", "0", "--min2", "1", "--csv", csv.to_str().unwrap()],
    ));
    let text = std::fs::read_to_string(&csv).unwrap();
    for l in text.lines().skip(1) {
        let r: Vec<&str> = l.split(',').collect();
        assert_eq!(r.len(), 19);
        assert_eq!(r[3], "1");
    }
    assert!(dir.path().join("c_minima.csv").exists());
}
