use async_trait::async_trait;
use domain::{Email, User, UserId, ValidationErrors, page_after};

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
        let id = UserId::parse_field("id", id).map_err(QueryError::InvalidInput)?;
        Ok(self.repository.find_by_id(id).await?)
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<User>, QueryError> {
        let email = Email::parse(email).map_err(|e| {
            QueryError::InvalidInput(ValidationErrors::single("email", vec![e.violation()]))
        })?;
        Ok(self.repository.find_by_email(&email).await?)
    }

    async fn users(&self, first: i64, after: Option<String>) -> Result<Vec<User>, QueryError> {
        let (first, after) =
            page_after(first, after.as_deref()).map_err(QueryError::InvalidInput)?;
        Ok(self.repository.list(after, first).await?)
    }
}
