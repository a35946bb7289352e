//! The allowed range of every numeric option, checked while the command line is parsed (clap
//! prints the option, the value and the range), and of options whose range depends on the
//! landscape ([`within`]). Bounds are generous; they exist so that a typo cannot ask for an
//! allocation, a thread count or a duration the machine cannot honour.

use std::ops::RangeInclusive;

use clap::builder::{RangedU64ValueParser, TypedValueParser};

/// Worker threads: 1..=1024.
pub const THREADS: RangeInclusive<u64> = 1..=1024;
/// Basin-hopping chains: 1..=1024.
pub const CHAINS: RangeInclusive<u64> = 1..=1024;
/// Step, quench and search budgets: 1..=10^9.
pub const BUDGET: RangeInclusive<u64> = 1..=1_000_000_000;
/// Exploration cycles: 1..=10^6.
pub const CYCLES: RangeInclusive<u64> = 1..=1_000_000;
/// Disconnectivity-graph levels: 1..=100,000 (the analysis crate's bound).
pub const LEVELS: RangeInclusive<u64> = 1..=nnscape_analysis::dgraph::MAX_LEVELS as u64;
/// Noise samples per point and level: 1..=100,000 (the analysis crate's bound).
pub const SAMPLES: RangeInclusive<u64> = 1..=nnscape_analysis::sensitivity::MAX_SAMPLES as u64;
/// Seconds of a time budget: (0, 10^9] (about 31 years).
pub const SECONDS: (f64, f64) = (0.0, 1e9);

/// A `usize` option in `range`.
pub fn count(range: RangeInclusive<u64>) -> RangedU64ValueParser<usize> {
    RangedU64ValueParser::new().range(range)
}

/// An `f64` option in the half-open range `(lo, hi]`.
pub fn positive_up_to((lo, hi): (f64, f64)) -> impl TypedValueParser<Value = f64> {
    clap::builder::StringValueParser::new().try_map(move |s| {
        let v: f64 = s
            .trim()
            .parse()
            .map_err(|_| format!("'{s}' is not a number"))?;
        if v > lo && v <= hi {
            Ok(v)
        } else {
            Err(format!("{v:e} is not in ({lo}, {hi:e}]"))
        }
    })
}

/// Refuses `value` of option `name` outside `range`, whose bounds come from the landscape
/// (`what` says where the upper bound comes from).
pub fn within(
    name: &str,
    value: usize,
    range: RangeInclusive<usize>,
    what: &str,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        range.contains(&value),
        "{name} {value} is out of range: it must lie in {}..={} ({what})",
        range.start(),
        range.end()
    );
    Ok(())
}
