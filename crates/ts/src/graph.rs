//! The connection graph of [`connect`](crate::connect): known minima and transition states,
//! Dijkstra on the complete graph of minima to choose the next pair to join, breadth-first
//! search over transition states to find a connected path.

use std::collections::VecDeque;

use nnscape_optim::{Alignment, System};

use crate::connect::ConnectParams;
use crate::database::TsDatabase;
use crate::hef::TransitionState;
use crate::verify::MinimumFound;

/// Known minima and transition states of a connection run, with the bookkeeping Dijkstra needs.
pub(crate) struct Graph<'a, A> {
    /// The alignment and tolerances of the run's [`System`] (no potential: the graph only
    /// compares points).
    pub(crate) rules: System<(), A>,
    pub(crate) params: &'a ConnectParams,
    /// Minima (0 is the start) and transition states, deduplicated.
    pub(crate) db: TsDatabase,
    /// Cached squared aligned distances between minima.
    dist2: Vec<Vec<f64>>,
    /// DNEB attempts made per pair of minima.
    pub(crate) tries: Vec<Vec<usize>>,
}

impl<'a, A: Alignment> Graph<'a, A> {
    pub(crate) fn new(rules: System<(), A>, params: &'a ConnectParams) -> Self {
        Self {
            rules,
            params,
            db: TsDatabase::default(),
            dist2: Vec::new(),
            tries: Vec::new(),
        }
    }

    /// Index of `m`, adding it (and its distances to every known minimum) when new.
    pub(crate) fn add_minimum(&mut self, m: MinimumFound) -> usize {
        if let Some(i) = self.db.minimum_index(&m, &self.rules) {
            return i;
        }
        let n = self.db.minima.len();
        let mut row: Vec<f64> = self
            .db
            .minima
            .iter()
            .map(|o| self.rules.distance(&o.x, &m.x).powi(2))
            .collect();
        for (r, d) in self.dist2.iter_mut().zip(&row) {
            r.push(*d);
        }
        row.push(0.0);
        self.dist2.push(row);
        for t in self.tries.iter_mut() {
            t.push(0);
        }
        self.tries.push(vec![0; n + 1]);
        self.db.minima.push(m);
        n
    }

    /// Adds a transition state between known minima unless it is known.
    pub(crate) fn add_ts(&mut self, ts: TransitionState, minus: usize, plus: usize, same: bool) {
        self.db.add_ts(ts, minus, plus, same, &self.rules);
    }

    pub(crate) fn linked(&self, a: usize, b: usize) -> bool {
        self.db
            .transition_states
            .iter()
            .any(|t| (t.minus == a && t.plus == b) || (t.minus == b && t.plus == a))
    }

    fn weight(&self, a: usize, b: usize) -> f64 {
        if self.linked(a, b) {
            0.0
        } else if self.tries[a][b] > 0 {
            self.params.tried_weight * self.tries[a][b] as f64 + self.dist2[a][b]
        } else {
            self.dist2[a][b]
        }
    }

    /// Dijkstra on the complete graph of known minima (dense O(n^2), n is small).
    pub(crate) fn shortest_path(&self, from: usize, to: usize) -> Vec<usize> {
        let n = self.db.minima.len();
        let mut dist = vec![f64::INFINITY; n];
        let mut prev = vec![usize::MAX; n];
        let mut done = vec![false; n];
        dist[from] = 0.0;
        for _ in 0..n {
            let Some(u) = (0..n)
                .filter(|&i| !done[i])
                .min_by(|&a, &b| dist[a].total_cmp(&dist[b]))
            else {
                break;
            };
            done[u] = true;
            if u == to {
                break;
            }
            for v in 0..n {
                if !done[v] && v != u {
                    let d = dist[u] + self.weight(u, v);
                    if d < dist[v] {
                        dist[v] = d;
                        prev[v] = u;
                    }
                }
            }
        }
        let mut path = vec![to];
        let mut c = to;
        while c != from && prev[c] != usize::MAX {
            c = prev[c];
            path.push(c);
        }
        path.reverse();
        path
    }

    /// Breadth-first search over known transition states: (minima, ts) from `a` to `b`.
    pub(crate) fn ts_path(&self, a: usize, b: usize) -> Option<(Vec<usize>, Vec<usize>)> {
        let n = self.db.minima.len();
        let mut prev: Vec<Option<(usize, usize)>> = vec![None; n];
        let mut seen = vec![false; n];
        seen[a] = true;
        let mut queue = VecDeque::from([a]);
        while let Some(u) = queue.pop_front() {
            if u == b {
                let mut mins = vec![b];
                let mut tss = Vec::new();
                let mut c = b;
                while let Some((p, t)) = prev[c] {
                    mins.push(p);
                    tss.push(t);
                    c = p;
                }
                mins.reverse();
                tss.reverse();
                return Some((mins, tss));
            }
            for (ti, t) in self.db.transition_states.iter().enumerate() {
                let other = if t.minus == u {
                    t.plus
                } else if t.plus == u {
                    t.minus
                } else {
                    continue;
                };
                if !seen[other] {
                    seen[other] = true;
                    prev[other] = Some((u, ti));
                    queue.push_back(other);
                }
            }
        }
        None
    }
}
