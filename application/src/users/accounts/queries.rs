use async_trait::async_trait;
use domain::{Email, PageSize, User, UserId, ValidationErrors, Violation};

use super::{QueryError, UserQueries};
use crate::users::ports::UserRepository;

/// The user queries, generic over the one port they need.
#[derive(Debug, Clone)]
pub struct UserQueryService<R> {
    repository: R,
}

impl<R: UserRepository> UserQueryService<R> {
    pub fn new(repository: R) -> Self {
        Self { repository }
    }
}

#[async_trait]
impl<R: UserRepository> UserQueries for UserQueryService<R> {
    async fn user(&self, id: &str) -> Result<Option<User>, QueryError> {
        let id = parse_id("id", id).map_err(QueryError::InvalidInput)?;
        Ok(self.repository.find_by_id(id).await?)
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<User>, QueryError> {
        let email = Email::parse(email).map_err(|e| {
            QueryError::InvalidInput(ValidationErrors::single("email", vec![e.violation()]))
        })?;
        Ok(self.repository.find_by_email(&email).await?)
    }

    async fn users(&self, first: i64, after: Option<String>) -> Result<Vec<User>, QueryError> {
        let mut errors = ValidationErrors::new();
        let first = PageSize::try_new(first)
            .map_err(|e| {
                errors.add(
                    "first",
                    vec![Violation {
                        rule: "range",
                        message: e.to_string(),
                    }],
                )
            })
            .ok();
        let after = match after.as_deref().map(|raw| parse_id("after", raw)) {
            None => Some(None),
            Some(Ok(id)) => Some(Some(id)),
            Some(Err(e)) => {
                errors.add("after", e.fields()[0].violations.clone());
                None
            }
        };
        match (first, after) {
            (Some(first), Some(after)) => Ok(self.repository.list(after, first).await?),
            _ => Err(QueryError::InvalidInput(errors)),
        }
    }
}

fn parse_id(field: &'static str, raw: &str) -> Result<UserId, ValidationErrors> {
    raw.parse::<UserId>().map_err(|e| {
        ValidationErrors::single(
            field,
            vec![Violation {
                rule: "isId",
                message: e.to_string(),
            }],
        )
    })
}
