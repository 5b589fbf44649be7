//! One shape for "this input broke these rules", shared by every parser in the domain so that adapters can
//! report every broken rule of every field at once.

use std::fmt;

/// A single broken rule: a stable machine name (class-validator's constraint name where one exists) and a
/// human sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub rule: &'static str,
    pub message: String,
}

/// Every rule one field broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub violations: Vec<Violation>,
}

/// Every field that failed validation, in input order. Never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValidationErrors {
    fields: Vec<FieldError>,
}

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// A one-field error, for inputs that have a single field.
    pub fn single(field: &'static str, violations: Vec<Violation>) -> Self {
        let mut errors = Self::new();
        errors.add(field, violations);
        errors
    }

    pub fn add(&mut self, field: &'static str, violations: Vec<Violation>) {
        if !violations.is_empty() {
            self.fields.push(FieldError { field, violations });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub fn fields(&self) -> &[FieldError] {
        &self.fields
    }

    /// `Ok(value)` when nothing was recorded, so a parser can collect every field before deciding.
    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, Self> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for field in &self.fields {
            for violation in &field.violations {
                if !first {
                    f.write_str("; ")?;
                }
                first = false;
                write!(f, "{}: {}", field.field, violation.message)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}
