//! The packaging files agree with each other and with the code.
//!
//! No Docker engine runs where CI runs, so nothing here builds an image or starts a container:
//! docker-compose.yml, the Dockerfile, .dockerignore and the CI workflow are read as text, and the
//! environment the container would get is fed to the service's real configuration loader. That
//! catches the drift that otherwise shows only on `docker compose up`: a renamed setting, a port that
//! no longer matches, a database the init script never creates, a Rust version that no longer builds
//! the locked dependencies.

mod compose;
mod compose_model;
mod dockerfile;
mod dockerfile_model;
mod dockerignore;
mod interpolation;
mod settings_docs;
mod support;
mod versions;
