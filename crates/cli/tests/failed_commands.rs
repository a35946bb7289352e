//! Property: any command that fails leaves a pre-existing database byte-identical and creates
//! no new file (no database, no output, no temporary file).

mod common;

use std::path::Path;
use std::sync::OnceLock;

use common::{explore_h1, listing, nnscape, run_ok};
use proptest::prelude::*;

/// A folder holding a mapped database (`h1.sqlite`), its PATHSAMPLE export (`ps/`) and data
/// files, built once and copied for every case.
fn template() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h1.sqlite");
        explore_h1(&db);
        let ps = dir.path().join("ps");
        run_ok(&[
            "export",
            "--db",
            db.to_str().unwrap(),
            "--pathsample",
            ps.to_str().unwrap(),
        ]);
        std::fs::write(
            dir.path().join("and.csv"),
            "x1,x2,label\n0,0,0\n0,1,0\n1,0,0\n1,1,1\n",
        )
        .unwrap();
        dir
    })
    .path()
}

/// Copies the template folder.
fn fresh() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(template()).unwrap() {
        let entry = entry.unwrap();
        let to = dir.path().join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir(&to).unwrap();
            for f in std::fs::read_dir(entry.path()).unwrap() {
                let f = f.unwrap();
                std::fs::copy(f.path(), to.join(f.file_name())).unwrap();
            }
        } else {
            std::fs::copy(entry.path(), to).unwrap();
        }
    }
    dir
}

/// A command that must fail, on the files of folder `d`.
#[derive(Debug, Clone)]
enum Bad {
    /// `explore` on the existing database with one bad option.
    Explore(&'static str, String),
    /// `explore` of another landscape (N_h, lambda) on the existing database.
    OtherLandscape(usize, &'static str),
    /// `import` of PATHSAMPLE files damaged at one line, into the existing or a new database.
    Import { line: usize, how: u8, new: bool },
    /// `analyse` / `dgraph` / `export` with a bad option or output place.
    Reader(u8, String),
}

fn bad() -> impl Strategy<Value = Bad> {
    let number = prop_oneof![
        Just("0".to_owned()),
        Just("-1".to_owned()),
        Just("NaN".to_owned()),
        Just("1e400".to_owned()),
        Just("18446744073709551616".to_owned()),
        (1_000_000_001u64..u64::MAX).prop_map(|v| v.to_string()),
    ];
    let option = prop_oneof![
        Just("--threads"),
        Just("--max-cycles"),
        Just("--max-seconds"),
        Just("--max-searches"),
        Just("--saturate"),
        Just("--modes"),
        Just("--lambda"),
        Just("--hidden"),
    ];
    prop_oneof![
        (option, number.clone()).prop_map(|(o, v)| Bad::Explore(o, v)),
        (
            2usize..6,
            prop_oneof![Just("1e-2"), Just("1e-3"), Just("0.0100001")]
        )
            .prop_map(|(h, l)| Bad::OtherLandscape(h, l)),
        (1usize..10, 0u8..4, any::<bool>()).prop_map(|(line, how, new)| Bad::Import {
            line,
            how,
            new
        }),
        (0u8..5, number).prop_map(|(k, v)| Bad::Reader(k, v)),
    ]
}

/// Damages line `line` (1-based, wrapped) of min.data or ts.data in `ps`: `how` 0 garbage, 1
/// an energy off by 1e-3, 2 a minimum index past the end, 3 a truncated points file.
fn damage(ps: &Path, line: usize, how: u8) {
    let file = if line.is_multiple_of(2) {
        "min.data"
    } else {
        "ts.data"
    };
    let path = ps.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let k = line % lines.len();
    let mut fields: Vec<String> = lines[k].split_whitespace().map(str::to_owned).collect();
    match how {
        0 => fields = vec!["garbage".into()],
        1 => fields[0] = (fields[0].parse::<f64>().unwrap() + 1e-3).to_string(),
        2 if file == "ts.data" => fields[3] = "99".into(),
        2 => fields[0] = "nan".into(),
        _ => {
            let points = ps.join("points.min");
            let bytes = std::fs::read(&points).unwrap();
            std::fs::write(&points, &bytes[..bytes.len() - 8 * line]).unwrap();
        }
    }
    lines[k] = fields.join(" ");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
}

/// The command line of `bad` in folder `d`.
fn command(bad: &Bad, d: &Path) -> Vec<String> {
    let p = |name: &str| d.join(name).to_str().unwrap().to_owned();
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let h1 = strings(&["--hidden", "1", "--lambda", "1e-2"]);
    match bad {
        Bad::Explore(option, value) => {
            let mut args = strings(&["explore", "--db"]);
            args.push(p("h1.sqlite"));
            if !matches!(*option, "--lambda" | "--hidden") {
                args.extend(h1);
            } else if *option == "--lambda" {
                args.extend(strings(&["--hidden", "1"]));
            } else {
                args.extend(strings(&["--lambda", "1e-2"]));
            }
            args.extend([option.to_string(), value.clone()]);
            args
        }
        Bad::OtherLandscape(h, l) => {
            let mut args = strings(&["explore", "--hidden", &h.to_string(), "--lambda", l]);
            args.extend(["--db".into(), p("h1.sqlite")]);
            args
        }
        Bad::Import { line, how, new } => {
            damage(&d.join("ps"), *line, *how);
            let mut args = strings(&["import"]);
            args.extend(h1);
            let db = if *new { "new.sqlite" } else { "h1.sqlite" };
            args.extend(["--db".into(), p(db), "--pathsample".into(), p("ps")]);
            args
        }
        Bad::Reader(k, value) => {
            let db = p("h1.sqlite");
            let mut args = match k {
                0 => strings(&[
                    "analyse",
                    "--db",
                    &db,
                    "--out",
                    &p("out"),
                    "--samples",
                    value,
                ]),
                1 => strings(&[
                    "analyse",
                    "--db",
                    &db,
                    "--out",
                    &p("out"),
                    "--data",
                    &p("and.csv"),
                ]),
                2 => strings(&[
                    "dgraph",
                    "--db",
                    &db,
                    "--svg",
                    &p("g.svg"),
                    "--spacing",
                    value,
                ]),
                3 => strings(&["dgraph", "--db", &db, "--csv", &p("h1.sqlite/g.csv")]),
                _ => strings(&["export", "--db", &db, "--csv", &p("ps/min.data/x")]),
            };
            if *k == 2 && value.parse::<f64>().is_ok_and(|v| v > 0.0 && v.is_finite()) {
                // A spacing that gives too many levels.
                args.pop();
                args.push("1e-300".into());
            }
            args
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_failed_command_changes_nothing(bad in bad()) {
        let dir = fresh();
        let args = command(&bad, dir.path());
        let before = listing(dir.path());
        let ps_before = listing(&dir.path().join("ps"));
        let out = nnscape().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        prop_assert!(
            matches!(out.status.code(), Some(1 | 2)),
            "{args:?} should fail: {:?}\n{stderr}", out.status
        );
        prop_assert!(!stderr.contains("panicked"), "{stderr}");
        prop_assert_eq!(listing(dir.path()), before, "{:?}\n{}", args, stderr);
        prop_assert_eq!(listing(&dir.path().join("ps")), ps_before);
    }
}
