//! The adapters of the auth service: they implement the application's ports and drive its use cases.
//!
//! - [`postgres`]: `UserRepository` on PostgreSQL (sqlx), with the migrations and pool settings.
//! - [`sqlite`]: `UserRepository` on an embedded SQLite file, the zero-setup default.
//! - [`bcrypt`]: `PasswordHasher` on bcrypt, off the async executor and bounded to the core count.
//! - [`time_bounded`]: a deadline on every `UserRepository` call, around either store.
//! - [`clock`]: `Clock` on the system clock.
//! - [`jwt`]: `SessionTokens` on HS256 JSON Web Tokens, judged against the application's clock.
//! - [`graphql`]: the GraphQL schema, its abuse limits, and the one place domain errors become GraphQL errors.
//! - [`http`]: the axum router: `/graphql`, `/api/health` and `/api/ready`.
//!
//! Adapters know the application and the domain; neither of those may know any adapter.

mod attempts;
pub mod bcrypt;
pub mod clock;
pub mod graphql;
pub mod http;
pub mod jwt;
pub mod postgres;
pub mod sqlite;
pub mod time_bounded;
