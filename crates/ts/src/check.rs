//! Building blocks of the `validate()` methods: one rule per call, and the error names the
//! field (qualified by its struct, e.g. `HefParams.max_uphill_step`, so that it is unambiguous
//! in nested settings) and the allowed range.

use nnscape_optim::OptimError;

/// `Ok` when `ok`, otherwise the error for `name = value`.
pub(crate) fn require(
    ok: bool,
    name: &'static str,
    value: f64,
    reason: &'static str,
) -> Result<(), OptimError> {
    if ok {
        Ok(())
    } else {
        Err(OptimError::InvalidParameter {
            name,
            value,
            reason,
        })
    }
}

/// Finite and strictly positive.
pub(crate) fn positive(name: &'static str, value: f64) -> Result<(), OptimError> {
    require(
        value.is_finite() && value > 0.0,
        name,
        value,
        "must be finite and > 0",
    )
}

/// A count of at least one.
pub(crate) fn count(name: &'static str, value: usize) -> Result<(), OptimError> {
    require(value >= 1, name, value as f64, "must be at least 1")
}

/// Qualifies the field name of an error from a nested nnscape-optim settings struct with the
/// path to it, e.g. `max_step` of `HefParams.newton` becomes `HefParams.newton.max_step`:
/// `nested!(result, "prefix": "field", ...; "other.prefix": ...)`. The names must be literals
/// (the error holds a `&'static str`), hence a macro.
macro_rules! nested {
    ($result:expr, $($prefix:literal: $($field:literal),+);+ $(;)?) => {
        $result.map_err(|e| match e {
            nnscape_optim::OptimError::InvalidParameter { name, value, reason } => {
                nnscape_optim::OptimError::InvalidParameter {
                    name: match name {
                        $($($field => concat!($prefix, ".", $field),)+)+
                        other => other,
                    },
                    value,
                    reason,
                }
            }
            other => other,
        })
    };
}
pub(crate) use nested;
