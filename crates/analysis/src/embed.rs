//! Embedding the stationary points of an N_h landscape in the N_h + 1 landscape.
//!
//! A hidden node whose in-weights, bias and out-weights are all zero changes neither the outputs
//! (tanh 0 = 0) nor the regulariser, and the gradient with respect to its weights vanishes
//! ([`nnscape_model::embedding`]). So every stationary point of the N_h loss is a stationary
//! point of the N_h + 1 loss at the same energy. Its Hessian index can grow; here is by how much.
//!
//! Write the extra node's parameters as `u = (w_h[j][0..N_in], b_h[j])` (in-weights and bias: the
//! bias is an in-weight on a constant input 1, so let x~ = (x, 1)) and `v = w_o[0..N_out][j]`. With
//! residuals r_i = p_i - delta_{i,c} and h_j = tanh(a_j) = 0, h'_j = 1, h''_j = 0 at a_j = 0:
//!
//! - dE/dv_i = (1/N) sum_d r_i h_j: a second derivative by any parameter outside the node meets
//!   the factor h_j = 0 or dh_j/dtheta = 0, and by v_i' it is (1/N) sum_d (dr_i/dv_i') h_j = 0.
//!   So the v-v block is 2 lambda I.
//! - dE/du_k = (1/N) sum_d h'_j x~_k sum_i r_i v_i: every second derivative carries a factor
//!   v = 0 except the one through v itself, so the u-u block is 2 lambda I (0 for the bias under
//!   NOREGBIAS) and the blocks between the node and the rest of the network vanish.
//! - d2E/dv_i du_k = (1/N) sum_d r_i h'_j x~_k = (1/N) sum_d r_i x~_k =: C_ik.
//!
//! The Hessian of the embedded point is therefore block diagonal: the N_h Hessian, and for the
//! new node M = [[2 lambda I, C^T], [C, 2 lambda I]] (C is N_out x (N_in + 1)), whose eigenvalues
//! are 2 lambda +/- sigma_i(C) for the singular values sigma_i of C, and 2 lambda for the
//! remaining |N_in + 1 - N_out| directions. The embedded index is the small index plus the
//! number of singular values of C above 2 lambda (beyond the eigenvalue cut-off). Because
//! sum_i r_i = 0, the rows of C sum to zero and C has rank at most N_out - 1: with two classes
//! the index grows by at most one. (With regularised biases the bias column of C is
//! (1/N) sum_d r_i = `-2 lambda b_o[i]` at a stationary point of the smaller network, from
//! dE/db_o = 0.)
//! [`zero_node_block`] computes M; the tests check its spectrum against a direct
//! eigendecomposition of the embedded Hessian.

use std::io::Write;

use nalgebra::DMatrix;

use nnscape_landscape::{LandscapeDb, LandscapeIdentity};
use nnscape_model::{embedding, rms, Dataset, Loss};

use crate::{all_points, check_dataset, landscape_loss, AnalysisError, PointKind};

/// The Hessian block of an all-zero extra hidden node (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub struct ZeroNodeBlock {
    /// C: N_out x (N_in + 1), C_ik = (1/N) sum_d r_i x~_k (last column: the bias input 1).
    pub c: DMatrix<f64>,
    /// The block M in the node's parameter order (in-weights, bias, out-weights).
    pub matrix: DMatrix<f64>,
    /// Singular values of C, descending.
    pub singular_values: Vec<f64>,
    /// Eigenvalues of M, ascending.
    pub eigenvalues: Vec<f64>,
}

impl ZeroNodeBlock {
    /// Negative eigenvalues (below -cutoff) the extra node adds to the Hessian index.
    pub fn index_increase(&self, cutoff: f64) -> usize {
        self.eigenvalues.iter().filter(|&&e| e < -cutoff).count()
    }
}

/// The Hessian block that an all-zero hidden node adds when the N_h point `w` of `loss` is
/// embedded in N_h + 1.
pub fn zero_node_block(loss: &mut Loss, w: &[f64]) -> Result<ZeroNodeBlock, AnalysisError> {
    let net = *loss.network();
    net.check_params(w)?;
    let data = loss.dataset().clone();
    let (n_in, n_out) = (net.n_in(), net.n_out());
    let mut c = DMatrix::zeros(n_out, n_in + 1);
    let mut p = vec![0.0; n_out];
    let inv_n = 1.0 / data.len() as f64;
    for d in 0..data.len() {
        loss.probabilities_into(w, data.input(d), &mut p);
        for i in 0..n_out {
            let r = p[i] - if i == data.label(d) { 1.0 } else { 0.0 };
            for k in 0..n_in {
                c[(i, k)] += inv_n * r * data.input(d)[k];
            }
            c[(i, n_in)] += inv_n * r;
        }
    }
    let two_lambda = 2.0 * net.lambda();
    let bias_diag = if net.regularises_biases() {
        two_lambda
    } else {
        0.0
    };
    let m = n_in + 1 + n_out;
    let mut matrix = DMatrix::zeros(m, m);
    for k in 0..n_in {
        matrix[(k, k)] = two_lambda;
    }
    matrix[(n_in, n_in)] = bias_diag;
    for i in 0..n_out {
        matrix[(n_in + 1 + i, n_in + 1 + i)] = two_lambda;
        for k in 0..=n_in {
            matrix[(k, n_in + 1 + i)] = c[(i, k)];
            matrix[(n_in + 1 + i, k)] = c[(i, k)];
        }
    }
    let mut singular_values: Vec<f64> = c.clone().singular_values().iter().copied().collect();
    singular_values.sort_by(|a, b| b.total_cmp(a));
    let eigenvalues =
        nnscape_model::sorted_eigenvalues(matrix.clone()).ok_or(AnalysisError::Eigen)?;
    Ok(ZeroNodeBlock {
        c,
        matrix,
        singular_values,
        eigenvalues,
    })
}

/// What became of one stationary point of the smaller landscape.
#[derive(Debug, Clone, PartialEq)]
pub struct EmbedRow {
    pub kind: PointKind,
    /// Id in the smaller database.
    pub id: i64,
    /// Energy in the smaller network.
    pub energy: f64,
    /// Energy of the embedded point in the larger network (equal to `energy` up to round-off).
    pub energy_embedded: f64,
    /// RMS gradient of the embedded point in the larger network.
    pub rms_gradient_embedded: f64,
    /// Hessian index in the smaller network (recomputed, same cut-off).
    pub index_small: usize,
    /// Hessian index of the embedded point (direct eigendecomposition of the larger Hessian).
    pub index_large: usize,
    /// The index the zero-node block predicts: `index_small + block.index_increase(cutoff)`.
    pub index_predicted: usize,
    /// Whether the larger database holds the embedded point.
    pub found_in_larger: LargerLandscape,
}

/// What the lookup of an embedded point in the N_h + 1 database found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LargerLandscape {
    /// No larger database was given.
    NotChecked,
    /// Not in it (or its index is neither 0 nor 1, so it cannot be stored there).
    NotFound,
    /// The id of the matching record.
    Found(i64),
}

impl LargerLandscape {
    /// Whether the point was found in the larger database.
    pub fn is_found(self) -> bool {
        matches!(self, Self::Found(_))
    }

    /// The CSV field: the id, `none` when not found, empty when not checked.
    pub fn csv_field(self) -> String {
        match self {
            Self::NotChecked => String::new(),
            Self::NotFound => "none".into(),
            Self::Found(id) => id.to_string(),
        }
    }
}

/// Refuses `larger` unless it holds the N_h + 1 landscape of `small`: the same data (content
/// hash), inputs, outputs, lambda and bias regularisation, and one hidden node more. Both the
/// embedding analysis and seeding an exploration with embedded points ask this.
pub fn check_larger_landscape(
    small: &LandscapeIdentity,
    larger: &LandscapeIdentity,
) -> Result<(), AnalysisError> {
    let key = |i: &LandscapeIdentity, extra_hidden: usize| {
        (
            i.dataset_hash.clone(),
            i.n_in,
            i.n_hidden + extra_hidden,
            i.n_out,
            i.lambda.to_bits(),
            i.regularise_biases,
        )
    };
    if key(small, 1) == key(larger, 0) {
        return Ok(());
    }
    let describe = |i: &LandscapeIdentity, extra_hidden: usize| {
        format!(
            "N_in {} N_h {} N_out {} lambda {} biases regularised {} data '{}' (hash {})",
            i.n_in,
            i.n_hidden + extra_hidden,
            i.n_out,
            i.lambda,
            i.regularise_biases,
            i.dataset_name,
            i.dataset_hash
        )
    };
    Err(AnalysisError::NotTheLargerLandscape(format!(
        "expected {}, found {}",
        describe(small, 1),
        describe(larger, 0)
    )))
}

/// Embeds every stationary point of `small` (extra node appended last) and looks each up in
/// `larger` when given. Hessian indices in both networks use the zero-mode cut-off stored with
/// `small` (its [`Tolerances`](nnscape_landscape::Tolerances)), the rule its points were
/// classified by.
pub fn embed_landscape(
    small: &LandscapeDb,
    larger: Option<&LandscapeDb>,
    dataset: &Dataset,
) -> Result<Vec<EmbedRow>, AnalysisError> {
    let mut loss_small = landscape_loss(small, dataset)?;
    let big_net = small
        .network()
        .with_hidden(small.network().n_hidden() + 1)?;
    if let Some(larger) = larger {
        check_dataset(larger.identity(), dataset)?;
        check_larger_landscape(small.identity(), larger.identity())?;
    }
    let mut loss_big = Loss::new(big_net, dataset.clone())?;
    let tolerances = *small.tolerances();
    let index = |ev: &[f64]| tolerances.index(ev);
    let mut rows = Vec::new();
    for p in all_points(small)? {
        let ev_small = loss_small
            .hessian_eigenvalues(&p.params)
            .ok_or(AnalysisError::Eigen)?;
        let block = zero_node_block(&mut loss_small, &p.params)?;
        let (_, w_big) = embedding::embed(small.network(), &p.params, small.network().n_hidden())?;
        let mut grad = vec![0.0; w_big.len()];
        let energy_embedded = loss_big.energy_gradient(&w_big, &mut grad);
        let ev_big = loss_big
            .hessian_eigenvalues(&w_big)
            .ok_or(AnalysisError::Eigen)?;
        let index_large = index(&ev_big);
        let found_in_larger = match larger {
            None => LargerLandscape::NotChecked,
            Some(db) => match index_large {
                0 => db.find_minimum(energy_embedded, &w_big)?,
                1 => db.find_transition_state(energy_embedded, &w_big)?,
                _ => None,
            }
            .map_or(LargerLandscape::NotFound, LargerLandscape::Found),
        };
        let index_small = index(&ev_small);
        rows.push(EmbedRow {
            kind: p.kind,
            id: p.id,
            energy: p.energy,
            energy_embedded,
            rms_gradient_embedded: rms(&grad),
            index_small,
            index_large,
            index_predicted: index_small + block.index_increase(tolerances.eigenvalue_cutoff),
            found_in_larger,
        });
    }
    Ok(rows)
}

/// CSV header of [`write_embed_csv`].
pub const EMBED_CSV_HEADER: [&str; 7] = [
    "kind",
    "id",
    "energy",
    "rms_gradient_embedded",
    "index_small",
    "index_large",
    "found_in_larger",
];

impl EmbedRow {
    /// The CSV record of this row, in the order of [`EMBED_CSV_HEADER`] (callers that add
    /// columns of their own write these records without re-parsing the CSV).
    pub fn csv_record(&self) -> [String; 7] {
        [
            self.kind.as_str().to_owned(),
            self.id.to_string(),
            format!("{:.17e}", self.energy_embedded),
            format!("{:e}", self.rms_gradient_embedded),
            self.index_small.to_string(),
            self.index_large.to_string(),
            self.found_in_larger.csv_field(),
        ]
    }
}

/// CSV: `kind,id,energy,rms_gradient_embedded,index_small,index_large,found_in_larger`.
/// `found_in_larger` is the id in the larger database, `none` when absent, and empty when no
/// larger database was given.
pub fn write_embed_csv(rows: &[EmbedRow], out: impl Write) -> Result<(), AnalysisError> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(EMBED_CSV_HEADER)?;
    for r in rows {
        w.write_record(r.csv_record())?;
    }
    w.flush()?;
    Ok(())
}
