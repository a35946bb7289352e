//! Initialisations of a network's parameters, as the deep-learning libraries draw them.

use nnscape_model::Network;
use rand::Rng;

use crate::error::{check_positive, OptimError};

/// How a training run's start point is drawn. Fans: the hidden layer has fan-in N_in and
/// fan-out N_h, the output layer fan-in N_h and fan-out N_out.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum Init {
    /// Glorot/Xavier uniform (Glorot and Bengio, AISTATS 2010): weights of each layer
    /// `U(-a, a)` with `a = sqrt(6 / (fan_in + fan_out))`, biases 0 (the Keras `Dense` default).
    GlorotUniform,
    /// He normal (He, Zhang, Ren and Sun, ICCV 2015): weights of each layer `N(0, 2 / fan_in)`,
    /// biases 0 (PyTorch `kaiming_normal_`, fan-in mode; not truncated).
    HeNormal,
    /// Every parameter, biases included, `U(-a, a)`.
    Uniform {
        /// Half-width. Default (see [`Init::uniform`]) 1: weights and biases of order one, the
        /// width of tanh's linear region (the landscape certificate's random starts use 0.5
        /// and 2 on either side).
        a: f64,
    },
}

impl Init {
    /// Uniform on [-1, 1].
    pub fn uniform() -> Self {
        Self::Uniform { a: 1.0 }
    }
    /// The three initialisations with their defaults, in table order.
    pub fn all() -> [Self; 3] {
        [Self::GlorotUniform, Self::HeNormal, Self::uniform()]
    }
    /// The short name used in tables: `glorot`, `he` or `uniform`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::GlorotUniform => "glorot",
            Self::HeNormal => "he",
            Self::Uniform { .. } => "uniform",
        }
    }
    /// The initialisation of a short name ([`Init::name`]) with its default.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::all().into_iter().find(|i| i.name() == name)
    }
    /// Checks the half-width of [`Init::Uniform`] (`uniform.a`).
    pub fn validate(&self) -> Result<(), OptimError> {
        match self {
            Self::Uniform { a } => check_positive("uniform.a", *a),
            _ => Ok(()),
        }
    }

    /// Draws a start for `net` into `out` (`net.n_params()` entries).
    pub fn sample(&self, net: &Network, rng: &mut impl Rng, out: &mut [f64]) {
        assert_eq!(out.len(), net.n_params(), "start vector length");
        let (n_in, nh, n_out) = (net.n_in() as f64, net.n_hidden() as f64, net.n_out() as f64);
        let uniform = |rng: &mut dyn FnMut() -> f64, a: f64| a * (2.0 * rng() - 1.0);
        let mut u01 = || rng.random::<f64>();
        match *self {
            Self::Uniform { a } => out.iter_mut().for_each(|w| *w = uniform(&mut u01, a)),
            Self::GlorotUniform => {
                let ah = (6.0 / (n_in + nh)).sqrt();
                let ao = (6.0 / (nh + n_out)).sqrt();
                out.fill(0.0);
                out[net.w_hidden_range()]
                    .iter_mut()
                    .for_each(|w| *w = uniform(&mut u01, ah));
                out[net.w_out_range()]
                    .iter_mut()
                    .for_each(|w| *w = uniform(&mut u01, ao));
            }
            Self::HeNormal => {
                out.fill(0.0);
                for (range, fan_in) in [(net.w_hidden_range(), n_in), (net.w_out_range(), nh)] {
                    let sd = (2.0 / fan_in).sqrt();
                    for w in &mut out[range] {
                        *w = sd * standard_normal(&mut u01);
                    }
                }
            }
        }
    }
}

/// A standard normal draw by Box-Muller (one of the pair; u1 in (0, 1] so the log is finite).
fn standard_normal(u01: &mut impl FnMut() -> f64) -> f64 {
    let u1 = 1.0 - u01();
    let u2 = u01();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn scales_follow_the_fans() {
        let net = Network::xor(4, 1e-3).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut w = vec![0.0; net.n_params()];
        let (mut sum_h, mut sum_o, n) = (0.0, 0.0, 20_000);
        for _ in 0..n {
            Init::HeNormal.sample(&net, &mut rng, &mut w);
            assert!(w[net.b_hidden_range().start..].iter().all(|b| *b == 0.0));
            sum_h += w[net.w_hidden_range()].iter().map(|v| v * v).sum::<f64>() / 8.0;
            sum_o += w[net.w_out_range()].iter().map(|v| v * v).sum::<f64>() / 8.0;
        }
        // Variances 2 / N_in = 1 and 2 / N_h = 0.5, to sampling error (~1%).
        assert!(
            (sum_h / n as f64 - 1.0).abs() < 0.03,
            "{}",
            sum_h / n as f64
        );
        assert!(
            (sum_o / n as f64 - 0.5).abs() < 0.015,
            "{}",
            sum_o / n as f64
        );
        Init::GlorotUniform.sample(&net, &mut rng, &mut w);
        let a = (6.0f64 / 6.0).sqrt();
        assert!(w[net.w_hidden_range()].iter().all(|v| v.abs() <= a));
        Init::Uniform { a: 0.3 }.sample(&net, &mut rng, &mut w);
        assert!(w.iter().all(|v| v.abs() <= 0.3) && w.iter().any(|v| v.abs() > 0.2));
        let e = Init::Uniform { a: 0.0 }.validate().unwrap_err().to_string();
        assert!(e.contains("uniform.a"), "{e}");
    }
}
