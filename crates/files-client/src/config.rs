//! Client configuration: credentials, base URL, generation, limits, transport.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use files_transport::SharedTransport;
use files_types::ApiGeneration;
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::{Client, Error};

/// The API's address when none is configured.
pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
/// Time allowed per attempt (until response headers; and the longest silence
/// between body chunks): 600 s, as the official SDKs.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
/// Time allowed to connect: 5 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Retries after the first attempt: 2, as the official SDKs.
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// The `user-agent` this SDK sends.
pub const USER_AGENT: &str = concat!("anthropic-files-rust/", env!("CARGO_PKG_VERSION"));

/// How requests authenticate. `Debug` and `Display` never show the secret.
///
/// ```
/// use files_client::Credentials;
///
/// let key = Credentials::api_key("sk-ant-secret");
/// assert_eq!(format!("{key:?}"), "Credentials::ApiKey(<redacted>)");
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// An API key: `x-api-key` (beta) or `authorization: Bearer` (GA).
    ApiKey(String),
    /// An OAuth or other bearer token: `authorization: Bearer`.
    BearerToken(String),
}

impl Credentials {
    /// An API key.
    pub fn api_key(key: impl Into<String>) -> Self {
        Self::ApiKey(key.into())
    }

    /// A bearer token.
    pub fn bearer_token(token: impl Into<String>) -> Self {
        Self::BearerToken(token.into())
    }

    pub(crate) fn secret(&self) -> &str {
        match self {
            Self::ApiKey(s) | Self::BearerToken(s) => s,
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ApiKey(_) => f.write_str("Credentials::ApiKey(<redacted>)"),
            Self::BearerToken(_) => f.write_str("Credentials::BearerToken(<redacted>)"),
        }
    }
}

/// A validated configuration, shared by every request of a [`Client`].
#[derive(Clone)]
pub(crate) struct Config {
    pub base_url: String,
    pub credentials: Credentials,
    pub generation: ApiGeneration,
    pub betas: Vec<String>,
    pub workspace_id: Option<String>,
    pub timeout: Duration,
    pub max_retries: u32,
    pub default_headers: HeaderMap,
    pub user_agent: HeaderValue,
    pub max_upload_bytes: u64,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("generation", &self.generation)
            .field("betas", &self.betas)
            .field("workspace_id", &self.workspace_id)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .field("max_upload_bytes", &self.max_upload_bytes)
            .field("default_headers", &redacted_headers(&self.default_headers))
            .finish()
    }
}

/// Header names, with the values of anything that may hold a secret hidden.
pub(crate) fn redacted_headers(headers: &HeaderMap) -> Vec<String> {
    headers
        .iter()
        .map(|(name, value)| {
            let secret = matches!(
                name.as_str(),
                "x-api-key" | "authorization" | "cookie" | "proxy-authorization"
            );
            match (secret, value.to_str()) {
                (false, Ok(value)) => format!("{name}: {value}"),
                _ => format!("{name}: <redacted>"),
            }
        })
        .collect()
}

/// Builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use files_client::{ApiGeneration, Client, Credentials};
///
/// let client = Client::builder()
///     .credentials(Credentials::api_key("sk-ant-..."))
///     .base_url("http://127.0.0.1:8787")
///     .generation(ApiGeneration::Ga)
///     .timeout(Duration::from_secs(60))
///     .max_retries(4)
///     .build()?;
/// assert!(!format!("{client:?}").contains("sk-ant"));
/// # Ok::<(), files_client::Error>(())
/// ```
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    base_url: Option<String>,
    credentials: Option<Credentials>,
    generation: ApiGeneration,
    betas: Vec<String>,
    workspace_id: Option<String>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    max_retries: Option<u32>,
    default_headers: Vec<(String, String)>,
    user_agent: Option<String>,
    transport: Option<SharedTransport>,
    max_upload_bytes: Option<u64>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("credentials", &self.credentials)
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder with every default: beta generation, 600 s timeout, 2 retries.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the base URL (`http://` or `https://`; default `https://api.anthropic.com`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sets the credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Uses an API key.
    pub fn api_key(self, key: impl Into<String>) -> Self {
        self.credentials(Credentials::api_key(key))
    }

    /// Uses a bearer token.
    pub fn auth_token(self, token: impl Into<String>) -> Self {
        self.credentials(Credentials::bearer_token(token))
    }

    /// Chooses the API generation (beta by default).
    pub fn generation(mut self, generation: ApiGeneration) -> Self {
        self.generation = generation;
        self
    }

    /// Adds an `anthropic-beta` value sent with every request.
    pub fn beta(mut self, beta: impl Into<String>) -> Self {
        self.betas.push(beta.into());
        self
    }

    /// Sends `anthropic-workspace-id` with every request.
    pub fn workspace_id(mut self, id: impl Into<String>) -> Self {
        self.workspace_id = Some(id.into());
        self
    }

    /// Time allowed per attempt until the response headers (default 600 s); also
    /// the longest silence allowed between body chunks.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time allowed to connect (default 5 s), for the default transport.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How many times a failed request is retried (default 2).
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// A header sent with every request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.default_headers.push((name.into(), value.into()));
        self
    }

    /// Replaces the `user-agent` (default `anthropic-files-rust/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Raises (or lowers) the client-side size check of uploads, 500 MiB by
    /// default: for servers configured with another limit. The server stays the
    /// authority either way.
    pub fn max_upload_bytes(mut self, bytes: u64) -> Self {
        self.max_upload_bytes = Some(bytes);
        self
    }

    /// Sends requests through `transport` instead of the default hyper transport.
    pub fn transport(mut self, transport: SharedTransport) -> Self {
        self.transport = Some(transport);
        self
    }

    /// Fills what is unset from `ANTHROPIC_API_KEY`, `ANTHROPIC_AUTH_TOKEN` and
    /// `ANTHROPIC_BASE_URL` (empty values are ignored).
    pub fn from_env(mut self) -> Self {
        let var = |name| {
            std::env::var(name)
                .ok()
                .filter(|v: &String| !v.trim().is_empty())
        };
        if self.credentials.is_none() {
            self.credentials = var("ANTHROPIC_API_KEY")
                .map(Credentials::ApiKey)
                .or_else(|| var("ANTHROPIC_AUTH_TOKEN").map(Credentials::BearerToken));
        }
        if self.base_url.is_none() {
            self.base_url = var("ANTHROPIC_BASE_URL");
        }
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    /// No credentials, an invalid base URL or header, or a transport that cannot start.
    pub fn build(self) -> Result<Client, Error> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::config(
                "no credentials: set ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN, or call api_key()/auth_token()",
            )
        })?;
        if credentials.secret().trim().is_empty() {
            return Err(Error::config("the API key or token is empty"));
        }
        if HeaderValue::from_str(credentials.secret()).is_err() {
            return Err(Error::config(
                "the API key or token contains characters not allowed in a header",
            ));
        }
        let base_url = validate_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let mut default_headers = HeaderMap::new();
        for (name, value) in self.default_headers {
            let header_name = HeaderName::try_from(name.as_str())
                .map_err(|_| Error::config(format!("invalid header name {name:?}")))?;
            let header_value = HeaderValue::try_from(value.as_str())
                .map_err(|_| Error::config(format!("invalid value for header {name}")))?;
            default_headers.insert(header_name, header_value);
        }
        let user_agent = HeaderValue::try_from(self.user_agent.as_deref().unwrap_or(USER_AGENT))
            .map_err(|_| Error::config("invalid user agent"))?;
        let transport = match self.transport {
            Some(transport) => transport,
            None => default_transport(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))?,
        };
        let config = Config {
            base_url,
            credentials,
            generation: self.generation,
            betas: self.betas,
            workspace_id: self.workspace_id,
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
            default_headers,
            user_agent,
            max_upload_bytes: self
                .max_upload_bytes
                .unwrap_or(files_types::MAX_FILE_SIZE_BYTES),
        };
        Ok(Client::from_parts(Arc::new(config), transport))
    }
}

#[cfg(feature = "hyper")]
fn default_transport(connect_timeout: Duration) -> Result<SharedTransport, Error> {
    let transport = files_transport::HyperTransport::builder()
        .connect_timeout(connect_timeout)
        .build()
        .map_err(|err| Error::config(format!("cannot build the default transport: {err}")))?;
    Ok(Arc::new(transport))
}

#[cfg(not(feature = "hyper"))]
fn default_transport(_connect_timeout: Duration) -> Result<SharedTransport, Error> {
    Err(Error::config(
        "no transport: enable the `hyper` feature or call ClientBuilder::transport()",
    ))
}

/// `http://` or `https://` with a host; no query or fragment; trailing `/` removed.
fn validate_base_url(url: &str) -> Result<String, Error> {
    let url = url.trim();
    let uri: http::Uri = url
        .parse()
        .map_err(|_| Error::config(format!("base URL {url:?} is not a URL")))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => {
            return Err(Error::config(format!(
                "base URL {url:?} must start with http:// or https://"
            )));
        }
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(Error::config(format!("base URL {url:?} has no host")));
    }
    if uri.query().is_some() || url.contains('#') {
        return Err(Error::config(format!(
            "base URL {url:?} must not have a query or fragment"
        )));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(
            validate_base_url("https://api.anthropic.com/").unwrap(),
            "https://api.anthropic.com"
        );
        assert_eq!(
            validate_base_url("http://127.0.0.1:8787/proxy").unwrap(),
            "http://127.0.0.1:8787/proxy"
        );
        for bad in [
            "ftp://x",
            "api.anthropic.com",
            "",
            "https://x/?a=1",
            "https://x/#f",
        ] {
            assert!(validate_base_url(bad).is_err(), "{bad}");
        }
    }
}
