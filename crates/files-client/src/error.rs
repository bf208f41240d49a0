//! The client's one error type.

use std::path::PathBuf;
use std::time::Duration;

use files_transport::{TimeoutPhase, TransportError, TransportErrorKind};
use files_types::{ErrorCode, ErrorType, ValidationError};
use http::StatusCode;

mod api_error;
mod not_retried;

pub(crate) use api_error::read_error_body;
pub(crate) use api_error::snippet;
pub use api_error::{ApiError, MAX_ERROR_MESSAGE_BYTES};
pub use not_retried::NotRetried;
use not_retried::Suffix;

/// `" after {limit:?}"` when the limit is known.
struct After(Option<Duration>);

impl std::fmt::Display for After {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(limit) => write!(f, " after {limit:?}"),
            None => Ok(()),
        }
    }
}

/// `" ({phase} phase)"` when the phase is known.
struct Phase(Option<TimeoutPhase>);

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(phase) => write!(f, " ({phase} phase)"),
            None => Ok(()),
        }
    }
}

/// Everything that can go wrong, with what a caller needs to act on it.
///
/// Predicates name the official SDKs' exception classes: [`Error::is_not_found`],
/// [`Error::is_rate_limited`], and so on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// A phase of the exchange passed its limit (and no retry was left).
    #[error("{method} {path} timed out{}{}{}", Phase(*phase), After(*after), Suffix(*not_retried))]
    Timeout {
        /// The request's method.
        method: String,
        /// The request's path.
        path: String,
        /// The phase that stalled (`None` when a custom transport did not say).
        phase: Option<TimeoutPhase>,
        /// The limit that passed, when known.
        after: Option<Duration>,
        /// Set when the retry policy would have retried but could not.
        not_retried: Option<NotRetried>,
        /// The transport's error, when it reported the timeout.
        #[source]
        source: Option<Box<TransportError>>,
    },
    /// The request could not be sent or its answer not received.
    #[error("{method} {path}: connection error: {source}{}", Suffix(*not_retried))]
    Connection {
        /// The request's method.
        method: String,
        /// The request's path.
        path: String,
        /// Set when the retry policy would have retried but could not.
        not_retried: Option<NotRetried>,
        /// What the transport reported.
        #[source]
        source: Box<TransportError>,
    },
    /// A success answer could not be decoded.
    #[error("{status}: cannot decode the answer: {message} (request id {}): {snippet}", request_id.as_deref().unwrap_or("none"))]
    Decode {
        /// The HTTP status.
        status: StatusCode,
        /// The request id, if any.
        request_id: Option<String>,
        /// What went wrong.
        message: String,
        /// The start of the body.
        snippet: String,
    },
    /// A download ended before its `Content-Length`.
    #[error("the download ended after {received} of {expected} bytes")]
    IncompleteBody {
        /// `Content-Length`.
        expected: u64,
        /// Bytes received.
        received: u64,
    },
    /// A download or answer was larger than the cap given to collect it.
    #[error("the body is larger than the {max_bytes}-byte cap")]
    BodyTooLarge {
        /// The cap.
        max_bytes: u64,
    },
    /// A request was refused before anything was sent.
    #[error("invalid input: {0}")]
    InvalidInput(#[from] ValidationError),
    /// The client is misconfigured (found when it is built, or when a
    /// per-call option is applied).
    #[error("configuration: {0}")]
    Config(String),
    /// The API was used in a way it cannot serve: a blocking call made from
    /// inside an async runtime, a download read twice, a runtime that stopped.
    #[error("misuse: {0}")]
    Misuse(String),
    /// A listing's next page named a cursor the listing had already used:
    /// paging stopped rather than loop forever.
    #[error(
        "the server returned the page cursor {cursor:?} again: paging stopped to avoid an endless loop"
    )]
    PagingStalled {
        /// The cursor that repeated.
        cursor: String,
    },
    /// A listing's next page named a cursor longer than the client sends back
    /// ([`MAX_CURSOR_BYTES`](crate::MAX_CURSOR_BYTES)): paging stopped.
    #[error(
        "the server returned a page cursor of {bytes} bytes, over the {max_bytes}-byte limit: paging stopped"
    )]
    CursorTooLong {
        /// The cursor's length.
        bytes: usize,
        /// The limit.
        max_bytes: usize,
    },
    /// Reading or writing a local file failed.
    #[error("{operation} {}: {source}", path.display())]
    Io {
        /// What was being done: `open`, `read`, `write`, ...
        operation: &'static str,
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl From<ApiError> for Error {
    fn from(err: ApiError) -> Self {
        Self::Api(Box::new(err))
    }
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::Config(message.into())
    }

    pub(crate) fn io(
        operation: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Self::Io {
            operation,
            path: path.into(),
            source,
        }
    }

    pub(crate) fn misuse(message: impl Into<String>) -> Self {
        Self::Misuse(message.into())
    }

    /// What the network did to a request, as an error of this crate.
    pub(crate) fn from_transport(method: &http::Method, path: &str, err: TransportError) -> Self {
        if err.kind() == TransportErrorKind::Timeout {
            Self::Timeout {
                method: method.to_string(),
                path: path.to_owned(),
                phase: err.timeout_phase(),
                after: err.timeout_after(),
                not_retried: None,
                source: Some(Box::new(err)),
            }
        } else {
            Self::Connection {
                method: method.to_string(),
                path: path.to_owned(),
                not_retried: None,
                source: Box::new(err),
            }
        }
    }

    /// Marks a failure the policy would have retried as not retried, and why.
    pub(crate) fn not_retried_because(mut self, reason: NotRetried) -> Self {
        match &mut self {
            Self::Api(api) => api.not_retried = Some(reason),
            Self::Timeout { not_retried, .. } | Self::Connection { not_retried, .. } => {
                *not_retried = Some(reason);
            }
            _ => {}
        }
        self
    }

    /// Why a failure the retry policy would have retried was returned instead.
    pub fn not_retried(&self) -> Option<NotRetried> {
        match self {
            Self::Api(api) => api.not_retried,
            Self::Timeout { not_retried, .. } | Self::Connection { not_retried, .. } => {
                *not_retried
            }
            _ => None,
        }
    }

    /// The phase that timed out, for [`Error::Timeout`].
    pub fn timeout_phase(&self) -> Option<TimeoutPhase> {
        match self {
            Self::Timeout { phase, .. } => *phase,
            _ => None,
        }
    }

    /// The API's error answer, if this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The HTTP status of an API error or an undecodable answer.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(api) => Some(api.status),
            Self::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The request id, from the `request-id` header or the error body.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(api) => api.request_id.as_deref(),
            Self::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// `error.type` of an API error.
    pub fn error_type(&self) -> Option<&ErrorType> {
        self.api().and_then(|api| api.error_type.as_ref())
    }

    /// GA `error.details.error_code` of an API error.
    pub fn error_code(&self) -> Option<&ErrorCode> {
        self.api().and_then(|api| api.error_code.as_ref())
    }

    fn status_is(&self, code: u16) -> bool {
        self.api().is_some_and(|api| api.status.as_u16() == code)
    }

    fn message_mentions(&self, word: &str) -> bool {
        self.api()
            .is_some_and(|api| api.message.to_ascii_lowercase().contains(word))
    }

    /// 400 (`BadRequestError`).
    pub fn is_bad_request(&self) -> bool {
        self.status_is(400)
    }

    /// 401 (`AuthenticationError`).
    pub fn is_authentication(&self) -> bool {
        self.status_is(401)
    }

    /// 403 (`PermissionDeniedError`).
    pub fn is_permission_denied(&self) -> bool {
        self.status_is(403)
    }

    /// 404 (`NotFoundError`).
    pub fn is_not_found(&self) -> bool {
        self.status_is(404)
    }

    /// 409 (`ConflictError`).
    pub fn is_conflict(&self) -> bool {
        self.status_is(409)
    }

    /// 413 (`RequestTooLargeError`).
    pub fn is_request_too_large(&self) -> bool {
        self.status_is(413)
    }

    /// 422 (`UnprocessableEntityError`).
    pub fn is_unprocessable(&self) -> bool {
        self.status_is(422)
    }

    /// 429 (`RateLimitError`).
    pub fn is_rate_limited(&self) -> bool {
        self.status_is(429)
    }

    /// Whether the failure may pass if the request is sent again later: a
    /// connection error, a timeout, or a status the official policy retries
    /// (408, 409, 429, 5xx), unless it was a one-shot body that cannot be
    /// sent again.
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            Self::Api(api) => {
                api.not_retried != Some(NotRetried::OneShotBodySent)
                    && (matches!(api.status.as_u16(), 408 | 409 | 429)
                        || api.status.is_server_error())
            }
            Self::Timeout { not_retried, .. } | Self::Connection { not_retried, .. } => {
                *not_retried != Some(NotRetried::OneShotBodySent)
            }
            _ => false,
        }
    }

    /// 529 (`OverloadedError`).
    pub fn is_overloaded(&self) -> bool {
        self.status_is(529)
    }

    /// Any 5xx (`InternalServerError`; 529 is also [`Error::is_overloaded`]).
    pub fn is_internal_server(&self) -> bool {
        self.api().is_some_and(|api| api.status.is_server_error())
    }

    /// Downloading a file that is not downloadable: GA `file_not_downloadable`, or
    /// a beta 400 whose message says so.
    pub fn is_file_not_downloadable(&self) -> bool {
        self.error_code() == Some(&ErrorCode::FileNotDownloadable)
            || (self.is_bad_request() && self.message_mentions("not downloadable"))
    }

    /// The file has expired: GA `file_expired`, or a 404 whose message says so.
    pub fn is_file_expired(&self) -> bool {
        self.error_code() == Some(&ErrorCode::FileExpired)
            || (self.is_not_found() && self.message_mentions("expired"))
    }

    /// The workspace's storage is full: GA `storage_quota_exceeded`, or a beta 403
    /// whose message says so.
    pub fn is_storage_quota_exceeded(&self) -> bool {
        self.error_code() == Some(&ErrorCode::StorageQuotaExceeded)
            || (self.is_permission_denied() && self.message_mentions("quota"))
    }

    /// A deadline passed (`APITimeoutError`).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Timeout { .. })
    }

    /// The transport failed (`APIConnectionError`; timeouts included, as there).
    pub fn is_connection(&self) -> bool {
        matches!(
            self,
            Self::Connection { .. } | Self::Timeout { .. } | Self::IncompleteBody { .. }
        )
    }

    /// Refused before sending: a validation rule was broken.
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Self::InvalidInput(_))
    }
}

#[cfg(test)]
mod tests;
