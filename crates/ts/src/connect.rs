//! Single-ended searches from a minimum and the double-ended connection algorithm (Carr,
//! Trygubenko and Wales 2005; OPTIM `NEWCONNECT`, pele `DoubleEndedConnect`).

use std::collections::VecDeque;

use nalgebra::DMatrix;
use nnscape_model::vector::dot;
use nnscape_optim::{Alignment, HessianObjective, Objective, System, Tolerances};
use rayon::prelude::*;

use crate::dneb::{dneb, DnebParams};
use crate::eigen::lowest_eigenpairs;
use crate::hef::{find_transition_state, TransitionState, TsFailure};
use crate::verify::{
    minimise_to_minimum, push_off_and_minimise, verify_candidate, MinimumFound, Path, VerifyError,
    VerifyParams, VerifyStats,
};

/// Parameters of [`single_ended`] and [`single_ended_paths`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct SingleEndedParams {
    /// Displacement from the minimum along each eigenvector before eigenvector-following
    /// starts (OPTIM-style small kick; HEF's own uphill steps do the climbing).
    pub displacement: f64,
    /// HEF settings, eigen-solver and deduplication tolerances.
    pub verify: VerifyParams,
}

impl Default for SingleEndedParams {
    fn default() -> Self {
        Self {
            displacement: 0.01,
            verify: VerifyParams::default(),
        }
    }
}

/// The Hessian with the invariant directions deflated: `P H P + shift (I - P)`, `P` the
/// projector orthogonal to them, so they appear as eigenvalue `shift` (far above the soft
/// modes) and the lowest eigenpairs are the ones that can lead to a saddle.
struct Deflated<'a, O: ?Sized> {
    obj: &'a mut O,
    dirs: &'a [Vec<f64>],
    shift: f64,
}

impl<O: ?Sized> Deflated<'_, O> {
    fn project(&self, v: &mut [f64]) {
        for d in self.dirs {
            let c = dot(v, d);
            for (vi, di) in v.iter_mut().zip(d) {
                *vi -= c * di;
            }
        }
    }
}

impl<O: HessianObjective + ?Sized> Objective for Deflated<'_, O> {
    fn dim(&self) -> usize {
        self.obj.dim()
    }
    fn energy_gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        self.obj.energy_gradient(x, grad)
    }
}

impl<O: HessianObjective + ?Sized> HessianObjective for Deflated<'_, O> {
    fn hessian(&mut self, x: &[f64], h: &mut DMatrix<f64>) {
        let n = self.dim();
        self.obj.hessian(x, h);
        let mut p = DMatrix::identity(n, n);
        for d in self.dirs {
            let dv = nalgebra::DVector::from_column_slice(d);
            p -= &dv * dv.transpose();
        }
        let ph = &p * &*h * &p;
        let q = DMatrix::identity(n, n) - &p;
        h.copy_from(&(ph + q * self.shift));
    }
    fn hessian_vector(&mut self, x: &[f64], v: &[f64], out: &mut [f64]) {
        let mut pv = v.to_vec();
        self.project(&mut pv);
        self.obj.hessian_vector(x, &pv, out);
        self.project(out);
        for ((o, vi), pvi) in out.iter_mut().zip(v).zip(&pv) {
            *o += self.shift * (vi - pvi);
        }
    }
}

/// Eigenvalue given to the invariant directions when they are deflated: far above any
/// soft mode of the loss (the largest XOR Hessian eigenvalues at minima are O(10)).
const DEFLATION_SHIFT: f64 = 1e6;

/// Starting points and directions of the single-ended searches: the `k` lowest Hessian modes
/// at `minimum` (invariant directions of `align` excluded), both signs.
fn single_ended_starts<O: HessianObjective, A: Alignment>(
    sys: &mut System<O, A>,
    minimum: &[f64],
    k: usize,
    params: &SingleEndedParams,
) -> Vec<(Vec<f64>, Vec<f64>)> {
    let dirs = sys.alignment.invariant_directions();
    let obj = &mut sys.potential;
    let eig = if dirs.is_empty() {
        lowest_eigenpairs(obj, minimum, k, None, &params.verify.hef.eigen)
    } else {
        lowest_eigenpairs(
            &mut Deflated {
                obj,
                dirs: &dirs,
                shift: DEFLATION_SHIFT,
            },
            minimum,
            k,
            None,
            &params.verify.hef.eigen,
        )
    };
    let Ok(eig) = eig else {
        return Vec::new();
    };
    let mut starts = Vec::new();
    for mode in 0..k.min(eig.eigenvalues.len()) {
        let v = eig.vector(mode);
        for sign in [1.0, -1.0] {
            let dir: Vec<f64> = v.iter().map(|c| sign * c).collect();
            let x0 = minimum
                .iter()
                .zip(&dir)
                .map(|(m, d)| m + params.displacement * d)
                .collect();
            starts.push((x0, dir));
        }
    }
    starts
}

fn known_ts<P, A: Alignment>(
    found: &[&TransitionState],
    ts: &TransitionState,
    sys: &System<P, A>,
) -> bool {
    found
        .iter()
        .any(|t| sys.same_point(&t.x, t.energy, &ts.x, ts.energy))
}

/// Single-ended search: eigenvector-following started from `minimum` displaced along each of
/// its `k` lowest Hessian eigenvectors (skipping the alignment's invariant directions), both
/// signs (up to `2k` searches), following that mode until negative curvature appears. Returns
/// the distinct transition states found (not pushed off; see [`single_ended_paths`]).
pub fn single_ended<O: HessianObjective, A: Alignment>(
    sys: &mut System<O, A>,
    minimum: &[f64],
    k: usize,
    params: &SingleEndedParams,
) -> Vec<TransitionState> {
    let vp = &params.verify;
    let tolerances = sys.tolerances;
    let mut found: Vec<TransitionState> = Vec::new();
    for (x0, dir) in single_ended_starts(sys, minimum, k, params) {
        if let Ok(ts) =
            find_transition_state(&mut sys.potential, &x0, Some(&dir), &vp.hef, &tolerances)
        {
            if !known_ts(&found.iter().collect::<Vec<_>>(), &ts, sys) {
                found.push(ts);
            }
        }
    }
    found
}

/// Verified outcome of the single-ended searches from one minimum.
#[derive(Debug, Clone, Default)]
pub struct SingleEndedResult {
    /// Distinct verified paths (transition state and both minima), in search order. Paths whose
    /// two sides reach the same minimum are kept with `same_minimum` set.
    pub paths: Vec<Path>,
    /// Search outcomes: every search is a candidate; index-2+ end points are counted in
    /// `rejected_higher_index` and never returned.
    pub stats: VerifyStats,
}

/// [`single_ended`] followed by verification of each distinct transition state: push off both
/// ways and minimise each side to a Hessian-checked minimum ([`push_off_and_minimise`]).
pub fn single_ended_paths<O: HessianObjective, A: Alignment>(
    sys: &mut System<O, A>,
    minimum: &[f64],
    k: usize,
    params: &SingleEndedParams,
) -> SingleEndedResult {
    let vp = &params.verify;
    let tolerances = sys.tolerances;
    let mut out = SingleEndedResult::default();
    for (x0, dir) in single_ended_starts(sys, minimum, k, params) {
        out.stats.candidates += 1;
        let ts = match find_transition_state(
            &mut sys.potential,
            &x0,
            Some(&dir),
            &vp.hef,
            &tolerances,
        ) {
            Ok(ts) => ts,
            Err(e) => {
                out.stats.count_failure(&e);
                continue;
            }
        };
        if known_ts(
            &out.paths.iter().map(|p| &p.ts).collect::<Vec<_>>(),
            &ts,
            sys,
        ) {
            out.stats.duplicates += 1;
            continue;
        }
        match push_off_and_minimise(sys, ts, vp) {
            Ok(p) => {
                out.stats.accepted += 1;
                out.paths.push(p);
            }
            Err(_) => out.stats.failed += 1,
        }
    }
    out
}

/// Transition states and minima collected from many searches, deduplicated up to symmetry.
#[derive(Debug, Clone, Default)]
pub struct TsDatabase {
    /// Minima: the inputs first, in their order, then new ones in order of discovery.
    pub minima: Vec<MinimumFound>,
    /// Distinct transition states with indices into `minima` (`same_minimum` flags paths whose
    /// two sides are the same minimum).
    pub transition_states: Vec<TsEdge>,
    /// Outcomes summed over all searches (per-search counts: a path accepted from two minima is
    /// counted twice there but stored once).
    pub stats: VerifyStats,
}

impl TsDatabase {
    /// Index of `m` (same point up to symmetry), adding it when new.
    pub fn add_minimum<P, A: Alignment>(&mut self, m: MinimumFound, sys: &System<P, A>) -> usize {
        if let Some(i) = self
            .minima
            .iter()
            .position(|o| sys.same_point(&o.x, o.energy, &m.x, m.energy))
        {
            return i;
        }
        self.minima.push(m);
        self.minima.len() - 1
    }

    /// Adds a verified path; returns the transition state's index, or `None` when it was known.
    pub fn add_path<P, A: Alignment>(&mut self, p: Path, sys: &System<P, A>) -> Option<usize> {
        let known: Vec<&TransitionState> = self.transition_states.iter().map(|t| &t.ts).collect();
        if known_ts(&known, &p.ts, sys) {
            return None;
        }
        let minus = self.add_minimum(p.minus, sys);
        let plus = self.add_minimum(p.plus, sys);
        self.transition_states.push(TsEdge {
            ts: p.ts,
            minus,
            plus,
            same_minimum: p.same_minimum || minus == plus,
        });
        Some(self.transition_states.len() - 1)
    }
}

/// Single-ended searches from every minimum in `minima` (already verified), run in parallel
/// on the current rayon pool with one clone of `sys` per minimum, merged in input order so the
/// result does not depend on the number of threads.
pub fn single_ended_all<O, A>(
    sys: &System<O, A>,
    minima: Vec<MinimumFound>,
    k: usize,
    params: &SingleEndedParams,
) -> TsDatabase
where
    O: HessianObjective + Clone + Send + Sync,
    A: Alignment + Clone + Sync,
{
    let results: Vec<SingleEndedResult> = minima
        .par_iter()
        .map(|m| single_ended_paths(&mut sys.clone(), &m.x, k, params))
        .collect();
    let mut db = TsDatabase {
        minima,
        ..TsDatabase::default()
    };
    for r in results {
        db.stats.merge(&r.stats);
        for p in r.paths {
            db.add_path(p, sys);
        }
    }
    db
}

/// Parameters of [`connect`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConnectParams {
    /// DNEB attempts before giving up (the brief's 50; pele allows 200 iterations).
    pub max_attempts: usize,
    /// Dijkstra edge weight of a pair already tried without success: large compared with any
    /// squared distance so such pairs are used only when nothing else is left.
    pub tried_weight: f64,
    /// A pair is retried (with twice the image density each time) at most this many times.
    pub max_tries_per_pair: usize,
    /// Band maxima verified per DNEB, highest first.
    pub candidates_per_attempt: usize,
    /// Band settings.
    pub dneb: DnebParams,
    /// Verification and quench settings (when two points are the same is the
    /// [`System`]'s rule).
    pub verify: VerifyParams,
}

impl Default for ConnectParams {
    fn default() -> Self {
        Self {
            max_attempts: 50,
            tried_weight: 1e6,
            max_tries_per_pair: 3,
            candidates_per_attempt: 5,
            dneb: DnebParams::default(),
            verify: VerifyParams::default(),
        }
    }
}

/// A transition state of the connection graph with the indices of its two minima.
#[derive(Debug, Clone)]
pub struct TsEdge {
    /// The saddle.
    pub ts: TransitionState,
    /// Index (into [`ConnectResult::minima`]) of the minimum on the `-v` side.
    pub minus: usize,
    /// Index of the minimum on the `+v` side.
    pub plus: usize,
    /// Both sides reached the same minimum (a degenerate path, reported separately).
    pub same_minimum: bool,
}

/// Everything a connection run found.
#[derive(Debug, Clone)]
pub struct ConnectResult {
    /// Minima; 0 is the start, 1 the end.
    pub minima: Vec<MinimumFound>,
    /// Transition states with their minima.
    pub transition_states: Vec<TsEdge>,
    /// DNEB attempts made.
    pub attempts: usize,
    /// Start and end joined by a chain of transition states.
    pub connected: bool,
    /// When connected: minima along the path from start to end (indices into `minima`).
    pub path_minima: Vec<usize>,
    /// When connected: transition states along the path (indices into `transition_states`).
    pub path_ts: Vec<usize>,
    /// Verification counts over all candidates.
    pub stats: VerifyStats,
}

struct Graph<'a, A> {
    align: A,
    tolerances: Tolerances,
    params: &'a ConnectParams,
    minima: Vec<MinimumFound>,
    ts: Vec<TsEdge>,
    /// Cached squared aligned distances.
    dist2: Vec<Vec<f64>>,
    tries: Vec<Vec<usize>>,
}

impl<A: Alignment> Graph<'_, A> {
    fn add_minimum(&mut self, m: MinimumFound) -> usize {
        if let Some(i) = self.minima.iter().position(|o| {
            self.tolerances
                .same_point(&self.align, &o.x, o.energy, &m.x, m.energy)
        }) {
            return i;
        }
        let row: Vec<f64> = self
            .minima
            .iter()
            .map(|o| self.align.distance(&o.x, &m.x).powi(2))
            .collect();
        for (r, d) in self.dist2.iter_mut().zip(&row) {
            r.push(*d);
        }
        let mut row = row;
        row.push(0.0);
        self.dist2.push(row);
        for t in self.tries.iter_mut() {
            t.push(0);
        }
        self.tries.push(vec![0; self.minima.len() + 1]);
        self.minima.push(m);
        self.minima.len() - 1
    }

    fn add_ts(&mut self, ts: TransitionState, minus: usize, plus: usize, same_minimum: bool) {
        let known = self.ts.iter().any(|t| {
            self.tolerances
                .same_point(&self.align, &t.ts.x, t.ts.energy, &ts.x, ts.energy)
        });
        if !known {
            self.ts.push(TsEdge {
                ts,
                minus,
                plus,
                same_minimum: same_minimum || minus == plus,
            });
        }
    }

    fn linked(&self, a: usize, b: usize) -> bool {
        self.ts
            .iter()
            .any(|t| (t.minus == a && t.plus == b) || (t.minus == b && t.plus == a))
    }

    fn weight(&self, a: usize, b: usize) -> f64 {
        if self.linked(a, b) {
            0.0
        } else if self.tries[a][b] > 0 {
            self.params.tried_weight * self.tries[a][b] as f64 + self.dist2[a][b]
        } else {
            self.dist2[a][b]
        }
    }

    /// Dijkstra on the complete graph of known minima (dense O(n^2), n is small).
    fn shortest_path(&self, from: usize, to: usize) -> Vec<usize> {
        let n = self.minima.len();
        let mut dist = vec![f64::INFINITY; n];
        let mut prev = vec![usize::MAX; n];
        let mut done = vec![false; n];
        dist[from] = 0.0;
        for _ in 0..n {
            let Some(u) = (0..n)
                .filter(|&i| !done[i])
                .min_by(|&a, &b| dist[a].total_cmp(&dist[b]))
            else {
                break;
            };
            done[u] = true;
            if u == to {
                break;
            }
            for v in 0..n {
                if !done[v] && v != u {
                    let d = dist[u] + self.weight(u, v);
                    if d < dist[v] {
                        dist[v] = d;
                        prev[v] = u;
                    }
                }
            }
        }
        let mut path = vec![to];
        let mut c = to;
        while c != from && prev[c] != usize::MAX {
            c = prev[c];
            path.push(c);
        }
        path.reverse();
        path
    }

    /// Breadth-first search over known transition states: (minima, ts) from `a` to `b`.
    fn ts_path(&self, a: usize, b: usize) -> Option<(Vec<usize>, Vec<usize>)> {
        let n = self.minima.len();
        let mut prev: Vec<Option<(usize, usize)>> = vec![None; n];
        let mut seen = vec![false; n];
        seen[a] = true;
        let mut queue = VecDeque::from([a]);
        while let Some(u) = queue.pop_front() {
            if u == b {
                let mut mins = vec![b];
                let mut tss = Vec::new();
                let mut c = b;
                while let Some((p, t)) = prev[c] {
                    mins.push(p);
                    tss.push(t);
                    c = p;
                }
                mins.reverse();
                tss.reverse();
                return Some((mins, tss));
            }
            for (ti, t) in self.ts.iter().enumerate() {
                let other = if t.minus == u {
                    t.plus
                } else if t.plus == u {
                    t.minus
                } else {
                    continue;
                };
                if !seen[other] {
                    seen[other] = true;
                    prev[other] = Some((u, ti));
                    queue.push_back(other);
                }
            }
        }
        None
    }
}

/// Double-ended connection between two minima (Carr, Trygubenko and Wales 2005). Both ends are
/// first quenched and polished. Then repeatedly: Dijkstra on the complete graph of known minima
/// (weight 0 for pairs joined by a known transition state, `tried_weight` for pairs already
/// tried, squared aligned distance otherwise); the first missing link on the shortest path
/// gets a DNEB whose maxima are verified (HEF, index 1, push-off, quenches); new minima and
/// transition states are added with deduplication; until start and end are connected or
/// `max_attempts` DNEB runs have been made.
pub fn connect<O: HessianObjective, A: Alignment + Clone>(
    sys: &mut System<O, A>,
    start: &[f64],
    end: &[f64],
    params: &ConnectParams,
) -> Result<ConnectResult, VerifyError> {
    let mut g = Graph {
        align: sys.alignment.clone(),
        tolerances: sys.tolerances,
        params,
        minima: Vec::new(),
        ts: Vec::new(),
        dist2: Vec::new(),
        tries: Vec::new(),
    };
    let s = minimise_to_minimum(sys, start, &params.verify)?;
    let e = minimise_to_minimum(sys, end, &params.verify)?;
    g.add_minimum(s);
    let end_index = g.add_minimum(e);
    let mut stats = VerifyStats::default();
    let mut attempts = 0;
    let mut found = g.ts_path(0, end_index);
    while found.is_none() && attempts < params.max_attempts {
        let path = g.shortest_path(0, end_index);
        let Some((a, b)) = path
            .windows(2)
            .map(|w| (w[0], w[1]))
            .find(|&(a, b)| !g.linked(a, b))
        else {
            break;
        };
        if g.tries[a][b] >= params.max_tries_per_pair {
            // Every remaining route needs a pair that has failed too often.
            break;
        }
        let tries = g.tries[a][b];
        g.tries[a][b] += 1;
        g.tries[b][a] += 1;
        attempts += 1;
        let mut dp = params.dneb.clone();
        dp.images_per_unit_distance *= (1u32 << tries.min(8)) as f64;
        let xa = g.minima[a].x.clone();
        let xb = g.minima[b].x.clone();
        let band = dneb(&mut sys.potential, &xa, &xb, &g.align, &dp)?;
        for cand in band.maxima.iter().take(params.candidates_per_attempt) {
            match verify_candidate(
                sys,
                &cand.x,
                Some(&cand.tangent),
                &params.verify,
                &mut stats,
            ) {
                Ok(p) => {
                    let im = g.add_minimum(p.minus);
                    let ip = g.add_minimum(p.plus);
                    g.add_ts(p.ts, im, ip, p.same_minimum);
                }
                // The band's maximum sits in a basin of its own (eigenvector-following fell
                // into a minimum): that intermediate minimum is a new stepping stone for the
                // Dijkstra search, as in OPTIM.
                Err(VerifyError::Ts(TsFailure::NoNegativeEigenvalue)) => {
                    if let Ok(m) = minimise_to_minimum(sys, &cand.x, &params.verify) {
                        g.add_minimum(m);
                    }
                }
                Err(_) => {}
            }
        }
        // Local minima along the band lie in intermediate basins: quench them and add the
        // minima, so the next attempts can go through them (shorter, better-resolved bands).
        for i in 1..band.images.len() - 1 {
            let e = &band.energies;
            if e[i] < e[i - 1] && e[i] <= e[i + 1] {
                if let Ok(m) = minimise_to_minimum(sys, &band.images[i], &params.verify) {
                    g.add_minimum(m);
                }
            }
        }
        found = g.ts_path(0, end_index);
    }
    let connected = found.is_some();
    let (path_minima, path_ts) = found.unwrap_or_default();
    Ok(ConnectResult {
        minima: g.minima,
        transition_states: g.ts,
        attempts,
        connected,
        path_minima,
        path_ts,
        stats,
    })
}
