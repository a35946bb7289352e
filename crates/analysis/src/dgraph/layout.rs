//! The drawing as disconnectionDPS and pele lay it out: energy levels, the superbasins at each
//! level (level nodes), the order of children (CENTREGMIN), leaf slots and the segments.

use std::cmp::Ordering;
use std::collections::HashMap;

use nnscape_landscape::{energy_order, global_minimum};

use super::{
    DgEdge, DgMinimum, DgraphParams, DisconnectivityGraph, Levels, MergeTree, Segment, MAX_LEVELS,
};
use crate::AnalysisError;

/// A child of a level node: a level node one level down, or a minimum (by input index) whose
/// first level is this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Child {
    Node(usize),
    Min(usize),
}

/// A superbasin at one level, with its children in drawing order and its x (leaf slots).
#[derive(Debug, Clone)]
struct LevelNode {
    level: usize,
    children: Vec<Child>,
    x: f64,
}

impl DisconnectivityGraph {
    /// Builds the merge tree and lays out the drawing.
    pub fn new(
        minima: &[DgMinimum],
        edges: &[DgEdge],
        n_data: usize,
        params: &DgraphParams,
    ) -> Result<Self, AnalysisError> {
        params.validate()?;
        if minima.is_empty() {
            return Err(AnalysisError::NoMinima);
        }
        let tree = MergeTree::new(minima, edges);
        let gmin = *global_minimum(minima, |m| (m.energy, m.id)).expect("non-empty");
        let e_gmin = gmin.energy;
        let e_max_min = minima.iter().map(|m| m.energy).fold(f64::MIN, f64::max);
        let emax = match params.emax {
            Some(e) => e,
            None => {
                let ts_max = edges.iter().map(|e| e.energy).fold(f64::NAN, f64::max);
                if ts_max.is_finite() && ts_max > e_gmin {
                    ts_max
                } else {
                    // No usable transition state: just above the highest minimum.
                    e_max_min + 0.05 * (e_max_min - e_gmin).max(1e-3)
                }
            }
        };
        if !(emax.is_finite() && emax > e_gmin) {
            return Err(AnalysisError::InvalidSetting {
                name: "emax",
                value: emax.to_string(),
                reason: "must lie above the global minimum",
            });
        }
        let levels = make_levels(params.levels, e_gmin, emax)?;
        let top = levels.len() - 1;
        let mut above_emax: Vec<i64> = minima
            .iter()
            .filter(|m| m.energy >= emax)
            .map(|m| m.id)
            .collect();
        above_emax.sort_unstable();
        // Drawn minima by energy; first level strictly above each.
        let mut drawn: Vec<usize> = (0..minima.len())
            .filter(|&i| minima[i].energy < emax)
            .collect();
        drawn.sort_by(|&a, &b| order(minima, a, b));
        let first_level: Vec<usize> = (0..minima.len())
            .map(|i| levels.partition_point(|&l| l <= minima[i].energy))
            .collect();

        // Level nodes, keyed by (level, merge-tree node).
        let mut nodes: Vec<LevelNode> = Vec::new();
        let mut key: HashMap<(usize, usize), usize> = HashMap::new();
        for k in 0..=top {
            for &m in &drawn {
                if first_level[m] > k {
                    continue;
                }
                let a = tree.ancestor_at(m, levels[k]);
                let n = *key.entry((k, a)).or_insert_with(|| {
                    nodes.push(LevelNode {
                        level: k,
                        children: Vec::new(),
                        x: 0.0,
                    });
                    nodes.len() - 1
                });
                let child = if first_level[m] == k {
                    Child::Min(m)
                } else {
                    Child::Node(key[&(k - 1, tree.ancestor_at(m, levels[k - 1]))])
                };
                if !nodes[n].children.contains(&child) {
                    nodes[n].children.push(child);
                }
            }
        }
        // Per level node: (size, lowest minimum index), for ordering.
        let mut info: Vec<(usize, usize)> = vec![(0, usize::MAX); nodes.len()];
        for n in 0..nodes.len() {
            // Children are created at lower levels first, so their info is ready.
            let mut size = 0;
            let mut lowest = usize::MAX;
            for c in &nodes[n].children {
                let (s, l) = match *c {
                    Child::Min(m) => (1, m),
                    Child::Node(c) => info[c],
                };
                size += s;
                if lowest == usize::MAX || order(minima, l, lowest).is_lt() {
                    lowest = l;
                }
            }
            info[n] = (size, lowest);
        }
        let child_info = |c: &Child| match *c {
            Child::Min(m) => (1, m),
            Child::Node(c) => info[c],
        };
        // Order children: size descending, then lowest energy; centre the lowest branch.
        for n in 0..nodes.len() {
            let mut ch = nodes[n].children.clone();
            ch.sort_by(|a, b| {
                let (sa, la) = child_info(a);
                let (sb, lb) = child_info(b);
                sb.cmp(&sa).then(order(minima, la, lb))
            });
            if params.centre_gmin && ch.len() > 2 {
                let lowest = info[n].1;
                let centre_pos = ch
                    .iter()
                    .position(|c| child_info(c).1 == lowest)
                    .expect("the lowest minimum is in one child");
                let centre = ch.remove(centre_pos);
                let (mut left, mut right) = (Vec::new(), Vec::new());
                for (i, c) in ch.into_iter().enumerate() {
                    if i % 2 == 0 {
                        right.push(c);
                    } else {
                        left.push(c);
                    }
                }
                left.reverse();
                left.push(centre);
                left.extend(right);
                ch = left;
            }
            nodes[n].children = ch;
        }
        // Trees: the top-level nodes, the global minimum's first, then by lowest energy.
        let mut roots: Vec<usize> = (0..nodes.len())
            .filter(|&n| nodes[n].level == top)
            .collect();
        roots.sort_by(|&a, &b| order(minima, info[a].1, info[b].1));
        let mut disconnected: Vec<i64> = Vec::new();
        let mut leaf_x: Vec<(i64, f64)> = Vec::new();
        let mut min_x: HashMap<usize, f64> = HashMap::new();
        let mut slot = 0.0;
        for (t, &r) in roots.iter().enumerate() {
            if t > 0 {
                slot += 1.0; // a gap between separate trees
            }
            let mut order = Vec::new();
            collect_leaves(&nodes, r, &mut order);
            for m in order {
                min_x.insert(m, slot);
                leaf_x.push((minima[m].id, slot));
                if t > 0 {
                    disconnected.push(minima[m].id);
                }
                slot += 1.0;
            }
        }
        place(&mut nodes, &min_x);
        disconnected.sort_unstable();
        let mut segments = Vec::new();
        for &r in &roots {
            let (yb, leaf) = emit(&nodes, r, minima, &levels, &min_x, &info, &mut segments);
            let x = nodes[r].x;
            let y = levels[top];
            if yb < y {
                let (id, is_leaf) = match leaf {
                    Some(m) => (minima[m].id, true),
                    None => (minima[info[r].1].id, false),
                };
                segments.push(Segment {
                    x1: x,
                    y1: yb,
                    x2: x,
                    y2: y,
                    minimum_id: id,
                    leaf: is_leaf,
                });
            }
        }
        Ok(Self {
            tree,
            minima: minima.to_vec(),
            levels,
            segments,
            leaf_x,
            global_minimum: gmin.id,
            disconnected,
            above_emax,
            n_data,
        })
    }
}

/// The energy order of minima `a` and `b` (input indices).
fn order(minima: &[DgMinimum], a: usize, b: usize) -> Ordering {
    let key = |i: usize| (minima[i].energy, minima[i].id);
    energy_order(key(a), key(b))
}

fn make_levels(spec: Levels, e_gmin: f64, emax: f64) -> Result<Vec<f64>, AnalysisError> {
    let range = emax - e_gmin;
    let mut levels = match spec {
        Levels::Count(n) => {
            if n == 0 {
                return Err(AnalysisError::InvalidSetting {
                    name: "levels",
                    value: "0".into(),
                    reason: "need at least one level",
                });
            }
            let delta = range / n as f64;
            (0..n).map(|i| emax - delta * i as f64).collect::<Vec<_>>()
        }
        Levels::Spacing(delta) => {
            if !(delta.is_finite() && delta > 0.0) || range / delta > MAX_LEVELS as f64 {
                return Err(AnalysisError::InvalidSetting {
                    name: "spacing",
                    value: delta.to_string(),
                    reason: "must be > 0 and give at most 100000 levels",
                });
            }
            let mut v = vec![emax];
            while emax - delta * v.len() as f64 > e_gmin {
                v.push(emax - delta * v.len() as f64);
            }
            v
        }
    };
    levels.reverse();
    Ok(levels)
}

// The walks over the level nodes below are iterative: a graph of many levels (`--levels
// 100000`) is a chain that deep, which recursion would overflow the stack with.

/// The minima under node `n`, left to right (depth first, children in drawing order).
fn collect_leaves(nodes: &[LevelNode], n: usize, out: &mut Vec<usize>) {
    let mut stack = vec![Child::Node(n)];
    while let Some(c) = stack.pop() {
        match c {
            Child::Min(m) => out.push(m),
            Child::Node(c) => stack.extend(nodes[c].children.iter().rev()),
        }
    }
}

/// x of every node: the mean of its children's x. Children are created at lower levels, before
/// their parents, so one pass in index order sees every child placed.
fn place(nodes: &mut [LevelNode], min_x: &HashMap<usize, f64>) {
    for n in 0..nodes.len() {
        let sum: f64 = nodes[n]
            .children
            .iter()
            .map(|c| match *c {
                Child::Min(m) => min_x[&m],
                Child::Node(c) => nodes[c].x,
            })
            .sum();
        nodes[n].x = sum / nodes[n].children.len() as f64;
    }
}

/// Follows a chain of single children down from `n`: `Some` (the minimum's energy and index)
/// when it ends at a minimum, else `None` with the node of several children pushed on
/// `frames` (child 0 next).
fn descend(
    nodes: &[LevelNode],
    mut n: usize,
    minima: &[DgMinimum],
    frames: &mut Vec<(usize, usize)>,
) -> Option<(f64, Option<usize>)> {
    loop {
        match nodes[n].children.as_slice() {
            [Child::Min(m)] => return Some((minima[*m].energy, Some(*m))),
            [Child::Node(c)] => n = *c,
            _ => {
                frames.push((n, 0));
                return None;
            }
        }
    }
}

/// Emits every segment below node `root` and returns the lower end (energy) of the vertical
/// line that ends at its point, with the minimum whose leaf line it is (if it is one): for a
/// node of several children, the horizontal-ish lines to each child in drawing order, a child
/// node's own segments before its lines.
fn emit(
    nodes: &[LevelNode],
    root: usize,
    minima: &[DgMinimum],
    levels: &[f64],
    min_x: &HashMap<usize, f64>,
    info: &[(usize, usize)],
    out: &mut Vec<Segment>,
) -> (f64, Option<usize>) {
    // (node of several children, its child being drawn); `done` is the result of the child
    // node that has just been finished, if any.
    let mut frames: Vec<(usize, usize)> = Vec::new();
    let mut done = descend(nodes, root, minima, &mut frames);
    while let Some(&(n, i)) = frames.last() {
        let node = &nodes[n];
        let y = levels[node.level];
        if let Some((yb, leaf)) = done.take() {
            let Child::Node(c) = node.children[i] else {
                unreachable!("only child nodes are descended into")
            };
            let (xc, yc) = (nodes[c].x, levels[nodes[c].level]);
            let group_id = minima[info[c].1].id;
            if yb < yc {
                let (id, is_leaf) = match leaf {
                    Some(m) => (minima[m].id, true),
                    None => (group_id, false),
                };
                out.push(Segment {
                    x1: xc,
                    y1: yb,
                    x2: xc,
                    y2: yc,
                    minimum_id: id,
                    leaf: is_leaf,
                });
            }
            out.push(Segment {
                x1: xc,
                y1: yc,
                x2: node.x,
                y2: y,
                minimum_id: group_id,
                leaf: false,
            });
            frames.last_mut().expect("the frame is there").1 += 1;
            continue;
        }
        match node.children.get(i) {
            None => {
                frames.pop();
                done = Some((y, None));
            }
            Some(&Child::Min(m)) => {
                out.push(Segment {
                    x1: min_x[&m],
                    y1: minima[m].energy,
                    x2: node.x,
                    y2: y,
                    minimum_id: minima[m].id,
                    leaf: true,
                });
                frames.last_mut().expect("the frame is there").1 += 1;
            }
            Some(&Child::Node(c)) => done = descend(nodes, c, minima, &mut frames),
        }
    }
    done.expect("the root's walk ends with its result")
}
