//! [`ClientBuilder`]: every option of a [`Client`], checked when it is built.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "tower")]
use files_transport::{BoxError, RequestBody, ResponseBody, TransportService};
use files_transport::{DEFAULT_CONNECT_TIMEOUT, SharedTransport, Transport};
use files_types::ApiGeneration;
use http::{HeaderMap, HeaderValue};
#[cfg(feature = "tower")]
use tower_layer::Layer;
#[cfg(feature = "tower")]
use tower_service::Service;

use self::base_url::{redact_userinfo, validate_base_url};
use self::default_transport::default_transport;
use crate::config::{
    Config, Credentials, DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_THROTTLE_BUDGET,
    DEFAULT_TIMEOUT, USER_AGENT,
};
use crate::headers::{auth_header, beta_header};
use crate::rate::RateControl;
use crate::{Client, Error};

#[cfg(feature = "tower")]
mod layers;

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from `ANTHROPIC_API_KEY` (or `ANTHROPIC_AUTH_TOKEN`) and
    /// `ANTHROPIC_BASE_URL`, with every other default.
    ///
    /// # Errors
    /// Neither variable holds a credential, or the base URL is invalid.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::new().from_env().build()
    }
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
    operation_timeout: Option<Duration>,
    root_certificates_pem: Vec<Vec<u8>>,
    max_requests_per_minute: Option<u32>,
    max_retries: Option<u32>,
    throttle_budget: Option<Duration>,
    default_headers: Vec<(String, String)>,
    user_agent: Option<String>,
    transport: Option<SharedTransport>,
    max_upload_bytes: Option<u64>,
    #[cfg(feature = "tower")]
    layers: Vec<layers::Wrap>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().map(redact_userinfo))
            .field("credentials", &self.credentials)
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder with every default: beta generation, 600 s pool/write/read
    /// limits, 5 s to connect, no operation limit, 2 retries.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the base URL (`http://` or `https://`; default `https://api.anthropic.com`).
    /// A URL holding credentials (`user:password@host`) fails the build: they
    /// would never be sent, and the error shows them redacted.
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

    /// The longest an attempt may go without progress, whatever its phase but
    /// connecting (default 600 s): sent with each attempt as its
    /// [`NoProgressTimeout`](files_transport::NoProgressTimeout), where the
    /// phases are told. A steady transfer of any length never reaches it; a
    /// stalled peer fails within it with an [`Error::Timeout`] naming the
    /// phase.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time allowed to connect, TCP and TLS (default 5 s), for the default
    /// transport; a custom transport brings its own.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Bounds every call as a whole, retries and their waits included (off
    /// by default, as in aws-sdk-rust's operation timeout). A streamed
    /// download's body, read after the call returned, is bounded by the read
    /// limit of [`timeout`](Self::timeout) instead.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// Also trusts the CA certificates in `pem` (one or more `CERTIFICATE`
    /// blocks), besides the built-in roots: for a server with a private CA,
    /// like curl's `--cacert`. An unknown CA is still refused. For the
    /// default transport; a custom transport brings its own trust.
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates_pem.push(pem.into());
        self
    }

    /// A hard cap on top of the adaptive rate: at most `n` requests a minute,
    /// as a token bucket of `n` refilled evenly (off by default). Every task
    /// of the client and its clones shares it.
    ///
    /// Without it the client still paces itself, with no configuration: after
    /// the first throttle (`429`, `529`) it cuts its send rate, then regains
    /// it while requests succeed ([`Client::send_rate`]); a `429` that carries
    /// `retry-after`/`retry-after-ms` also pauses every task for that long (at
    /// most 60 s), and the pause releases them one by one at the adaptive pace.
    pub fn max_requests_per_minute(mut self, n: u32) -> Self {
        self.max_requests_per_minute = Some(n);
        self
    }

    /// How long one request may keep being throttled (`429`) before it fails
    /// with [`NotRetried::ThrottleBudgetSpent`](crate::NotRetried::ThrottleBudgetSpent)
    /// (default [`DEFAULT_THROTTLE_BUDGET`], five minutes). A throttled request
    /// waits as the server says and spends none of its
    /// [`max_retries`](ClientBuilder::max_retries); other failures (5xx,
    /// timeouts, connection errors) spend them as the official SDKs do.
    pub fn throttle_budget(mut self, budget: Duration) -> Self {
        self.throttle_budget = Some(budget);
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

    /// Sends requests through `transport` instead of the default hyper
    /// transport: any [`Transport`], e.g. files-transport's `ReqwestTransport`
    /// over a host's own `reqwest::Client`, or an `Arc<dyn Transport>`.
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Puts a tower layer around the transport (the default one or the one
    /// given to [`transport`](Self::transport)): every attempt of every call
    /// goes through it, inside the client's retries, so a retried request
    /// passes through it once per attempt. The first layer added is the
    /// outermost, as with tower's `ServiceBuilder`.
    ///
    /// A layer sees each attempt's `http::Request<RequestBody>` (its
    /// `x-stainless-retry-count` header says which attempt it is) and the
    /// `http::Response<ResponseBody>` with its body still streaming; any
    /// status is a response. An error the layer returns that is a
    /// [`TransportError`](files_transport::TransportError) keeps its kind
    /// (and so decides whether the client retries); any other error fails the
    /// call without a retry (see
    /// [`TowerTransport`](files_transport::TowerTransport)).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// use files_client::Client;
    /// use tower::layer::layer_fn;
    ///
    /// // The host's own layer: here one that only names the service it wraps;
    /// // see `examples/embed_tower.rs` for one that counts attempts.
    /// let built = Arc::new(AtomicUsize::new(0));
    /// let seen = Arc::clone(&built);
    /// let client = Client::builder()
    ///     .api_key("sk-ant-...")
    ///     .layer(layer_fn(move |inner| {
    ///         seen.fetch_add(1, Ordering::SeqCst);
    ///         inner
    ///     }))
    ///     .build()?;
    /// assert_eq!(built.load(Ordering::SeqCst), 1);
    /// # let _ = client;
    /// # Ok::<(), files_client::Error>(())
    /// ```
    #[cfg(feature = "tower")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<TransportService> + Send + Sync + 'static,
        L::Service: Service<http::Request<RequestBody>, Response = http::Response<ResponseBody>>
            + Clone
            + Send
            + 'static,
        <L::Service as Service<http::Request<RequestBody>>>::Error: Into<BoxError>,
        <L::Service as Service<http::Request<RequestBody>>>::Future: Send,
    {
        self.layers.push(layers::wrap(layer));
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

    /// Checks the configuration and builds the client. Every value that goes
    /// into a header is checked here: none is ever dropped silently.
    ///
    /// # Errors
    /// No credentials, an invalid base URL, header, beta or workspace id,
    /// unreadable root certificates, or a transport that cannot start.
    pub fn build(self) -> Result<Client, Error> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::config(
                "no credentials: set ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN, or call api_key()/auth_token()",
            )
        })?;
        let auth = auth_header(&credentials, self.generation)?;
        let requests_per_minute = match self.max_requests_per_minute {
            None => None,
            Some(n) => Some(
                NonZeroU32::new(n)
                    .ok_or_else(|| Error::config("max_requests_per_minute must be at least 1"))?,
            ),
        };
        let base_url = validate_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        beta_header(&self.betas)?;
        let workspace_id = self
            .workspace_id
            .map(|id| {
                HeaderValue::from_str(id.trim()).map_err(|_| {
                    Error::config(format!("workspace id {id:?} cannot be sent in a header"))
                })
            })
            .transpose()?;
        let mut default_headers = HeaderMap::new();
        for (name, value) in &self.default_headers {
            let (name, value) = crate::headers::header_pair(name, value)?;
            default_headers.insert(name, value);
        }
        let user_agent = HeaderValue::try_from(self.user_agent.as_deref().unwrap_or(USER_AGENT))
            .map_err(|_| Error::config("invalid user agent"))?;
        let transport = match self.transport {
            Some(transport) if !self.root_certificates_pem.is_empty() => {
                let _ = transport;
                return Err(Error::config(
                    "add_root_certificates_pem applies to the default transport: configure trust on the custom transport instead",
                ));
            }
            Some(transport) => transport,
            None => default_transport(
                self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
                &self.root_certificates_pem,
            )?,
        };
        #[cfg(feature = "tower")]
        let transport = layers::apply(&self.layers, transport);
        let config = Config {
            base_url,
            generation: self.generation,
            auth,
            betas: self.betas,
            workspace_id,
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            operation_timeout: self.operation_timeout,
            max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
            throttle_budget: self.throttle_budget.unwrap_or(DEFAULT_THROTTLE_BUDGET),
            default_headers,
            user_agent,
            max_upload_bytes: self
                .max_upload_bytes
                .unwrap_or(files_types::MAX_FILE_SIZE_BYTES),
        };
        Ok(Client::from_parts(
            Arc::new(config),
            transport,
            RateControl::new(requests_per_minute),
        ))
    }
}

mod base_url;
mod default_transport;
#[cfg(test)]
mod tests;
