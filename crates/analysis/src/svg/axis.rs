//! Axes: the value range of an axis and where its ticks go, on a linear or a log scale. Every
//! figure (line plots and disconnectivity graphs) takes its ticks from here.
//!
//! Linear ticks are multiples of the smallest "nice" step `s = m * 10^k`, `m` in {1, 2, 5},
//! with at most `max_intervals` steps across the range, labelled with the decimals the step
//! needs (`0.05` gives `0.60, 0.65, 0.70`). Log ticks are decades, every `stride`-th when
//! there are more than eight; over at most two decades 2 and 5 times a decade are labelled
//! too, otherwise the values 2..9 times a decade become minor grid lines.

/// A labelled tick.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub value: f64,
    pub label: String,
}

/// The ticks of an axis: labelled (major) ones and unlabelled grid values (minor).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ticks {
    pub major: Vec<Tick>,
    pub minor: Vec<f64>,
}

/// Label of a power of ten `m * 10^k`: plain for 10^0 .. 10^5, `2e-3` style otherwise.
fn power_label(m: u64, k: i32) -> String {
    match (m, k) {
        (1, 0..=5) => format!("{}", 10u64.pow(k as u32)),
        (1, _) => format!("1e{k}"),
        (_, 0..=5) => format!("{}", m * 10u64.pow(k as u32)),
        _ => format!("{m}e{k}"),
    }
}

/// Linear ticks covering `[lo, hi]`: multiples of the smallest step `{1, 2, 5} * 10^k` that
/// gives at most `max_intervals` intervals over the range (with `integer`, at least 1 and
/// whole).
///
/// ```
/// use nnscape_analysis::svg::axis::linear_ticks;
/// let labels = |t: Vec<nnscape_analysis::svg::axis::Tick>| -> Vec<String> {
///     t.into_iter().map(|t| t.label).collect()
/// };
/// assert_eq!(labels(linear_ticks(0.35, 0.75, 7, false)), ["0.4", "0.5", "0.6", "0.7"]);
/// assert_eq!(labels(linear_ticks(0.52, 0.73, 6, false)), ["0.55", "0.60", "0.65", "0.70"]);
/// ```
pub fn linear_ticks(lo: f64, hi: f64, max_intervals: usize, integer: bool) -> Vec<Tick> {
    let n = max_intervals.max(1) as f64;
    let span = (hi - lo).max(f64::MIN_POSITIVE);
    let mag = 10f64.powf((span / n).log10().floor());
    let mut step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| span / s <= n)
        .unwrap_or(10.0 * mag);
    if integer {
        step = step.max(1.0).round();
    }
    if !step.is_finite() || step <= 0.0 {
        return Vec::new();
    }
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    (first..=last)
        .map(|i| {
            let value = i as f64 * step;
            Tick {
                value,
                label: format!("{value:.decimals$}"),
            }
        })
        .collect()
}

/// Log ticks covering `[lo, hi]` (both > 0): decades, with 2 and 5 labelled over at most two
/// decades, else 2..9 as minor values.
///
/// ```
/// use nnscape_analysis::svg::axis::log_ticks;
/// let t = log_ticks(1.5, 40.0);
/// let labels: Vec<&str> = t.major.iter().map(|t| t.label.as_str()).collect();
/// assert_eq!(labels, ["1", "10", "100", "2", "5", "20", "50"]);
/// ```
pub fn log_ticks(lo: f64, hi: f64) -> Ticks {
    let (a, b) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let stride = ((b - a) as f64 / 8.0).ceil().max(1.0) as i32;
    let mut major: Vec<Tick> = (a..=b)
        .filter(|k| (k - a) % stride == 0)
        .map(|k| Tick {
            value: 10f64.powi(k),
            label: power_label(1, k),
        })
        .collect();
    let mut minor = Vec::new();
    if stride == 1 {
        for k in a..b {
            for m in 2..=9u64 {
                let value = m as f64 * 10f64.powi(k);
                // Few decades: label 2 and 5 too.
                if b - a <= 2 && (m == 2 || m == 5) {
                    major.push(Tick {
                        value,
                        label: power_label(m, k),
                    });
                } else {
                    minor.push(value);
                }
            }
        }
    }
    Ticks { major, minor }
}

/// The value range of an axis and its scale; [`Axis::unit`] maps values to `[0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub log: bool,
}

impl Axis {
    /// The range of the drawable `values` with some padding (6 % of the range linear, 5 % of
    /// the decades but at least 0.15 decade on a log scale); `[0, 1]` or `[1, 10]` when
    /// nothing is drawable.
    pub fn fit(values: impl Iterator<Item = f64>, log: bool) -> Self {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.filter(|v| v.is_finite() && (!log || *v > 0.0)) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if !lo.is_finite() {
            (lo, hi) = if log { (1.0, 10.0) } else { (0.0, 1.0) };
        }
        if log {
            let (a, b) = (lo.log10(), hi.log10());
            let pad = ((b - a) * 0.05).max(0.15);
            Self {
                lo: 10f64.powf(a - pad),
                hi: 10f64.powf(b + pad),
                log,
            }
        } else {
            let pad = if hi > lo { (hi - lo) * 0.06 } else { 0.5 };
            Self {
                lo: lo - pad,
                hi: hi + pad,
                log,
            }
        }
    }

    /// Where `v` lies between `lo` (0) and `hi` (1), on the axis' scale.
    pub fn unit(&self, v: f64) -> f64 {
        if self.log {
            (v.log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        }
    }

    /// Whether `v` can be drawn: finite, and positive on a log scale.
    pub fn drawable(&self, v: f64) -> bool {
        v.is_finite() && (!self.log || v > 0.0)
    }

    /// The ticks of this axis: [`log_ticks`] or [`linear_ticks`] with at most `max_intervals`.
    pub fn ticks(&self, max_intervals: usize, integer: bool) -> Ticks {
        if self.log {
            log_ticks(self.lo, self.hi)
        } else {
            Ticks {
                major: linear_ticks(self.lo, self.hi, max_intervals, integer),
                minor: Vec::new(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(t: &[Tick]) -> Vec<&str> {
        t.iter().map(|t| t.label.as_str()).collect()
    }

    #[test]
    fn log_ticks_are_decades() {
        let t = log_ticks(2e-5, 0.2);
        assert_eq!(t.major.first().unwrap().label, "1e-5");
        assert_eq!(t.major.last().unwrap().label, "1");
        assert_eq!(t.minor.len(), 5 * 8);
        let t = log_ticks(1.5, 40.0);
        assert_eq!(labels(&t.major), ["1", "10", "100", "2", "5", "20", "50"]);
        let t = log_ticks(2e-4, 0.009);
        assert_eq!(
            labels(&t.major),
            ["1e-4", "1e-3", "1e-2", "2e-4", "5e-4", "2e-3", "5e-3"]
        );
    }

    #[test]
    fn linear_ticks_are_round() {
        assert_eq!(
            labels(&linear_ticks(0.7, 5.3, 7, false)),
            ["1", "2", "3", "4", "5"]
        );
        assert_eq!(labels(&linear_ticks(0.9, 3.1, 7, true)), ["1", "2", "3"]);
        assert_eq!(
            labels(&linear_ticks(0.35, 0.75, 7, false)),
            ["0.4", "0.5", "0.6", "0.7"]
        );
        // The same rule with fewer intervals: a coarser step.
        assert_eq!(labels(&linear_ticks(0.0, 6.5, 7, false)).len(), 7);
        assert_eq!(
            labels(&linear_ticks(0.0, 6.5, 6, false)),
            ["0", "2", "4", "6"]
        );
        // Zero is exactly zero, and the labels keep the step's decimals.
        assert_eq!(
            labels(&linear_ticks(-0.04, 0.21, 6, false)),
            ["0.00", "0.05", "0.10", "0.15", "0.20"]
        );
    }
}
