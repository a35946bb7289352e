//! The L-BFGS iteration loop does not allocate: a call allocates only the returned `x`, however
//! many iterations it takes, once the workspace has the right size.
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::Rosenbrock;
use nnscape_optim::{Lbfgs, LbfgsParams};

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
fn minimize_allocates_only_the_result() {
    let n = 20;
    let mut obj = Rosenbrock { n };
    let x0 = common::rosenbrock_start(n);
    let mut lbfgs = Lbfgs::new(LbfgsParams::default()).unwrap();
    // First call sizes the workspace.
    let warm = lbfgs.minimise(&mut obj, &x0);
    assert!(warm.converged());

    ALLOCATIONS.store(0, Ordering::Relaxed);
    ACTIVE.with(|a| a.set(true));
    let r = lbfgs.minimise(&mut obj, &x0);
    ACTIVE.with(|a| a.set(false));
    let count = ALLOCATIONS.load(Ordering::Relaxed);

    assert!(r.converged());
    assert!(
        r.iterations > 20,
        "the loop must actually run: {}",
        r.iterations
    );
    assert_eq!(
        count, 1,
        "{} allocations in {} iterations",
        count, r.iterations
    );
}
