//! Bootstrap: reads the configuration, wires the adapters to the use cases, and runs the server.
//!
//! This is the only crate that knows every other crate. It holds no business rules; if a decision here is
//! not about configuration or wiring, it belongs in an inner crate.

pub mod cli;
mod duration;
pub mod metrics;
mod postgres_prepare;
pub mod service;
pub mod settings;
pub mod startup;
pub mod store;
pub mod telemetry;

pub use duration::Seconds;
pub use settings::Settings;
pub use startup::Application;
