//! `nnscape ts` (single-ended transition-state searches from every minimum of a minima CSV) and
//! `nnscape connect` (double-ended connection between two of its minima).

use std::path::{Path as FsPath, PathBuf};

use anyhow::{Context, Result};
use nnscape_landscape::pathsample::IMPORT_ENERGY_TOLERANCE;
use nnscape_landscape::OutputFile;
use nnscape_model::Loss;
use nnscape_optim::{NetworkSystem, System, Tolerances};
use nnscape_ts::{
    connect, minimise_to_minimum, single_ended_all, ConnectParams, MinimumFound, SingleEndedParams,
    TsDatabase, TsEdge, VerifyParams,
};

use crate::common::{prepare, thread_pool, write_output, NetworkArgs};
use crate::csvio::{read_minima_csv, write_points_csv, MinimumRow, PointRow};
use crate::range;

#[derive(Debug, clap::Args)]
pub struct TsArgs {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Minima CSV as written by `nnscape minima --csv` (id,energy,rms_gradient,index,n_correct,w0,...).
    #[arg(long, value_name = "FILE")]
    pub from_minima: PathBuf,
    /// Searches start along the K softest Hessian modes of each minimum, both signs (at most
    /// the number of parameters).
    #[arg(long, default_value_t = 3)]
    pub k: usize,
    /// Write the transition states as CSV (id,energy,rms_gradient,index,n_correct,min1,min2,w0,...)
    /// and all minima beside it as STEM_minima.csv (STEM: the file name without extension).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Worker threads (default: all cores). The results do not depend on it.
    #[arg(long, value_name = "T", value_parser = range::count(range::THREADS))]
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

/// Re-verifies the minima read from `file` (polish to RMS 1e-10, Hessian check) so every id
/// is a true minimum of this landscape: the energy in the file must be the one recomputed here
/// (minima of another lambda, N_h or data are refused, naming the line), and the polished
/// point the same point.
fn verify_rows(
    sys: &mut NetworkSystem,
    file: &FsPath,
    rows: &[MinimumRow],
    vp: &VerifyParams,
) -> Result<Vec<MinimumFound>> {
    rows.iter()
        .map(|r| {
            let at = || format!("{}:{}: minimum {}", file.display(), r.line, r.id);
            let e = sys.potential.energy(&r.x);
            anyhow::ensure!(
                (e - r.energy).abs() <= IMPORT_ENERGY_TOLERANCE * r.energy.abs().max(1.0),
                "{}: energy {} in the file but {e} recomputed here: the minima belong to another landscape (other lambda, N_h, data or bias regularisation)",
                at(),
                r.energy
            );
            let m = minimise_to_minimum(sys, &r.x, vp)
                .with_context(|| format!("{}: does not polish to a true minimum", at()))?;
            anyhow::ensure!(
                sys.same_point(&m.x, m.energy, &r.x, e),
                "{}: is not a minimum of this landscape (it polishes to another point, energy {})",
                at(),
                m.energy
            );
            Ok(m)
        })
        .collect()
}

/// The output files of `--csv` (the transition states and `<stem>_minima.csv` beside them),
/// prepared before any search.
fn prepare_outputs(csv: Option<&FsPath>) -> Result<Option<(OutputFile, OutputFile)>> {
    csv.map(|path| Ok((prepare(path)?, prepare(&minima_path(path))?)))
        .transpose()
}

/// `<stem>_minima.csv` beside `path`.
fn minima_path(path: &FsPath) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or("ts".into(), |s| s.to_string_lossy().into_owned());
    path.with_file_name(format!("{stem}_minima.csv"))
}

/// Prints the transition states and writes the CSVs. `ids[i]` is the output id of minimum `i`.
fn report(
    loss: &mut Loss,
    db: &TsDatabase,
    ids: &[usize],
    csv: Option<(OutputFile, OutputFile)>,
) -> Result<()> {
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
    let Some((ts_out, minima_out)) = csv else {
        return Ok(());
    };
    let (path, mpath) = (ts_out.path().to_path_buf(), minima_out.path().to_path_buf());
    let n = loss.n_params();
    let ts_correct: Vec<usize> = db
        .transition_states
        .iter()
        .map(|t| loss.n_correct(&t.ts.x))
        .collect();
    write_output(ts_out, |w| {
        write_points_csv(
            w,
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
        )
    })?;
    let tolerances = Tolerances::at_lambda(loss.network().lambda());
    let min_correct: Vec<usize> = db.minima.iter().map(|m| loss.n_correct(&m.x)).collect();
    write_output(minima_out, |w| {
        write_points_csv(
            w,
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
        )
    })?;
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
    let mut sys = System::network(args.network.search_loss()?);
    let n = sys.potential.n_params();
    range::within("--k", args.k, 1..=n, "the number of parameters")?;
    let outputs = prepare_outputs(args.csv.as_deref())?;
    let params = SingleEndedParams::default();
    let rows = read_minima_csv(&args.from_minima, n)?;
    let minima = verify_rows(&mut sys, &args.from_minima, &rows, &params.verify)?;
    let pool = thread_pool(args.threads)?;
    let db = pool.install(|| single_ended_all(&sys, minima, args.k, &params));
    let ids = output_ids(&rows, db.minima.len());
    report(&mut sys.potential, &db, &ids, outputs)
}

pub fn run_connect(args: &ConnectArgs) -> Result<()> {
    let mut sys = System::network(args.network.search_loss()?);
    let outputs = prepare_outputs(args.csv.as_deref())?;
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
    // The file's minima are checked against this landscape before the connection.
    let verified = verify_rows(&mut sys, &args.from_minima, &rows, &params.verify)?;
    let result = connect(&mut sys, &a.x, &b.x, &params)?;
    // Map the connection's minima onto the file's (up to symmetry), new ones after them.
    let mut db = TsDatabase {
        minima: verified,
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
    report(&mut sys.potential, &db, &ids, outputs)
}
