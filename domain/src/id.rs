//! Database-generated ids, one type per entity so that an id of one kind cannot be passed for another.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::str::FromStr;

use crate::{ValidationErrors, Violation};

/// A positive id of a `T`, as the store generated it. The marker costs nothing at run time; it only keeps
/// an `Id<Job>` from being passed where an `Id<Caller>` is due.
pub struct Id<T> {
    value: i64,
    of: PhantomData<fn() -> T>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a positive integer id")]
pub struct IdError;

impl<T> Id<T> {
    /// # Errors
    /// [`IdError`] for zero or a negative value.
    pub fn try_new(value: i64) -> Result<Self, IdError> {
        if value > 0 {
            Ok(Self {
                value,
                of: PhantomData,
            })
        } else {
            Err(IdError)
        }
    }

    pub fn get(self) -> i64 {
        self.value
    }

    /// An id a client sent as `field`, or a validation failure that names the field (rule `isId`).
    ///
    /// # Errors
    /// When `raw` is not a positive decimal integer.
    pub fn parse_field(field: &'static str, raw: &str) -> Result<Self, ValidationErrors> {
        raw.parse().map_err(|e: IdError| {
            ValidationErrors::single(
                field,
                vec![Violation {
                    rule: "isId",
                    message: e.to_string(),
                }],
            )
        })
    }
}

impl<T> FromStr for Id<T> {
    type Err = IdError;

    /// GraphQL `ID`s arrive as strings; only plain decimal digits are accepted, so `"+1"`, `" 1"` and
    /// `"1e3"` are refused rather than silently reinterpreted.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdError);
        }
        s.parse::<i64>()
            .map_err(|_| IdError)
            .and_then(Self::try_new)
    }
}

// Written out rather than derived: a derive would demand the same traits of the marker `T`.
impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Id<T> {}

impl<T> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<T> Eq for Id<T> {}

impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Id<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.value.cmp(&other.value)
    }
}

impl<T> Hash for Id<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}

impl<T> fmt::Display for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.value)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    struct Thing;

    #[test]
    fn ids_parse_only_from_positive_decimal_digits() {
        assert_eq!("42".parse::<Id<Thing>>().map(Id::get), Ok(42));
        for bad in [
            "",
            "0",
            "-1",
            "+1",
            " 1",
            "1e3",
            "abc",
            "99999999999999999999",
        ] {
            assert_eq!(bad.parse::<Id<Thing>>(), Err(IdError), "{bad:?}");
        }
    }

    #[test]
    fn a_bad_id_names_its_field_and_the_rule() {
        let errors = Id::<Thing>::parse_field("after", "x").expect_err("not an id");
        assert_eq!(errors.fields()[0].field, "after");
        assert_eq!(errors.fields()[0].violations[0].rule, "isId");
    }

    proptest! {
        #[test]
        fn every_positive_id_round_trips_through_its_text(value in 1i64..=i64::MAX) {
            let id = Id::<Thing>::try_new(value).expect("positive");
            prop_assert_eq!(id.to_string().parse::<Id<Thing>>(), Ok(id));
        }
    }
}
