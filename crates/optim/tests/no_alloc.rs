//! The L-BFGS iteration loop does not allocate: a call allocates only the returned `x`, however
//! many iterations it takes, once the workspace has the right size.
mod common;

mod counting_alloc;

use std::sync::atomic::Ordering;

use counting_alloc::{ACTIVE, ALLOCATIONS};

use common::Rosenbrock;
use nnscape_optim::{Lbfgs, LbfgsParams};

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
