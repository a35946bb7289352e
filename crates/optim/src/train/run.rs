//! The training loop and the parallel, seeded runs.

use std::ops::Range;

use nnscape_model::vector::rms;
use nnscape_model::Loss;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::{Optimiser, TrainParams};
use crate::{Objective, OptimError};

/// An objective that is a mean over data points, so that it has mini-batch gradients.
pub trait BatchObjective: Objective {
    /// Number of data points.
    fn n_points(&self) -> usize;
    /// The objective over the points `batch` (indices, each below `n_points()`) and its
    /// gradient, written into `grad`.
    fn energy_gradient_batch(&mut self, x: &[f64], batch: &[usize], grad: &mut [f64]) -> f64;
}

impl BatchObjective for Loss {
    fn n_points(&self) -> usize {
        self.dataset().len()
    }
    #[inline]
    fn energy_gradient_batch(&mut self, x: &[f64], batch: &[usize], grad: &mut [f64]) -> f64 {
        Loss::energy_gradient_batch(self, x, batch, grad)
    }
}

/// How a training run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrainTermination {
    /// The RMS gradient fell to the tolerance (early stopping).
    Converged,
    /// The epoch budget ran out.
    EpochBudget,
    /// The loss or gradient stopped being finite (the step size is too large); the point is
    /// the last finite one.
    Diverged,
}

/// One finished training run.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainRun {
    /// Run number (its ChaCha8 stream).
    pub run: usize,
    /// Where training ended.
    pub x: Vec<f64>,
    /// Epochs trained (fewer than the budget when it stopped early).
    pub epochs: usize,
    /// Full loss E at `x`.
    pub loss: f64,
    /// RMS of the full gradient at `x`.
    pub rms_gradient: f64,
    /// How it ended.
    pub termination: TrainTermination,
}

/// Workspace of the training loop: gradient, moments and batch order, reused across runs so
/// that [`Trainer::train`] does not allocate once it has the right size.
#[derive(Debug, Clone, Default)]
pub struct Trainer {
    grad: Vec<f64>,
    first: Vec<f64>,
    second: Vec<f64>,
    last: Vec<f64>,
    order: Vec<usize>,
}

impl Trainer {
    /// An empty workspace (sized on first use).
    pub fn new() -> Self {
        Self::default()
    }

    /// Trains `obj` from `x` in place with `params`' optimiser, epoch budget and early
    /// stopping; `rng` shuffles the mini-batches of SGD. Returns (epochs, loss, RMS gradient,
    /// termination) at the final `x`. `params` must be valid ([`TrainParams::validate`]).
    pub fn train<O: BatchObjective + ?Sized>(
        &mut self,
        obj: &mut O,
        x: &mut [f64],
        params: &TrainParams,
        rng: &mut impl Rng,
    ) -> (usize, f64, f64, TrainTermination) {
        let n = obj.dim();
        assert_eq!(x.len(), n, "start vector length");
        for buf in [
            &mut self.grad,
            &mut self.first,
            &mut self.second,
            &mut self.last,
        ] {
            buf.clear();
            buf.resize(n, 0.0);
        }
        let n_points = obj.n_points();
        self.order.clear();
        self.order.extend(0..n_points);
        self.last.copy_from_slice(x);
        // Running powers beta^t of Adam's bias correction.
        let (mut b1t, mut b2t) = (1.0, 1.0);
        for epoch in 0..params.epochs {
            // Every optimiser checks the full gradient at the start of the epoch; full-batch
            // ones then step with it.
            let e = obj.energy_gradient(x, &mut self.grad);
            let g = rms(&self.grad);
            if !(e.is_finite() && g.is_finite()) {
                x.copy_from_slice(&self.last);
                let e = obj.energy_gradient(x, &mut self.grad);
                return (epoch, e, rms(&self.grad), TrainTermination::Diverged);
            }
            if g <= params.gradient_tolerance {
                return (epoch, e, g, TrainTermination::Converged);
            }
            self.last.copy_from_slice(x);
            match params.optimiser {
                Optimiser::GradientDescent(p) => {
                    for (xi, gi) in x.iter_mut().zip(&self.grad) {
                        *xi -= p.learning_rate * gi;
                    }
                }
                Optimiser::Adam(p) => {
                    b1t *= p.beta1;
                    b2t *= p.beta2;
                    let (c1, c2) = (1.0 / (1.0 - b1t), 1.0 / (1.0 - b2t));
                    for (((xi, gi), m), v) in x
                        .iter_mut()
                        .zip(&self.grad)
                        .zip(&mut self.first)
                        .zip(&mut self.second)
                    {
                        *m = p.beta1 * *m + (1.0 - p.beta1) * gi;
                        *v = p.beta2 * *v + (1.0 - p.beta2) * gi * gi;
                        *xi -= p.learning_rate * (*m * c1) / ((*v * c2).sqrt() + p.epsilon);
                    }
                }
                Optimiser::Sgd(p) => {
                    // Fisher-Yates shuffle of the data order, then one step per batch.
                    for i in (1..n_points).rev() {
                        let j = rng.random_range(0..=i);
                        self.order.swap(i, j);
                    }
                    for batch in self.order.chunks(p.batch_size) {
                        obj.energy_gradient_batch(x, batch, &mut self.grad);
                        for ((xi, gi), v) in x.iter_mut().zip(&self.grad).zip(&mut self.first) {
                            *v = p.momentum * *v - p.learning_rate * gi;
                            *xi += *v;
                        }
                    }
                }
            }
        }
        let e = obj.energy_gradient(x, &mut self.grad);
        let g = rms(&self.grad);
        if !(e.is_finite() && g.is_finite()) {
            x.copy_from_slice(&self.last);
            let e = obj.energy_gradient(x, &mut self.grad);
            return (
                params.epochs,
                e,
                rms(&self.grad),
                TrainTermination::Diverged,
            );
        }
        let termination = if g <= params.gradient_tolerance {
            TrainTermination::Converged
        } else {
            TrainTermination::EpochBudget
        };
        (params.epochs, e, g, termination)
    }
}

/// The random stream of run `run`: ChaCha8 seeded with `seed`, stream `run`.
fn run_rng(seed: u64, run: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run as u64);
    rng
}

/// Trains the runs `runs` of `loss` (in parallel on the current rayon pool), each from its own
/// start drawn by `params.init`, and returns them in run order. The same runs give the same
/// results on any number of threads.
///
/// Errors: `params` invalid (the error names the field).
pub fn train_runs(
    loss: &Loss,
    params: &TrainParams,
    runs: Range<usize>,
) -> Result<Vec<TrainRun>, OptimError> {
    params.validate()?;
    let net = *loss.network();
    Ok(runs
        .into_par_iter()
        .map_init(
            || (loss.clone(), Trainer::new()),
            |(loss, trainer), run| {
                let mut rng = run_rng(params.seed, run);
                let mut x = vec![0.0; net.n_params()];
                params.init.sample(&net, &mut rng, &mut x);
                let (epochs, loss, rms_gradient, termination) =
                    trainer.train(loss, &mut x, params, &mut rng);
                TrainRun {
                    run,
                    x,
                    epochs,
                    loss,
                    rms_gradient,
                    termination,
                }
            },
        )
        .collect())
}

/// The start of run `run` under `params` (what [`train_runs`] trains from).
pub fn start_of(loss: &Loss, params: &TrainParams, run: usize) -> Vec<f64> {
    let mut rng = run_rng(params.seed, run);
    let mut x = vec![0.0; loss.n_params()];
    params.init.sample(loss.network(), &mut rng, &mut x);
    x
}
