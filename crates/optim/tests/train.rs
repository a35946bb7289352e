//! Training: the update rules against hand computation, runs from inside a known basin end in
//! it, thread-count independence, and settings errors that name the field.

use nnscape_model::{Loss, Network};
use nnscape_optim::train::{
    start_of, train_runs, AdamParams, GradientDescentParams, Init, Optimiser, SgdParams,
    TrainParams, TrainTermination, Trainer,
};
use nnscape_optim::{
    verified_minimum, Alignment, Lbfgs, LbfgsParams, MinimumParams, NetworkAlignment, Tolerances,
};
use rand::SeedableRng;

fn xor(n_hidden: usize, lambda: f64) -> Loss {
    Loss::xor(n_hidden, lambda).unwrap()
}

/// A fixed, unremarkable start of `n` parameters.
fn start(n: usize) -> Vec<f64> {
    (0..n).map(|i| ((i * 7 % 11) as f64 - 5.0) * 0.2).collect()
}

fn one_epoch(optimiser: Optimiser) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let mut loss = xor(3, 1e-3);
    let x0 = start(loss.n_params());
    let mut g0 = vec![0.0; x0.len()];
    loss.energy_gradient(&x0, &mut g0);
    let params = TrainParams {
        optimiser,
        epochs: 1,
        gradient_tolerance: 0.0,
        ..TrainParams::default()
    };
    let mut x = x0.clone();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
    let (epochs, _, _, t) = Trainer::new().train(&mut loss, &mut x, &params, &mut rng);
    assert_eq!((epochs, t), (1, TrainTermination::EpochBudget));
    (x0, g0, x)
}

#[test]
fn one_epoch_is_the_textbook_update() {
    // Gradient descent: x - lr g.
    let (x0, g0, x) = one_epoch(Optimiser::GradientDescent(GradientDescentParams {
        learning_rate: 0.3,
    }));
    for i in 0..x.len() {
        assert_eq!(x[i], x0[i] - 0.3 * g0[i]);
    }
    // SGD with the whole data set as one batch: v = -lr g, x + v.
    let (x0, g0, x) = one_epoch(Optimiser::Sgd(SgdParams {
        batch_size: 4,
        ..SgdParams::default()
    }));
    // (The batch sums the points in shuffled order: equal to rounding.)
    for i in 0..x.len() {
        assert!((x[i] - (x0[i] - 0.01 * g0[i])).abs() < 1e-16, "{i}");
    }
    // Adam's first step, bias-corrected: m / sqrt(v) = g / |g|, so every coordinate moves by
    // lr (up to epsilon) against its gradient.
    let (x0, g0, x) = one_epoch(Optimiser::adam());
    for i in 0..x.len() {
        let step = 1e-3 * g0[i] / (g0[i].abs() + 1e-8);
        assert!((x[i] - (x0[i] - step)).abs() < 1e-15, "{i}");
    }
}

#[test]
fn runs_from_inside_a_basin_end_in_its_minimum() {
    let mut loss = xor(2, 1e-3);
    let tol = Tolerances::default();
    let mut lbfgs = Lbfgs::new(LbfgsParams::default()).unwrap();
    let min = verified_minimum(
        &mut loss,
        &nnscape_model::known::xor_solution(4.0),
        &mut lbfgs,
        &MinimumParams::default(),
        &tol,
    )
    .unwrap();
    assert_eq!(loss.n_correct(&min.x), 4, "a minimum that solves XOR");
    let alignment = NetworkAlignment::new(*loss.network());
    // A start 0.05 away from the minimum in every coordinate.
    let x0: Vec<f64> = min
        .x
        .iter()
        .enumerate()
        .map(|(i, v)| v + if i % 2 == 0 { 0.05 } else { -0.05 })
        .collect();
    for optimiser in Optimiser::all() {
        let params = TrainParams {
            optimiser,
            epochs: 5000,
            ..TrainParams::default()
        };
        let mut x = x0.clone();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let (_, e, _, t) = Trainer::new().train(&mut loss, &mut x, &params, &mut rng);
        assert_ne!(t, TrainTermination::Diverged);
        let d = alignment.distance(&x, &min.x);
        assert!(
            d < 0.12,
            "{}: {d} from the minimum ({t:?})",
            optimiser.name()
        );
        assert!(e < min.energy + 1e-3, "{}: E = {e}", optimiser.name());
        // Its quench is the minimum itself.
        let q = lbfgs.minimise(&mut loss, &x);
        assert!(
            alignment.distance(&q.x, &min.x) < 1e-3,
            "{}",
            optimiser.name()
        );
    }
}

#[test]
fn runs_do_not_depend_on_the_thread_count() {
    let loss = xor(3, 1e-3);
    for (optimiser, init) in Optimiser::all().into_iter().zip(Init::all()) {
        let params = TrainParams {
            optimiser,
            init,
            epochs: 50,
            seed: 7,
            ..TrainParams::default()
        };
        let pool = |t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t)
                .build()
                .unwrap()
        };
        let one = pool(1).install(|| train_runs(&loss, &params, 0..12).unwrap());
        let two = pool(2).install(|| train_runs(&loss, &params, 0..12).unwrap());
        assert_eq!(one, two);
        // A sub-range gives the same runs: each run has its own stream.
        let tail = train_runs(&loss, &params, 5..12).unwrap();
        assert_eq!(&one[5..], &tail[..]);
        assert_eq!(
            one.iter().map(|r| r.run).collect::<Vec<_>>(),
            (0..12).collect::<Vec<_>>()
        );
    }
    // Run r of every optimiser starts from the same point (common random numbers).
    let p = |optimiser| TrainParams {
        optimiser,
        ..TrainParams::default()
    };
    assert_eq!(
        start_of(&loss, &p(Optimiser::sgd()), 3),
        start_of(&loss, &p(Optimiser::adam()), 3)
    );
    assert_ne!(
        start_of(&loss, &p(Optimiser::adam()), 3),
        start_of(&loss, &p(Optimiser::adam()), 4)
    );
}

#[test]
fn early_stopping_ends_at_a_small_gradient() {
    // lambda = 0.1: the one minimum is close to W = 0 and gradient descent reaches it fast.
    let loss = xor(2, 0.1);
    let params = TrainParams {
        optimiser: Optimiser::gradient_descent(),
        ..TrainParams::default()
    };
    for r in train_runs(&loss, &params, 0..8).unwrap() {
        assert_eq!(r.termination, TrainTermination::Converged);
        assert!(r.epochs < params.epochs && r.rms_gradient <= 1e-4, "{r:?}");
    }
}

#[test]
fn bad_settings_name_the_field() {
    let loss = xor(2, 1e-3);
    let cases = [
        (
            TrainParams {
                optimiser: Optimiser::Sgd(SgdParams {
                    batch_size: 0,
                    ..SgdParams::default()
                }),
                ..TrainParams::default()
            },
            "sgd.batch_size",
        ),
        (
            TrainParams {
                optimiser: Optimiser::Adam(AdamParams {
                    beta2: 1.0,
                    ..AdamParams::default()
                }),
                ..TrainParams::default()
            },
            "adam.beta2",
        ),
        (
            TrainParams {
                optimiser: Optimiser::gradient_descent().with_learning_rate(f64::NAN),
                ..TrainParams::default()
            },
            "gd.learning_rate",
        ),
        (
            TrainParams {
                init: Init::Uniform { a: -1.0 },
                ..TrainParams::default()
            },
            "uniform.a",
        ),
        (
            TrainParams {
                epochs: 0,
                ..TrainParams::default()
            },
            "epochs",
        ),
    ];
    for (params, field) in cases {
        let e = train_runs(&loss, &params, 0..1).unwrap_err().to_string();
        assert!(e.contains(&format!("`{field}`")), "{e}");
    }
    assert_eq!(Optimiser::from_name("adam"), Some(Optimiser::adam()));
    assert_eq!(Init::from_name("he"), Some(Init::HeNormal));
    assert_eq!(Optimiser::from_name("rmsprop"), None);
    let _ = Network::xor(2, 0.0).unwrap();
}
