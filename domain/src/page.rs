//! Page sizes for keyset listing. The seed returned every row in one response; lists here are capped.

use crate::{Id, ValidationErrors, Violation};

/// How many rows one page may hold. `0` is allowed and yields an empty page, as Relay's `first: 0` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSize(u32);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be between 0 and {max}, got {got}")]
pub struct PageSizeError {
    pub got: i64,
    pub max: u32,
}

impl PageSize {
    pub const MAX: u32 = 1000;
    pub const DEFAULT: u32 = 100;

    pub fn try_new(value: i64) -> Result<Self, PageSizeError> {
        u32::try_from(value)
            .ok()
            .filter(|v| *v <= Self::MAX)
            .map(Self)
            .ok_or(PageSizeError {
                got: value,
                max: Self::MAX,
            })
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

/// A keyset page as a client asked for it: how many (`first`) after which id (`after`), both checked
/// at once so that a client learns every broken rule.
///
/// # Errors
/// `first` outside `0..=1000` (rule `range`) and `after` not an id (rule `isId`), each under its name.
pub fn page_after<T>(
    first: i64,
    after: Option<&str>,
) -> Result<(PageSize, Option<Id<T>>), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let first = PageSize::try_new(first)
        .map_err(|e| {
            errors.add(
                "first",
                vec![Violation {
                    rule: "range",
                    message: e.to_string(),
                }],
            );
        })
        .ok();
    let after = match after.map(|raw| Id::parse_field("after", raw)) {
        None => Some(None),
        Some(Ok(id)) => Some(Some(id)),
        Some(Err(e)) => {
            errors.add("after", e.fields()[0].violations.clone());
            None
        }
    };
    match (first, after) {
        (Some(first), Some(after)) => Ok((first, after)),
        _ => Err(errors),
    }
}

impl Default for PageSize {
    fn default() -> Self {
        Self(Self::DEFAULT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_zero_to_max_and_refuses_the_rest() {
        assert_eq!(PageSize::try_new(0).map(PageSize::get), Ok(0));
        assert_eq!(PageSize::try_new(1000).map(PageSize::get), Ok(1000));
        assert_eq!(
            PageSize::try_new(1001),
            Err(PageSizeError {
                got: 1001,
                max: 1000
            })
        );
        assert_eq!(
            PageSize::try_new(-1),
            Err(PageSizeError { got: -1, max: 1000 })
        );
        assert_eq!(PageSize::default().get(), 100);
    }

    #[test]
    fn a_page_request_reports_both_arguments_at_once() {
        struct Row;
        let (first, after) = page_after::<Row>(5, Some("7")).expect("valid");
        assert_eq!((first.get(), after.map(Id::get)), (5, Some(7)));
        let errors = page_after::<Row>(1001, Some("x")).expect_err("both broken");
        let fields: Vec<&str> = errors.fields().iter().map(|f| f.field).collect();
        assert_eq!(fields, ["first", "after"]);
        assert_eq!(errors.fields()[0].violations[0].rule, "range");
        assert_eq!(errors.fields()[1].violations[0].rule, "isId");
    }
}
