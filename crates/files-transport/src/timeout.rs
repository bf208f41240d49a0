//! Per-request timeout overrides, carried as request extensions.
//!
//! A client puts these in [`http::Request::extensions_mut`]; a transport that
//! supports them lets them win over its own defaults. `HyperTransport`
//! (feature `hyper`) honours both; custom transports should too.

use std::time::Duration;

/// The time allowed from sending a request until its response headers have
/// arrived (connecting included). Passing it fails the request with
/// [`Timeout`](crate::TransportErrorKind::Timeout).
///
/// ```
/// use std::time::Duration;
/// use files_transport::{RequestBody, RequestTimeout};
///
/// let mut request = http::Request::new(RequestBody::empty());
/// request
///     .extensions_mut()
///     .insert(RequestTimeout::new(Duration::from_secs(30)));
/// assert_eq!(
///     request.extensions().get::<RequestTimeout>().map(|t| t.duration()),
///     Some(Duration::from_secs(30))
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct RequestTimeout(Duration);

impl RequestTimeout {
    /// A response-headers deadline of `duration`.
    #[must_use]
    pub const fn new(duration: Duration) -> Self {
        Self(duration)
    }

    /// The deadline.
    #[must_use]
    pub const fn duration(self) -> Duration {
        self.0
    }
}

/// The longest the response body may stay silent while the reader waits for
/// its next chunk. Passing it fails the body with
/// [`Timeout`](crate::TransportErrorKind::Timeout).
///
/// ```
/// use std::time::Duration;
/// use files_transport::{ReadTimeout, RequestBody};
///
/// let mut request = http::Request::new(RequestBody::empty());
/// request
///     .extensions_mut()
///     .insert(ReadTimeout::new(Duration::from_secs(60)));
/// assert!(request.extensions().get::<ReadTimeout>().is_some());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ReadTimeout(Duration);

impl ReadTimeout {
    /// A maximum idle gap of `duration` between response body chunks.
    #[must_use]
    pub const fn new(duration: Duration) -> Self {
        Self(duration)
    }

    /// The maximum idle gap.
    #[must_use]
    pub const fn duration(self) -> Duration {
        self.0
    }
}
