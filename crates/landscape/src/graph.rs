//! The two graph notions every layer above the database shares: which minimum is the global
//! minimum, and which minima are joined by known transition states (union-find).
//!
//! Defined here, the lowest crate that needs them (the exploration driver asks whether the map
//! is connected); the analysis crate's merge trees, counts and disconnectivity graphs call the
//! same code.

use std::cmp::Ordering;

/// The order of minima everywhere in nnscape: by energy, ties broken by the lower database id,
/// so that "the global minimum" names the same point in every table and figure.
pub fn energy_order(a: (f64, i64), b: (f64, i64)) -> Ordering {
    a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
}

/// The global minimum of `items`: the lowest `key(item) = (energy, id)` under [`energy_order`].
///
/// ```
/// use nnscape_landscape::graph::global_minimum;
/// let minima = [(0.5, 3_i64), (0.1, 7), (0.1, 2)];
/// assert_eq!(global_minimum(&minima, |m| *m), Some(&(0.1, 2)));
/// ```
pub fn global_minimum<T>(items: &[T], key: impl Fn(&T) -> (f64, i64)) -> Option<&T> {
    items.iter().min_by(|a, b| energy_order(key(a), key(b)))
}

/// Disjoint sets over `0..n` with path halving; the representative of a set is its smallest
/// element, so results never depend on the order of unions.
///
/// ```
/// use nnscape_landscape::graph::UnionFind;
/// let mut uf = UnionFind::new(4);
/// assert!(uf.union(3, 1));
/// assert!(!uf.union(1, 3));
/// assert_eq!(uf.find(3), 1);
/// assert_eq!(uf.classes(), 3);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionFind(Vec<usize>);

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> Self {
        Self((0..n).collect())
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `true` when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The representative (smallest element) of `a`'s set.
    pub fn find(&mut self, mut a: usize) -> usize {
        while self.0[a] != a {
            self.0[a] = self.0[self.0[a]];
            a = self.0[a];
        }
        a
    }

    /// Joins the sets of `a` and `b`; `true` when they were different.
    pub fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        self.0[ra.max(rb)] = ra.min(rb);
        true
    }

    /// Number of disjoint sets.
    pub fn classes(&mut self) -> usize {
        (0..self.0.len()).filter(|&a| self.find(a) == a).count()
    }
}
