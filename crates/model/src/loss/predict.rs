//! Predictions: class probabilities p = softmax(y) at any input, the predicted class and the
//! rule that decides whether a training point is classified correctly (the true class must be
//! strictly the most probable, by more than [`TIE_TOLERANCE`]).

use super::forward::{forward, Dyn};
use super::Loss;

/// Class probabilities and prediction for one data point.
#[derive(Debug, Clone, PartialEq)]
pub struct PointPrediction {
    /// softmax outputs, one per class.
    pub probabilities: Vec<f64>,
    /// The class with the highest probability (lowest index on ties).
    pub predicted: usize,
    /// True when the true class has the highest probability by more than [`TIE_TOLERANCE`]
    /// (a tie, or a numerical near-tie, is wrong).
    pub correct: bool,
}

/// Probability differences up to this count as ties. Stationary points are stored converged to
/// RMS gradient 1e-10, so a point that sits exactly on the decision boundary (W = 0, where every
/// p = 1/2) comes out of the polish with margins of ~1e-12 of either sign; 1e-9 is far above that
/// noise and far below any margin that means something.
pub const TIE_TOLERANCE: f64 = 1e-9;

/// True when class `c` has the highest probability by more than [`TIE_TOLERANCE`] (a tie counts
/// as wrong).
pub fn is_correct(probabilities: &[f64], c: usize) -> bool {
    let pc = probabilities[c];
    probabilities
        .iter()
        .enumerate()
        .all(|(i, &pi)| i == c || pi < pc - TIE_TOLERANCE)
}

/// Turns probabilities into a prediction for true class `c`.
pub fn classify(probabilities: Vec<f64>, c: usize) -> PointPrediction {
    let mut predicted = 0;
    for (i, &pi) in probabilities.iter().enumerate() {
        if pi > probabilities[predicted] {
            predicted = i;
        }
    }
    let correct = is_correct(&probabilities, c);
    PointPrediction {
        probabilities,
        predicted,
        correct,
    }
}

impl Loss {
    /// Class probabilities for arbitrary inputs `x` (length N_in) into `probs` (length N_out).
    pub fn probabilities_into(&mut self, w: &[f64], x: &[f64], probs: &mut [f64]) {
        forward(Dyn::of(&self.net), &self.net, w, x, &mut self.s);
        probs.copy_from_slice(&self.s.p);
    }

    /// Probabilities, predicted class and correctness for every training point.
    pub fn predict(&mut self, w: &[f64]) -> Vec<PointPrediction> {
        (0..self.data.len())
            .map(|d| {
                let mut probs = vec![0.0; self.net.n_out()];
                let x = self.data.input(d).to_vec();
                self.probabilities_into(w, &x, &mut probs);
                let c = self.data.label(d);
                classify(probs, c)
            })
            .collect()
    }

    /// Number of training points classified correctly (true class strictly most probable).
    pub fn n_correct(&mut self, w: &[f64]) -> usize {
        let mut n = 0;
        for d in 0..self.data.len() {
            forward(
                Dyn::of(&self.net),
                &self.net,
                w,
                self.data.input(d),
                &mut self.s,
            );
            let c = self.data.label(d);
            if is_correct(&self.s.p, c) {
                n += 1;
            }
        }
        n
    }
}
