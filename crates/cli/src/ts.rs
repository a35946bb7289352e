//! `nnscape ts` (single-ended transition-state searches from every minimum of a minima CSV) and
//! `nnscape connect` (double-ended connection between two of its minima).

use std::path::{Path as FsPath, PathBuf};

use anyhow::{Context, Result};
use nnscape_model::Loss;
use nnscape_optim::{NetworkSystem, System, Tolerances};
use nnscape_ts::{
    connect, minimise_to_minimum, single_ended_all, ConnectParams, MinimumFound, SingleEndedParams,
    TsDatabase, TsEdge, VerifyParams,
};

use crate::common::{create, thread_pool, NetworkArgs};
use crate::csvio::{read_minima_csv, write_points_csv, MinimumRow, PointRow};

#[derive(Debug, clap::Args)]
pub struct TsArgs {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Minima CSV as written by `nnscape minima --csv` (id,energy,rms_gradient,index,n_correct,w0,...).
    #[arg(long, value_name = "FILE")]
    pub from_minima: PathBuf,
    /// Searches start along the K softest Hessian modes of each minimum, both signs.
    #[arg(long, default_value_t = 3)]
    pub k: usize,
    /// Write the transition states as CSV (id,energy,rms_gradient,index,n_correct,min1,min2,w0,...)
    /// and all minima beside it as STEM_minima.csv (STEM: the file name without extension).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Worker threads (default: all cores). The results do not depend on it.
    #[arg(long, value_name = "T")]
    pub threads: Option<usize>,
}

#[derive(Debug, clap::Args)]
pub struct ConnectArgs {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Minima CSV as written by `nnscape minima --csv`.
    #[arg(long, value_name = "FILE")]
    pub from_minima: PathBuf,
    /// Id (the CSV's `id` column) of the start minimum.
    #[arg(long, value_name = "ID")]
    pub min1: usize,
    /// Id of the end minimum.
    #[arg(long, value_name = "ID")]
    pub min2: usize,
    /// Write the transition states as CSV, and all minima beside it as STEM_minima.csv (STEM:
    /// the file name without extension).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

/// Re-verifies the minima read (polish to RMS 1e-10, Hessian check) so every id is a true minimum.
fn verify_rows(
    sys: &mut NetworkSystem,
    rows: &[MinimumRow],
    vp: &VerifyParams,
) -> Result<Vec<MinimumFound>> {
    rows.iter()
        .map(|r| {
            sys.net().check_params(&r.x)?;
            minimise_to_minimum(sys, &r.x, vp)
                .with_context(|| format!("minimum {} does not polish to a true minimum", r.id))
        })
        .collect()
}

/// `<stem>_minima.csv` beside `path`.
fn minima_path(path: &FsPath) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or("ts".into(), |s| s.to_string_lossy().into_owned());
    path.with_file_name(format!("{stem}_minima.csv"))
}

/// Prints the transition states and writes the CSVs. `ids[i]` is the output id of minimum `i`.
fn report(loss: &mut Loss, db: &TsDatabase, ids: &[usize], csv: Option<&FsPath>) -> Result<()> {
    println!(
        "{:>4}  {:>22}  {:>12}  {:>12}  {:>5}  {:>5}",
        "id", "energy", "barrier_1", "barrier_2", "min1", "min2"
    );
    for (i, t) in db.transition_states.iter().enumerate() {
        let (a, b) = (&db.minima[t.minus], &db.minima[t.plus]);
        println!(
            "{:>4}  {:>22.15e}  {:>12.6e}  {:>12.6e}  {:>5}  {:>5}{}",
            i,
            t.ts.energy,
            t.ts.energy - a.energy,
            t.ts.energy - b.energy,
            ids[t.minus],
            ids[t.plus],
            if t.same_minimum {
                "  (same minimum on both sides)"
            } else {
                ""
            }
        );
    }
    let s = &db.stats;
    println!(
        "{} transition states ({} with the same minimum on both sides), {} minima; searches: {} ({} verified, {} duplicates, {} index 2+ rejected, {} ended at minima, {} hit the climb limit, {} failed)",
        db.transition_states.len(),
        db.transition_states.iter().filter(|t| t.same_minimum).count(),
        db.minima.len(),
        s.candidates,
        s.accepted,
        s.duplicates,
        s.rejected_higher_index,
        s.rejected_no_negative,
        s.climb_limit,
        s.failed
    );
    let Some(path) = csv else { return Ok(()) };
    let n = loss.n_params();
    let ts_correct: Vec<usize> = db
        .transition_states
        .iter()
        .map(|t| loss.n_correct(&t.ts.x))
        .collect();
    write_points_csv(
        create(path)?,
        n,
        true,
        db.transition_states
            .iter()
            .zip(&ts_correct)
            .enumerate()
            .map(|(i, (t, &n_correct))| PointRow {
                id: i as i64,
                energy: t.ts.energy,
                rms_gradient: t.ts.rms_gradient,
                index: 1,
                n_correct,
                link: Some((ids[t.minus] as i64, ids[t.plus] as i64)),
                params: &t.ts.x,
            }),
    )?;
    let tolerances = Tolerances::default();
    let min_correct: Vec<usize> = db.minima.iter().map(|m| loss.n_correct(&m.x)).collect();
    let mpath = minima_path(path);
    write_points_csv(
        create(&mpath)?,
        n,
        false,
        db.minima
            .iter()
            .zip(ids)
            .zip(&min_correct)
            .map(|((m, &id), &n_correct)| PointRow {
                id: id as i64,
                energy: m.energy,
                rms_gradient: m.rms_gradient,
                index: tolerances.index(&m.eigenvalues),
                n_correct,
                link: None,
                params: &m.x,
            }),
    )?;
    println!("wrote {} and {}", path.display(), mpath.display());
    Ok(())
}

/// Output ids: the file's ids for the minima read, then consecutive ids above the largest.
fn output_ids(rows: &[MinimumRow], total: usize) -> Vec<usize> {
    let next = rows.iter().map(|r| r.id).max().map_or(0, |m| m + 1);
    rows.iter()
        .map(|r| r.id)
        .chain(next..)
        .take(total)
        .collect()
}

pub fn run_ts(args: &TsArgs) -> Result<()> {
    anyhow::ensure!(args.k >= 1, "--k must be at least 1");
    let mut sys = System::network(args.network.loss()?);
    let params = SingleEndedParams::default();
    let rows = read_minima_csv(&args.from_minima, sys.potential.n_params())?;
    let minima = verify_rows(&mut sys, &rows, &params.verify)?;
    let pool = thread_pool(args.threads)?;
    let db = pool.install(|| single_ended_all(&sys, minima, args.k, &params));
    let ids = output_ids(&rows, db.minima.len());
    report(&mut sys.potential, &db, &ids, args.csv.as_deref())
}

pub fn run_connect(args: &ConnectArgs) -> Result<()> {
    let mut sys = System::network(args.network.loss()?);
    let params = ConnectParams::default();
    let rows = read_minima_csv(&args.from_minima, sys.potential.n_params())?;
    let find = |id: usize| {
        rows.iter()
            .find(|r| r.id == id)
            .with_context(|| format!("no minimum with id {id} in {}", args.from_minima.display()))
    };
    let (a, b) = (find(args.min1)?, find(args.min2)?);
    anyhow::ensure!(
        args.min1 != args.min2,
        "--min1 and --min2 are the same minimum"
    );
    let result = connect(&mut sys, &a.x, &b.x, &params)?;
    // Map the connection's minima onto the file's (up to symmetry), new ones after them.
    let mut db = TsDatabase {
        minima: verify_rows(&mut sys, &rows, &params.verify)?,
        ..TsDatabase::default()
    };
    let map: Vec<usize> = result
        .minima
        .iter()
        .map(|m| db.add_minimum(m.clone(), &sys))
        .collect();
    for t in &result.transition_states {
        db.transition_states.push(TsEdge {
            minus: map[t.minus],
            plus: map[t.plus],
            same_minimum: t.same_minimum || map[t.minus] == map[t.plus],
            ts: t.ts.clone(),
        });
    }
    db.stats = result.stats.clone();
    let ids = output_ids(&rows, db.minima.len());
    if result.connected {
        let chain: Vec<String> = result
            .path_minima
            .iter()
            .map(|&i| ids[map[i]].to_string())
            .collect();
        println!(
            "connected {} -> {}: minima {}",
            args.min1,
            args.min2,
            chain.join(" -> ")
        );
    } else {
        println!(
            "not connected after {} DNEB attempts (distance {:.6})",
            result.attempts,
            sys.distance(&a.x, &b.x)
        );
    }
    report(&mut sys.potential, &db, &ids, args.csv.as_deref())
}
