//! [`TransportError`]: what went wrong below HTTP, and whether retrying is safe.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;

/// The phase of an exchange whose limit passed (see
/// [`NoProgressTimeout`](crate::NoProgressTimeout)).
///
/// ```
/// use files_transport::TimeoutPhase;
///
/// assert_eq!(TimeoutPhase::Write.to_string(), "write");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimeoutPhase {
    /// Connecting: TCP connect plus TLS handshake.
    Connect,
    /// Waiting for a connection before the request body starts.
    Pool,
    /// Sending the request body made no progress.
    Write,
    /// The answer stayed silent: no response headers, or no next body chunk.
    Read,
    /// The whole operation, retries included, ran out of time (set by a
    /// client that bounds whole calls, never by a transport).
    Operation,
}

impl TimeoutPhase {
    /// A lower-case name: `connect`, `pool`, `write`, `read`, `operation`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Pool => "pool",
            Self::Write => "write",
            Self::Read => "read",
            Self::Operation => "operation",
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::Connect => "connecting (TCP connect and TLS handshake) took longer than",
            Self::Pool => "no connection became available within",
            Self::Write => "sending the request body made no progress for",
            Self::Read => "the server sent nothing for",
            Self::Operation => "the operation, retries included, did not finish within",
        }
    }
}

impl fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A boxed error usable as the [`source`](StdError::source) of a [`TransportError`].
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// What kind of failure a [`TransportError`] is.
///
/// The kind alone decides whether retrying the request is safe *as far as the
/// transport is concerned* (see [`TransportErrorKind::is_retryable`]); the
/// client must additionally check that the request body can be sent again
/// ([`RequestBody::try_clone`](crate::RequestBody::try_clone)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be established (DNS failure, connection
    /// refused, unreachable host). Retryable.
    Connect,
    /// A phase of the exchange passed its limit
    /// ([`TransportError::timeout_phase`] says which). Retryable.
    Timeout,
    /// The TLS handshake failed (untrusted or invalid certificate, protocol
    /// mismatch). Not retryable: the same configuration fails the same way.
    Tls,
    /// The connection broke or was interrupted mid-exchange (reset, closed
    /// before the response was complete, a response body that ended early).
    /// Retryable.
    Io,
    /// The request body itself failed: its stream returned an error, or
    /// yielded more or fewer bytes than its declared length. The network did
    /// nothing wrong; whoever produced the body knows why. Not retryable.
    RequestBody,
    /// The request could not be sent as given: a URI without scheme or host,
    /// an unsupported scheme, or a one-shot request body that was already
    /// consumed. Not retryable.
    InvalidRequest,
    /// A response body exceeded the cap given to
    /// [`ResponseBody::collect_capped`](crate::ResponseBody::collect_capped).
    /// Not retryable: the server would send the same body again.
    BodyTooLarge,
    /// The host's HTTP client followed a redirect on its own, so the request,
    /// its headers included, went where the redirect pointed; the message
    /// names that origin and path. Only a `reqwest::Client` built to follow
    /// redirects does this (see `ReqwestTransport`). Not retryable.
    Redirected,
    /// Anything else (for example a malformed response from the server).
    /// Not retryable.
    Other,
}

impl TransportErrorKind {
    /// Whether a request that failed with this kind of error may be retried.
    ///
    /// `Connect`, `Timeout` and `Io` are retryable; `Tls`, `InvalidRequest`,
    /// `BodyTooLarge`, `Redirected` and `Other` are not. A retry is only possible when the
    /// request body can be sent again: the client must check that too.
    ///
    /// ```
    /// use files_transport::TransportErrorKind;
    ///
    /// assert!(TransportErrorKind::Connect.is_retryable());
    /// assert!(!TransportErrorKind::Tls.is_retryable());
    /// ```
    #[must_use]
    pub const fn is_retryable(self) -> bool {
        matches!(self, Self::Connect | Self::Timeout | Self::Io)
    }

    /// A short human-readable name of the kind, as used in error messages.
    ///
    /// ```
    /// use files_transport::TransportErrorKind;
    ///
    /// assert_eq!(TransportErrorKind::InvalidRequest.as_str(), "invalid request");
    /// ```
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Connect => "connect",
            Self::Timeout => "timeout",
            Self::Tls => "TLS",
            Self::Io => "I/O",
            Self::InvalidRequest => "invalid request",
            Self::RequestBody => "request body",
            Self::BodyTooLarge => "body too large",
            Self::Redirected => "redirect",
            Self::Other => "transport",
        }
    }
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure of the transport: the [kind](TransportErrorKind), a message
/// saying what failed, optionally the host it failed against, and the
/// underlying error as [`source`](StdError::source).
///
/// It means no usable HTTP response was obtained (or a response body broke
/// off while streaming). Non-2xx statuses are *not* transport errors: they
/// come back as ordinary responses, and classifying them is the client's
/// job.
///
/// The message and host never contain query strings or credentials: the
/// transports of this crate only ever record `host[:port]`.
///
/// ```
/// use files_transport::{TransportError, TransportErrorKind};
///
/// let io = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
/// let err = TransportError::new(TransportErrorKind::Connect, "could not connect")
///     .with_host("api.example.com:443")
///     .with_source(io);
/// assert_eq!(err.kind(), TransportErrorKind::Connect);
/// assert!(err.is_retryable());
/// assert_eq!(
///     err.to_string(),
///     "connect error: could not connect (host api.example.com:443)"
/// );
/// assert!(std::error::Error::source(&err).is_some());
/// ```
#[non_exhaustive]
pub struct TransportError {
    kind: TransportErrorKind,
    message: Cow<'static, str>,
    host: Option<String>,
    /// The phase that timed out and its limit, when known.
    timeout: Option<(TimeoutPhase, Option<std::time::Duration>)>,
    source: Option<BoxError>,
}

impl TransportError {
    /// Creates an error of the given kind with a message saying what failed.
    #[must_use]
    pub fn new(kind: TransportErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            kind,
            message: message.into(),
            host: None,
            timeout: None,
            source: None,
        }
    }

    /// A [`Timeout`](TransportErrorKind::Timeout) error: `phase` passed its
    /// `limit`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use files_transport::{TimeoutPhase, TransportError};
    ///
    /// let err = TransportError::timeout(TimeoutPhase::Read, Duration::from_secs(600));
    /// assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Read));
    /// assert_eq!(err.to_string(), "timeout error: the server sent nothing for 600s");
    /// ```
    #[must_use]
    pub fn timeout(phase: TimeoutPhase, limit: std::time::Duration) -> Self {
        let mut err = Self::new(
            TransportErrorKind::Timeout,
            format!("{} {limit:?}", phase.describe()),
        );
        err.timeout = Some((phase, Some(limit)));
        err
    }

    /// A [`Timeout`](TransportErrorKind::Timeout) error for `phase` whose
    /// limit the HTTP stack does not say (e.g. a `reqwest::Client`'s own
    /// connect timeout): [`timeout_after`](Self::timeout_after) is `None`.
    #[cfg(any(feature = "reqwest", feature = "reqwest-0-12"))]
    pub(crate) fn timeout_of_unknown_limit(phase: TimeoutPhase, message: &'static str) -> Self {
        let mut err = Self::new(TransportErrorKind::Timeout, message);
        err.timeout = Some((phase, None));
        err
    }

    /// The phase that timed out, for [`Timeout`](TransportErrorKind::Timeout) errors.
    #[must_use]
    pub fn timeout_phase(&self) -> Option<TimeoutPhase> {
        self.timeout.map(|(phase, _)| phase)
    }

    /// The limit that passed, for [`Timeout`](TransportErrorKind::Timeout)
    /// errors whose limit is known (a limit set inside a host's own HTTP
    /// client, such as a `reqwest::Client`'s connect timeout, is not).
    #[must_use]
    pub fn timeout_after(&self) -> Option<std::time::Duration> {
        self.timeout.and_then(|(_, limit)| limit)
    }

    /// Attaches the underlying error, returned by [`StdError::source`].
    #[must_use]
    pub fn with_source(mut self, source: impl Into<BoxError>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Records the host (`host` or `host:port`, never a full URL) the failure
    /// happened against.
    #[must_use]
    pub fn with_host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// Records the `host[:port]` of `uri`, dropping its scheme, user info,
    /// path and query (which may hold credentials). Does nothing for a URI
    /// without a host.
    ///
    /// ```
    /// use files_transport::{TransportError, TransportErrorKind};
    ///
    /// let uri: http::Uri = "https://user:pw@example.com/v1/files?key=secret".parse().unwrap();
    /// let err = TransportError::new(TransportErrorKind::Connect, "could not connect")
    ///     .with_host_of(&uri);
    /// assert_eq!(err.host(), Some("example.com"));
    /// assert!(!err.to_string().contains("secret"));
    /// ```
    #[must_use]
    pub fn with_host_of(mut self, uri: &http::Uri) -> Self {
        if let Some(host) = host_of(uri) {
            self.host = Some(host);
        }
        self
    }

    /// The kind of failure.
    #[must_use]
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether retrying is safe as far as the transport is concerned: derived
    /// from [`kind`](Self::kind) alone (see [`TransportErrorKind::is_retryable`]).
    /// The client must also check that the request body can be replayed.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        self.kind.is_retryable()
    }

    /// The message saying what failed, without kind or host.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The host (`host[:port]`) the failure happened against, if known.
    #[must_use]
    pub fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }

    /// Whether this error is, or wraps anywhere in its source chain, an error
    /// of type `E`.
    #[must_use]
    pub fn has_source_of_type<E: StdError + 'static>(&self) -> bool {
        let mut next = self
            .source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static));
        while let Some(err) = next {
            if err.is::<E>() {
                return true;
            }
            if let Some(io) = err.downcast_ref::<std::io::Error>()
                && let Some(inner) = io.get_ref()
            {
                // `io::Error::source` skips the wrapped error itself.
                next = Some(inner as &(dyn StdError + 'static));
                continue;
            }
            next = err.source();
        }
        false
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} error: {}", self.kind, self.message)?;
        if let Some(host) = &self.host {
            write!(f, " (host {host})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("host", &self.host)
            .field("timeout", &self.timeout)
            .field("source", &self.source)
            .finish()
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// Formats the `host[:port]` of a URI for error messages: never the scheme,
/// user info, path or query.
pub(crate) fn host_of(uri: &http::Uri) -> Option<String> {
    let host = uri.host()?;
    Some(match uri.port_u16() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// Checks the URI is absolute `http`/`https` with a host; returns `host[:port]`.
#[cfg(any(feature = "hyper", feature = "reqwest", feature = "reqwest-0-12"))]
pub(crate) fn check_uri(uri: &http::Uri) -> Result<String, TransportError> {
    let scheme_ok = matches!(uri.scheme_str(), Some("http" | "https"));
    match host_of(uri) {
        Some(host) if scheme_ok => Ok(host),
        Some(host) => Err(TransportError::new(
            TransportErrorKind::InvalidRequest,
            "request URI must use the http or https scheme",
        )
        .with_host(host)),
        None => Err(TransportError::new(
            TransportErrorKind::InvalidRequest,
            "request URI must be absolute (scheme and host)",
        )),
    }
}

#[cfg(test)]
mod tests;
