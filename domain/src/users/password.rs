//! The strong-password policy and the opaque hash type.
//!
//! The policy is class-validator's `IsStrongPassword()` with its defaults (validator.js
//! `isStrongPassword`): at least 8 UTF-16 code units, one `[a-z]`, one `[A-Z]`, one `[0-9]` and one symbol
//! from validator.js's list. Beyond the seed, a password is never silently truncated: bcrypt only reads 72
//! bytes, and the `bcrypt` crate's non-truncating API refuses 72 or more because it appends a NUL, so the
//! limit is 71 bytes. NUL itself is refused because bcrypt implementations disagree on it (C ones stop there).

use std::fmt;

use crate::Violation;

pub const MIN_PASSWORD_LENGTH: usize = 8;
/// The longest password, in UTF-8 bytes, that bcrypt hashes whole.
pub const MAX_PASSWORD_BYTES: usize = 71;

/// validator.js's `symbolRegex`, including the pound sign and the space.
const SYMBOLS: &str = "-#!$@£%^&*()_+|~=`{}[]:\";'<>?,./\\ ";

/// One rule of the policy, named as class-validator names its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordRule {
    MinLength,
    MinLowercase,
    MinUppercase,
    MinNumbers,
    MinSymbols,
    MaxBytes,
    NoNul,
}

impl PasswordRule {
    pub fn name(self) -> &'static str {
        match self {
            Self::MinLength => "minLength",
            Self::MinLowercase => "minLowercase",
            Self::MinUppercase => "minUppercase",
            Self::MinNumbers => "minNumbers",
            Self::MinSymbols => "minSymbols",
            Self::MaxBytes => "maxBytes",
            Self::NoNul => "noNul",
        }
    }

    pub fn message(self) -> String {
        match self {
            Self::MinLength => format!("must be at least {MIN_PASSWORD_LENGTH} characters long"),
            Self::MinLowercase => "must contain at least one lowercase letter (a-z)".to_owned(),
            Self::MinUppercase => "must contain at least one uppercase letter (A-Z)".to_owned(),
            Self::MinNumbers => "must contain at least one digit (0-9)".to_owned(),
            Self::MinSymbols => {
                format!("must contain at least one symbol or space, from: {SYMBOLS}")
            }
            Self::MaxBytes => format!(
                "must be at most {MAX_PASSWORD_BYTES} bytes in UTF-8; bcrypt would silently ignore the rest"
            ),
            Self::NoNul => "must not contain the NUL character".to_owned(),
        }
    }

    pub fn violation(self) -> Violation {
        Violation {
            rule: self.name(),
            message: self.message(),
        }
    }
}

/// Every rule a candidate broke. Never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordRules(pub Vec<PasswordRule>);

impl PasswordRules {
    pub fn violations(&self) -> Vec<Violation> {
        self.0.iter().map(|rule| rule.violation()).collect()
    }
}

impl fmt::Display for PasswordRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<String> = self.0.iter().map(|r| r.message()).collect();
        f.write_str(&messages.join("; "))
    }
}

impl std::error::Error for PasswordRules {}

/// A plaintext password that satisfies the policy. Its `Debug` never shows the text.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks every rule and reports all that fail, not just the first.
    pub fn parse(candidate: &str) -> Result<Self, PasswordRules> {
        let broken = broken_rules(candidate);
        if broken.is_empty() {
            Ok(Self(candidate.to_owned()))
        } else {
            Err(PasswordRules(broken))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

fn broken_rules(candidate: &str) -> Vec<PasswordRule> {
    let has = |pred: fn(char) -> bool| candidate.chars().any(pred);
    let checks = [
        (
            PasswordRule::MinLength,
            candidate.encode_utf16().count() >= MIN_PASSWORD_LENGTH,
        ),
        (PasswordRule::MinLowercase, has(|c| c.is_ascii_lowercase())),
        (PasswordRule::MinUppercase, has(|c| c.is_ascii_uppercase())),
        (PasswordRule::MinNumbers, has(|c| c.is_ascii_digit())),
        (PasswordRule::MinSymbols, has(|c| SYMBOLS.contains(c))),
        (
            PasswordRule::MaxBytes,
            candidate.len() <= MAX_PASSWORD_BYTES,
        ),
        (PasswordRule::NoNul, !candidate.contains('\0')),
    ];
    checks
        .into_iter()
        .filter(|(_, ok)| !ok)
        .map(|(rule, _)| rule)
        .collect()
}

/// A bcrypt hash as stored. Deliberately has no `Display` and a redacted `Debug`, so it cannot end up in a
/// response or a log line by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Wraps a hash produced by a hasher or read from storage. No format check here: the hasher adapter
    /// owns the format and reports a malformed stored hash as its own error.
    pub fn new(hash: String) -> Self {
        Self(hash)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

#[cfg(test)]
#[path = "password_tests.rs"]
mod tests;
