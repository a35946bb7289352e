//! A global allocator that counts the allocations made on threads that switched counting on
//! (`ACTIVE`), shared by the allocation-free tests (each test binary gets its own copy).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct Counting;
pub static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
thread_local! {
    // Only this thread's allocations count: the test harness allocates on others.
    pub static ACTIVE: Cell<bool> = const { Cell::new(false) };
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
