use async_graphql::{Context, ID, Object, Result};
use domain::PageSize;

use super::SharedQueries;
use super::page::UserPage;
use super::session::current_user;
use super::types::User;
use crate::graphql::{IntoGraphQlError, require_caller};

/// The users module's root queries, merged into the service's `Query`.
#[derive(Debug, Default)]
pub struct UsersQuery;

#[Object]
impl UsersQuery {
    /// The logged-in user, or null without a valid session.
    async fn me(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        Ok(current_user(ctx).await?.map(User))
    }

    /// The course's name for `me`.
    #[graphql(deprecation = "Use `me`.")]
    async fn get_user_from_cookie(&self, ctx: &Context<'_>) -> Result<Option<User>> {
        self.me(ctx).await
    }

    /// Users in id order, `first` at a time (at most 1000), after the user with id `after`. Needs a
    /// session.
    #[graphql(
        complexity = "usize::try_from(first.unwrap_or(100)).unwrap_or(0).saturating_mul(child_complexity).max(1)"
    )]
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 100)] first: Option<i32>,
        after: Option<ID>,
    ) -> Result<UserPage> {
        require_caller(ctx).await?;
        // An explicit `first: null` means "the default", which is what the seed's clients expect.
        let first = first.map_or(i64::from(PageSize::DEFAULT), i64::from);
        let users = use_cases(ctx)?
            .users(first, after.map(|id| id.0))
            .await
            .map_err(IntoGraphQlError::into_graphql_error)?;
        Ok(UserPage(users.into_iter().map(User).collect()))
    }

    /// The user with this id, or null. Needs a session.
    async fn user(&self, ctx: &Context<'_>, id: ID) -> Result<Option<User>> {
        require_caller(ctx).await?;
        let user = use_cases(ctx)?
            .user(&id)
            .await
            .map_err(IntoGraphQlError::into_graphql_error)?;
        Ok(user.map(User))
    }

    /// The user with this email, compared without regard to case, or null. Needs a session.
    async fn user_by_email(&self, ctx: &Context<'_>, email: String) -> Result<Option<User>> {
        require_caller(ctx).await?;
        let user = use_cases(ctx)?
            .user_by_email(&email)
            .await
            .map_err(IntoGraphQlError::into_graphql_error)?;
        Ok(user.map(User))
    }
}

fn use_cases<'a>(ctx: &Context<'a>) -> Result<&'a SharedQueries> {
    ctx.data::<SharedQueries>()
}
