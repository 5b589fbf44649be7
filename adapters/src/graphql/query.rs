use async_graphql::{Context, ID, Object, Result};
use domain::PageSize;

use super::SharedUseCases;
use super::errors::IntoGraphQlError;
use super::types::User;

pub struct QueryRoot;

#[Object(name = "Query")]
impl QueryRoot {
    /// Users in id order, `first` at a time (at most 1000), after the user with id `after`.
    #[graphql(
        complexity = "usize::try_from(first.unwrap_or(100)).unwrap_or(0).saturating_mul(child_complexity).max(1)"
    )]
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 100)] first: Option<i32>,
        after: Option<ID>,
    ) -> Result<Vec<User>> {
        // An explicit `first: null` means "the default", which is what the seed's clients expect.
        let first = first.map_or(i64::from(PageSize::DEFAULT), i64::from);
        let users = use_cases(ctx)?
            .users(first, after.map(|id| id.0))
            .await
            .map_err(IntoGraphQlError::into_graphql_error)?;
        Ok(users.into_iter().map(User).collect())
    }

    /// The user with this id, or null.
    async fn user(&self, ctx: &Context<'_>, id: ID) -> Result<Option<User>> {
        let user = use_cases(ctx)?
            .user(&id)
            .await
            .map_err(IntoGraphQlError::into_graphql_error)?;
        Ok(user.map(User))
    }

    /// The user with this email, compared without regard to case, or null.
    async fn user_by_email(&self, ctx: &Context<'_>, email: String) -> Result<Option<User>> {
        let user = use_cases(ctx)?
            .user_by_email(&email)
            .await
            .map_err(IntoGraphQlError::into_graphql_error)?;
        Ok(user.map(User))
    }
}

pub(super) fn use_cases<'a>(ctx: &Context<'a>) -> Result<&'a SharedUseCases> {
    ctx.data::<SharedUseCases>()
}
