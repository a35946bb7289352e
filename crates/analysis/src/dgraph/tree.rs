//! The exact merge tree: transition states sorted by energy join the basins of their two minima
//! with union-find (Kruskal); each join is a node at the exact energy of the transition state,
//! so the energy at which two sets of minima first connect is exact.

use std::collections::{HashMap, HashSet};

use nnscape_landscape::{energy_order, UnionFind};

use super::{DgEdge, DgMinimum};

/// A node of the merge tree: a leaf (one minimum, at its energy) or a join (at the energy of
/// the transition state that first connects its children).
#[derive(Debug, Clone, PartialEq)]
pub struct MergeNode {
    /// Minimum energy for a leaf, transition-state energy for a join.
    pub energy: f64,
    /// The transition state that made this join (`None` for a leaf).
    pub ts_id: Option<i64>,
    /// Child node indices (two for a join, none for a leaf).
    pub children: Vec<usize>,
    /// Parent node index (`None` for a root).
    pub parent: Option<usize>,
    /// Ids of all minima below, ascending.
    pub minima: Vec<i64>,
}

/// The exact merge tree of a set of minima and transition states.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeTree {
    /// Leaves first (one per minimum, in input order), then joins in order of energy.
    pub nodes: Vec<MergeNode>,
    /// Roots: one per connected component.
    pub roots: Vec<usize>,
    /// Transition states that did not join anything new (both minima already connected, a
    /// self-connection, or an unknown minimum).
    pub redundant_edges: Vec<i64>,
    leaf_of: HashMap<i64, usize>,
}

impl MergeTree {
    /// Builds the tree: edges in the energy order of minima and transition states everywhere
    /// (energy, ties by id), Kruskal with union-find.
    pub fn new(minima: &[DgMinimum], edges: &[DgEdge]) -> Self {
        let mut nodes: Vec<MergeNode> = minima
            .iter()
            .map(|m| MergeNode {
                energy: m.energy,
                ts_id: None,
                children: Vec::new(),
                parent: None,
                minima: vec![m.id],
            })
            .collect();
        let leaf_of: HashMap<i64, usize> =
            minima.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
        let mut basins = UnionFind::new(minima.len());
        // top[r] for a union-find representative r: the merge node currently on top of that
        // set. Which element represents a set is the union-find's business (its smallest), so
        // `top` is re-keyed after every union rather than assuming a representative.
        let mut top: Vec<usize> = (0..minima.len()).collect();
        let mut sorted: Vec<&DgEdge> = edges.iter().collect();
        sorted.sort_by(|a, b| energy_order((a.energy, a.id), (b.energy, b.id)));
        let mut redundant_edges = Vec::new();
        for e in sorted {
            let (Some(&a), Some(&b)) = (leaf_of.get(&e.min1), leaf_of.get(&e.min2)) else {
                redundant_edges.push(e.id);
                continue;
            };
            let (ra, rb) = (basins.find(a), basins.find(b));
            if ra == rb {
                redundant_edges.push(e.id);
                continue;
            }
            let (ta, tb) = (top[ra], top[rb]);
            let mut members = nodes[ta].minima.clone();
            members.extend_from_slice(&nodes[tb].minima);
            members.sort_unstable();
            let new = nodes.len();
            nodes.push(MergeNode {
                energy: e.energy,
                ts_id: Some(e.id),
                children: vec![ta, tb],
                parent: None,
                minima: members,
            });
            nodes[ta].parent = Some(new);
            nodes[tb].parent = Some(new);
            basins.union(ra, rb);
            top[basins.find(ra)] = new;
        }
        let roots = (0..nodes.len())
            .filter(|&i| nodes[i].parent.is_none())
            .collect();
        Self {
            nodes,
            roots,
            redundant_edges,
            leaf_of,
        }
    }

    /// The leaf node of minimum `id`.
    pub fn leaf(&self, id: i64) -> Option<usize> {
        self.leaf_of.get(&id).copied()
    }

    /// Exact energy at which minima `a` and `b` first become connected (their lowest common
    /// ancestor); `None` if they never are or are unknown. `Some(E_a)` when `a == b`.
    pub fn join_energy(&self, a: i64, b: i64) -> Option<f64> {
        let (la, lb) = (self.leaf(a)?, self.leaf(b)?);
        let mut ancestors = HashSet::new();
        let mut n = Some(la);
        while let Some(i) = n {
            ancestors.insert(i);
            n = self.nodes[i].parent;
        }
        let mut n = Some(lb);
        while let Some(i) = n {
            if ancestors.contains(&i) {
                return Some(self.nodes[i].energy);
            }
            n = self.nodes[i].parent;
        }
        None
    }

    /// The highest ancestor of node `i` whose energy is at most `level` (the superbasin of `i`
    /// at that level).
    pub fn ancestor_at(&self, mut i: usize, level: f64) -> usize {
        while let Some(p) = self.nodes[i].parent {
            if self.nodes[p].energy > level {
                break;
            }
            i = p;
        }
        i
    }
}
