//! The training loop does not allocate once its workspace has the right size, whatever the
//! optimiser and however many epochs it runs.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use nnscape_model::Loss;
use nnscape_optim::train::{Optimiser, TrainParams, Trainer};
use rand::SeedableRng;

struct Counting;
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
thread_local! {
    // Only this thread's allocations count: the test harness allocates on others.
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if ACTIVE.with(|a| a.get()) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

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
