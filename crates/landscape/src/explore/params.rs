//! The settings of an exploration ([`ExploreParams`]), their defaults and their check.

use std::time::Duration;

use nnscape_optim::{BasinHoppingParams, Stop};
use nnscape_ts::{ConnectParams, NearSearchParams, SingleEndedParams};

use crate::certificate::CertificateParams;
use crate::error::LandscapeError;

/// Settings of [`explore`](crate::explore()). The defaults are the recipe the nnscape results
/// were produced with; each field says its default and where it comes from.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExploreParams {
    /// Master seed; cycle c runs basin-hopping with a seed derived from (seed, c).
    ///
    /// Default 0.
    pub seed: u64,
    /// Basin-hopping of each cycle's first phase; its `seed` is overridden per cycle.
    ///
    /// Default: [`BasinHoppingParams::default`] except
    /// - `step` 3.0 (GMIN's `STEP` 1.0 is the library default): measured on XOR, from step 1.0
    ///   almost no quench leaves its minimum, so the saturation rule fires before the adaptive
    ///   step has grown; a step of 3 escapes about half the time;
    /// - `stop` [`Stop::Saturation`] with `no_new_for` 400 and `max_steps` 2,000: GMIN-style
    ///   saturation, a chain stops when 400 consecutive quenches found nothing new, after at most
    ///   2,000 steps in one cycle.
    pub basin_hopping: BasinHoppingParams,
    /// The scale-aware search for the transition states next to `W = 0`, run once per
    /// landscape after the first basin-hopping phase, when `W = 0` is a stationary point
    /// (positive lambda and balanced classes, as for XOR). There the data term is quartic, the saddles sit at
    /// `|W|` of order `sqrt(lambda)` and `ln 2 + O(lambda^2)`, below every absolute tolerance of
    /// the ordinary searches, so it searches in coordinates scaled by `sqrt(lambda)` and energies
    /// in units of `lambda^2` ([`nnscape_ts::saddles_near`]); its seed is overridden by `seed`.
    ///
    /// Default: [`NearSearchParams::default`].
    pub near_origin: NearSearchParams,
    /// The Newton root search for transition states over the whole landscape, run once per
    /// landscape after the search next to `W = 0`: Newton-Raphson on the gradient (any index)
    /// from random starts, index-1 points verified by push-off and quench
    /// ([`nnscape_ts::saddles_near`] at unit scale about `W = 0`). It finds the saddles that
    /// eigenvector-following from the known minima does not reach, in particular those that
    /// join a minimum to a symmetry copy of itself (measured at N_h = 2, lambda = 1e-2 and
    /// 1e-3: three and four such saddles that the other searches had missed).
    ///
    /// Default: [`NearSearchParams::default`] except 1,000 starts at radii uniform in
    /// `[0.5, 15]` (the XOR minima and saddles at small lambda have `|W|` of 1-15) and an escape
    /// radius of 1,000 (no smaller scale to leave), each saddle verified at its own scale
    /// (`verify_at_region_scale` false); about 0.4 s at N_h = 2 and 3 s at N_h = 5 (release).
    pub root_search: NearSearchParams,
    /// The Newton root search around each minimum, run once per minimum after its
    /// single-ended searches, and again after each failed certificate evaluation with twice the
    /// starts of the round before and a seed of its own: starts at distances 0.5-4 from the
    /// minimum in every direction ([`nnscape_ts::saddles_near`] at unit scale about the minimum,
    /// its seed derived from `seed`, the minimum's id and the round). It reaches the saddles
    /// next to a minimum that no search along one of its eigenvectors climbs to.
    ///
    /// Default: [`NearSearchParams::default`] except 200 starts at radii uniform in `[0.5, 4]`
    /// (the saddles next to an XOR minimum lie 0.5-3 away), an escape radius of 1,000 and each
    /// saddle verified at its own scale. Measured at N_h = 4, lambda = 1e-5: it found a saddle
    /// (E = 0.001835) that only one of two seeds' certificate searches had reached, and one
    /// (E = 0.002225) that neither had; about 0.2 s per minimum.
    pub local_root_search: NearSearchParams,
    /// Number k of lowest Hessian modes followed (both ways) from each minimum.
    ///
    /// Default `usize::MAX`, every mode (the network's invariant directions excluded): OPTIM's
    /// exhaustive single-ended search for small systems. pele follows the lowest mode only; the
    /// three lowest missed saddles at N_h = 4-5, lambda <= 3e-5 that the certificate's random
    /// soft-mode searches then found with one seed and not another, and all modes cost about as
    /// much as three (the verification of what is found dominates, and most modes lead to the
    /// same saddles).
    pub single_ended_modes: usize,
    /// The single-ended searches. Default: [`SingleEndedParams::default`].
    pub single_ended: SingleEndedParams,
    /// The double-ended connections.
    ///
    /// Default: [`ConnectParams::default`] except `max_attempts` 10 (the library default is
    /// 50): connections are retried in later cycles, so each attempt is kept short.
    pub connect: ConnectParams,
    /// A minimum not connected to the global minimum gets up to this many double-ended
    /// connection attempts, each towards a different connected minimum (nearest first, by
    /// symmetry-aware distance): the global minimum may be far while a neighbour is close.
    ///
    /// Default 3.
    pub connect_partners: usize,
    /// At most this many cycles.
    ///
    /// Default 10, a cap (the XOR landscapes of the tests are certified within five cycles:
    /// two to map them, then one after each certificate evaluation that found points).
    pub max_cycles: usize,
    /// Wall-clock budget, checked between batches of searches.
    ///
    /// Default `None` (no limit: a time budget makes the result depend on the machine).
    pub max_time: Option<Duration>,
    /// Budget of single- and double-ended searches (summed over this run).
    ///
    /// Default `None` (no limit).
    pub max_searches: Option<usize>,
    /// Searches per parallel batch. Fixed (not the thread count) so that results do not depend
    /// on the number of threads.
    ///
    /// Default 8.
    pub batch_size: usize,
    /// The completeness certificate, evaluated whenever a cycle adds nothing: the exploration
    /// stops when it holds (and cycles on when it does not, within its evaluation budget).
    /// `None`: stop at the first cycle that adds nothing (the saturation rule before the
    /// certificate; quicker, and proves nothing).
    ///
    /// Default `Some(`[`CertificateParams::default`]`)` (issue 11: a map is complete when the
    /// certificate holds).
    pub certificate: Option<CertificateParams>,
}

impl Default for ExploreParams {
    /// The values and their sources are documented on each field.
    fn default() -> Self {
        Self {
            seed: 0,
            basin_hopping: BasinHoppingParams {
                step: 3.0,
                stop: Stop::Saturation {
                    no_new_for: 400,
                    max_steps: 2_000,
                },
                ..BasinHoppingParams::default()
            },
            single_ended_modes: usize::MAX,
            local_root_search: NearSearchParams {
                starts: 200,
                min_radius: 0.5,
                max_radius: 4.0,
                escape_radius: 1e3,
                verify_at_region_scale: false,
                ..NearSearchParams::default()
            },
            near_origin: NearSearchParams::default(),
            root_search: NearSearchParams {
                starts: 1000,
                min_radius: 0.5,
                max_radius: 15.0,
                escape_radius: 1e3,
                verify_at_region_scale: false,
                ..NearSearchParams::default()
            },
            single_ended: SingleEndedParams::default(),
            connect: ConnectParams {
                max_attempts: 10,
                ..ConnectParams::default()
            },
            connect_partners: 3,
            max_cycles: 10,
            max_time: None,
            max_searches: None,
            batch_size: 8,
            certificate: Some(CertificateParams::default()),
        }
    }
}

impl ExploreParams {
    /// Checks every setting, nested ones included; the error names the first bad field by its
    /// path from here (e.g. `single_ended.verify.lbfgs.max_step`).
    ///
    /// ```
    /// use nnscape_landscape::ExploreParams;
    ///
    /// let mut params = ExploreParams::default();
    /// assert!(params.validate().is_ok());
    /// params.connect.verify.lbfgs.max_step = -1.0;
    /// let e = params.validate().unwrap_err();
    /// assert!(e.to_string().contains("connect.verify.lbfgs.max_step"), "{e}");
    /// ```
    pub fn validate(&self) -> Result<(), LandscapeError> {
        let at_least_one = |name: &'static str, value: usize| {
            if value == 0 {
                return Err(LandscapeError::InvalidSetting {
                    name,
                    value: "0".into(),
                    reason: "must be at least 1",
                });
            }
            Ok(())
        };
        // Each nested `validate` names the field by its path inside its own struct.
        self.basin_hopping
            .validate()
            .map_err(|e| LandscapeError::nested("basin_hopping", e))?;
        at_least_one("single_ended_modes", self.single_ended_modes)?;
        self.near_origin
            .validate()
            .map_err(|e| LandscapeError::nested("near_origin", e))?;
        self.root_search
            .validate()
            .map_err(|e| LandscapeError::nested("root_search", e))?;
        self.local_root_search
            .validate()
            .map_err(|e| LandscapeError::nested("local_root_search", e))?;
        self.single_ended
            .validate()
            .map_err(|e| LandscapeError::nested("single_ended", e))?;
        self.connect
            .validate()
            .map_err(|e| LandscapeError::nested("connect", e))?;
        at_least_one("max_cycles", self.max_cycles)?;
        at_least_one("connect_partners", self.connect_partners)?;
        at_least_one("batch_size", self.batch_size)?;
        match &self.certificate {
            Some(c) => c.validate(),
            None => Ok(()),
        }
    }
}
