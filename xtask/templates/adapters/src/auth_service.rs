//! Who is calling, asked of the auth service: `GET /api/authenticate` with the caller's session token,
//! on every request and with no cache, so that a session the auth service has revoked (its password
//! changed, say) stops working here at once.

use std::time::Duration;

use application::ports::{CallerIdentity, IdentityError};
use async_trait::async_trait;
use domain::{Caller, CallerId};
use reqwest::header::{AUTHORIZATION, HeaderValue};
use reqwest::{StatusCode, Url};

/// How long the auth service may take to answer before the caller is told the service is unavailable.
pub const TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone)]
pub struct AuthServiceIdentity {
    client: reqwest::Client,
    authenticate: Url,
}

/// The part of auth's answer this service needs.
#[derive(serde::Deserialize)]
struct Authenticated {
    id: String,
}

impl AuthServiceIdentity {
    /// Asks the auth service at `base` (`http://localhost:3000`, say).
    ///
    /// # Errors
    /// When `base` cannot take a path, or the HTTP client cannot be built.
    pub fn new(base: &Url) -> anyhow::Result<Self> {
        let mut authenticate = base.clone();
        authenticate
            .path_segments_mut()
            .map_err(|()| anyhow::anyhow!("the auth service's URL cannot take a path"))?
            .pop_if_empty()
            .extend(["api", "authenticate"]);
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            // An answer is auth's own or none: a redirect elsewhere must not be followed with a token,
            // and no proxy from the environment may see one.
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()?;
        Ok(Self {
            client,
            authenticate,
        })
    }

    pub fn url(&self) -> &Url {
        &self.authenticate
    }
}

fn unavailable(why: impl std::fmt::Display) -> IdentityError {
    IdentityError::Unavailable(anyhow::anyhow!("the auth service could not vouch for the caller: {why}"))
}

#[async_trait]
impl CallerIdentity for AuthServiceIdentity {
    async fn identify(&self, token: &str) -> Result<Caller, IdentityError> {
        // The token came from a request header, but a cookie may hold what no header can carry.
        let Ok(bearer) = HeaderValue::from_str(&format!("Bearer {token}")) else {
            return Err(IdentityError::Refused(
                "the session token is not a valid header value".to_owned(),
            ));
        };
        let response = self
            .client
            .get(self.authenticate.clone())
            .header(AUTHORIZATION, bearer)
            .send()
            .await
            // reqwest's error names the URL, never the header, so the token stays out of the log.
            .map_err(unavailable)?;
        match response.status() {
            StatusCode::OK => {
                let body: Authenticated = response.json().await.map_err(unavailable)?;
                let id = body
                    .id
                    .parse::<CallerId>()
                    .map_err(|_| unavailable(format!("it answered the id {:?}", body.id)))?;
                Ok(Caller { id })
            }
            StatusCode::UNAUTHORIZED => Err(IdentityError::Refused(
                "the auth service refused the session".to_owned(),
            )),
            other => Err(unavailable(format!("it answered {other}"))),
        }
    }
}
