//! End-to-end tests of `cargo xtask reproduce` through the library (and the binary for errors).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use xtask::{reproduce, Grid, ReproduceOptions, TrainingPlan};

fn options(out: &Path, grid: Option<Grid>) -> ReproduceOptions {
    ReproduceOptions {
        quick: true,
        threads: Some(2),
        grid,
        progress: false,
        // The time budget binds inside basin-hopping and the certificate's cycles: with the
        // tests of this file sharing two cores, the quick budget (90 s) can stop a landscape
        // before its certificate holds. These tests check the outputs, not the budget.
        time_budget: Some(std::time::Duration::from_secs(600)),
        ..ReproduceOptions::new(out)
    }
}

fn small_grid() -> Grid {
    Grid {
        hidden: vec![1, 2],
        lambdas: vec![1e-1, 1e-2],
    }
}

/// A few short training runs on one landscape of [`small_grid`].
fn small_plan() -> TrainingPlan {
    TrainingPlan {
        hidden: vec![2],
        lambdas: vec![1e-2],
        runs: 3,
        epochs: 300,
        seed: 0,
    }
}

/// Header and records of a CSV file.
fn read_csv(path: &Path) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    let rows = r
        .records()
        .map(|rec| {
            let rec = rec.unwrap();
            assert_eq!(rec.len(), header.len(), "{}", path.display());
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_owned))
                .collect()
        })
        .collect();
    (header, rows)
}

fn check_svg(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&text)
        .unwrap_or_else(|e| panic!("{} is not XML: {e}", path.display()));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
}

/// Landscapes (n_hidden, lambda as written) that appear in a table.
fn landscapes_in(rows: &[BTreeMap<String, String>]) -> BTreeSet<(String, String)> {
    rows.iter()
        .map(|r| (r["n_hidden"].clone(), r["lambda"].clone()))
        .collect()
}

fn csv_bytes(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv" || e == "svg"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// Checks every output of a run over `grid` with training `plan`.
fn check_outputs(out: &Path, grid: &Grid, plan: &TrainingPlan) {
    let keys = grid.landscapes();
    let expected: BTreeSet<(String, String)> = keys
        .iter()
        .map(|k| (k.n_hidden.to_string(), k.lambda.to_string()))
        .collect();

    // counts.csv: the expected columns, one row per landscape, in grid order, all saturated.
    let (header, rows) = read_csv(&out.join("counts.csv"));
    assert_eq!(
        header.join(","),
        "landscape,n_hidden,lambda,n_minima,n_ts,ts_per_minimum,global_min_energy,\
         n_minima_all_correct,n_data_symmetries,n_minima_data_classes,n_ts_data_classes,\
         connected,saturated,stop,searches,seconds,\
         p_unseen_minimum,p_unseen_ts,seed_agreement,certified"
    );
    let names: Vec<&str> = rows.iter().map(|r| r["landscape"].as_str()).collect();
    let want: Vec<String> = keys.iter().map(|k| k.name()).collect();
    assert_eq!(names, want);
    for r in &rows {
        assert_eq!(r["saturated"], "true", "{r:?}");
        let minima: usize = r["n_minima"].parse().unwrap();
        let ts: usize = r["n_ts"].parse().unwrap();
        assert!(minima >= 1);
        let ratio: f64 = r["ts_per_minimum"].parse().unwrap();
        assert_eq!(ratio, ts as f64 / minima as f64);
        let _: f64 = r["global_min_energy"].parse().unwrap();
        let _: f64 = r["seconds"].parse().unwrap();
        assert!(r["n_minima_data_classes"].parse::<usize>().unwrap() <= minima);
    }
    assert_eq!(landscapes_in(&rows), expected);

    for name in [
        "counts_vs_lambda.svg",
        "counts_vs_nh.svg",
        "ratio.svg",
        "sensitivity.svg",
    ] {
        check_svg(&out.join(name));
    }
    for k in &keys {
        let (header, rows) = read_csv(&out.join(format!("dgraph_{}.csv", k.name())));
        assert_eq!(header, ["x1", "y1", "x2", "y2", "minimum_id"]);
        assert!(!rows.is_empty());
        check_svg(&out.join(format!("dgraph_{}.svg", k.name())));
    }

    let (header, rows) = read_csv(&out.join("classification.csv"));
    // Then p_true_d, correct_d for each of the 4 XOR points.
    assert_eq!(
        header.join(","),
        "n_hidden,lambda,kind,id,energy,hessian_index,n_correct,min_margin,auc,\
         p_true_0,correct_0,p_true_1,correct_1,p_true_2,correct_2,p_true_3,correct_3"
    );
    assert_eq!(landscapes_in(&rows), expected);

    let (header, rows) = read_csv(&out.join("sensitivity.csv"));
    assert_eq!(
        header.join(","),
        "n_hidden,lambda,group,kind,id,energy,sigma,fraction_correct,mean_input_gradient_norm"
    );
    assert_eq!(landscapes_in(&rows), expected);
    for r in &rows {
        let f: f64 = r["fraction_correct"].parse().unwrap();
        assert!((0.0..=1.0).contains(&f));
        assert!(
            ["global_minimum", "other_minima", "transition_states"].contains(&r["group"].as_str())
        );
    }

    let (header, rows) = read_csv(&out.join("embedding.csv"));
    assert_eq!(
        header.join(","),
        "n_hidden,lambda,kind,id,energy,rms_gradient_embedded,index_small,index_large,found_in_larger"
    );
    let pairs: BTreeSet<(String, String)> = keys
        .iter()
        .filter(|k| grid.hidden.contains(&(k.n_hidden + 1)))
        .map(|k| (k.n_hidden.to_string(), k.lambda.to_string()))
        .collect();
    assert_eq!(landscapes_in(&rows), pairs);
    for r in &rows {
        let rms: f64 = r["rms_gradient_embedded"].parse().unwrap();
        assert!(rms < 1e-6, "{r:?}");
        assert!(r["index_large"].parse::<usize>().unwrap() >= r["index_small"].parse().unwrap());
    }

    // training.csv: one row per run, optimiser and initialisation on each planned landscape.
    let (header, rows) = read_csv(&out.join("training.csv"));
    assert_eq!(
        header.join(","),
        "n_hidden,lambda,optimiser,init,run,epochs,final_loss,n_correct,outcome,minimum_id,distance"
    );
    let trained: BTreeSet<(String, String)> = keys
        .iter()
        .filter(|k| plan.hidden.contains(&k.n_hidden) && plan.lambdas.contains(&k.lambda))
        .map(|k| (k.n_hidden.to_string(), k.lambda.to_string()))
        .collect();
    assert!(!trained.is_empty());
    assert_eq!(landscapes_in(&rows), trained);
    assert_eq!(rows.len(), trained.len() * 9 * plan.runs);
    for r in &rows {
        assert!(
            ["gd", "sgd", "adam"].contains(&r["optimiser"].as_str()),
            "{r:?}"
        );
        assert!(
            ["glorot", "he", "uniform"].contains(&r["init"].as_str()),
            "{r:?}"
        );
        let outcome = r["outcome"].as_str();
        assert!(
            ["minimum", "unmatched", "saddle", "plateau"].contains(&outcome),
            "{r:?}"
        );
        assert_eq!(
            r["minimum_id"].is_empty(),
            !["minimum", "unmatched"].contains(&outcome),
            "{r:?}"
        );
        assert!(r["epochs"].parse::<usize>().unwrap() <= plan.epochs);
        assert!(r["n_correct"].parse::<usize>().unwrap() <= 4);
    }
    check_svg(&out.join("landing.svg"));

    // compression.csv: every stationary point of every landscape.
    let (header, rows) = read_csv(&out.join("compression.csv"));
    assert_eq!(
        header[..7].join(","),
        "n_hidden,lambda,kind,id,energy,effective_hidden_nodes,reduced_minimum_id"
    );
    assert_eq!(landscapes_in(&rows), expected);
    for r in &rows {
        let nh: usize = r["n_hidden"].parse().unwrap();
        let eff: usize = r["effective_hidden_nodes"].parse().unwrap();
        assert!(eff <= nh, "{r:?}");
        // A reduced point is named in the landscape with max(1, eff) nodes when the grid has
        // it (always here: the grid starts at N_h = 1).
        let status = r["reduced_status"].as_str();
        assert_eq!(eff == nh, status == "irreducible", "{r:?}");
        assert_ne!(status, "no_database", "{r:?}");
        assert_eq!(
            r["reduced_minimum_id"].is_empty(),
            status != "found",
            "{r:?}"
        );
        let f: f64 = r["dropout_mean_correct"].parse().unwrap();
        assert!((0.0..=4.0).contains(&f));
    }

    // manifest.json: settings, grid and a file list that matches the folder.
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["grid"]["hidden"], serde_json::json!(grid.hidden));
    assert_eq!(
        manifest["grid"]["landscapes"].as_array().unwrap().len(),
        keys.len()
    );
    // The settings structs as serde writes them, field by field.
    let explore = &manifest["settings"]["explore_params"];
    assert_eq!(explore["max_cycles"], serde_json::json!(xtask::MAX_CYCLES));
    assert_eq!(explore["max_time"], serde_json::Value::Null);
    assert!(explore["basin_hopping"]["quench"]["rms_gradient_tolerance"].is_number());
    assert!(explore["basin_hopping"]["stop"]["Saturation"]["no_new_for"].is_number());
    // JSON has no infinity: written as a string, not as null.
    assert_eq!(
        explore["connect"]["verify"]["hef"]["max_energy_rise"],
        serde_json::json!("inf")
    );
    assert!(manifest["settings"]["sensitivity_params"]["sigmas"].is_array());
    assert!(manifest["settings"]["tolerances_note"].is_string());
    for l in manifest["landscapes"].as_array().unwrap() {
        let lambda = l["lambda"].as_f64().unwrap();
        let t = nnscape_landscape::Tolerances::at_lambda(lambda);
        assert_eq!(
            l["tolerances"]["distance"].as_f64(),
            Some(t.distance),
            "{l}"
        );
        assert_eq!(
            l["tolerances"]["eigenvalue_cutoff"].as_f64(),
            Some(t.eigenvalue_cutoff)
        );
    }
    assert!(manifest["timings"]["total_seconds"].is_number());
    assert_eq!(manifest["settings"]["training_plan"]["runs"], plan.runs);
    assert_eq!(
        manifest["settings"]["train_params"]
            .as_array()
            .unwrap()
            .len(),
        9
    );
    assert!(manifest["settings"]["compression_params"]["compress"]["loss_tolerance"].is_number());
    let files: BTreeSet<String> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect();
    for f in &files {
        assert!(out.join(f).is_file(), "{f} listed but missing");
    }
    assert!(files.contains("SUMMARY.md") && files.contains("counts.csv"));
    assert_eq!(files.len(), 13 + 2 * keys.len());

    let summary = std::fs::read_to_string(out.join("SUMMARY.md")).unwrap();
    for heading in [
        "## 1. Growth",
        "## 2. Dependence",
        "## 3. Transition states per minimum",
        "## 4. Embedding",
        "## 5. How minima",
        "## 6. Sensitivity",
        "## 7. Which minima training finds",
        "## 8. How many hidden nodes",
    ] {
        assert!(summary.contains(heading), "{heading} missing");
    }
    for k in &keys {
        assert!(out
            .join("db")
            .join(format!("{}.sqlite", k.name()))
            .is_file());
    }
}

/// The real `--quick` grid: every file, then a rerun that reuses the databases.
#[test]
fn quick_grid_writes_every_file_and_a_rerun_reuses_the_databases() {
    let dir = tempfile::tempdir().unwrap();
    let opts = options(dir.path(), None);
    let first = reproduce(&opts).unwrap();
    assert_eq!(first.landscapes.len(), 9);
    assert!(first.searches > 0);
    assert!(first.landscapes.iter().all(|r| r.saturated));
    check_outputs(dir.path(), &Grid::quick(), &TrainingPlan::quick());
    let before = csv_bytes(dir.path());

    let second = reproduce(&opts).unwrap();
    assert_eq!(second.searches, 0, "a rerun must not search again");
    for r in &second.landscapes {
        assert!(r.saturated);
        assert_eq!(r.searches_this_run, 0);
    }
    let after = csv_bytes(dir.path());
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &before {
        assert!(after[name] == *bytes, "{name} changed on the rerun");
    }
}

/// Same seed, different thread counts and folders: byte-identical tables except the timings.
#[test]
fn same_seed_gives_identical_files_for_any_thread_count() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let one = ReproduceOptions {
        threads: Some(1),
        training: Some(small_plan()),
        ..options(a.path(), Some(small_grid()))
    };
    reproduce(&one).unwrap();
    reproduce(&ReproduceOptions {
        training: Some(small_plan()),
        ..options(b.path(), Some(small_grid()))
    })
    .unwrap();
    check_outputs(a.path(), &small_grid(), &small_plan());
    let (fa, fb) = (csv_bytes(a.path()), csv_bytes(b.path()));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        if name == "counts.csv" {
            let strip = |p: &Path| -> Vec<Vec<String>> {
                let (h, rows) = read_csv(p);
                rows.iter()
                    .map(|r| {
                        h.iter()
                            .filter(|c| *c != "seconds")
                            .map(|c| r[c].clone())
                            .collect()
                    })
                    .collect()
            };
            assert_eq!(strip(&a.path().join(name)), strip(&b.path().join(name)));
        } else {
            assert!(fb[name] == *bytes, "{name} differs between runs");
        }
    }
}

#[test]
fn only_restricts_the_outputs_or_the_landscape() {
    let dir = tempfile::tempdir().unwrap();
    let grid = small_grid();
    let report = reproduce(&ReproduceOptions {
        only: Some("h2_l1e-2".into()),
        ..options(dir.path(), Some(grid.clone()))
    })
    .unwrap();
    assert_eq!(report.landscapes.len(), 1);
    assert_eq!(report.landscapes[0].name, "h2_l1e-2");
    assert!(dir.path().join("dgraph_h2_l1e-2.svg").is_file());
    assert!(!dir.path().join("dgraph_h1_l1e-2.svg").exists());
    let (_, rows) = read_csv(&dir.path().join("counts.csv"));
    assert_eq!(rows.len(), 1);

    let dir = tempfile::tempdir().unwrap();
    let report = reproduce(&ReproduceOptions {
        only: Some("counts".into()),
        ..options(dir.path(), Some(grid))
    })
    .unwrap();
    assert_eq!(report.landscapes.len(), 4);
    let files: Vec<String> = report
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    assert_eq!(
        files,
        [
            "SUMMARY.md",
            "counts.csv",
            "counts_vs_lambda.svg",
            "counts_vs_nh.svg",
            "manifest.json",
            "ratio.svg"
        ]
    );
    let summary = std::fs::read_to_string(dir.path().join("SUMMARY.md")).unwrap();
    assert!(summary.contains("Not computed in this run"));
}

#[test]
fn bad_arguments_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let err = reproduce(&ReproduceOptions {
        only: Some("h9_l1e-3".into()),
        ..options(dir.path(), None)
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("unknown --only value \"h9_l1e-3\""), "{err}");
    assert!(err.contains("counts, dgraph, classification, sensitivity, embedding"));
    assert!(err.contains("h3_l1e-3"), "{err}");
    let err = reproduce(&ReproduceOptions {
        threads: Some(0),
        ..options(dir.path(), None)
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("--threads must be at least 1"), "{err}");
    let err = reproduce(&options(
        dir.path(),
        Some(Grid {
            hidden: vec![0],
            lambdas: vec![1e-2],
        }),
    ))
    .unwrap_err()
    .to_string();
    assert!(err.contains("N_h must be at least 1"), "{err}");

    // The binary: a clear message and a failing exit code (no re-exec into release here).
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["reproduce", "--quick", "--only", "nope", "--out"])
        .arg(dir.path())
        .env("NNSCAPE_XTASK_NO_REEXEC", "1")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown --only value \"nope\""), "{stderr}");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["reproduce", "--budget-minutes", "-1"])
        .env("NNSCAPE_XTASK_NO_REEXEC", "1")
        .output()
        .unwrap();
    assert!(!out.status.success());
}
