//! FIRE, the fast inertial relaxation engine (Bitzek, Koskinen, Gaehler, Moseler, Gumbsch,
//! Phys. Rev. Lett. 97, 170201, 2006): damped dynamics that needs only forces.
//!
//! Velocity Verlet-like steps `v <- v + dt F`, `x <- x + dt v`, with the velocity mixed towards
//! the force direction, `v <- (1 - alpha) v + alpha |v| F / |F|`, while the power `P = F . v`
//! stays positive; on `P <= 0` the velocity is zeroed, `dt` halved and `alpha` reset. Because it
//! never uses an energy, it is the method of choice when the "gradient" is not the gradient of
//! any energy (the force of a nudged elastic band), where L-BFGS is unstable.
//!
//! ```
//! use nnscape_optim::{Fire, FireParams, Objective};
//!
//! struct Bowl;
//! impl Objective for Bowl {
//!     fn dim(&self) -> usize { 2 }
//!     fn energy_gradient(&mut self, x: &[f64], g: &mut [f64]) -> f64 {
//!         g[0] = 2.0 * (x[0] - 1.0);
//!         g[1] = 8.0 * x[1];
//!         (x[0] - 1.0).powi(2) + 4.0 * x[1] * x[1]
//!     }
//! }
//! let params = FireParams { rms_force_tolerance: 1e-8, ..FireParams::default() };
//! let res = Fire::new(params).unwrap().minimise(&mut Bowl, &[3.0, 1.0]);
//! assert!(res.converged() && (res.x[0] - 1.0).abs() < 1e-7 && res.x[1].abs() < 1e-7);
//! ```

use nnscape_model::vector::{dot, norm};

use crate::error::{check_count, check_positive};
use crate::{MinimiseResult, Objective, OptimError, Termination};

/// Settings of [`Fire`]. Defaults: FIRE's published values (Bitzek et al. 2006), with the time
/// step in the units of the network loss (weights of order 1).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FireParams {
    /// Initial time step (0.02).
    pub dt_start: f64,
    /// Largest time step (0.2, ten times the initial one as in the paper).
    pub dt_max: f64,
    /// Steps with positive power before `dt` may grow (`N_min` = 5).
    pub n_min: usize,
    /// Growth factor of `dt` (`f_inc` = 1.1).
    pub f_inc: f64,
    /// Shrink factor of `dt` after uphill motion (`f_dec` = 0.5).
    pub f_dec: f64,
    /// Initial mixing of velocity towards the force (`alpha_start` = 0.1).
    pub alpha_start: f64,
    /// Decay factor of the mixing (`f_alpha` = 0.99).
    pub f_alpha: f64,
    /// Cap on the length of one step of each block of `block_size` coordinates (0.1, as the
    /// band's L-BFGS cap; OPTIM `MAXSTEP`-like).
    pub max_step: f64,
    /// Coordinates per block for the step cap (the images of a band); 0 caps the whole vector.
    pub block_size: usize,
    /// Iterations (force evaluations) at most.
    pub max_iterations: usize,
    /// Converged when the RMS force is below this.
    pub rms_force_tolerance: f64,
}

impl Default for FireParams {
    fn default() -> Self {
        Self {
            dt_start: 0.02,
            dt_max: 0.2,
            n_min: 5,
            f_inc: 1.1,
            f_dec: 0.5,
            alpha_start: 0.1,
            f_alpha: 0.99,
            max_step: 0.1,
            block_size: 0,
            max_iterations: 1000,
            rms_force_tolerance: 1e-3,
        }
    }
}

impl FireParams {
    /// Checks every field; the error names the first bad field and its value.
    pub fn validate(&self) -> Result<(), OptimError> {
        check_positive("dt_start", self.dt_start)?;
        check_positive("dt_max", self.dt_max)?;
        check_positive("f_inc", self.f_inc)?;
        check_positive("max_step", self.max_step)?;
        check_positive("rms_force_tolerance", self.rms_force_tolerance)?;
        check_count("max_iterations", self.max_iterations)?;
        for (name, v) in [
            ("f_dec", self.f_dec),
            ("alpha_start", self.alpha_start),
            ("f_alpha", self.f_alpha),
        ] {
            if !(v > 0.0 && v < 1.0) {
                return Err(OptimError::InvalidParameter {
                    name: name.into(),
                    value: v,
                    reason: "must lie strictly between 0 and 1",
                });
            }
        }
        Ok(())
    }
}

/// The FIRE minimiser.
#[derive(Debug, Clone)]
pub struct Fire {
    params: FireParams,
}

impl Fire {
    /// A minimiser with validated settings.
    pub fn new(params: FireParams) -> Result<Self, OptimError> {
        params.validate()?;
        Ok(Self { params })
    }

    /// Relaxes `obj` from `x0` under the force `-gradient`. `energy` of the result is the last
    /// value `obj` returned (meaningless when the force is not a gradient); `function_evaluations`
    /// equals `iterations`.
    pub fn minimise<O: Objective + ?Sized>(&self, obj: &mut O, x0: &[f64]) -> MinimiseResult {
        let p = &self.params;
        let mut x = x0.to_vec();
        let n = x.len();
        let block = if p.block_size == 0 {
            n.max(1)
        } else {
            p.block_size
        };
        let mut grad = vec![0.0; n];
        let mut v = vec![0.0; n];
        let (mut dt, mut alpha, mut n_pos) = (p.dt_start, p.alpha_start, 0usize);
        let mut rms_force = f64::INFINITY;
        let mut energy = f64::NAN;
        let done = |x: Vec<f64>, energy, rms_force, iterations, termination| MinimiseResult {
            x,
            energy,
            rms_gradient: rms_force,
            iterations,
            function_evaluations: iterations,
            termination,
        };
        for it in 0..p.max_iterations {
            energy = obj.energy_gradient(&x, &mut grad);
            let f2 = dot(&grad, &grad);
            rms_force = (f2 / n as f64).sqrt();
            if !rms_force.is_finite() {
                return done(x, energy, rms_force, it, Termination::NonFiniteEnergy);
            }
            if rms_force < p.rms_force_tolerance {
                return done(x, energy, rms_force, it, Termination::Converged);
            }
            // Power P = F . v with F = -grad.
            let power = -dot(&grad, &v);
            if power > 0.0 {
                let vn = norm(&v);
                let fnorm = f2.sqrt();
                for (vi, g) in v.iter_mut().zip(&grad) {
                    *vi = (1.0 - alpha) * *vi - alpha * vn * g / fnorm;
                }
                if n_pos > p.n_min {
                    dt = (dt * p.f_inc).min(p.dt_max);
                    alpha *= p.f_alpha;
                }
                n_pos += 1;
            } else {
                v.iter_mut().for_each(|x| *x = 0.0);
                dt *= p.f_dec;
                alpha = p.alpha_start;
                n_pos = 0;
            }
            for (vi, g) in v.iter_mut().zip(&grad) {
                *vi -= dt * g;
            }
            for (xb, vb) in x.chunks_mut(block).zip(v.chunks(block)) {
                let step = dt * norm(vb);
                let scale = if step > p.max_step {
                    p.max_step / step
                } else {
                    1.0
                };
                for (xi, vi) in xb.iter_mut().zip(vb) {
                    *xi += scale * dt * vi;
                }
            }
        }
        done(
            x,
            energy,
            rms_force,
            p.max_iterations,
            Termination::MaxIterations,
        )
    }
}
