//! Doubly-nudged elastic band (DNEB; Trygubenko and Wales 2004) with the improved tangent of
//! Henkelman and Jonsson (2000), relaxed by nnscape-optim's FIRE or L-BFGS.
//!
//! The band is a chain of images `x_0, ..., x_{M+1}` with fixed ends (two minima, the second
//! aligned to the first). At interior image `i` with unit tangent `t` (the segment towards the
//! higher neighbour; an energy-weighted mix at extrema), true gradient `g = grad E(x_i)` and
//! full spring force `s = k (x_{i+1} - 2 x_i + x_{i-1})`, the DNEB force is
//!
//! `F_i = -g_perp + k (|x_{i+1} - x_i| - |x_i - x_{i-1}|) t + (s_perp - (s_perp . u) u)`,
//!
//! where `g_perp = g - (g . t) t` and `s_perp = s - (s . t) t` are the parts orthogonal to
//! the tangent and `u = g_perp / |g_perp|`. The first term relaxes the band onto the
//! minimum-energy path, the second keeps the images evenly spaced along it, and the third
//! ("double nudging") is the part of the perpendicular spring force that does not fight the
//! true force, which keeps the band smooth without the corner-cutting of a full spring. The
//! local maxima of the relaxed band are transition-state candidates for
//! [`find_transition_state`](crate::find_transition_state).

use nnscape_optim::{Fire, FireParams, Lbfgs, LbfgsParams, Objective, OptimError};

use nnscape_model::vector::{dot, euclidean, norm};
use nnscape_optim::Alignment;

use crate::check::{count, positive, require};

/// Parameters of [`dneb`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct DnebParams {
    /// Spring constant `k`.
    ///
    /// Default 50: OPTIM `NEBK 50` from the published workflow for these networks (OPTIM's
    /// typical range is 10-50; pele uses 100). With double nudging the springs only keep
    /// images spaced, so the value is not critical; too stiff makes L-BFGS slow.
    pub spring_constant: f64,
    /// Interior images per unit (aligned) distance between the ends.
    ///
    /// Default 10 (pele).
    pub images_per_unit_distance: f64,
    /// Fewest interior images.
    ///
    /// Default 3 (pele).
    pub min_images: usize,
    /// Most interior images.
    ///
    /// Default 50 (pele).
    pub max_images: usize,
    /// Iterations of the band optimiser.
    ///
    /// Default 1000: the band need not converge fully (see `rms_force_tolerance`).
    pub max_iterations: usize,
    /// Stop when the RMS DNEB force per band coordinate is below this.
    ///
    /// Default 1e-3: the band only has to find the right region, eigenvector-following
    /// refines the maxima.
    pub rms_force_tolerance: f64,
    /// Step cap for the whole band (per band vector for L-BFGS, per image for FIRE).
    ///
    /// Default 0.1 (OPTIM `MAXSTEP`-like).
    pub max_step: f64,
    /// Include the doubly-nudged spring term (false gives the plain nudged elastic band).
    ///
    /// Default true (DNEB, as OPTIM).
    pub doubly_nudged: bool,
    /// How the band is relaxed.
    ///
    /// Default [`BandOptimizer::Fire`], measured on XOR (N_h = 1, lambda = 1e-4, minima 10
    /// apart): L-BFGS ends at RMS force 6 with a jagged band, FIRE at 0.02 with a smooth one
    /// through the right region.
    pub optimizer: BandOptimizer,
}

/// The optimiser that relaxes the band under the DNEB force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum BandOptimizer {
    /// L-BFGS on the band "energy" (image energies plus spring energy) with the DNEB force as
    /// its gradient, as OPTIM does; fast on short, smooth bands.
    Lbfgs,
    /// FIRE damped dynamics on the DNEB force alone (Bitzek et al. 2006); robust on long bands
    /// through saturated regions, where the DNEB force is far from any gradient.
    Fire,
}

/// The values and their sources are given with each field of [`DnebParams`].
impl Default for DnebParams {
    fn default() -> Self {
        Self {
            spring_constant: 50.0,
            images_per_unit_distance: 10.0,
            min_images: 3,
            max_images: 50,
            max_iterations: 1000,
            rms_force_tolerance: 1e-3,
            max_step: 0.1,
            doubly_nudged: true,
            optimizer: BandOptimizer::Fire,
        }
    }
}

impl DnebParams {
    /// Checks every field; the error names the first bad one and its allowed range:
    /// `spring_constant`, `rms_force_tolerance` and `max_step` finite and `> 0`;
    /// `images_per_unit_distance` finite and `>= 0`; `min_images` and `max_iterations` at
    /// least 1; `max_images >= min_images`.
    pub fn validate(&self) -> Result<(), OptimError> {
        positive("spring_constant", self.spring_constant)?;
        require(
            self.images_per_unit_distance.is_finite() && self.images_per_unit_distance >= 0.0,
            "images_per_unit_distance",
            self.images_per_unit_distance,
            "must be finite and >= 0",
        )?;
        count("min_images", self.min_images)?;
        require(
            self.max_images >= self.min_images,
            "max_images",
            self.max_images as f64,
            "must be >= min_images",
        )?;
        count("max_iterations", self.max_iterations)?;
        positive("rms_force_tolerance", self.rms_force_tolerance)?;
        positive("max_step", self.max_step)
    }
}

/// A transition-state candidate: a local energy maximum along the band.
#[derive(Debug, Clone)]
pub struct Climber {
    /// Image index in [`DnebResult::images`] (0 and the last are the fixed ends).
    pub image: usize,
    /// Coordinates of the image.
    pub x: Vec<f64>,
    /// Its energy.
    pub energy: f64,
    /// Unit band tangent there: a good first guess for the reaction coordinate.
    pub tangent: Vec<f64>,
}

/// The converged (or iteration-limited) band.
#[derive(Debug, Clone)]
pub struct DnebResult {
    /// All images including both ends (the end aligned to the start).
    pub images: Vec<Vec<f64>>,
    /// Image energies.
    pub energies: Vec<f64>,
    /// Interior local maxima, highest energy first.
    pub maxima: Vec<Climber>,
    /// L-BFGS iterations.
    pub iterations: usize,
    /// Final RMS DNEB force over the interior coordinates.
    pub rms_force: f64,
}

/// Number of interior images for two ends `distance` apart.
pub fn image_count(distance: f64, params: &DnebParams) -> usize {
    let raw = (params.images_per_unit_distance * distance).round();
    let raw = if raw.is_finite() { raw as usize } else { 0 };
    raw.clamp(params.min_images, params.max_images.max(params.min_images))
}

/// The band as an [`Objective`]: variables are the interior images concatenated; the gradient
/// is minus the DNEB force; the energy is the sum of image energies plus the spring energy
/// (what OPTIM minimises; the two are not consistent, so the L-BFGS energy check is relaxed).
pub struct BandObjective<'a, O: ?Sized> {
    obj: &'a mut O,
    start: &'a [f64],
    end: &'a [f64],
    n_images: usize,
    k: f64,
    doubly_nudged: bool,
    energies: Vec<f64>,
    grads: Vec<f64>,
    tau: Vec<f64>,
    scratch: Vec<f64>,
    e_start: f64,
    e_end: f64,
}

impl<'a, O: Objective + ?Sized> BandObjective<'a, O> {
    /// Band between fixed ends `start` and `end` with `n_images` interior images.
    pub fn new(
        obj: &'a mut O,
        start: &'a [f64],
        end: &'a [f64],
        n_images: usize,
        params: &DnebParams,
    ) -> Self {
        let d = start.len();
        let e_start = obj.energy(start);
        let e_end = obj.energy(end);
        Self {
            obj,
            start,
            end,
            n_images,
            k: params.spring_constant,
            doubly_nudged: params.doubly_nudged,
            energies: vec![0.0; n_images],
            grads: vec![0.0; n_images * d],
            tau: vec![0.0; d],
            scratch: vec![0.0; d],
            e_start,
            e_end,
        }
    }

    /// Unit tangent at interior image `i` (Henkelman and Jonsson 2000, improved tangent):
    /// the segment towards the higher neighbour, energy-weighted mix at extrema.
    fn tangent(&mut self, band: &[f64], i: usize) {
        let (start, end, m) = (self.start, self.end, self.n_images);
        let d = start.len();
        let prev = image(start, end, band, m, i as isize - 1);
        let next = image(start, end, band, m, i as isize + 1);
        let cur = &band[i * d..(i + 1) * d];
        let ep = self.energy_of(i as isize - 1);
        let en = self.energy_of(i as isize + 1);
        let ec = self.energies[i];
        let (wp, wm) = if en > ec && ec > ep {
            (1.0, 0.0)
        } else if en < ec && ec < ep {
            (0.0, 1.0)
        } else {
            let dmax = (en - ec).abs().max((ep - ec).abs());
            let dmin = (en - ec).abs().min((ep - ec).abs());
            if en > ep {
                (dmax, dmin)
            } else {
                (dmin, dmax)
            }
        };
        for j in 0..d {
            self.tau[j] = wp * (next[j] - cur[j]) + wm * (cur[j] - prev[j]);
        }
        let mut nt = norm(&self.tau);
        if nt == 0.0 {
            // Flat neighbourhood: plain central difference.
            for j in 0..d {
                self.tau[j] = next[j] - prev[j];
            }
            nt = norm(&self.tau).max(f64::MIN_POSITIVE);
        }
        self.tau.iter_mut().for_each(|t| *t /= nt);
    }

    fn energy_of(&self, i: isize) -> f64 {
        if i < 0 {
            self.e_start
        } else if i as usize >= self.n_images {
            self.e_end
        } else {
            self.energies[i as usize]
        }
    }
}

impl<O: Objective + ?Sized> Objective for BandObjective<'_, O> {
    fn dim(&self) -> usize {
        self.n_images * self.start.len()
    }

    fn energy_gradient(&mut self, band: &[f64], grad: &mut [f64]) -> f64 {
        let d = self.start.len();
        let mut total = 0.0;
        for i in 0..self.n_images {
            let e = self.obj.energy_gradient(
                &band[i * d..(i + 1) * d],
                &mut self.grads[i * d..(i + 1) * d],
            );
            self.energies[i] = e;
            total += e;
        }
        // Spring energy over all segments, ends included.
        for i in 0..=self.n_images {
            let a = image(self.start, self.end, band, self.n_images, i as isize - 1);
            let b = image(self.start, self.end, band, self.n_images, i as isize);
            let s: f64 = a.iter().zip(b).map(|(p, q)| (q - p) * (q - p)).sum();
            total += 0.5 * self.k * s;
        }
        for i in 0..self.n_images {
            self.tangent(band, i);
            let (start, end, m) = (self.start, self.end, self.n_images);
            let prev = image(start, end, band, m, i as isize - 1);
            let next = image(start, end, band, m, i as isize + 1);
            let cur = &band[i * d..(i + 1) * d];
            let dn = euclidean(next, cur);
            let dp = euclidean(cur, prev);
            // Full spring force k (x_{i+1} - 2 x_i + x_{i-1}) into scratch.
            for j in 0..d {
                self.scratch[j] = self.k * (next[j] - 2.0 * cur[j] + prev[j]);
            }
            let g = &self.grads[i * d..(i + 1) * d];
            let tau = &self.tau;
            let g_par = dot(g, tau);
            let fs_par = dot(&self.scratch, tau);
            let out = &mut grad[i * d..(i + 1) * d];
            // Perpendicular true gradient.
            for j in 0..d {
                out[j] = g[j] - g_par * tau[j];
            }
            // Spring force perpendicular part -> double-nudging component orthogonal to g_perp.
            if self.doubly_nudged {
                let gp2 = dot(out, out);
                for (s, t) in self.scratch.iter_mut().zip(tau) {
                    *s -= fs_par * t;
                }
                if gp2 > 0.0 {
                    let c = dot(&self.scratch, out) / gp2;
                    for (o, s) in out.iter_mut().zip(&self.scratch) {
                        // o - (s - c o): subtract the double-nudging force from the gradient.
                        *o -= s - c * *o;
                    }
                }
            }
            // Parallel spring force with the improved-tangent magnitude k(|x+ - x| - |x - x-|).
            let fpar = self.k * (dn - dp);
            for j in 0..d {
                out[j] -= fpar * tau[j];
            }
        }
        total
    }
}

/// Run a DNEB between `start` and `end`: `end` is first aligned to `start` with `align`, the
/// band interpolated linearly and relaxed with `params.optimizer`. Returns the band and its local
/// maxima (transition-state candidates), highest first. Fails only on invalid settings
/// ([`DnebParams::validate`]).
pub fn dneb<O: Objective + ?Sized, A: Alignment + ?Sized>(
    obj: &mut O,
    start: &[f64],
    end: &[f64],
    align: &A,
    params: &DnebParams,
) -> Result<DnebResult, OptimError> {
    params.validate()?;
    let d = start.len();
    let (dist, end_aligned) = align.align(start, end);
    let m = image_count(dist, params);
    let mut band = Vec::with_capacity(m * d);
    for i in 1..=m {
        let t = i as f64 / (m + 1) as f64;
        band.extend(start.iter().zip(&end_aligned).map(|(a, b)| a + t * (b - a)));
    }
    let mut lbfgs = Lbfgs::new(LbfgsParams {
        max_step: params.max_step,
        // The band "energy" is not the integral of the DNEB force, so the energy-rise test
        // would reject good steps; pele's NEB effectively disables it too (the optimiser
        // requires a finite value).
        max_energy_rise: f64::MAX,
        rms_gradient_tolerance: params.rms_force_tolerance,
        max_iterations: params.max_iterations,
        ..LbfgsParams::default()
    })?;
    let (res, energies, taus) = {
        let mut bo = BandObjective::new(obj, start, &end_aligned, m, params);
        let res = match params.optimizer {
            BandOptimizer::Lbfgs => lbfgs.minimise(&mut bo, &band),
            BandOptimizer::Fire => Fire::new(FireParams {
                max_step: params.max_step,
                block_size: d,
                max_iterations: params.max_iterations,
                rms_force_tolerance: params.rms_force_tolerance,
                ..FireParams::default()
            })?
            .minimise(&mut bo, &band),
        };
        // Re-evaluate at the final band to have its energies and tangents.
        let mut gtmp = vec![0.0; m * d];
        bo.energy_gradient(&res.x, &mut gtmp);
        let mut taus = Vec::with_capacity(m);
        for i in 0..m {
            bo.tangent(&res.x, i);
            taus.push(bo.tau.clone());
        }
        let mut energies = Vec::with_capacity(m + 2);
        energies.push(bo.e_start);
        energies.extend_from_slice(&bo.energies);
        energies.push(bo.e_end);
        (res, energies, taus)
    };
    let mut images = Vec::with_capacity(m + 2);
    images.push(start.to_vec());
    images.extend(res.x.chunks(d).map(|c| c.to_vec()));
    images.push(end_aligned);
    let mut maxima: Vec<Climber> = (1..=m)
        .filter(|&i| energies[i] > energies[i - 1] && energies[i] >= energies[i + 1])
        .map(|i| Climber {
            image: i,
            x: images[i].clone(),
            energy: energies[i],
            tangent: taus[i - 1].clone(),
        })
        .collect();
    maxima.sort_by(|a, b| b.energy.total_cmp(&a.energy));
    Ok(DnebResult {
        images,
        energies,
        maxima,
        iterations: res.iterations,
        rms_force: res.rms_gradient,
    })
}

/// Image `i` of the band (-1 is `start`, `n_images` is `end`).
fn image<'b>(
    start: &'b [f64],
    end: &'b [f64],
    band: &'b [f64],
    n_images: usize,
    i: isize,
) -> &'b [f64] {
    let d = start.len();
    if i < 0 {
        start
    } else if i as usize >= n_images {
        end
    } else {
        &band[i as usize * d..(i as usize + 1) * d]
    }
}
