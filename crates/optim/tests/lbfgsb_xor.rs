//! Cross-check on the XOR loss: the landscape L-BFGS and L-BFGS-B reach the same minimum.
#![cfg(feature = "lbfgsb")]

use nnscape_model::{Dataset, Loss, Network};
use nnscape_optim::{minimise_lbfgsb, newton_polish, Lbfgs, LbfgsParams, NewtonParams};

#[test]
fn ours_and_lbfgsb_agree_on_xor() {
    let mut loss = Loss::new(Network::xor(2, 1e-3).unwrap(), Dataset::xor()).unwrap();
    // Quench tolerance 1e-6: tighter, L-BFGS-B's line search stops on rounding first.
    let params = LbfgsParams::default();
    let starts: [[f64; 12]; 2] = [
        [
            0.8, -0.5, 0.3, 0.9, 0.6, -0.6, -0.4, 0.4, 0.1, -0.2, 0.05, -0.05,
        ],
        [
            1.2, 1.1, -0.9, -1.0, 1.0, -1.0, 1.3, -1.3, -0.4, 0.6, 0.2, 0.1,
        ],
    ];
    for x0 in &starts {
        let ours = Lbfgs::new(params.clone()).unwrap().minimise(&mut loss, x0);
        let theirs = minimise_lbfgsb(&mut loss, x0, None, &params).unwrap();
        assert!(
            ours.converged() && theirs.converged(),
            "{:?} {:?}",
            ours.termination,
            theirs.termination
        );
        // Polish both so the comparison is not limited by either stopping rule.
        let a = newton_polish(&mut loss, &ours.x, &NewtonParams::default()).unwrap();
        let b = newton_polish(&mut loss, &theirs.x, &NewtonParams::default()).unwrap();
        assert!(
            (a.energy - b.energy).abs() < 1e-8,
            "{} vs {}",
            a.energy,
            b.energy
        );
        for (p, q) in a.x.iter().zip(&b.x) {
            assert!((p - q).abs() < 1e-4, "{:?}\n{:?}", a.x, b.x);
        }
        // The unpolished energies already agree to the same tolerance.
        assert!((ours.energy - theirs.energy).abs() < 1e-8);
    }
}
