//! The users module's adapters: its repositories on both stores, bcrypt, HS256 session tokens, its
//! GraphQL types and resolvers, `GET /api/authenticate`, and the password versions guards check.

mod attempts;
pub mod bcrypt;
pub mod graphql;
pub mod http;
pub mod identity;
pub mod jwt;
pub mod password_versions;
pub mod postgres;
pub mod sqlite;
