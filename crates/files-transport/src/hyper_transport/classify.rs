//! Maps hyper and hyper-util errors to [`TransportErrorKind`]s.

use std::error::Error as StdError;
use std::io;

use super::tls_detail::tls_detail;
use crate::cause::{causes, has_io_kind};
use crate::classify::{
    connect_failure, exchange_failure, request_body_failure, response_body_failure,
};
use crate::error::{TransportError, TransportErrorKind};

/// Whether `err` is a failure of the TLS layer: a rustls error anywhere in
/// the chain or, on a TLS connection, an [`io::ErrorKind::InvalidData`]
/// error (tokio-rustls reports every TLS failure with that kind, sometimes
/// with the rustls error only as text, e.g. a fatal alert received after the
/// handshake).
fn is_tls_failure(err: &(dyn StdError + 'static), over_tls: bool) -> bool {
    causes(err).any(|c| c.is::<rustls::Error>())
        || (over_tls && has_io_kind(err, io::ErrorKind::InvalidData))
}

/// The kind and message for an error of hyper-util's pooled client.
fn classify(
    err: &hyper_util::client::legacy::Error,
    over_tls: bool,
) -> (TransportErrorKind, String) {
    use TransportErrorKind as K;
    let root: &(dyn StdError + 'static) = err;

    if let Some(failure) = request_body_failure(root) {
        return failure;
    }
    if is_tls_failure(root, over_tls) {
        let what = if err.is_connect() {
            "TLS handshake with the server failed"
        } else {
            "the TLS session with the server failed"
        };
        return (K::Tls, format!("{what}{}", tls_detail(root)));
    }
    let hyper_timeout = causes(root)
        .filter_map(|c| c.downcast_ref::<hyper::Error>())
        .any(hyper::Error::is_timeout);
    if hyper_timeout || has_io_kind(root, io::ErrorKind::TimedOut) {
        let what = if err.is_connect() {
            "connecting to the server timed out"
        } else {
            "the connection timed out"
        };
        return (K::Timeout, what.to_owned());
    }
    let (kind, message) = if err.is_connect() {
        connect_failure(root)
    } else {
        exchange_failure(root).unwrap_or((K::Other, "the request failed"))
    };
    (kind, message.to_owned())
}

/// Converts an error of hyper-util's pooled client into a [`TransportError`]
/// naming `host` (never the full URI).
pub(super) fn client_error(
    err: hyper_util::client::legacy::Error,
    host: &str,
    over_tls: bool,
    connect_timeout: std::time::Duration,
) -> TransportError {
    let (kind, message) = classify(&err, over_tls);
    let base = if kind == TransportErrorKind::Timeout && err.is_connect() {
        TransportError::timeout(crate::TimeoutPhase::Connect, connect_timeout)
    } else {
        TransportError::new(kind, message)
    };
    base.with_host(host).with_source(err)
}

/// Converts an error while streaming a response body.
pub(super) fn body_error(err: hyper::Error, host: &str, over_tls: bool) -> TransportError {
    let root: &(dyn StdError + 'static) = &err;
    let timeout = (err.is_timeout() || has_io_kind(root, io::ErrorKind::TimedOut))
        .then_some("the connection timed out while reading the response body");
    let (kind, message) = response_body_failure(timeout, is_tls_failure(root, over_tls));
    TransportError::new(kind, message)
        .with_host(host)
        .with_source(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_step_into_nested_io_errors() {
        let tls = rustls::Error::General("bad".into());
        let nested = io::Error::other(io::Error::new(io::ErrorKind::InvalidData, tls));
        let root: &(dyn StdError + 'static) = &nested;
        assert!(causes(root).any(|c| c.is::<rustls::Error>()));
        assert!(has_io_kind(root, io::ErrorKind::InvalidData));
        assert!(!has_io_kind(root, io::ErrorKind::TimedOut));
        assert!(is_tls_failure(root, false));
    }

    #[test]
    fn invalid_data_counts_as_tls_only_over_tls() {
        let alert = io::Error::new(
            io::ErrorKind::InvalidData,
            "received fatal alert: CertificateRequired",
        );
        let root: &(dyn StdError + 'static) = &alert;
        assert!(is_tls_failure(root, true));
        assert!(!is_tls_failure(root, false));
    }
}
