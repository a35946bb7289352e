//! Disconnectivity graphs (Becker and Karplus 1997; Wales, Miller and Walsh 1998).
//!
//! Two layers:
//!
//! - [`MergeTree`]: the exact merge tree. Transition states sorted by energy join the basins of
//!   their two minima with union-find (Kruskal); each join is a node at the exact energy of the
//!   transition state, so the energy at which two sets of minima first connect is exact.
//! - [`DisconnectivityGraph`]: the drawing as disconnectionDPS and pele draw it. At each energy
//!   level the minima below it are grouped into superbasins joined by transition states at or
//!   below it; each group is a node and a line joins each node to its group one level up. Every
//!   minimum has one leaf line ending at its energy: vertical while the minimum is alone in its
//!   group (the usual case), a diagonal to its first group when it joins other minima within the
//!   lowest bin above it (as pele draws leaves). Chains of levels where a group does not change
//!   are drawn as one vertical line. The global minimum is centred (CENTREGMIN): at every node
//!   with three or more children the child holding the lowest minimum goes in the middle and the
//!   others alternate right and left in order of decreasing basin size (number of minima, then
//!   lower energy); two children are ordered larger basin first. Minima not connected to the
//!   global minimum's tree at Emax are drawn as separate trees to its right and reported;
//!   minima at or above Emax are not drawn and are reported.
//!
//! Segments that belong to a group rather than one minimum carry the id of the group's lowest
//! minimum (a leaf line carries its own minimum's id), so colouring by `minimum_id` follows the
//! lowest minimum down each branch.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;

use nnscape_landscape::LandscapeDb;
use nnscape_model::Dataset;

use crate::{check_dataset, AnalysisError};

/// A minimum as the graph needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DgMinimum {
    pub id: i64,
    pub energy: f64,
    /// Training points classified correctly (the leaf colour).
    pub n_correct: usize,
}

/// A transition state as the graph needs it: an edge between two minima.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DgEdge {
    pub id: i64,
    pub energy: f64,
    pub min1: i64,
    pub min2: i64,
}

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
    /// Builds the tree: edges sorted by energy (ties by id), Kruskal with union-find.
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
        // top[r] for a union-find root r: the merge node currently on top of that set.
        let mut uf: Vec<usize> = (0..minima.len()).collect();
        let mut top: Vec<usize> = (0..minima.len()).collect();
        fn find(uf: &mut [usize], mut a: usize) -> usize {
            while uf[a] != a {
                uf[a] = uf[uf[a]];
                a = uf[a];
            }
            a
        }
        let mut sorted: Vec<&DgEdge> = edges.iter().collect();
        sorted.sort_by(|a, b| a.energy.total_cmp(&b.energy).then(a.id.cmp(&b.id)));
        let mut redundant_edges = Vec::new();
        for e in sorted {
            let (Some(&a), Some(&b)) = (leaf_of.get(&e.min1), leaf_of.get(&e.min2)) else {
                redundant_edges.push(e.id);
                continue;
            };
            let (ra, rb) = (find(&mut uf, a), find(&mut uf, b));
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
            uf[rb] = ra;
            top[ra] = new;
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
        let mut ancestors = std::collections::HashSet::new();
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

/// How the energy levels are chosen.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub enum Levels {
    /// This many levels, equally spaced from Emax down to just above the global minimum.
    Count(usize),
    /// Levels Emax, Emax - delta, ... down to the global minimum (disconnectionDPS DELTA).
    Spacing(f64),
}

/// Settings of the drawing. Defaults as pele: 20 levels, Emax = highest transition state,
/// global minimum centred.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct DgraphParams {
    pub levels: Levels,
    /// Top level; `None`: the highest transition state (or just above the highest minimum when
    /// there are none).
    pub emax: Option<f64>,
    /// Put the branch of the lowest minimum in the middle at every node (CENTREGMIN).
    pub centre_gmin: bool,
}

impl Default for DgraphParams {
    fn default() -> Self {
        Self {
            levels: Levels::Count(20),
            emax: None,
            centre_gmin: true,
        }
    }
}

/// One straight line of the drawing, x in leaf slots (0, 1, ...), y in energy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
    /// The minimum of a leaf line; for a group line the group's lowest minimum.
    pub minimum_id: i64,
    /// Whether this is the leaf line of `minimum_id` (its lower end is at the minimum's energy).
    pub leaf: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Child {
    Node(usize),
    Min(usize),
}

#[derive(Debug, Clone)]
struct LevelNode {
    level: usize,
    children: Vec<Child>,
    x: f64,
}

/// A laid-out disconnectivity graph.
#[derive(Debug, Clone, PartialEq)]
pub struct DisconnectivityGraph {
    pub tree: MergeTree,
    /// The minima given, in input order.
    pub minima: Vec<DgMinimum>,
    /// Energy levels, ascending; the last is Emax.
    pub levels: Vec<f64>,
    pub segments: Vec<Segment>,
    /// (minimum id, x) of every drawn minimum, left to right.
    pub leaf_x: Vec<(i64, f64)>,
    /// The global minimum's id.
    pub global_minimum: i64,
    /// Drawn minima not connected to the global minimum at Emax, ascending id.
    pub disconnected: Vec<i64>,
    /// Minima at or above Emax (not drawn), ascending id.
    pub above_emax: Vec<i64>,
    /// Number of training points (the colour scale runs 0..=n_data).
    pub n_data: usize,
}

impl DisconnectivityGraph {
    /// Reads minima and transition states from `db` (checking that `dataset` is its data).
    pub fn from_db(
        db: &LandscapeDb,
        dataset: &Dataset,
        params: &DgraphParams,
    ) -> Result<Self, AnalysisError> {
        check_dataset(db.identity(), dataset)?;
        let minima: Vec<DgMinimum> = db
            .minima()?
            .into_iter()
            .map(|m| DgMinimum {
                id: m.id,
                energy: m.point.energy,
                n_correct: m.point.n_correct,
            })
            .collect();
        let edges: Vec<DgEdge> = db
            .transition_states()?
            .into_iter()
            .map(|t| DgEdge {
                id: t.id,
                energy: t.point.energy,
                min1: t.min1,
                min2: t.min2,
            })
            .collect();
        Self::new(&minima, &edges, dataset.len(), params)
    }

    /// Builds the merge tree and lays out the drawing.
    pub fn new(
        minima: &[DgMinimum],
        edges: &[DgEdge],
        n_data: usize,
        params: &DgraphParams,
    ) -> Result<Self, AnalysisError> {
        if minima.is_empty() {
            return Err(AnalysisError::NoMinima);
        }
        let tree = MergeTree::new(minima, edges);
        let gmin_idx = (0..minima.len())
            .min_by(|&a, &b| {
                minima[a]
                    .energy
                    .total_cmp(&minima[b].energy)
                    .then(minima[a].id.cmp(&minima[b].id))
            })
            .expect("non-empty");
        let e_gmin = minima[gmin_idx].energy;
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
        drawn.sort_by(|&a, &b| {
            minima[a]
                .energy
                .total_cmp(&minima[b].energy)
                .then(minima[a].id.cmp(&minima[b].id))
        });
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
                if lowest == usize::MAX || lower(minima, l, lowest) {
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
                sb.cmp(&sa).then(
                    minima[la]
                        .energy
                        .total_cmp(&minima[lb].energy)
                        .then(minima[la].id.cmp(&minima[lb].id)),
                )
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
        roots.sort_by(|&a, &b| {
            let (la, lb) = (info[a].1, info[b].1);
            minima[la]
                .energy
                .total_cmp(&minima[lb].energy)
                .then(minima[la].id.cmp(&minima[lb].id))
        });
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
            place(&mut nodes, r, &min_x);
        }
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
            global_minimum: minima[gmin_idx].id,
            disconnected,
            above_emax,
            n_data,
        })
    }
}

fn lower(minima: &[DgMinimum], a: usize, b: usize) -> bool {
    minima[a]
        .energy
        .total_cmp(&minima[b].energy)
        .then(minima[a].id.cmp(&minima[b].id))
        .is_lt()
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
            if !(delta.is_finite() && delta > 0.0) || range / delta > 1e5 {
                return Err(AnalysisError::InvalidSetting {
                    name: "spacing",
                    value: delta.to_string(),
                    reason: "must be > 0 and give at most 1e5 levels",
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

fn collect_leaves(nodes: &[LevelNode], n: usize, out: &mut Vec<usize>) {
    for c in &nodes[n].children {
        match *c {
            Child::Min(m) => out.push(m),
            Child::Node(c) => collect_leaves(nodes, c, out),
        }
    }
}

/// x of a node: the mean of its children's x.
fn place(nodes: &mut [LevelNode], n: usize, min_x: &HashMap<usize, f64>) -> f64 {
    let children = nodes[n].children.clone();
    let mut sum = 0.0;
    for c in &children {
        sum += match *c {
            Child::Min(m) => min_x[&m],
            Child::Node(c) => place(nodes, c, min_x),
        };
    }
    nodes[n].x = sum / children.len() as f64;
    nodes[n].x
}

/// Emits every segment below node `n` and returns the lower end (energy) of the vertical line
/// that ends at n's point, with the minimum whose leaf line it is (if it is one).
fn emit(
    nodes: &[LevelNode],
    n: usize,
    minima: &[DgMinimum],
    levels: &[f64],
    min_x: &HashMap<usize, f64>,
    info: &[(usize, usize)],
    out: &mut Vec<Segment>,
) -> (f64, Option<usize>) {
    let node = &nodes[n];
    if let [only] = node.children.as_slice() {
        return match *only {
            Child::Min(m) => (minima[m].energy, Some(m)),
            Child::Node(c) => emit(nodes, c, minima, levels, min_x, info, out),
        };
    }
    let y = levels[node.level];
    for c in &node.children {
        match *c {
            Child::Min(m) => out.push(Segment {
                x1: min_x[&m],
                y1: minima[m].energy,
                x2: node.x,
                y2: y,
                minimum_id: minima[m].id,
                leaf: true,
            }),
            Child::Node(c) => {
                let (yb, leaf) = emit(nodes, c, minima, levels, min_x, info, out);
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
            }
        }
    }
    (y, None)
}

/// Colour for `k` of `n` points correct: red (none) through yellow to blue (all).
pub fn correct_colour(k: usize, n: usize) -> String {
    let t = if n == 0 { 1.0 } else { k as f64 / n as f64 };
    let stops = [(0.84, 0.15, 0.16), (0.93, 0.69, 0.13), (0.12, 0.47, 0.71)];
    let (a, b, u) = if t <= 0.5 {
        (stops[0], stops[1], t / 0.5)
    } else {
        (stops[1], stops[2], (t - 0.5) / 0.5)
    };
    let mix = |x: f64, y: f64| ((x + (y - x) * u) * 255.0).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

/// "Nice" tick positions (1, 2, 5 x 10^k) covering [lo, hi].
fn ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let raw = (hi - lo) / target.max(1) as f64;
    if raw.is_nan() || raw <= 0.0 || !raw.is_finite() {
        return vec![lo];
    }
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|f| f * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut t = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while t <= hi + 1e-9 * step {
        out.push(if t.abs() < 1e-12 * step { 0.0 } else { t });
        t += step;
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

impl DisconnectivityGraph {
    /// CSV of the segments: `x1,y1,x2,y2,minimum_id` (x in leaf slots, y in energy). A group
    /// line carries the id of the group's lowest minimum; a leaf line its own minimum, with
    /// its lower end (y1) at the minimum's energy.
    pub fn write_csv(&self, out: impl Write) -> Result<(), AnalysisError> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(["x1", "y1", "x2", "y2", "minimum_id"])?;
        for s in &self.segments {
            w.write_record([
                s.x1.to_string(),
                format!("{:.17e}", s.y1),
                s.x2.to_string(),
                format!("{:.17e}", s.y2),
                s.minimum_id.to_string(),
            ])?;
        }
        w.flush()?;
        Ok(())
    }

    /// The drawing as an SVG document: energy axis with ticks, leaves coloured by how many
    /// training points their minimum classifies correctly (legend), the disconnected and
    /// above-Emax minima listed below the plot. Leaf lines have `class="leaf"` and
    /// `data-minimum="id"`; group lines `class="branch"`.
    pub fn to_svg(&self) -> String {
        let (width, height) = (900.0, 640.0);
        let (left, right, top, bottom) = (90.0, 190.0, 30.0, 70.0);
        let n_slots = self.leaf_x.iter().map(|l| l.1).fold(0.0, f64::max) + 1.0;
        let plot_w = width - left - right;
        let plot_h = height - top - bottom;
        let e_lo = self
            .minima
            .iter()
            .filter(|m| !self.above_emax.contains(&m.id))
            .map(|m| m.energy)
            .fold(f64::INFINITY, f64::min);
        let e_hi = *self.levels.last().expect("at least one level");
        let pad = 0.03 * (e_hi - e_lo);
        let (y_lo, y_hi) = (e_lo - pad, e_hi + pad);
        let px = |x: f64| left + plot_w * (x + 0.5) / n_slots;
        let py = |e: f64| top + plot_h * (y_hi - e) / (y_hi - y_lo);
        let n_correct: HashMap<i64, usize> =
            self.minima.iter().map(|m| (m.id, m.n_correct)).collect();
        let mut s = String::new();
        let _ = writeln!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">"#
        );
        let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
        // Energy axis.
        let _ = writeln!(
            s,
            r#"<line class="axis" x1="{l}" y1="{t}" x2="{l}" y2="{b}" stroke="black"/>"#,
            l = left - 10.0,
            t = py(y_hi),
            b = py(y_lo)
        );
        for t in ticks(y_lo, y_hi, 6) {
            let y = py(t);
            let _ = writeln!(
                s,
                r#"<line class="tick" x1="{a}" y1="{y:.2}" x2="{b}" y2="{y:.2}" stroke="black"/><text x="{c}" y="{ty:.2}" text-anchor="end">{t}</text>"#,
                a = left - 16.0,
                b = left - 10.0,
                c = left - 19.0,
                ty = y + 4.0,
                t = format_tick(t)
            );
        }
        let _ = writeln!(
            s,
            r#"<text class="axis-label" x="20" y="{y:.2}" text-anchor="middle" transform="rotate(-90 20 {y:.2})">Energy (loss)</text>"#,
            y = top + plot_h / 2.0
        );
        for seg in &self.segments {
            let (class, colour, extra) = if seg.leaf {
                let k = n_correct.get(&seg.minimum_id).copied().unwrap_or(0);
                (
                    "leaf",
                    correct_colour(k, self.n_data),
                    format!(r#" data-minimum="{}""#, seg.minimum_id),
                )
            } else {
                ("branch", "black".to_owned(), String::new())
            };
            let _ = writeln!(
                s,
                r#"<line class="{class}"{extra} x1="{:.2}" y1="{:.2}" x2="{:.2}" y2="{:.2}" stroke="{colour}" stroke-width="{}"/>"#,
                px(seg.x1),
                py(seg.y1),
                px(seg.x2),
                py(seg.y2),
                if seg.leaf { 2.0 } else { 1.0 }
            );
        }
        // Legend.
        let lx = width - right + 20.0;
        let _ = writeln!(
            s,
            r#"<g class="legend"><text x="{lx}" y="{y}">points correct</text>"#,
            y = top + 10.0
        );
        for (row, k) in (0..=self.n_data).rev().enumerate() {
            let y = top + 30.0 + 18.0 * row as f64;
            let _ = writeln!(
                s,
                r#"<line x1="{lx}" y1="{y}" x2="{x2}" y2="{y}" stroke="{c}" stroke-width="3"/><text x="{tx}" y="{ty}">{k}/{n}</text>"#,
                x2 = lx + 24.0,
                c = correct_colour(k, self.n_data),
                tx = lx + 30.0,
                ty = y + 4.0,
                n = self.n_data
            );
        }
        let _ = writeln!(s, "</g>");
        let list = |ids: &[i64]| {
            ids.iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut notes = vec![format!(
            "{} minima, {} levels, Emax = {}; global minimum {}",
            self.minima.len(),
            self.levels.len(),
            format_tick(e_hi),
            self.global_minimum
        )];
        if !self.disconnected.is_empty() {
            notes.push(format!(
                "not connected to the global minimum (drawn at the right): {}",
                list(&self.disconnected)
            ));
        }
        if !self.above_emax.is_empty() {
            notes.push(format!(
                "above Emax (not drawn): {}",
                list(&self.above_emax)
            ));
        }
        for (i, n) in notes.iter().enumerate() {
            let _ = writeln!(
                s,
                r#"<text class="note" x="{left}" y="{y}">{t}</text>"#,
                y = height - bottom + 30.0 + 16.0 * i as f64,
                t = escape(n)
            );
        }
        s.push_str("</svg>\n");
        s
    }
}

fn format_tick(t: f64) -> String {
    let s = format!("{t:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}
