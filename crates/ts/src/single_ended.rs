//! Single-ended transition-state searches from a minimum: eigenvector-following started along
//! each of the minimum's softest Hessian modes, both signs, then verification of each distinct
//! saddle by push-off and quenches.
//!
//! At a minimum `m` with Hessian `H`, the search directions are the `k` lowest eigenvectors
//! `v_1, ..., v_k` of the deflated Hessian `P H P + c (I - P)`, where `P = I - sum_j d_j d_j^T`
//! projects out the alignment's invariant directions `d_j` (no saddle lies along them) and
//! `c` = 1e6 lifts them above every soft mode. Each search starts at `m +- displacement v_i`
//! and follows `+-v_i` uphill ([`find_transition_state`] with an initial direction) until
//! negative curvature appears, then converges to the saddle of that valley.

use nalgebra::DMatrix;
use nnscape_model::vector::dot;
use nnscape_optim::{Alignment, HessianObjective, Objective, OptimError, System};
use rayon::prelude::*;

use crate::check::positive;
use crate::database::TsDatabase;
use crate::eigen::lowest_eigenpairs;
use crate::hef::{find_transition_state, TransitionState};
use crate::verify::{
    push_off_and_minimise, MinimumFound, TransitionPath, VerifyParams, VerifyStats,
};

/// Parameters of [`single_ended`] and [`single_ended_paths`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct SingleEndedParams {
    /// Displacement from the minimum along each eigenvector before eigenvector-following
    /// starts.
    ///
    /// Default 0.01: an OPTIM-style small kick (as the push-off, [`VerifyParams`]'s
    /// `initial_push_off`); HEF's own uphill steps do the climbing.
    pub displacement: f64,
    /// HEF, eigen-solver and verification settings (when two points are the same is the
    /// [`System`]'s rule).
    ///
    /// Default [`VerifyParams::default`].
    pub verify: VerifyParams,
}

/// The values and their sources are given with each field of [`SingleEndedParams`].
impl Default for SingleEndedParams {
    fn default() -> Self {
        Self {
            displacement: 0.01,
            verify: VerifyParams::default(),
        }
    }
}

impl SingleEndedParams {
    /// Checks every field; the error names the first bad one and its allowed range:
    /// `displacement` finite and `> 0`; `verify` with [`VerifyParams::validate`].
    pub fn validate(&self) -> Result<(), OptimError> {
        positive("displacement", self.displacement)?;
        self.verify.validate().map_err(|e| e.within("verify"))
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
    // The single-ended entry points return no Result: invalid settings mean no searches.
    if params.validate().is_err() || sys.tolerances.validate().is_err() {
        return Vec::new();
    }
    let dirs = sys.alignment.invariant_directions();
    // The deflated invariant directions sit at the top of the spectrum: never followed.
    let k = k.min(minimum.len().saturating_sub(dirs.len()));
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

/// Single-ended search: eigenvector-following started from `minimum` displaced along each of
/// its `k` lowest Hessian eigenvectors (skipping the alignment's invariant directions), both
/// signs (up to `2k` searches), following that mode until negative curvature appears. Returns
/// the distinct transition states found (not pushed off; see [`single_ended_paths`]).
///
/// Settings that fail [`SingleEndedParams::validate`] (or tolerances of `sys` that fail
/// [`Tolerances::validate`](nnscape_optim::Tolerances::validate)) give no
/// searches (an empty result).
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
            if !found
                .iter()
                .any(|t| sys.same_point(&t.x, t.energy, &ts.x, ts.energy))
            {
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
    pub paths: Vec<TransitionPath>,
    /// Search outcomes: every search is a candidate; index-2+ end points are counted in
    /// `rejected_higher_index` and never returned.
    pub stats: VerifyStats,
}

/// [`single_ended`] followed by verification of each distinct transition state: push off both
/// ways and minimise each side to a Hessian-checked minimum ([`push_off_and_minimise`]).
///
/// Settings that fail [`SingleEndedParams::validate`] (or tolerances of `sys` that fail
/// [`Tolerances::validate`](nnscape_optim::Tolerances::validate)) give no
/// searches (an empty result).
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
        if out
            .paths
            .iter()
            .any(|p| sys.same_point(&p.ts.x, p.ts.energy, &ts.x, ts.energy))
        {
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

/// Single-ended searches from every minimum in `minima` (already verified), run in parallel
/// on the current rayon pool with one clone of `sys` per minimum, merged in input order so the
/// result does not depend on the number of threads.
///
/// Settings that fail [`SingleEndedParams::validate`] (or tolerances of `sys` that fail
/// [`Tolerances::validate`](nnscape_optim::Tolerances::validate)) give no
/// searches: the database holds only the given minima.
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
