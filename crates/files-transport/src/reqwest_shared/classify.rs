//! Maps `reqwest::Error`s to [`TransportErrorKind`]s, as
//! `hyper_transport::classify` maps hyper's: the same failure gets the same
//! kind over either transport, so retries behave the same.
//!
//! reqwest's errors carry the request URL: it is dropped
//! ([`reqwest::Error::without_url`]) before the error becomes a source, and
//! only `host[:port]` is recorded.
//!
//! Compiled once per reqwest version (`super::reqwest` is 0.12 or 0.13):
//! both have the same error API.

use std::error::Error as StdError;
use std::io;

use super::reqwest;
use crate::cause::{causes, has_io_kind};
use crate::classify::{
    connect_failure, exchange_failure, request_body_failure, response_body_failure,
};
use crate::error::{TimeoutPhase, TransportError, TransportErrorKind};

/// Whether `err` is a failure of the TLS layer. reqwest's rustls backend
/// (tokio-rustls) reports every TLS failure as an
/// [`io::ErrorKind::InvalidData`] error; only TLS connections count.
/// Backends that report TLS failures otherwise (native-tls) are not
/// recognised: their handshake failures come back as
/// [`Connect`](TransportErrorKind::Connect) errors with the TLS error as
/// source.
fn is_tls_failure(err: &(dyn StdError + 'static), over_tls: bool) -> bool {
    over_tls && has_io_kind(err, io::ErrorKind::InvalidData)
}

/// `": REASON"`: what the TLS layer said (tokio-rustls puts rustls's
/// reason, e.g. `invalid peer certificate: UnknownIssuer`, in the
/// [`io::ErrorKind::InvalidData`] error).
fn tls_reason(err: &(dyn StdError + 'static)) -> String {
    causes(err)
        .find_map(|c| {
            c.downcast_ref::<io::Error>()
                .filter(|io| io.kind() == io::ErrorKind::InvalidData)
        })
        .map(|io| format!(": {io}"))
        .unwrap_or_default()
}

/// What a failed `Client::execute` was.
#[derive(Debug, PartialEq, Eq)]
enum Failure {
    /// A kind and a message saying what failed.
    Kind(TransportErrorKind, String),
    /// The connect phase passed the client's own connect timeout.
    ConnectTimeout,
}

fn classify(err: &reqwest::Error, over_tls: bool) -> Failure {
    use TransportErrorKind as K;
    let root: &(dyn StdError + 'static) = err;
    let kind = |kind, message: &str| Failure::Kind(kind, message.to_owned());

    if let Some((kind, message)) = request_body_failure(root) {
        return Failure::Kind(kind, message);
    }
    if err.is_builder() {
        return kind(K::InvalidRequest, "reqwest could not build the request");
    }
    if is_tls_failure(root, over_tls) {
        let what = if err.is_connect() {
            "TLS handshake with the server failed"
        } else {
            "the TLS session with the server failed"
        };
        return Failure::Kind(K::Tls, format!("{what}{}", tls_reason(root)));
    }
    if err.is_timeout() {
        return if err.is_connect() {
            Failure::ConnectTimeout
        } else {
            kind(
                K::Timeout,
                "the reqwest client's own timeout (`timeout` or `read_timeout`) passed",
            )
        };
    }
    if err.is_connect() {
        let (connect, message) = connect_failure(root);
        return kind(connect, message);
    }
    if let Some((exchange, message)) = exchange_failure(root) {
        return kind(exchange, message);
    }
    if err.is_redirect() {
        return kind(K::Other, "the reqwest client's redirect policy stopped");
    }
    kind(K::Other, "the request failed")
}

/// Converts an error of `reqwest::Client::execute` into a
/// [`TransportError`] naming `host` (never the full URL).
pub(super) fn client_error(err: reqwest::Error, host: &str, over_tls: bool) -> TransportError {
    let base = match classify(&err, over_tls) {
        Failure::ConnectTimeout => TransportError::timeout_of_unknown_limit(
            TimeoutPhase::Connect,
            "connecting (TCP connect and TLS handshake) took longer than the reqwest client's connect_timeout",
        ),
        Failure::Kind(kind, message) => TransportError::new(kind, message),
    };
    base.with_host(host).with_source(err.without_url())
}

/// Converts an error while streaming a response body.
pub(super) fn body_error(err: reqwest::Error, host: &str, over_tls: bool) -> TransportError {
    let root: &(dyn StdError + 'static) = &err;
    let timeout = err
        .is_timeout()
        .then_some("the reqwest client's own timeout passed while reading the response body");
    let (kind, message) = response_body_failure(timeout, is_tls_failure(root, over_tls));
    TransportError::new(kind, message)
        .with_host(host)
        .with_source(err.without_url())
}
