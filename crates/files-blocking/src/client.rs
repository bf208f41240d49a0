//! [`Client`] and its builder.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use files_client::{ApiGeneration, Credentials, Error, Transport};

use crate::Files;
use crate::runtime::RuntimeThread;

/// A blocking Anthropic Files API client. Cheap to clone: clones share the
/// runtime thread and the connection pool; the thread stops when the last clone
/// is dropped.
///
/// Calls block the calling thread, which polls the call itself while the
/// runtime thread drives the connections (as reqwest's blocking client).
/// Calling from inside an async runtime returns an [`Error::Misuse`] instead
/// of blocking it: use [`files_client::Client`] there.
///
/// ```no_run
/// use files_blocking::{Client, FileUpload};
///
/// let client = Client::from_env()?;
/// let file = client.files().upload(FileUpload::path("report.pdf"))?;
/// println!("{} ({} bytes)", file.id, file.size_bytes);
/// # Ok::<(), files_blocking::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    inner: files_client::Client,
    runtime: Arc<RuntimeThread>,
}

impl Client {
    /// A builder: the async client's options, set the same way (the one way
    /// to configure a blocking client).
    pub fn builder() -> ClientBuilder {
        ClientBuilder(files_client::Client::builder())
    }

    /// A client configured from `ANTHROPIC_API_KEY` (or `ANTHROPIC_AUTH_TOKEN`)
    /// and `ANTHROPIC_BASE_URL`.
    ///
    /// # Errors
    /// No credential, an invalid base URL, or the runtime thread cannot start.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder().from_env().build()
    }

    /// The files resource.
    pub fn files(&self) -> Files {
        Files::new(self.clone(), self.inner.files())
    }

    /// The API generation this client speaks.
    pub fn generation(&self) -> ApiGeneration {
        self.inner.generation()
    }

    /// The async client underneath.
    pub fn as_async(&self) -> &files_client::Client {
        &self.inner
    }

    /// Waits for `future` on this thread and flattens its result.
    pub(crate) fn call<T>(
        &self,
        future: impl Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        self.runtime.wait(future)?
    }

    /// Waits for `future` on this thread.
    pub(crate) fn wait<F: Future>(&self, future: F) -> Result<F::Output, Error> {
        self.runtime.wait(future)
    }
}

/// Builds a blocking [`Client`]; see [`files_client::ClientBuilder`] for each option.
///
/// ```
/// use files_blocking::{ApiGeneration, Client};
///
/// let client = Client::builder()
///     .api_key("sk-ant-...")
///     .base_url("http://127.0.0.1:8787")
///     .generation(ApiGeneration::Ga)
///     .build()?;
/// assert_eq!(client.generation(), ApiGeneration::Ga);
/// # Ok::<(), files_blocking::Error>(())
/// ```
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder(files_client::ClientBuilder);

impl ClientBuilder {
    /// A builder with every default.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the base URL (see [`files_client::ClientBuilder::base_url`]).
    pub fn base_url(self, url: impl Into<String>) -> Self {
        Self(self.0.base_url(url))
    }

    /// Sets the credentials.
    pub fn credentials(self, credentials: Credentials) -> Self {
        Self(self.0.credentials(credentials))
    }

    /// Uses an API key.
    pub fn api_key(self, key: impl Into<String>) -> Self {
        Self(self.0.api_key(key))
    }

    /// Uses a bearer token.
    pub fn auth_token(self, token: impl Into<String>) -> Self {
        Self(self.0.auth_token(token))
    }

    /// Chooses the API generation (beta by default).
    pub fn generation(self, generation: ApiGeneration) -> Self {
        Self(self.0.generation(generation))
    }

    /// Adds an `anthropic-beta` value sent with every request.
    pub fn beta(self, beta: impl Into<String>) -> Self {
        Self(self.0.beta(beta))
    }

    /// Sends `anthropic-workspace-id` with every request.
    pub fn workspace_id(self, id: impl Into<String>) -> Self {
        Self(self.0.workspace_id(id))
    }

    /// The longest each attempt may go without progress (see
    /// [`files_client::ClientBuilder::timeout`]).
    pub fn timeout(self, timeout: Duration) -> Self {
        Self(self.0.timeout(timeout))
    }

    /// Time allowed to connect, for the default transport.
    pub fn connect_timeout(self, timeout: Duration) -> Self {
        Self(self.0.connect_timeout(timeout))
    }

    /// Bounds every call as a whole, retries included.
    pub fn operation_timeout(self, timeout: Duration) -> Self {
        Self(self.0.operation_timeout(timeout))
    }

    /// Also trusts the CA certificates in `pem`, for the default transport.
    pub fn add_root_certificates_pem(self, pem: impl Into<Vec<u8>>) -> Self {
        Self(self.0.add_root_certificates_pem(pem))
    }

    /// A hard cap of `n` requests a minute on top of the adaptive rate (see
    /// [`files_client::ClientBuilder::max_requests_per_minute`]).
    pub fn max_requests_per_minute(self, n: u32) -> Self {
        Self(self.0.max_requests_per_minute(n))
    }

    /// How many times a failed request is retried (default 2).
    pub fn max_retries(self, max_retries: u32) -> Self {
        Self(self.0.max_retries(max_retries))
    }

    /// How long one request may keep being throttled before it fails (see
    /// [`files_client::ClientBuilder::throttle_budget`]).
    pub fn throttle_budget(self, budget: Duration) -> Self {
        Self(self.0.throttle_budget(budget))
    }

    /// A header sent with every request.
    pub fn default_header(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        Self(self.0.default_header(name, value))
    }

    /// Replaces the `user-agent`.
    pub fn user_agent(self, user_agent: impl Into<String>) -> Self {
        Self(self.0.user_agent(user_agent))
    }

    /// The client-side size check of uploads (500 MiB by default).
    pub fn max_upload_bytes(self, bytes: u64) -> Self {
        Self(self.0.max_upload_bytes(bytes))
    }

    /// Sends requests through `transport` instead of the default one.
    pub fn transport(self, transport: impl Transport + 'static) -> Self {
        Self(self.0.transport(transport))
    }

    /// Fills what is unset from the environment.
    pub fn from_env(self) -> Self {
        Self(self.0.from_env())
    }

    /// Checks the configuration, starts the runtime thread and builds the client.
    ///
    /// # Errors
    /// As [`files_client::ClientBuilder::build`], or the runtime thread cannot start.
    pub fn build(self) -> Result<Client, Error> {
        Ok(Client {
            inner: self.0.build()?,
            runtime: Arc::new(RuntimeThread::start()?),
        })
    }
}
