//! Bit-for-bit fingerprint of an exploration that runs all three phases (including 9
//! double-ended connections), recorded on the code before the explore/db split: refactors of
//! the driver must leave every stored row unchanged. The fingerprint depends on the platform's
//! libm (exp, ln); it was recorded on x86_64 Linux.

use std::fmt::Write;

use nnscape_landscape::{explore, ExploreParams, ExploreStopReason};

mod common;
use common::{new_db, xor_loss};

/// Every row of the four tables, floats as bit patterns, blobs as hex.
fn dump(path: &std::path::Path) -> String {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut out = String::new();
    for table in ["minima", "transition_states", "searches", "cycles"] {
        let mut stmt = conn
            .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
            .unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            write!(out, "{table}:").unwrap();
            for i in 0..n {
                match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Real(f) => write!(out, " {:x}", f.to_bits()),
                    rusqlite::types::ValueRef::Blob(b) => {
                        let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
                        write!(out, " {hex}")
                    }
                    v => write!(out, " {v:?}"),
                }
                .unwrap();
            }
            out.push('\n');
        }
    }
    out
}

fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[test]
fn exploration_rows_are_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let loss = xor_loss(4, 1e-4);
    let db = new_db(&dir, "h4.sqlite", &loss);
    let params = ExploreParams {
        single_ended_modes: 1,
        max_cycles: 1,
        seed: 3,
        ..ExploreParams::default()
    };
    let report = explore(&db, &loss, &params, |_| {}).unwrap();
    assert_eq!(report.stop, ExploreStopReason::MaxCycles);
    assert_eq!(report.searches, 19);
    let text = dump(db.path());
    assert_eq!(
        fnv1a(&text),
        EXPECTED,
        "rows changed; first rows:\n{}",
        &text[..text.len().min(2000)]
    );
}

/// FNV-1a of [`dump`] on the code before the split (commit d9a0fc1).
const EXPECTED: u64 = 0x8bc5_158c_256d_fadc;
