//! The exact merge tree and the disconnectivity-graph drawing on a hand-built landscape.

mod common;

use std::collections::HashSet;

use nnscape_analysis::dgraph::{
    DgEdge, DgMinimum, DgraphParams, DisconnectivityGraph, Levels, MergeTree,
};
use nnscape_model::Dataset;

fn min(id: i64, energy: f64, n_correct: usize) -> DgMinimum {
    DgMinimum {
        id,
        energy,
        n_correct,
    }
}

fn edge(id: i64, energy: f64, min1: i64, min2: i64) -> DgEdge {
    DgEdge {
        id,
        energy,
        min1,
        min2,
    }
}

/// Main tree {1..5}, a separate pair {6, 7}, and minimum 8 above every transition state.
fn landscape() -> (Vec<DgMinimum>, Vec<DgEdge>) {
    let minima = vec![
        min(1, 0.0, 4),
        min(2, 0.3, 4),
        min(3, 0.5, 2),
        min(4, 1.0, 1),
        min(5, 0.8, 0),
        min(6, 0.2, 3),
        min(7, 0.4, 3),
        min(8, 3.0, 0),
    ];
    let edges = vec![
        edge(10, 0.65, 1, 2),
        edge(11, 0.75, 2, 3),
        edge(12, 1.5, 1, 3), // redundant: 1 and 3 already joined at 0.75
        edge(13, 1.25, 3, 4),
        edge(14, 1.05, 4, 5), // within the bin just above minimum 4
        edge(15, 1.95, 5, 1), // redundant, and the highest: Emax
        edge(16, 0.95, 6, 7),
    ];
    (minima, edges)
}

#[test]
fn merge_tree_join_energies_are_exact() {
    let (minima, edges) = landscape();
    let t = MergeTree::new(&minima, &edges);
    assert_eq!(t.join_energy(1, 2), Some(0.65));
    assert_eq!(t.join_energy(2, 1), Some(0.65));
    assert_eq!(t.join_energy(1, 3), Some(0.75));
    assert_eq!(t.join_energy(4, 5), Some(1.05));
    assert_eq!(t.join_energy(1, 5), Some(1.25));
    assert_eq!(t.join_energy(2, 4), Some(1.25));
    assert_eq!(t.join_energy(6, 7), Some(0.95));
    assert_eq!(t.join_energy(1, 6), None);
    assert_eq!(t.join_energy(1, 8), None);
    assert_eq!(t.join_energy(3, 3), Some(0.5));
    let mut redundant = t.redundant_edges.clone();
    redundant.sort_unstable();
    assert_eq!(redundant, vec![12, 15]);
    // Three components: {1..5}, {6, 7}, {8}.
    assert_eq!(t.roots.len(), 3);
    let mut members: Vec<Vec<i64>> = t.roots.iter().map(|&r| t.nodes[r].minima.clone()).collect();
    members.sort();
    assert_eq!(members, vec![vec![1, 2, 3, 4, 5], vec![6, 7], vec![8]]);
    // 8 leaves + 5 joins.
    assert_eq!(t.nodes.len(), 13);
    let top = t.nodes.iter().position(|n| n.minima.len() == 5).unwrap();
    assert_eq!(t.nodes[top].ts_id, Some(13));
    assert_eq!(t.nodes[top].children.len(), 2);
}

#[test]
fn drawing_csv_and_svg() {
    let (minima, edges) = landscape();
    let g = DisconnectivityGraph::new(&minima, &edges, 4, &DgraphParams::default()).unwrap();
    assert_eq!(g.levels.len(), 20);
    assert_eq!(*g.levels.last().unwrap(), 1.95);
    assert!(g.levels[0] > 0.0);
    assert_eq!(g.global_minimum, 1);
    assert_eq!(g.disconnected, vec![6, 7]);
    assert_eq!(g.above_emax, vec![8]);
    // The global minimum's tree is drawn first, the pair to its right after a gap.
    let x = |id: i64| g.leaf_x.iter().find(|l| l.0 == id).unwrap().1;
    assert_eq!(g.leaf_x.len(), 7);
    assert!((1..=5).all(|m| x(m) < x(6).min(x(7)) - 1.5));

    // CSV: exactly one leaf line per drawn minimum, ending (y1) at its energy.
    let mut buf = Vec::new();
    g.write_csv(&mut buf).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next().unwrap(), "x1,y1,x2,y2,minimum_id");
    let rows: Vec<(f64, f64, f64, f64, i64)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (
                f[0].parse().unwrap(),
                f[1].parse().unwrap(),
                f[2].parse().unwrap(),
                f[3].parse().unwrap(),
                f[4].parse().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows.len(), g.segments.len());
    for m in minima.iter().filter(|m| m.id != 8) {
        let leaves: Vec<_> = rows
            .iter()
            .filter(|r| r.4 == m.id && r.1 == m.energy)
            .collect();
        assert_eq!(leaves.len(), 1, "minimum {}", m.id);
        let r = leaves[0];
        assert!(r.3 > r.1);
        // Minimum 4 is joined to 5 within the bin above it: its leaf runs diagonally to the
        // group; every other minimum is alone at its first level and its leaf is vertical.
        if m.id == 4 {
            assert_ne!(r.0, r.2);
        } else {
            assert_eq!(r.0, r.2, "minimum {}", m.id);
        }
    }
    assert!(rows.iter().all(|r| r.4 != 8));
    assert_eq!(g.segments.iter().filter(|s| s.leaf).count(), 7);

    // SVG: well-formed XML, one leaf per drawn minimum, legend 0..=4, the reports.
    let svg = g.to_svg();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let leaves: Vec<i64> = doc
        .descendants()
        .filter(|n| n.has_tag_name("line") && n.attribute("class") == Some("leaf"))
        .map(|n| n.attribute("data-minimum").unwrap().parse().unwrap())
        .collect();
    assert_eq!(leaves.len(), 7);
    assert_eq!(leaves.iter().collect::<HashSet<_>>().len(), 7);
    assert!(
        doc.descendants()
            .filter(|n| n.has_tag_name("line") && n.attribute("class") == Some("tick"))
            .count()
            >= 3
    );
    let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(texts.iter().any(|t| t.contains("Energy")));
    for k in 0..=4 {
        assert!(texts.contains(&format!("{k}/4").as_str()));
    }
    assert!(texts
        .iter()
        .any(|t| t.contains("not connected") && t.ends_with("6, 7")));
    assert!(texts
        .iter()
        .any(|t| t.contains("above Emax") && t.ends_with('8')));
}

#[test]
fn centre_gmin_puts_the_lowest_branch_in_the_middle() {
    // Four minima joined pairwise to a hub: 1 (lowest) with three neighbours at one energy.
    let minima = [
        min(1, 0.0, 4),
        min(2, 0.5, 0),
        min(3, 0.4, 0),
        min(4, 0.6, 0),
    ];
    let edges = [edge(1, 1.0, 1, 2), edge(2, 1.0, 1, 3), edge(3, 1.0, 1, 4)];
    let g = DisconnectivityGraph::new(&minima, &edges, 4, &DgraphParams::default()).unwrap();
    let order: Vec<i64> = g.leaf_x.iter().map(|l| l.0).collect();
    assert_eq!(order.len(), 4);
    let pos = order.iter().position(|&m| m == 1).unwrap();
    assert!(pos == 1 || pos == 2, "{order:?}");
}

#[test]
fn levels_by_spacing_and_emax() {
    let (minima, edges) = landscape();
    let params = DgraphParams {
        levels: Levels::Spacing(0.5),
        emax: Some(1.6),
        centre_gmin: true,
    };
    let g = DisconnectivityGraph::new(&minima, &edges, 4, &params).unwrap();
    let expected = [0.1, 0.6, 1.1, 1.6];
    assert_eq!(g.levels.len(), expected.len());
    for (l, e) in g.levels.iter().zip(expected) {
        assert!((l - e).abs() < 1e-12, "{:?}", g.levels);
    }
    // Minima 1..5 are joined at 1.25 < 1.6; 6, 7 are separate; 8 is above.
    assert_eq!(g.disconnected, vec![6, 7]);
    assert!(DisconnectivityGraph::new(
        &minima,
        &edges,
        4,
        &DgraphParams {
            emax: Some(-1.0),
            ..params
        }
    )
    .is_err());
}

#[test]
fn explored_landscape_has_one_leaf_per_minimum() {
    let db = common::shared_h2();
    let g = DisconnectivityGraph::from_db(&db, &Dataset::xor(), &DgraphParams::default()).unwrap();
    let n = db.count_minima().unwrap();
    assert_eq!(
        g.segments.iter().filter(|s| s.leaf).count(),
        n - g.above_emax.len()
    );
    let doc = roxmltree::Document::parse(&g.to_svg())
        .unwrap()
        .descendants()
        .filter(|n| n.attribute("class") == Some("leaf"))
        .count();
    assert_eq!(doc, n - g.above_emax.len());
}

#[test]
fn dgraph_params_are_validated_before_drawing() {
    use nnscape_analysis::dgraph::{DgraphParams, Levels};
    let ok = DgraphParams::default();
    assert!(ok.validate().is_ok());
    for (p, name) in [
        (
            DgraphParams {
                levels: Levels::Count(0),
                ..ok
            },
            "levels",
        ),
        (
            DgraphParams {
                levels: Levels::Count(100_001),
                ..ok
            },
            "levels",
        ),
        (
            DgraphParams {
                levels: Levels::Spacing(-0.1),
                ..ok
            },
            "spacing",
        ),
        (
            DgraphParams {
                emax: Some(f64::NAN),
                ..ok
            },
            "emax",
        ),
    ] {
        let e = p.validate().unwrap_err().to_string();
        assert!(e.starts_with(&format!("invalid setting {name} = ")), "{e}");
    }
}
