//! The client's validated configuration, its defaults and credentials.

use std::fmt;
use std::time::Duration;

use files_types::ApiGeneration;
use http::{HeaderMap, HeaderValue};

/// The API's address when none is configured.
pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
/// The no-progress limit of each attempt, as the official SDKs' timeout:
/// 600 s. A steady transfer of any length never reaches it (see
/// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
/// Retries after the first attempt: 2, as the official SDKs.
pub const DEFAULT_MAX_RETRIES: u32 = 2;

/// How long one request may keep being throttled (`429`) before it fails:
/// five minutes. A throttled request spends none of its retries.
pub const DEFAULT_THROTTLE_BUDGET: Duration = Duration::from_secs(300);
/// The `user-agent` this SDK sends.
pub const USER_AGENT: &str = concat!("anthropic-files-rust/", env!("CARGO_PKG_VERSION"));
/// The size of the chunks files are read and written in: 1 MiB.
pub const CHUNK_SIZE: usize = 1024 * 1024;

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

/// A validated configuration, shared by every request of a client. Every
/// header value in it was checked when the client was built.
#[derive(Clone)]
pub(crate) struct Config {
    pub base_url: String,
    pub generation: ApiGeneration,
    /// `x-api-key` or `authorization`, marked sensitive.
    pub auth: (http::HeaderName, HeaderValue),
    pub betas: Vec<String>,
    pub workspace_id: Option<HeaderValue>,
    pub timeout: Duration,
    pub operation_timeout: Option<Duration>,
    pub max_retries: u32,
    /// How long one request may keep being throttled.
    pub throttle_budget: Duration,
    pub default_headers: HeaderMap,
    pub user_agent: HeaderValue,
    pub max_upload_bytes: u64,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("base_url", &self.base_url)
            .field("generation", &self.generation)
            .field("auth", &format_args!("{}: <redacted>", self.auth.0))
            .field("betas", &self.betas)
            .field("workspace_id", &self.workspace_id)
            .field("timeout", &self.timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("max_retries", &self.max_retries)
            .field("throttle_budget", &self.throttle_budget)
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
            let secret = value.is_sensitive()
                || matches!(
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
