//! [`Client`] and its builder.

use std::sync::Arc;

use files_client::{ApiGeneration, Error};

use crate::Files;
use crate::runtime::RuntimeThread;

/// A blocking Anthropic Files API client. Cheap to clone: clones share the
/// runtime thread and the connection pool; the thread stops when the last clone
/// is dropped.
///
/// Calls block the calling thread. Calling from inside an async runtime returns
/// an [`Error::Config`] instead of blocking it: use [`files_client::Client`] there.
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
    /// A builder (the async client's: every option is the same).
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

    /// Wraps an async client: both share its configuration and connection pool.
    ///
    /// # Errors
    /// The runtime thread cannot start.
    pub fn from_async(client: files_client::Client) -> Result<Self, Error> {
        Ok(Self {
            inner: client,
            runtime: Arc::new(RuntimeThread::start()?),
        })
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

    pub(crate) fn runtime(&self) -> &RuntimeThread {
        &self.runtime
    }

    /// Runs `future` on the runtime thread and flattens its result.
    pub(crate) fn call<T, F>(&self, future: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, Error>> + Send + 'static,
    {
        self.runtime.block_on(future)?
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
    /// Applies any option of the async builder.
    pub fn with(
        self,
        configure: impl FnOnce(files_client::ClientBuilder) -> files_client::ClientBuilder,
    ) -> Self {
        Self(configure(self.0))
    }

    /// Sets the API key.
    pub fn api_key(self, key: impl Into<String>) -> Self {
        Self(self.0.api_key(key))
    }

    /// Sets a bearer token.
    pub fn auth_token(self, token: impl Into<String>) -> Self {
        Self(self.0.auth_token(token))
    }

    /// Sets the base URL.
    pub fn base_url(self, url: impl Into<String>) -> Self {
        Self(self.0.base_url(url))
    }

    /// Chooses the API generation.
    pub fn generation(self, generation: ApiGeneration) -> Self {
        Self(self.0.generation(generation))
    }

    /// Sets the per-attempt timeout.
    pub fn timeout(self, timeout: std::time::Duration) -> Self {
        Self(self.0.timeout(timeout))
    }

    /// Sets the number of retries.
    pub fn max_retries(self, max_retries: u32) -> Self {
        Self(self.0.max_retries(max_retries))
    }

    /// Fills what is unset from the environment.
    pub fn from_env(self) -> Self {
        Self(self.0.from_env())
    }

    /// Builds the client and starts its runtime thread.
    ///
    /// # Errors
    /// As [`files_client::ClientBuilder::build`], or the thread cannot start.
    pub fn build(self) -> Result<Client, Error> {
        Client::from_async(self.0.build()?)
    }
}
