//! Limited-memory BFGS as energy-landscape codes do it (Nocedal 1980; GMIN/OPTIM; pele).
//!
//! This is deliberately not a Wolfe line search (Moré-Thuente): the landscape codes take the
//! quasi-Newton step, cap its length in parameter space, and only check that the energy did not
//! rise by more than a small amount. The step cap keeps a quench inside the catchment basin it
//! started in, which is what basin-hopping and pathway searches need.

use crate::error::{check_count, check_non_negative, check_positive, OptimError};
use crate::Objective;
use nnscape_model::vector::{dot, rms};

/// Settings of [`Lbfgs`]. The defaults (see [`LbfgsParams::default`]) are those of the landscape
/// codes.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LbfgsParams {
    /// Number of correction pairs (s, y) kept, M. Default 4 (GMIN/OPTIM and pele; Nocedal 1980
    /// finds 3-7 enough).
    pub memory: usize,
    /// Diagonal initial inverse Hessian H0 used before the first update and after every memory
    /// reset; afterwards H0 is rescaled each step to s.y / y.y. Default 0.1 (GMIN/OPTIM `DGUESS`,
    /// pele `H0`).
    pub initial_inverse_hessian: f64,
    /// Cap on the Euclidean length of one step in parameter space. Default 0.2, the upper end of
    /// the 0.1-0.2 of GMIN and pele.
    pub max_step: f64,
    /// Largest energy rise (absolute) that still accepts a step; 0 demands strict descent.
    /// Default 1e-4 (GMIN `MAXERISE`, pele `max_f_rise`).
    pub max_energy_rise: f64,
    /// How often a rejected step is divided by 10 before the memory is reset. Default 10 (GMIN
    /// and pele `nredmax`).
    pub max_step_reductions: usize,
    /// Converged when the RMS gradient `|g| / sqrt(n)` is below this. Default 1e-6 (GMIN
    /// `SLOPPYCONV`, the quench tolerance during basin-hopping).
    pub rms_gradient_tolerance: f64,
    /// Largest number of iterations (step attempts, including ones ending in a memory reset).
    /// Default 10,000 (pele's `maxiter`).
    pub max_iterations: usize,
}

impl Default for LbfgsParams {
    fn default() -> Self {
        Self {
            memory: 4,
            initial_inverse_hessian: 0.1,
            max_step: 0.2,
            max_energy_rise: 1e-4,
            max_step_reductions: 10,
            rms_gradient_tolerance: 1e-6,
            max_iterations: 10_000,
        }
    }
}

impl LbfgsParams {
    /// Checks every field; the error names the first bad field and its value.
    pub fn validate(&self) -> Result<(), OptimError> {
        check_count("memory", self.memory)?;
        check_positive("initial_inverse_hessian", self.initial_inverse_hessian)?;
        check_positive("max_step", self.max_step)?;
        check_non_negative("max_energy_rise", self.max_energy_rise)?;
        // Zero reductions is meaningful: any rejected step resets the memory at once.
        check_positive("rms_gradient_tolerance", self.rms_gradient_tolerance)?;
        check_count("max_iterations", self.max_iterations)?;
        Ok(())
    }
}

/// How a minimisation (or a Newton polish) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Termination {
    /// The RMS gradient met the tolerance.
    Converged,
    /// The iteration budget ran out first.
    MaxIterations,
    /// No acceptable step could be found even from a fresh memory (L-BFGS), or the gradient
    /// kept growing (Newton): the objective misbehaves, e.g. its gradient is wrong.
    LineSearchFailure,
    /// The objective returned a non-finite energy or gradient; the result is the last good point.
    NonFiniteEnergy,
}

impl std::fmt::Display for Termination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Termination::Converged => "converged",
            Termination::MaxIterations => "maximum iterations reached",
            Termination::LineSearchFailure => "line search failure",
            Termination::NonFiniteEnergy => "non-finite energy or gradient",
        })
    }
}

/// The outcome of a local optimisation.
#[derive(Debug, Clone, PartialEq)]
pub struct MinimiseResult {
    /// Final point (the last good point when the run did not converge).
    pub x: Vec<f64>,
    /// Energy at `x`.
    pub energy: f64,
    /// |g(x)| / sqrt(n).
    pub rms_gradient: f64,
    /// Iterations performed.
    pub iterations: usize,
    /// Calls of `energy_gradient` made.
    pub function_evaluations: usize,
    /// Why the run stopped.
    pub termination: Termination,
}

impl MinimiseResult {
    /// `true` when the run ended with [`Termination::Converged`].
    pub fn converged(&self) -> bool {
        self.termination == Termination::Converged
    }
}

fn all_finite(v: &[f64]) -> bool {
    v.iter().all(|x| x.is_finite())
}

/// Buffers reused across iterations and calls, so that the iteration loop never allocates.
#[derive(Debug, Clone, Default)]
struct Workspace {
    n: usize,
    x: Vec<f64>,
    g: Vec<f64>,
    x_new: Vec<f64>,
    g_new: Vec<f64>,
    dir: Vec<f64>,
    /// Ring buffer of M steps s_k = x_{k+1} - x_k, row `k % M` at `k*n..(k+1)*n`.
    s: Vec<f64>,
    /// Ring buffer of M gradient changes y_k = g_{k+1} - g_k.
    y: Vec<f64>,
    /// 1 / (s_k . y_k).
    rho: Vec<f64>,
    /// Two-loop coefficients.
    alpha: Vec<f64>,
}

impl Workspace {
    fn resize(&mut self, n: usize, m: usize) {
        if self.n == n && self.rho.len() == m {
            return;
        }
        self.n = n;
        for v in [
            &mut self.x,
            &mut self.g,
            &mut self.x_new,
            &mut self.g_new,
            &mut self.dir,
        ] {
            v.clear();
            v.resize(n, 0.0);
        }
        for v in [&mut self.s, &mut self.y] {
            v.clear();
            v.resize(n * m, 0.0);
        }
        for v in [&mut self.rho, &mut self.alpha] {
            v.clear();
            v.resize(m, 0.0);
        }
    }
}

/// The GMIN/OPTIM/pele L-BFGS minimiser with a reusable workspace.
///
/// Algorithm per iteration:
/// 1. direction d = -H g by the two-loop recursion over the last M pairs, with the diagonal H0
///    rescaled after every accepted step to s.y / y.y;
/// 2. if d is uphill (g.d > 0) it is reversed;
/// 3. d is scaled so that |d| <= `max_step`;
/// 4. a step that raises the energy by more than `max_energy_rise` is rejected and divided by 10,
///    up to `max_step_reductions` times; then the memory is reset. A failure with an empty memory
///    (where a reset would change nothing) ends the run with
///    [`Termination::LineSearchFailure`].
///
/// Pairs with s.y <= 0 (negative curvature, e.g. near a saddle) are not stored, which keeps the
/// implicit inverse Hessian positive definite so the direction stays downhill.
///
/// Reuse one `Lbfgs` for many quenches: its buffers are only reallocated when the dimension
/// changes, and the returned `x` is the only allocation of a call.
#[derive(Debug, Clone)]
pub struct Lbfgs {
    params: LbfgsParams,
    ws: Workspace,
}

impl Lbfgs {
    /// Validates `params` and creates a minimiser with an empty workspace.
    pub fn new(params: LbfgsParams) -> Result<Lbfgs, OptimError> {
        params.validate()?;
        Ok(Lbfgs {
            params,
            ws: Workspace::default(),
        })
    }

    /// The parameters this minimiser runs with.
    pub fn params(&self) -> &LbfgsParams {
        &self.params
    }

    /// Replaces the tolerance for one run (used by the polishing fallback) and restores it.
    pub(crate) fn minimise_with_tolerance<O: Objective + ?Sized>(
        &mut self,
        obj: &mut O,
        x0: &[f64],
        rms_gradient_tolerance: f64,
    ) -> MinimiseResult {
        let saved = self.params.rms_gradient_tolerance;
        self.params.rms_gradient_tolerance = rms_gradient_tolerance;
        let result = self.minimise(obj, x0);
        self.params.rms_gradient_tolerance = saved;
        result
    }

    /// Minimises `obj` from `x0`.
    ///
    /// # Panics
    /// If `x0.len() != obj.dim()`.
    pub fn minimise<O: Objective + ?Sized>(&mut self, obj: &mut O, x0: &[f64]) -> MinimiseResult {
        let n = obj.dim();
        assert_eq!(
            x0.len(),
            n,
            "Lbfgs::minimise: x0 has length {} but the objective has dimension {}",
            x0.len(),
            n
        );
        let p = &self.params;
        let m = p.memory;
        let ws = &mut self.ws;
        ws.resize(n, m);
        ws.x.copy_from_slice(x0);

        let mut nfev = 1;
        let mut energy = obj.energy_gradient(&ws.x, &mut ws.g);
        if !energy.is_finite() || !all_finite(&ws.g) {
            return MinimiseResult {
                x: ws.x.clone(),
                energy,
                rms_gradient: rms(&ws.g),
                iterations: 0,
                function_evaluations: nfev,
                termination: Termination::NonFiniteEnergy,
            };
        }

        // Number of stored pairs (<= m) and index of the next slot to write.
        let mut stored = 0usize;
        let mut next = 0usize;
        let mut h0 = p.initial_inverse_hessian;
        let mut iterations = 0usize;

        let termination = loop {
            if rms(&ws.g) < p.rms_gradient_tolerance {
                break Termination::Converged;
            }
            if iterations >= p.max_iterations {
                break Termination::MaxIterations;
            }
            iterations += 1;

            // Two-loop recursion: dir = -H g.
            ws.dir.copy_from_slice(&ws.g);
            for k in 0..stored {
                let j = (next + m - 1 - k) % m;
                let sj = &ws.s[j * n..(j + 1) * n];
                let yj = &ws.y[j * n..(j + 1) * n];
                let a = ws.rho[j] * dot(sj, &ws.dir);
                ws.alpha[j] = a;
                ws.dir.iter_mut().zip(yj).for_each(|(d, y)| *d -= a * y);
            }
            ws.dir.iter_mut().for_each(|d| *d *= h0);
            for k in (0..stored).rev() {
                let j = (next + m - 1 - k) % m;
                let sj = &ws.s[j * n..(j + 1) * n];
                let yj = &ws.y[j * n..(j + 1) * n];
                let b = ws.rho[j] * dot(yj, &ws.dir);
                let c = ws.alpha[j] - b;
                ws.dir.iter_mut().zip(sj).for_each(|(d, s)| *d += c * s);
            }
            ws.dir.iter_mut().for_each(|d| *d = -*d);
            // Stored pairs all have s.y > 0, so H is positive definite in exact arithmetic;
            // rounding can still tip it, as in GMIN/pele reverse an uphill direction.
            if dot(&ws.dir, &ws.g) > 0.0 {
                ws.dir.iter_mut().for_each(|d| *d = -*d);
            }

            let norm = dot(&ws.dir, &ws.dir).sqrt();
            let mut factor = if norm > p.max_step {
                p.max_step / norm
            } else {
                1.0
            };

            let mut accepted = false;
            let mut new_energy = energy;
            for _ in 0..=p.max_step_reductions {
                for ((xn, x), d) in ws.x_new.iter_mut().zip(&ws.x).zip(&ws.dir) {
                    *xn = x + factor * d;
                }
                new_energy = obj.energy_gradient(&ws.x_new, &mut ws.g_new);
                nfev += 1;
                if !new_energy.is_finite() || !all_finite(&ws.g_new) {
                    return MinimiseResult {
                        x: ws.x.clone(),
                        energy,
                        rms_gradient: rms(&ws.g),
                        iterations,
                        function_evaluations: nfev,
                        termination: Termination::NonFiniteEnergy,
                    };
                }
                if new_energy - energy <= p.max_energy_rise {
                    accepted = true;
                    break;
                }
                factor /= 10.0;
            }

            if !accepted {
                if stored == 0 {
                    // The direction already came from a fresh memory (-H0 g): a reset would
                    // retry the identical step.
                    break Termination::LineSearchFailure;
                }
                stored = 0;
                next = 0;
                h0 = p.initial_inverse_hessian;
                continue;
            }

            // Store s = x_new - x and y = g_new - g in slot `next`.
            let (mut ys, mut yy) = (0.0, 0.0);
            {
                let sj = &mut ws.s[next * n..(next + 1) * n];
                let yj = &mut ws.y[next * n..(next + 1) * n];
                for i in 0..n {
                    sj[i] = ws.x_new[i] - ws.x[i];
                    yj[i] = ws.g_new[i] - ws.g[i];
                    ys += sj[i] * yj[i];
                    yy += yj[i] * yj[i];
                }
            }
            if ys > 0.0 && yy > 0.0 {
                ws.rho[next] = 1.0 / ys;
                h0 = ys / yy;
                next = (next + 1) % m;
                stored = (stored + 1).min(m);
            }

            std::mem::swap(&mut ws.x, &mut ws.x_new);
            std::mem::swap(&mut ws.g, &mut ws.g_new);
            energy = new_energy;
        };

        MinimiseResult {
            x: ws.x.clone(),
            energy,
            rms_gradient: rms(&ws.g),
            iterations,
            function_evaluations: nfev,
            termination,
        }
    }
}
