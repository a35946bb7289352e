//! Transition states and minima collected from many searches, each stored once up to the
//! [`System`]'s same-point rule.

use nnscape_optim::{Alignment, System};

use crate::hef::TransitionState;
use crate::verify::{MinimumFound, TransitionPath, VerifyStats};

/// A transition state with the indices of its two minima (into the `minima` of the
/// [`TsDatabase`] or [`ConnectResult`](crate::ConnectResult) it belongs to).
#[derive(Debug, Clone)]
pub struct TsEdge {
    /// The saddle.
    pub ts: TransitionState,
    /// Index of the minimum on the `-v` side.
    pub minus: usize,
    /// Index of the minimum on the `+v` side.
    pub plus: usize,
    /// Both sides reached the same minimum (a degenerate path, reported separately).
    pub same_minimum: bool,
}

/// Transition states and minima collected from many searches, deduplicated up to symmetry.
#[derive(Debug, Clone, Default)]
pub struct TsDatabase {
    /// Minima: the inputs first, in their order, then new ones in order of discovery.
    pub minima: Vec<MinimumFound>,
    /// Distinct transition states with indices into `minima` (`same_minimum` flags paths whose
    /// two sides are the same minimum).
    pub transition_states: Vec<TsEdge>,
    /// Outcomes summed over all searches (per-search counts: a path accepted from two minima is
    /// counted twice there but stored once).
    pub stats: VerifyStats,
}

impl TsDatabase {
    /// Index of `m` (same point up to symmetry), adding it when new.
    pub fn add_minimum<P, A: Alignment>(&mut self, m: MinimumFound, sys: &System<P, A>) -> usize {
        if let Some(i) = self.minimum_index(&m, sys) {
            return i;
        }
        self.minima.push(m);
        self.minima.len() - 1
    }

    /// Index of the known minimum that is the same point as `m`, if any.
    pub(crate) fn minimum_index<P, A: Alignment>(
        &self,
        m: &MinimumFound,
        sys: &System<P, A>,
    ) -> Option<usize> {
        self.minima
            .iter()
            .position(|o| sys.same_point(&o.x, o.energy, &m.x, m.energy))
    }

    /// Adds a verified path; returns the transition state's index, or `None` when it was known.
    pub fn add_path<P, A: Alignment>(
        &mut self,
        p: TransitionPath,
        sys: &System<P, A>,
    ) -> Option<usize> {
        if self.knows_ts(&p.ts, sys) {
            return None;
        }
        let minus = self.add_minimum(p.minus, sys);
        let plus = self.add_minimum(p.plus, sys);
        Some(self.push_ts(p.ts, minus, plus, p.same_minimum))
    }

    /// Adds a transition state between known minima unless it is known; returns its index, or
    /// `None` when it was known.
    pub(crate) fn add_ts<P, A: Alignment>(
        &mut self,
        ts: TransitionState,
        minus: usize,
        plus: usize,
        same_minimum: bool,
        sys: &System<P, A>,
    ) -> Option<usize> {
        (!self.knows_ts(&ts, sys)).then(|| self.push_ts(ts, minus, plus, same_minimum))
    }

    /// `ts` is a known transition state (same point up to symmetry).
    pub(crate) fn knows_ts<P, A: Alignment>(
        &self,
        ts: &TransitionState,
        sys: &System<P, A>,
    ) -> bool {
        self.transition_states
            .iter()
            .any(|t| sys.same_point(&t.ts.x, t.ts.energy, &ts.x, ts.energy))
    }

    fn push_ts(
        &mut self,
        ts: TransitionState,
        minus: usize,
        plus: usize,
        same_minimum: bool,
    ) -> usize {
        self.transition_states.push(TsEdge {
            ts,
            minus,
            plus,
            same_minimum: same_minimum || minus == plus,
        });
        self.transition_states.len() - 1
    }
}
