//! The {{ plural.snake }} module's use cases: each caller creates, reads, lists, updates and deletes
//! their own {{ plural.prose }}, and never sees anyone else's.

mod errors;
pub mod ports;
mod service;
mod use_cases;

pub use errors::{
    Create{{ entity.pascal }}Error, Delete{{ entity.pascal }}Error, {{ entity.pascal }}QueryError,
    Update{{ entity.pascal }}Error,
};
pub use service::{{ entity.pascal }}Service;
#[cfg(any(test, feature = "mocks"))]
pub use use_cases::Mock{{ entity.pascal }}UseCases;
pub use use_cases::{{ entity.pascal }}UseCases;

#[cfg(test)]
mod tests;
