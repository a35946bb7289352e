//! Training as machine-learning practice does it, to compare with the map of the landscape:
//! the usual initialisations ([`Init`]: Glorot/Xavier uniform, He normal, uniform [-a, a]) and
//! optimisers ([`Optimiser`]: full-batch gradient descent, SGD with momentum on shuffled
//! mini-batches, Adam), a fixed epoch budget with early stopping when the RMS of the full
//! gradient falls to [`TrainParams::gradient_tolerance`].
//!
//! [`train_runs`] trains many seeded runs in parallel; run r draws its start (and its
//! mini-batch order) from ChaCha8 seeded with [`TrainParams::seed`] on stream r, so the runs do
//! not depend on the thread count, and run r of every optimiser starts from the same point for
//! a given initialisation (common random numbers: differences between optimisers are not noise
//! of the starts). The inner loop ([`Trainer::train`]) does not allocate.
//!
//! ```
//! use nnscape_model::Loss;
//! use nnscape_optim::train::{train_runs, Init, Optimiser, TrainParams};
//!
//! let loss = Loss::xor(2, 1e-3).unwrap();
//! let params = TrainParams {
//!     optimiser: Optimiser::adam(),
//!     init: Init::GlorotUniform,
//!     epochs: 200,
//!     ..TrainParams::default()
//! };
//! let runs = train_runs(&loss, &params, 0..4).unwrap();
//! assert_eq!(runs.len(), 4);
//! assert!(runs.iter().all(|r| r.epochs <= 200 && r.loss < std::f64::consts::LN_2 + 0.1));
//! ```

mod init;
mod run;

pub use init::Init;
pub use run::{start_of, train_runs, BatchObjective, TrainRun, TrainTermination, Trainer};

use crate::error::{check_count, check_non_negative, check_positive, OptimError};

/// Full-batch gradient descent: `x -= learning_rate * grad E(x)`, one step per epoch.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct GradientDescentParams {
    /// Step size. Default 0.1: the usual order for full-batch training of small networks
    /// (the Keras and PyTorch SGD examples use 0.01-0.1); measured on XOR (N_h = 2-5, lambda
    /// 1e-3 and 1e-4), it is stable from every initialisation here and reaches the quadratic
    /// region of a minimum in most runs within 2,000 epochs.
    pub learning_rate: f64,
}

impl Default for GradientDescentParams {
    fn default() -> Self {
        Self { learning_rate: 0.1 }
    }
}

/// Stochastic gradient descent with (heavy-ball) momentum on shuffled mini-batches:
/// `v = momentum v - learning_rate grad E_batch(x)`, `x += v` (Keras `SGD`; PyTorch's form is
/// the same for a constant step). The data are reshuffled every epoch; the last batch of an
/// epoch is smaller when the batch size does not divide the data.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct SgdParams {
    /// Step size. Default 0.01 (the Keras `SGD` default).
    pub learning_rate: f64,
    /// Momentum coefficient. Default 0.9, the common baseline (Sutskever, Martens, Dahl and
    /// Hinton 2013).
    pub momentum: f64,
    /// Data points per batch. Default 2: for the four XOR points, mini-batches of one or two are
    /// the usual choice; two gives two steps per epoch.
    pub batch_size: usize,
}

impl Default for SgdParams {
    fn default() -> Self {
        Self {
            learning_rate: 0.01,
            momentum: 0.9,
            batch_size: 2,
        }
    }
}

/// Adam (Kingma and Ba, ICLR 2015) with bias correction, full batch.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct AdamParams {
    /// Step size alpha. Default 1e-3 (Kingma and Ba 2015; the PyTorch and Keras default).
    pub learning_rate: f64,
    /// Decay of the first-moment estimate. Default 0.9 (Kingma and Ba 2015).
    pub beta1: f64,
    /// Decay of the second-moment estimate. Default 0.999 (Kingma and Ba 2015).
    pub beta2: f64,
    /// Added to the root of the second moment. Default 1e-8 (Kingma and Ba 2015; PyTorch).
    pub epsilon: f64,
}

impl Default for AdamParams {
    fn default() -> Self {
        Self {
            learning_rate: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
        }
    }
}

/// The optimiser of a training run.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum Optimiser {
    /// Full-batch gradient descent.
    GradientDescent(GradientDescentParams),
    /// SGD with momentum on mini-batches.
    Sgd(SgdParams),
    /// Adam, full batch.
    Adam(AdamParams),
}

impl Optimiser {
    /// Gradient descent with its defaults.
    pub fn gradient_descent() -> Self {
        Self::GradientDescent(GradientDescentParams::default())
    }
    /// SGD with momentum with its defaults.
    pub fn sgd() -> Self {
        Self::Sgd(SgdParams::default())
    }
    /// Adam with its defaults.
    pub fn adam() -> Self {
        Self::Adam(AdamParams::default())
    }
    /// The three optimisers with their defaults, in table order: `gd`, `sgd`, `adam`.
    pub fn all() -> [Self; 3] {
        [Self::gradient_descent(), Self::sgd(), Self::adam()]
    }
    /// The short name used in tables: `gd`, `sgd` or `adam`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::GradientDescent(_) => "gd",
            Self::Sgd(_) => "sgd",
            Self::Adam(_) => "adam",
        }
    }
    /// The optimiser of a short name ([`Optimiser::name`]) with its defaults.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::all().into_iter().find(|o| o.name() == name)
    }
    /// The step size.
    pub fn learning_rate(&self) -> f64 {
        match self {
            Self::GradientDescent(p) => p.learning_rate,
            Self::Sgd(p) => p.learning_rate,
            Self::Adam(p) => p.learning_rate,
        }
    }
    /// The same optimiser with another step size.
    pub fn with_learning_rate(mut self, lr: f64) -> Self {
        match &mut self {
            Self::GradientDescent(p) => p.learning_rate = lr,
            Self::Sgd(p) => p.learning_rate = lr,
            Self::Adam(p) => p.learning_rate = lr,
        }
        self
    }

    /// Checks every field; the error names it (`adam.beta2`).
    pub fn validate(&self) -> Result<(), OptimError> {
        let unit = |name: &str, v: f64| {
            if (0.0..1.0).contains(&v) {
                Ok(())
            } else {
                Err(OptimError::InvalidParameter {
                    name: name.into(),
                    value: v,
                    reason: "must lie in [0, 1)",
                })
            }
        };
        match self {
            Self::GradientDescent(p) => check_positive("gd.learning_rate", p.learning_rate),
            Self::Sgd(p) => {
                check_positive("sgd.learning_rate", p.learning_rate)?;
                unit("sgd.momentum", p.momentum)?;
                check_count("sgd.batch_size", p.batch_size)
            }
            Self::Adam(p) => {
                check_positive("adam.learning_rate", p.learning_rate)?;
                unit("adam.beta1", p.beta1)?;
                unit("adam.beta2", p.beta2)?;
                check_positive("adam.epsilon", p.epsilon)
            }
        }
    }
}

/// Settings of a set of training runs; each field's doc gives its default and its source.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct TrainParams {
    /// The optimiser and its settings. Default Adam with Kingma and Ba's defaults.
    pub optimiser: Optimiser,
    /// How each run's start is drawn. Default Glorot/Xavier uniform (the Keras default).
    pub init: Init,
    /// Epoch budget (passes over the data). Default 2,000: full-batch training of XOR in
    /// tutorials runs 1,000-10,000 epochs; the end point is quenched afterwards anyway, so the
    /// budget decides only how far training itself got.
    pub epochs: usize,
    /// Early stopping: a run ends when the RMS of the full-batch gradient is at or below this
    /// (checked at the start of every epoch). Default 1e-4: two decades above the quench
    /// tolerance of basin-hopping (GMIN `SLOPPYCONV` 1e-6), where a first-order optimiser with
    /// a fixed step has stopped making progress.
    pub gradient_tolerance: f64,
    /// Master seed of the runs' ChaCha8 streams (run r on stream r). Default 0.
    pub seed: u64,
}

impl Default for TrainParams {
    fn default() -> Self {
        Self {
            optimiser: Optimiser::adam(),
            init: Init::GlorotUniform,
            epochs: 2000,
            gradient_tolerance: 1e-4,
            seed: 0,
        }
    }
}

impl TrainParams {
    /// Checks every field; the error names the first bad one.
    pub fn validate(&self) -> Result<(), OptimError> {
        self.optimiser.validate()?;
        self.init.validate()?;
        check_count("epochs", self.epochs)?;
        check_non_negative("gradient_tolerance", self.gradient_tolerance)
    }
}
