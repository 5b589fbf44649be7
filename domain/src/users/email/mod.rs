//! Email addresses: validated as class-validator's `IsEmail()` does with its defaults, then normalised.
//!
//! Uniqueness is case-insensitive, so the stored form is the trimmed address in lower case:
//! `Alice@Example.com` and `alice@example.com` are one user.

mod syntax;

use std::fmt;

use crate::Violation;

/// Why a string is not an acceptable email address. Each variant is one human-readable reason; the rule
/// name reported to clients is always `isEmail`, as class-validator names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most 254 characters long")]
    TooLong,
    #[error("must contain an @ between the local part and the domain")]
    MissingAt,
    #[error("must have at most 64 bytes before the @")]
    LocalPartTooLong,
    #[error("must have a domain of at most 254 bytes")]
    DomainTooLong,
    #[error(
        "must have a domain with a top-level domain of two or more letters (IP addresses are not accepted)"
    )]
    MissingTld,
    #[error(
        "must have a domain whose labels are at most 63 characters of letters, digits and inner hyphens \
         (no underscores, full-width characters or empty labels)"
    )]
    InvalidDomainLabel,
    #[error(
        "must have a local part without empty dot-separated parts or characters outside RFC 5322 atoms"
    )]
    InvalidLocalPart,
    #[error(
        "must have a quoted local part with only printable characters, spaces and backslash escapes"
    )]
    InvalidQuotedLocalPart,
}

impl EmailError {
    pub const RULE: &'static str = "isEmail";

    pub fn violation(self) -> Violation {
        Violation {
            rule: Self::RULE,
            message: self.to_string(),
        }
    }
}

/// A syntactically valid, normalised email address.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    /// Trims surrounding whitespace (as JavaScript's `trim` does), validates like validator.js `isEmail`
    /// with default options, and lower-cases the result.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let trimmed = raw.trim_matches(syntax::is_js_whitespace);
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        syntax::check(trimmed)?;
        Ok(Self(trimmed.to_lowercase()))
    }

    /// Rebuilds an address that was validated and normalised before it was stored. Storage adapters use
    /// this; re-validating on every read would turn a rule change into unreadable rows.
    pub fn from_trusted_storage(normalised: String) -> Self {
        Self(normalised)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Email {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({:?})", self.0)
    }
}

#[cfg(test)]
mod tests;
