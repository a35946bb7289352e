//! The training loop does not allocate once its workspace has the right size, whatever the
//! optimiser and however many epochs it runs.

mod counting_alloc;

use std::sync::atomic::Ordering;

use counting_alloc::{ACTIVE, ALLOCATIONS};

use nnscape_model::Loss;
use nnscape_optim::train::{Optimiser, TrainParams, Trainer};
use rand::SeedableRng;

#[test]
fn training_does_not_allocate() {
    let mut loss = Loss::xor(4, 1e-4).unwrap();
    let mut trainer = Trainer::new();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(0);
    for optimiser in Optimiser::all() {
        let params = TrainParams {
            optimiser,
            epochs: 300,
            gradient_tolerance: 0.0,
            ..TrainParams::default()
        };
        let mut x = vec![0.0; loss.n_params()];
        params.init.sample(loss.network(), &mut rng, &mut x);
        let start = x.clone();
        // First call sizes the workspace.
        trainer.train(&mut loss, &mut x, &params, &mut rng);
        x.copy_from_slice(&start);
        ALLOCATIONS.store(0, Ordering::Relaxed);
        ACTIVE.with(|a| a.set(true));
        let (epochs, ..) = trainer.train(&mut loss, &mut x, &params, &mut rng);
        ACTIVE.with(|a| a.set(false));
        assert_eq!(epochs, 300);
        assert_eq!(
            ALLOCATIONS.load(Ordering::Relaxed),
            0,
            "{} allocated",
            optimiser.name()
        );
    }
}
