//! Maps hyper and hyper-util errors to [`TransportErrorKind`]s.

use std::error::Error as StdError;
use std::io;

use crate::cause::{causes, has_io_kind};
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

    // Our own request body failed (stream error, length mismatch, consumed).
    if let Some(body) = causes(root).find_map(|c| c.downcast_ref::<TransportError>()) {
        return (
            body.kind(),
            format!("sending the request body failed: {}", body.message()),
        );
    }
    if is_tls_failure(root, over_tls) {
        let what = if err.is_connect() {
            "TLS handshake with the server failed"
        } else {
            "the TLS session with the server failed"
        };
        return (K::Tls, what.to_owned());
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
    if err.is_connect() {
        let what = if has_io_kind(root, io::ErrorKind::ConnectionRefused) {
            "could not connect: connection refused"
        } else {
            "could not connect to the server"
        };
        return (K::Connect, what.to_owned());
    }
    if let Some(hyper_err) = causes(root).find_map(|c| c.downcast_ref::<hyper::Error>()) {
        if hyper_err.is_parse() || hyper_err.is_parse_status() {
            return (
                K::Other,
                "the server sent a malformed HTTP response".to_owned(),
            );
        }
        if hyper_err.is_incomplete_message() {
            return (
                K::Io,
                "the connection closed before the response was complete".to_owned(),
            );
        }
        if hyper_err.is_canceled() || hyper_err.is_closed() || hyper_err.is_body_write_aborted() {
            return (
                K::Io,
                "the connection closed before the response arrived".to_owned(),
            );
        }
        if hyper_err.is_user() {
            return (
                K::InvalidRequest,
                "the HTTP stack rejected the request".to_owned(),
            );
        }
    }
    if causes(root).any(|c| c.is::<io::Error>()) {
        return (
            K::Io,
            "the connection failed while sending the request or reading the response".to_owned(),
        );
    }
    (K::Other, "the request failed".to_owned())
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
    let (kind, message) = if err.is_timeout() || has_io_kind(root, io::ErrorKind::TimedOut) {
        (
            TransportErrorKind::Timeout,
            "the connection timed out while reading the response body",
        )
    } else if is_tls_failure(root, over_tls) {
        (
            TransportErrorKind::Tls,
            "the TLS session failed while reading the response body",
        )
    } else {
        (
            TransportErrorKind::Io,
            "the response body broke off while streaming",
        )
    };
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
