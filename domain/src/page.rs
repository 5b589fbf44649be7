//! Page sizes for keyset listing. The seed returned every row in one response; lists here are capped.

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
}
