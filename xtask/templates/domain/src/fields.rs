//! The rules every entity's fields share: text within bounds, instants to the millisecond, and what an
//! update asks of each field. An entity's parsers add each field's violations under its GraphQL name,
//! so a client learns every broken rule of every field at once.

use std::fmt;

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

use crate::{ValidationErrors, Violation};

/// The most characters a text field may hold, once trimmed.
pub const MAX_TEXT_CHARS: usize = 1_000;

/// Text as a client sent it, trimmed: not empty, at most [`MAX_TEXT_CHARS`] characters, and without
/// NUL, which PostgreSQL cannot store.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Text(String);

impl Text {
    /// Trims surrounding whitespace and checks every rule.
    ///
    /// # Errors
    /// Every rule the trimmed text breaks.
    pub fn parse(raw: &str) -> Result<Self, Vec<Violation>> {
        let trimmed = raw.trim();
        let mut broken = Vec::new();
        if trimmed.is_empty() {
            broken.push(Violation {
                rule: "isNotEmpty",
                message: "must not be empty or only whitespace".to_owned(),
            });
        }
        let chars = trimmed.chars().count();
        if chars > MAX_TEXT_CHARS {
            broken.push(Violation {
                rule: "maxLength",
                message: format!("must be at most {MAX_TEXT_CHARS} characters, got {chars}"),
            });
        }
        if trimmed.contains('\0') {
            broken.push(Violation {
                rule: "noNul",
                message: "must not contain the NUL character".to_owned(),
            });
        }
        if broken.is_empty() {
            Ok(Self(trimmed.to_owned()))
        } else {
            Err(broken)
        }
    }

    /// Rebuilds text that was checked before it was stored. Stores use this; checking again on every
    /// read would turn a rule change into unreadable rows.
    pub fn from_trusted_storage(stored: String) -> Self {
        Self(stored)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An instant as every service keeps it: UTC, to the millisecond. The `DateTime` scalar shows
/// milliseconds, so finer digits would store a value that reads back as something else, and an update
/// that sends back what it read would look like a change.
pub fn millis(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(TimeDelta::milliseconds(1)).unwrap_or(at)
}

/// An instant as a client sent it: RFC 3339 (ISO 8601 with a date, a time and an offset), in any
/// offset, kept in UTC to the millisecond.
///
/// # Errors
/// The rule it breaks, when it is not RFC 3339.
pub fn instant(raw: &str) -> Result<DateTime<Utc>, Vec<Violation>> {
    DateTime::parse_from_rfc3339(raw.trim())
        .map(|at| millis(at.with_timezone(&Utc)))
        .map_err(|_| {
            vec![Violation {
                rule: "isRfc3339",
                message: "must be an RFC 3339 date and time, such as 2026-01-02T03:04:05.678Z"
                    .to_owned(),
            }]
        })
}

/// What an update asks of one field: leave it, clear it (optional fields only), or set it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Change<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

impl<T> Change<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Change<U> {
        match self {
            Self::Keep => Change::Keep,
            Self::Clear => Change::Clear,
            Self::Set(value) => Change::Set(f(value)),
        }
    }
}

/// How a field's raw text becomes its value: [`Text::parse`] or [`instant`].
pub type Parse<T> = fn(&str) -> Result<T, Vec<Violation>>;

/// A required field: its value, or `None` with its violations recorded under `field`.
pub fn value<T>(
    field: &'static str,
    raw: &str,
    parse: Parse<T>,
    errors: &mut ValidationErrors,
) -> Option<T> {
    parse(raw).map_err(|broken| errors.add(field, broken)).ok()
}

/// An optional field: `Some(None)` when absent, `None` when broken.
pub fn optional_value<T>(
    field: &'static str,
    raw: Option<&str>,
    parse: Parse<T>,
    errors: &mut ValidationErrors,
) -> Option<Option<T>> {
    match raw {
        None => Some(None),
        Some(raw) => value(field, raw, parse, errors).map(Some),
    }
}

/// A change to a required field: `Some(None)` keeps it, `Some(Some(value))` sets it, and a clear is
/// recorded as broken (`None`): a required field has no "nothing" to hold.
pub fn required_change<T>(
    field: &'static str,
    change: Change<T>,
    errors: &mut ValidationErrors,
) -> Option<Option<T>> {
    match change {
        Change::Keep => Some(None),
        Change::Set(value) => Some(Some(value)),
        Change::Clear => {
            errors.add(field, vec![required()]);
            None
        }
    }
}

/// A change to a required field whose value is parsed from text: kept, set to a value within its
/// rules, or broken (`None`: cleared, or text that breaks a rule).
pub fn required_value_change<T>(
    field: &'static str,
    change: Change<String>,
    parse: Parse<T>,
    errors: &mut ValidationErrors,
) -> Option<Option<T>> {
    match required_change(field, change, errors)? {
        None => Some(None),
        Some(raw) => value(field, &raw, parse, errors).map(Some),
    }
}

/// A change to an optional field whose value is parsed from text, with the rules applied to a value
/// it sets.
pub fn value_change<T>(
    field: &'static str,
    change: Change<String>,
    parse: Parse<T>,
    errors: &mut ValidationErrors,
) -> Option<Change<T>> {
    match change {
        Change::Keep => Some(Change::Keep),
        Change::Clear => Some(Change::Clear),
        Change::Set(raw) => value(field, &raw, parse, errors).map(Change::Set),
    }
}

fn required() -> Violation {
    Violation {
        rule: "isDefined",
        message: "must not be null: the field is required; leave it out to keep its value".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn rules(raw: &str) -> Vec<&'static str> {
        Text::parse(raw)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|v| v.rule)
            .collect()
    }

    #[test]
    fn text_is_trimmed_and_checked_by_every_rule() {
        assert_eq!(Text::parse("  Nightly backup \n").expect("valid").as_str(), "Nightly backup");
        assert_eq!(rules(""), ["isNotEmpty"]);
        assert_eq!(rules(" \t\n"), ["isNotEmpty"]);
        assert_eq!(rules(&"é".repeat(1_000)), Vec::<&str>::new());
        assert_eq!(rules(&"é".repeat(1_001)), ["maxLength"]);
        assert_eq!(rules("a\0b"), ["noNul"]);
        assert_eq!(rules(&format!("{}\0", "x".repeat(1_001))), ["maxLength", "noNul"]);
    }

    #[test]
    fn instants_take_any_offset_and_keep_utc_milliseconds() {
        let at = instant("2026-01-02T03:04:05.678912+02:00").expect("valid");
        assert_eq!(at.to_rfc3339(), "2026-01-02T01:04:05.678+00:00");
        for bad in ["", "next tuesday", "2026-01-02", "2026-01-02T03:04:05", "1767322245"] {
            let broken = instant(bad).expect_err(bad);
            assert_eq!(broken[0].rule, "isRfc3339", "{bad}");
        }
    }

    #[test]
    fn a_required_field_cannot_be_cleared_and_the_rule_is_named() {
        let mut errors = ValidationErrors::new();
        assert_eq!(required_change("title", Change::<i32>::Clear, &mut errors), None);
        assert_eq!(required_change("title", Change::Keep, &mut errors), Some(None::<i32>));
        assert_eq!(required_change("title", Change::Set(3), &mut errors), Some(Some(3)));
        assert_eq!(errors.fields()[0].field, "title");
        assert_eq!(errors.fields()[0].violations[0].rule, "isDefined");
        assert_eq!(errors.fields().len(), 1);
    }

    #[test]
    fn parsed_changes_apply_the_rules_to_what_they_set() {
        let mut errors = ValidationErrors::new();
        assert_eq!(
            value_change("note", Change::Set("  ".to_owned()), Text::parse, &mut errors),
            None
        );
        assert_eq!(
            value_change("note", Change::Clear, Text::parse, &mut errors),
            Some(Change::<Text>::Clear)
        );
        assert_eq!(errors.fields()[0].violations[0].rule, "isNotEmpty");
        assert_eq!(optional_value("note", None, Text::parse, &mut errors), Some(None));
        assert_eq!(
            required_value_change("due", Change::Set("soon".to_owned()), instant, &mut errors),
            None
        );
        assert_eq!(errors.fields()[1].field, "due");
        assert_eq!(
            required_value_change("title", Change::Set(" T ".to_owned()), Text::parse, &mut errors),
            Some(Some(Text::parse("T").expect("valid")))
        );
        assert_eq!(
            required_value_change("title", Change::Clear, Text::parse, &mut errors),
            None
        );
    }

    proptest! {
        #[test]
        fn parsing_text_twice_changes_nothing(raw in "\\PC{0,50}") {
            if let Ok(text) = Text::parse(&raw) {
                prop_assert_eq!(Text::parse(text.as_str()), Ok(text.clone()));
            }
        }

        #[test]
        fn text_never_panics_and_what_it_accepts_is_within_bounds(raw in "\\PC{0,1100}") {
            if let Ok(text) = Text::parse(&raw) {
                prop_assert!(!text.as_str().is_empty());
                prop_assert!(text.as_str().chars().count() <= MAX_TEXT_CHARS);
            }
        }
    }
}
