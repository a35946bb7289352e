//! The double-ended connection algorithm (Carr, Trygubenko and Wales 2005; OPTIM `NEWCONNECT`,
//! pele `DoubleEndedConnect`).
//!
//! The known minima form a complete graph. The weight of the edge between minima `a` and `b`
//! is
//!
//! - `0` when a known transition state joins them,
//! - `tried_weight * n_ab + D(a, b)^2` when `n_ab > 0` DNEB attempts between them have not,
//! - `D(a, b)^2` otherwise,
//!
//! with `D` the aligned distance of the [`System`]. Each attempt takes the shortest path
//! (Dijkstra) from start to end, runs a DNEB between the first pair on it that is not yet
//! joined (with `2^n_ab` times the image density of the first attempt), verifies the band's
//! maxima ([`verify_candidate`]) and adds the new minima and transition states. Short
//! distances make short, well-resolved bands; the penalty sends later attempts around pairs
//! that failed.

use nnscape_optim::{Alignment, HessianObjective, OptimError, System};

use crate::check::{count, positive};
use crate::database::TsEdge;
use crate::dneb::{dneb, DnebParams};
use crate::graph::Graph;
use crate::hef::TsFailure;
use crate::verify::{
    minimise_to_minimum, verify_candidate, MinimumFound, VerifyError, VerifyParams, VerifyStats,
};

/// Parameters of [`connect`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct ConnectParams {
    /// DNEB attempts before giving up.
    ///
    /// Default 50 (the project brief's budget; pele allows 200 iterations).
    pub max_attempts: usize,
    /// Dijkstra edge weight, per failed attempt, of a pair already tried without success.
    ///
    /// Default 1e6: large compared with any squared distance between minima, so such pairs
    /// are used only when nothing else is left.
    pub tried_weight: f64,
    /// A pair is retried (with twice the image density each time) at most this many times.
    ///
    /// Default 3 (a setting of this crate: the image density grows to 4 times the first).
    pub max_tries_per_pair: usize,
    /// Band maxima verified per DNEB, highest first.
    ///
    /// Default 5 (a setting of this crate).
    pub candidates_per_attempt: usize,
    /// Band settings.
    ///
    /// Default [`DnebParams::default`].
    pub dneb: DnebParams,
    /// Verification and quench settings (when two points are the same is the
    /// [`System`]'s rule).
    ///
    /// Default [`VerifyParams::default`].
    pub verify: VerifyParams,
}

/// The values and their sources are given with each field of [`ConnectParams`].
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

impl ConnectParams {
    /// Checks every field; the error names the first bad one and its allowed range:
    /// `max_attempts`, `max_tries_per_pair` and `candidates_per_attempt` at least 1,
    /// `tried_weight` finite and `> 0`; `dneb` and `verify` with their own `validate`.
    pub fn validate(&self) -> Result<(), OptimError> {
        count("max_attempts", self.max_attempts)?;
        positive("tried_weight", self.tried_weight)?;
        count("max_tries_per_pair", self.max_tries_per_pair)?;
        count("candidates_per_attempt", self.candidates_per_attempt)?;
        self.dneb.validate().map_err(|e| e.within("dneb"))?;
        self.verify.validate().map_err(|e| e.within("verify"))
    }
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

/// Double-ended connection between two minima (Carr, Trygubenko and Wales 2005). Both ends are
/// first quenched and polished. Then repeatedly: Dijkstra on the complete graph of known minima
/// (weights in the [module documentation](self)); the first missing link on the shortest path
/// gets a DNEB whose maxima are verified (HEF, index 1, push-off, quenches); new minima and
/// transition states are added with deduplication; until start and end are connected or
/// `max_attempts` DNEB runs have been made. A pair stops being tried after
/// `max_tries_per_pair` attempts; when every route needs such a pair the run ends unconnected.
///
/// Fails with [`VerifyError::InvalidParameters`] when `params` fail [`ConnectParams::validate`]
/// or the system's tolerances fail [`Tolerances::validate`](nnscape_optim::Tolerances::validate),
/// and with [`VerifyError::MinimisationFailed`] when an end cannot be quenched to a minimum.
pub fn connect<O: HessianObjective, A: Alignment + Clone>(
    sys: &mut System<O, A>,
    start: &[f64],
    end: &[f64],
    params: &ConnectParams,
) -> Result<ConnectResult, VerifyError> {
    params.validate()?;
    sys.tolerances.validate()?;
    let rules = System::new((), sys.alignment.clone()).with_tolerances(sys.tolerances);
    let mut g = Graph::new(rules, params);
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
        let xa = g.db.minima[a].x.clone();
        let xb = g.db.minima[b].x.clone();
        let band = dneb(&mut sys.potential, &xa, &xb, &g.rules.alignment, &dp)?;
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
        minima: g.db.minima,
        transition_states: g.db.transition_states,
        attempts,
        connected,
        path_minima,
        path_ts,
        stats,
    })
}
