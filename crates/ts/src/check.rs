//! Building blocks of the `validate()` methods: one rule per call; the error names the field
//! and the allowed range (nested structs prefix their field with
//! [`OptimError::within`](nnscape_optim::OptimError::within), e.g. `verify.hef.max_uphill_step`).

use nnscape_optim::OptimError;

/// `Ok` when `ok`, otherwise the error for `name = value`.
pub(crate) fn require(
    ok: bool,
    name: &str,
    value: f64,
    reason: &'static str,
) -> Result<(), OptimError> {
    if ok {
        Ok(())
    } else {
        Err(OptimError::InvalidParameter {
            name: name.to_owned(),
            value,
            reason,
        })
    }
}

/// Finite and strictly positive.
pub(crate) fn positive(name: &str, value: f64) -> Result<(), OptimError> {
    require(
        value.is_finite() && value > 0.0,
        name,
        value,
        "must be finite and > 0",
    )
}

/// A count of at least one.
pub(crate) fn count(name: &str, value: usize) -> Result<(), OptimError> {
    require(value >= 1, name, value as f64, "must be at least 1")
}

/// A push-off range: `initial_push_off` finite and `> 0`, `max_push_off` finite and
/// `>= initial_push_off`.
pub(crate) fn push_off_range(initial: f64, max: f64) -> Result<(), OptimError> {
    positive("initial_push_off", initial)?;
    require(
        max.is_finite() && max >= initial,
        "max_push_off",
        max,
        "must be finite and >= initial_push_off",
    )
}
