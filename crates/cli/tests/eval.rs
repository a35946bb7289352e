//! `nnscape eval` end to end.

mod common;

use std::io::Write;
use std::process::Stdio;

/// Runs `nnscape args` with `stdin` as standard input: (success, stdout, stderr).
fn nnscape(args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = common::nnscape()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The process may exit before reading stdin (e.g. on an argument error).
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn json_at_zero_weights() {
    let zeros = format!("[{}]", ["0"; 12].join(","));
    let (ok, out, err) = nnscape(
        &[
            "eval", "--hidden", "2", "--lambda", "1e-4", "--params", "-", "--json",
        ],
        &zeros,
    );
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["energy"].as_f64().unwrap(), std::f64::consts::LN_2);
    assert_eq!(v["rms_gradient"].as_f64().unwrap(), 0.0);
    assert_eq!(v["index"].as_u64().unwrap(), 0);
    let ev: Vec<f64> = v["hessian_eigenvalues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect();
    // 2 lambda eleven times, 2 lambda + 1/2 once (see the model crate's known-point test).
    assert_eq!(ev.len(), 12);
    assert!(ev[..11].iter().all(|e| (e - 2e-4).abs() < 1e-14));
    assert!((ev[11] - 0.5002).abs() < 1e-14);
    let points = v["points"].as_array().unwrap();
    assert_eq!(points.len(), 4);
    assert!(points.iter().all(|p| p["correct"] == false));
}

#[test]
fn csv_row_with_header_from_file_and_data_option() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("w.csv");
    let header: Vec<String> = (0..7).map(|m| format!("w{m}")).collect();
    // N_h = 1 on XOR: 7 parameters.
    std::fs::write(
        &path,
        format!("{}\n0.5,-0.25,1,-1,0.1,0.2,-0.2\n", header.join(",")),
    )
    .unwrap();
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/xor.csv");
    let (ok, out, err) = nnscape(
        &[
            "eval",
            "--hidden",
            "1",
            "--lambda",
            "0",
            "--data",
            data,
            "--params",
            path.to_str().unwrap(),
            "--json",
        ],
        "",
    );
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["gradient"].as_array().unwrap().len(), 7);
    // Energy by hand: h = tanh(0.5 x1 - 0.25 x2 + 0.1); y0 = h + 0.2, y1 = -h - 0.2.
    let e: f64 = [(0.0, 0.0, 0), (0.0, 1.0, 1), (1.0, 0.0, 1), (1.0, 1.0, 0)]
        .iter()
        .map(|&(x1, x2, c): &(f64, f64, usize)| {
            let h = (0.5 * x1 - 0.25 * x2 + 0.1).tanh();
            let y = [h + 0.2, -h - 0.2];
            let lse = (y[0].exp() + y[1].exp()).ln();
            lse - y[c]
        })
        .sum::<f64>()
        / 4.0;
    assert!((v["energy"].as_f64().unwrap() - e).abs() < 1e-14);
}

#[test]
fn bad_parameter_vectors_are_clear_errors() {
    let (ok, _, err) = nnscape(
        &["eval", "--hidden", "2", "--lambda", "1e-4", "--params", "-"],
        "[1, 2, 3]",
    );
    assert!(!ok);
    assert!(err.contains("3 entries") && err.contains("has 12"), "{err}");
    let (ok, _, err) = nnscape(
        &["eval", "--hidden", "1", "--lambda", "0", "--params", "-"],
        "1,2,x,4,5,6,7",
    );
    assert!(!ok);
    assert!(err.contains("value 3") && err.contains("'x'"), "{err}");
    let (ok, _, err) = nnscape(
        &["eval", "--hidden", "1", "--lambda", "0", "--params", "-"],
        "0,0,0,0,0,NaN,0",
    );
    assert!(!ok);
    assert!(err.contains("parameter 5 is not finite"), "{err}");
    let (ok, _, err) = nnscape(
        &["eval", "--hidden", "1", "--lambda", "-1", "--params", "-"],
        "[0]",
    );
    assert!(!ok);
    assert!(err.contains("lambda"), "{err}");
    let (ok, _, err) = nnscape(
        &[
            "eval",
            "--hidden",
            "1",
            "--lambda",
            "0",
            "--params",
            "/nonexistent.csv",
        ],
        "",
    );
    assert!(!ok);
    assert!(err.contains("/nonexistent.csv"), "{err}");
}
