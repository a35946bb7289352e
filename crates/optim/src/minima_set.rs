//! Distinct minima up to symmetry: the in-memory counterpart of the landscape database, used by
//! basin-hopping to count minima and hits, and to tell whether a step escaped its minimum.

use crate::minimum::Minimum;
use crate::system::{Alignment, Tolerances};
use crate::OptimError;

/// The result of [`MinimaSet::insert`]: the position (in energy order, at the time) of the new
/// or the matching entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insertion {
    /// A new distinct minimum.
    New(usize),
    /// A copy (up to symmetry) of a known one, whose hit count was increased.
    Existing(usize),
}

/// Distinct minima up to the symmetries of an [`Alignment`], kept sorted by energy so that a
/// lookup only compares the few entries inside the energy window.
///
/// Two minima are the same by [`Tolerances::same_point`]. On a match the stored (first found)
/// minimum is kept.
///
/// ```
/// use nnscape_optim::{Insertion, MinimaSet, Minimum, NoSymmetry, Tolerances};
///
/// let m = |x: f64, energy: f64| Minimum {
///     x: vec![x], energy, rms_gradient: 0.0, eigenvalues: vec![1.0], escapes: 0,
///     function_evaluations: 0,
/// };
/// let mut set = MinimaSet::new(NoSymmetry, Tolerances::default()).unwrap();
/// assert_eq!(set.insert(m(1.0, 0.5)), Insertion::New(0));
/// assert_eq!(set.insert(m(-1.0, 0.2)), Insertion::New(0));
/// assert_eq!(set.insert(m(1.0 + 1e-6, 0.5)), Insertion::Existing(1));
/// assert_eq!(set.hits(), &[1, 2]);
/// ```
#[derive(Debug, Clone)]
pub struct MinimaSet<A> {
    alignment: A,
    tolerances: Tolerances,
    entries: Vec<Minimum>,
    hits: Vec<usize>,
}

impl<A: Alignment> MinimaSet<A> {
    /// An empty set deduplicating up to `alignment` with `tolerances`.
    ///
    /// # Errors
    /// A negative or non-finite tolerance.
    pub fn new(alignment: A, tolerances: Tolerances) -> Result<Self, OptimError> {
        tolerances.validate()?;
        Ok(MinimaSet {
            alignment,
            tolerances,
            entries: Vec::new(),
            hits: Vec::new(),
        })
    }

    /// Number of distinct minima.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// `true` when empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The minima, lowest energy first.
    pub fn minima(&self) -> &[Minimum] {
        &self.entries
    }

    /// How often each minimum (same order as [`MinimaSet::minima`]) was inserted.
    pub fn hits(&self) -> &[usize] {
        &self.hits
    }

    /// The lowest minimum.
    pub fn lowest(&self) -> Option<&Minimum> {
        self.entries.first()
    }

    /// Position of the stored minimum that `m` is a copy of.
    pub fn find(&self, m: &Minimum) -> Option<usize> {
        let window = self.tolerances.energy_window(m.energy);
        let start = self
            .entries
            .partition_point(|e| e.energy < m.energy - window);
        self.entries[start..]
            .iter()
            .take_while(|e| e.energy <= m.energy + window)
            .position(|e| {
                self.tolerances
                    .same_point(&self.alignment, &e.x, e.energy, &m.x, m.energy)
            })
            .map(|i| start + i)
    }

    /// Adds `m` unless it is a copy of a stored minimum.
    ///
    /// # Panics
    /// If `m.x` does not have the length of the minima already stored.
    pub fn insert(&mut self, m: Minimum) -> Insertion {
        if let Some(first) = self.entries.first() {
            assert_eq!(m.x.len(), first.x.len(), "MinimaSet::insert: length");
        }
        if let Some(i) = self.find(&m) {
            self.hits[i] += 1;
            return Insertion::Existing(i);
        }
        // After equal energies: the first found of two near-degenerate minima stays first.
        let i = self.entries.partition_point(|e| e.energy <= m.energy);
        self.entries.insert(i, m);
        self.hits.insert(i, 1);
        Insertion::New(i)
    }
}
