//! Per-request overrides of the client's configuration.

use std::time::Duration;

use crate::ResponseSlot;

/// Overrides for the requests made through one
/// [`Files`](crate::Files) handle: `client.files().with_options(options)`.
///
/// ```
/// use std::time::Duration;
/// use files_client::RequestOptions;
///
/// let options = RequestOptions::new()
///     .timeout(Duration::from_secs(30))
///     .max_retries(5)
///     .beta("another-beta-2026-01-01")
///     .header("x-trace-id", "abc");
/// # drop(options);
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct RequestOptions {
    /// The no-progress limit of each attempt (see
    /// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub(crate) timeout: Option<Duration>,
    /// The whole call's limit, retries included (see
    /// [`ClientBuilder::operation_timeout`](crate::ClientBuilder::operation_timeout)).
    pub(crate) operation_timeout: Option<Duration>,
    /// How many times a failed request is retried.
    pub(crate) max_retries: Option<u32>,
    /// More `anthropic-beta` values, merged with the client's.
    pub(crate) betas: Vec<String>,
    /// More headers, unchecked until a request is made; they win over the
    /// client's defaults.
    pub(crate) extra_headers: Vec<(String, String)>,
    /// Where each successful call puts its answer's status, headers and
    /// request id (see [`RequestOptions::response_into`]).
    pub(crate) response_into: Option<ResponseSlot>,
}

impl std::fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestOptions")
            .field("timeout", &self.timeout)
            .field("operation_timeout", &self.operation_timeout)
            .field("max_retries", &self.max_retries)
            .field("betas", &self.betas)
            .field(
                "extra_headers",
                &self
                    .extra_headers
                    .iter()
                    .map(|(name, _)| format!("{name}: <redacted>"))
                    .collect::<Vec<_>>(),
            )
            .field("response_into", &self.response_into)
            .finish()
    }
}

impl RequestOptions {
    /// No override.
    pub fn new() -> Self {
        Self::default()
    }

    /// Overrides the no-progress limit of each attempt (see
    /// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Bounds the whole call, retries included.
    pub fn operation_timeout(mut self, timeout: Duration) -> Self {
        self.operation_timeout = Some(timeout);
        self
    }

    /// Overrides the number of retries.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// Adds an `anthropic-beta` value (checked when a request is made: a
    /// value that cannot be a header fails the call with [`crate::Error::Config`]).
    pub fn beta(mut self, beta: impl Into<String>) -> Self {
        self.betas.push(beta.into());
        self
    }

    /// Adds a header; it wins over the client's default of the same name.
    /// Checked when a request is made, as
    /// [`ClientBuilder::default_header`](crate::ClientBuilder::default_header)
    /// is at `build()`: a name or value that cannot be a header fails the
    /// call with [`crate::Error::Config`] before anything is sent.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.push((name.into(), value.into()));
        self
    }

    /// Puts the status, headers and request id of each successful answer
    /// into `slot` (a clone of it: the caller keeps reading its own). Upload,
    /// retrieve, delete, each page of a listing and a download's start all
    /// fill it, async and blocking; see [`ResponseMeta`](crate::ResponseMeta).
    pub fn response_into(mut self, slot: &ResponseSlot) -> Self {
        self.response_into = Some(slot.clone());
        self
    }
}
