//! Who is calling: the auth service answers it, and this section says where it is.

use std::sync::Arc;

use adapters::auth_service::AuthServiceIdentity;
use adapters::graphql::SharedIdentity;
use reqwest::Url;
use serde::Deserialize;
use validator::Validate;

use crate::settings::env_name;

/// Where the auth service is when nothing says otherwise: its own default, on this machine.
pub const DEFAULT_AUTH_URL: &str = "http://localhost:{{ auth_port }}";

#[derive(Debug, Clone, Deserialize, Validate)]
#[serde(default, deny_unknown_fields)]
pub struct CallersSettings {
    /// `{{ prefix }}AUTH_URL`: the auth service, which answers `GET /api/authenticate` for every
    /// request's session token.
    pub auth_url: String,
}

impl Default for CallersSettings {
    fn default() -> Self {
        Self {
            auth_url: DEFAULT_AUTH_URL.to_owned(),
        }
    }
}

impl CallersSettings {
    pub(super) fn check(&self) -> Result<(), String> {
        self.url().map(drop)
    }

    /// The auth service's URL.
    ///
    /// # Errors
    /// One line naming the key when it is not an `http://` URL with a host.
    pub fn url(&self) -> Result<Url, String> {
        let key = env_name("auth_url");
        let url = Url::parse(&self.auth_url)
            .map_err(|e| format!("invalid configuration: {key} is not a URL ({e})"))?;
        if !url.username().is_empty() || url.password().is_some() {
            // The URL is logged at start; and the auth service takes sessions, not credentials.
            return Err(format!(
                "invalid configuration: {key} must not hold a user name or password"
            ));
        }
        if url.scheme() != "http" || url.host_str().is_none() {
            return Err(format!(
                "invalid configuration: {key} must be an http:// URL with a host, such as \
                 {DEFAULT_AUTH_URL} (the service talks to auth inside its network; this build has \
                 no TLS client)"
            ));
        }
        Ok(url)
    }
}

/// Asks the auth service who is calling.
///
/// # Errors
/// When the URL cannot be used.
pub(super) fn identity(settings: &CallersSettings) -> anyhow::Result<SharedIdentity> {
    let url = settings.url().map_err(anyhow::Error::msg)?;
    let identity = AuthServiceIdentity::new(&url)?;
    tracing::info!(url = %identity.url(), "asking the auth service who is calling");
    Ok(Arc::new(identity))
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::result_large_err,
        reason = "figment::Jail fixes the closures' error type, figment::Error, which is large"
    )]

    use crate::settings::testing::{jailed, load_in};

    #[test]
    fn the_auth_service_is_asked_on_this_machine_by_default() {
        jailed(|jail| {
            let settings = load_in(jail).expect("defaults load");
            assert_eq!(settings.modules.callers.auth_url, "http://localhost:{{ auth_port }}");
            Ok(())
        });
    }

    #[test]
    fn the_auth_url_is_read_from_its_key_and_checked() {
        jailed(|jail| {
            jail.set_env("{{ prefix }}AUTH_URL", "http://auth:3000");
            let settings = load_in(jail).expect("loads");
            assert_eq!(settings.modules.callers.auth_url, "http://auth:3000");
            for bad in ["not a url", "https://auth:3000", "ftp://auth", "http://me:secret@auth:3000"] {
                jail.set_env("{{ prefix }}AUTH_URL", bad);
                let err = load_in(jail).expect_err(bad);
                assert!(err.contains("{{ prefix }}AUTH_URL"), "{bad}: {err}");
                assert!(!err.contains('\n'), "one line: {err}");
                assert!(!err.contains("secret"), "never echoed: {err}");
            }
            Ok(())
        });
    }
}
