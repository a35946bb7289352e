//! Errors reported by the optimisers' constructors and parameter checks.

/// Why a parameter set or an input was refused.
///
/// The minimisers themselves never fail with an error: they always return a
/// [`MinimiseResult`](crate::MinimiseResult) whose [`Termination`](crate::Termination) says how
/// the run ended. Errors are for inputs that make a run meaningless.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OptimError {
    /// A parameter is negative, non-finite or zero where that has no meaning.
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// Field path, as spelled in the parameter structs: `max_step`, or
        /// `verify.lbfgs.max_step` for a field of a nested struct (see [`OptimError::within`]).
        name: String,
        /// The offending value (integers are converted to `f64` for the message).
        value: f64,
        /// What the value must satisfy.
        reason: &'static str,
    },
    /// A vector's length does not match the objective's dimension.
    #[error("dimension mismatch for `{what}`: expected {expected}, got {found}")]
    DimensionMismatch {
        /// Which input was the wrong length.
        what: &'static str,
        /// The objective's dimension.
        expected: usize,
        /// The length supplied.
        found: usize,
    },
}

impl OptimError {
    /// The same error with the field path prefixed by `prefix` (the field that holds the nested
    /// settings struct), so that an error of `LbfgsParams` checked inside `VerifyParams` names
    /// `lbfgs.max_step`. Other variants are returned unchanged.
    pub fn within(self, prefix: &str) -> Self {
        match self {
            OptimError::InvalidParameter {
                name,
                value,
                reason,
            } => OptimError::InvalidParameter {
                name: format!("{prefix}.{name}"),
                value,
                reason,
            },
            other => other,
        }
    }
}

/// `value` must be finite and strictly positive.
pub(crate) fn check_positive(name: &str, value: f64) -> Result<(), OptimError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(OptimError::InvalidParameter {
            name: name.to_owned(),
            value,
            reason: "must be finite and > 0",
        })
    }
}

/// `value` must be finite and not negative.
pub(crate) fn check_non_negative(name: &str, value: f64) -> Result<(), OptimError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(OptimError::InvalidParameter {
            name: name.to_owned(),
            value,
            reason: "must be finite and >= 0",
        })
    }
}

/// A count that must be at least one.
pub(crate) fn check_count(name: &str, value: usize) -> Result<(), OptimError> {
    if value >= 1 {
        Ok(())
    } else {
        Err(OptimError::InvalidParameter {
            name: name.to_owned(),
            value: value as f64,
            reason: "must be at least 1",
        })
    }
}

/// `x0.len()` must equal the objective's dimension.
pub(crate) fn check_dim(
    what: &'static str,
    expected: usize,
    found: usize,
) -> Result<(), OptimError> {
    if expected == found {
        Ok(())
    } else {
        Err(OptimError::DimensionMismatch {
            what,
            expected,
            found,
        })
    }
}
