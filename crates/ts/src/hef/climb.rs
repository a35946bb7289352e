//! The state of one hybrid eigenvector-following search and the steps of its cycle (see
//! [`find_transition_state`](super::find_transition_state)).

use nalgebra::DMatrix;
use nnscape_model::symmetric_eigen;
use nnscape_model::vector::{dot, norm, rms};
use nnscape_optim::{
    newton_polish, HessianObjective, Lbfgs, LbfgsParams, Objective, Termination, Tolerances,
};

use super::{check_index_one, HefParams, TransitionState, TsFailure};
use crate::eigen::{lowest_eigenpair, EigenError, EigenMethod, EigenParams};

/// The objective restricted to the space orthogonal to `v`: true energy, projected gradient.
/// L-BFGS directions are combinations of projected gradients, so every step stays orthogonal
/// to `v`.
struct Projected<'a, O: ?Sized> {
    obj: &'a mut O,
    v: &'a [f64],
}

impl<O: Objective + ?Sized> Objective for Projected<'_, O> {
    fn dim(&self) -> usize {
        self.obj.dim()
    }
    fn energy_gradient(&mut self, x: &[f64], grad: &mut [f64]) -> f64 {
        let e = self.obj.energy_gradient(x, grad);
        let c = dot(grad, self.v);
        for (g, v) in grad.iter_mut().zip(self.v) {
            *g -= c * v;
        }
        e
    }
    fn energy(&mut self, x: &[f64]) -> f64 {
        self.obj.energy(x)
    }
}

/// Eigenvector of the full spectrum with the largest overlap with `dir` (mode following).
fn follow_mode<O: HessianObjective + ?Sized>(
    obj: &mut O,
    x: &[f64],
    dir: &[f64],
    params: &EigenParams,
    hv: &mut [f64],
) -> Result<(f64, Vec<f64>, f64), EigenError> {
    match params.method {
        EigenMethod::Exact => {
            let n = obj.dim();
            let mut h = DMatrix::zeros(n, n);
            obj.hessian(x, &mut h);
            let h = (&h + h.transpose()) * 0.5;
            let e = symmetric_eigen(h)?;
            let best = (0..n)
                .max_by(|&a, &b| {
                    let overlap = |c: usize| {
                        let col = e.eigenvectors.column(c);
                        col.iter().zip(dir).map(|(p, q)| p * q).sum::<f64>().abs()
                    };
                    overlap(a).total_cmp(&overlap(b))
                })
                .unwrap_or(0);
            Ok((e.eigenvalues[best], e.vector(best), e.eigenvalues[0]))
        }
        EigenMethod::Lanczos => {
            // Matrix-free: follow the given direction itself with its Rayleigh quotient.
            let (l0, _) = lowest_eigenpair(obj, x, Some(dir), params)?;
            obj.hessian_vector(x, dir, hv);
            Ok((dot(dir, hv), dir.to_vec(), l0))
        }
    }
}

/// The last point with negative curvature, to return to if a cycle loses it.
struct Checkpoint {
    x: Vec<f64>,
    g: Vec<f64>,
    v: Vec<f64>,
    e: f64,
}

/// State of one hybrid eigenvector-following search: the point, the trust radii and what is
/// remembered between cycles. Each method is one step of a cycle in
/// [`find_transition_state`].
pub(super) struct Climb<'a, O: ?Sized> {
    obj: &'a mut O,
    params: &'a HefParams,
    tolerances: &'a Tolerances,
    /// Negative curvature means an eigenvalue below `-cutoff`.
    cutoff: f64,
    x: Vec<f64>,
    g: Vec<f64>,
    e: f64,
    /// Energy at the start, for `max_energy_rise`.
    e0: f64,
    x_trial: Vec<f64>,
    g_trial: Vec<f64>,
    /// Scratch for Hessian-vector products of mode following.
    hv: Vec<f64>,
    /// Uphill trust radius.
    trust: f64,
    /// Direction followed while the Hessian is convex (unit); `None` once negative curvature
    /// has been met, or when no direction was given.
    follow: Option<Vec<f64>>,
    /// Last cycle's eigenvector: the Lanczos start of the next.
    v_prev: Option<Vec<f64>>,
    /// RMS gradient below which the Newton polish is tried (lowered after a failed polish).
    newton_switch: f64,
    /// Step cap of the tangent-space L-BFGS (halved on each step back).
    tangent_step: f64,
    tangent: Lbfgs,
    negative: Option<Checkpoint>,
}

impl<'a, O: HessianObjective + ?Sized> Climb<'a, O> {
    /// The search at `x0` (of the objective's dimension, with `params` validated).
    pub(super) fn new(
        obj: &'a mut O,
        x0: &[f64],
        initial_direction: Option<&[f64]>,
        params: &'a HefParams,
        tolerances: &'a Tolerances,
    ) -> Result<Self, TsFailure> {
        let n = obj.dim();
        let x = x0.to_vec();
        let mut g = vec![0.0; n];
        let e = obj.energy_gradient(&x, &mut g);
        let follow = initial_direction.and_then(|d| {
            let nd = norm(d);
            (nd > 0.0).then(|| d.iter().map(|v| v / nd).collect())
        });
        let tangent = Lbfgs::new(tangent_lbfgs(params, params.tangent_max_step))?;
        Ok(Self {
            obj,
            params,
            tolerances,
            cutoff: tolerances.eigenvalue_cutoff,
            x,
            g,
            e,
            e0: e,
            x_trial: vec![0.0; n],
            g_trial: vec![0.0; n],
            hv: vec![0.0; n],
            trust: params.initial_uphill_step,
            follow,
            v_prev: None,
            newton_switch: params.newton_switch_rms,
            tangent_step: params.tangent_max_step,
            tangent,
            negative: None,
        })
    }

    pub(super) fn check_finite(&self) -> Result<(), TsFailure> {
        if !self.e.is_finite() || self.g.iter().any(|v| !v.is_finite()) {
            return Err(TsFailure::NonFinite);
        }
        Ok(())
    }

    /// Direction to climb: the lowest mode, or the followed mode while still convex.
    pub(super) fn climbing_mode(&mut self) -> Result<(f64, Vec<f64>), TsFailure> {
        let eigen = &self.params.eigen;
        Ok(match &self.follow {
            Some(dir) => {
                let (l, v, lowest) = follow_mode(self.obj, &self.x, dir, eigen, &mut self.hv)?;
                if lowest < -self.cutoff {
                    self.follow = None;
                    lowest_eigenpair(self.obj, &self.x, self.v_prev.as_deref(), eigen)?
                } else {
                    (l, v)
                }
            }
            None => lowest_eigenpair(self.obj, &self.x, self.v_prev.as_deref(), eigen)?,
        })
    }

    /// A cycle from a point with negative curvature went wrong when the curvature is gone or
    /// the lowest eigenvector turned by more than 60 degrees: the tangent-space minimisation
    /// slid along a stale eigenvector into another region. Once the tangent step has been
    /// halved six times the new region is accepted.
    pub(super) fn lost_negative_curvature(&self, l: f64, v: &[f64]) -> bool {
        let lost = match &self.negative {
            Some(neg) => l >= -self.cutoff || dot(v, &neg.v).abs() < 0.5,
            None => false,
        };
        lost && self.tangent_step > self.params.tangent_max_step / 64.0
    }

    /// Go back to the last point with negative curvature and take shorter steps (pele also
    /// steps back when the eigenvalue turns positive).
    pub(super) fn step_back(&mut self) -> Result<(), TsFailure> {
        let neg = self
            .negative
            .as_ref()
            .expect("stepping back needs a checkpoint");
        self.x.copy_from_slice(&neg.x);
        self.g.copy_from_slice(&neg.g);
        self.e = neg.e;
        self.trust = (self.trust * 0.5).max(self.params.min_uphill_step);
        self.tangent_step *= 0.5;
        self.tangent = Lbfgs::new(tangent_lbfgs(self.params, self.tangent_step))?;
        Ok(())
    }

    /// [`TsFailure::ClimbLimit`] after `max_convex_cycles` cycles that never met negative
    /// curvature, or when the energy rose more than `max_energy_rise`.
    pub(super) fn check_climb_limits(&self, l: f64, iter: usize) -> Result<(), TsFailure> {
        let convex_too_long =
            self.negative.is_none() && l >= -self.cutoff && iter >= self.params.max_convex_cycles;
        if convex_too_long || self.e - self.e0 > self.params.max_energy_rise {
            return Err(TsFailure::ClimbLimit);
        }
        Ok(())
    }

    pub(super) fn remember_if_negative(&mut self, l: f64, v: &[f64]) {
        if l >= -self.cutoff {
            return;
        }
        match &mut self.negative {
            Some(neg) => {
                neg.x.copy_from_slice(&self.x);
                neg.g.copy_from_slice(&self.g);
                neg.v.copy_from_slice(v);
                neg.e = self.e;
            }
            None => {
                self.negative = Some(Checkpoint {
                    x: self.x.clone(),
                    g: self.g.clone(),
                    v: v.to_vec(),
                    e: self.e,
                })
            }
        }
    }

    /// With negative curvature and a small gradient, polish with Newton and accept the result
    /// if it converged (then it must have index exactly 1). A polish that does not settle
    /// lowers the switch tenfold: more hybrid cycles first.
    pub(super) fn try_newton(
        &mut self,
        l: f64,
        v: &[f64],
        iter: usize,
    ) -> Result<Option<TransitionState>, TsFailure> {
        let r = rms(&self.g);
        if !(l < -self.cutoff && r < self.newton_switch) {
            return Ok(None);
        }
        let params = self.params;
        let res = newton_polish(self.obj, &self.x, &params.newton)?;
        if res.termination == Termination::Converged
            && res.rms_gradient <= params.rms_gradient_tolerance
        {
            let (eigenvalue, eigenvector) =
                check_index_one(self.obj, &res.x, Some(v), params, self.tolerances)?;
            return Ok(Some(TransitionState {
                x: res.x,
                energy: res.energy,
                rms_gradient: res.rms_gradient,
                eigenvalue,
                eigenvector,
                iterations: iter,
            }));
        }
        self.newton_switch *= 0.1;
        Ok(None)
    }

    /// The uphill step along `v` (eigenvalue `l`): the HEF step length, capped by the trust
    /// radius, shortened while the energy is not finite or the step went the wrong way; the
    /// trust radius follows the quality of the quadratic model. Moves `x`; returns the step.
    pub(super) fn uphill_step(&mut self, l: f64, v: &[f64]) -> Result<f64, TsFailure> {
        let params = self.params;
        let f = dot(&self.g, v);
        let mut h = if l < -self.cutoff {
            2.0 * f / (l.abs() * (1.0 + (1.0 + 4.0 * f * f / (l * l)).sqrt()))
        } else {
            // No negative curvature: the Newton-like step would go downhill, so take the full
            // trust radius uphill (along the followed direction if F vanishes).
            let along = match &self.follow {
                Some(dir) if f.abs() < 1e-12 => dot(dir, v).signum(),
                _ if f == 0.0 => 1.0,
                _ => f.signum(),
            };
            along * self.trust
        };
        if h.abs() > self.trust {
            h = self.trust * h.signum();
        }
        loop {
            for ((xt, xi), vi) in self.x_trial.iter_mut().zip(&self.x).zip(v) {
                *xt = xi + h * vi;
            }
            let e_trial = self.obj.energy_gradient(&self.x_trial, &mut self.g_trial);
            if !e_trial.is_finite() {
                if self.trust > params.min_uphill_step {
                    self.trust = (self.trust * 0.5).max(params.min_uphill_step);
                    h = h.signum() * h.abs().min(self.trust);
                    continue;
                }
                return Err(TsFailure::NonFinite);
            }
            let predicted = f * h + 0.5 * l * h * h;
            let actual = e_trial - self.e;
            let ratio = if predicted.abs() > 1e-300 {
                actual / predicted
            } else {
                1.0
            };
            // Trust-radius update in the spirit of pele: grow when the quadratic model is good,
            // shrink when it is poor, reject a step that went the wrong way.
            if (0.5..=2.0).contains(&ratio) {
                self.trust = (self.trust * 1.2).min(params.max_uphill_step);
            } else if !(0.2..=5.0).contains(&ratio) {
                self.trust = (self.trust * 0.5).max(params.min_uphill_step);
            }
            if ratio < 0.0 && h.abs() > params.min_uphill_step && predicted.abs() > 1e-12 {
                h = h.signum() * self.trust.min(h.abs() * 0.5);
                continue;
            }
            self.x.copy_from_slice(&self.x_trial);
            return Ok(h);
        }
    }

    /// Mode following continues along `v` with the sign of the step just taken.
    pub(super) fn turn_followed_mode(&mut self, h: f64, v: &[f64]) {
        if let Some(dir) = self.follow.as_mut() {
            let s = h.signum();
            for (d, vi) in dir.iter_mut().zip(v) {
                *d = s * vi;
            }
        }
    }

    /// A few L-BFGS steps orthogonal to `v`. Still in the convex region, a cycle that ends
    /// below where it started has slid over a ridge into another basin: keep the uphill step
    /// only and shrink the trust radius.
    pub(super) fn minimise_in_tangent_space(&mut self, l: f64, v: Vec<f64>) {
        let e_before = self.e;
        let res = self.tangent.minimise(
            &mut Projected {
                obj: &mut *self.obj,
                v: &v,
            },
            &self.x,
        );
        let slid = l >= -self.cutoff && res.energy < e_before;
        if slid {
            self.trust = (self.trust * 0.5).max(self.params.min_uphill_step);
        } else if res.energy.is_finite() {
            self.x.copy_from_slice(&res.x);
        }
        self.e = self.obj.energy_gradient(&self.x, &mut self.g);
        self.v_prev = Some(v);
    }
}

/// Settings of the tangent-space L-BFGS with step cap `max_step`.
fn tangent_lbfgs(params: &HefParams, max_step: f64) -> LbfgsParams {
    LbfgsParams {
        memory: params.lbfgs_memory,
        max_step,
        rms_gradient_tolerance: params.rms_gradient_tolerance,
        max_iterations: params.tangent_steps,
        ..LbfgsParams::default()
    }
}
