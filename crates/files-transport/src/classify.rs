//! The failure classification both built-in transports share: the same
//! failure gets the same [`TransportErrorKind`] and message over hyper and
//! over reqwest (which runs on hyper), so retries behave the same. What
//! differs between them (TLS detection, timeouts, connect timeouts, URL
//! scrubbing) stays in `hyper_transport::classify` and
//! `reqwest_transport::classify`.

use std::error::Error as StdError;
use std::io;

use crate::cause::{causes, has_io_kind};
use crate::error::{TransportError, TransportErrorKind};

/// Our own request body failed (stream error, length mismatch, consumed):
/// its kind, and a message saying the body failed.
pub(crate) fn request_body_failure(
    root: &(dyn StdError + 'static),
) -> Option<(TransportErrorKind, String)> {
    let body = causes(root).find_map(|c| c.downcast_ref::<TransportError>())?;
    Some((
        body.kind(),
        format!("sending the request body failed: {}", body.message()),
    ))
}

/// A connect failure (once TLS failures and timeouts are ruled out).
pub(crate) fn connect_failure(
    root: &(dyn StdError + 'static),
) -> (TransportErrorKind, &'static str) {
    let message = if has_io_kind(root, io::ErrorKind::ConnectionRefused) {
        "could not connect: connection refused"
    } else {
        "could not connect to the server"
    };
    (TransportErrorKind::Connect, message)
}

/// What a [`hyper::Error`] or an [`io::Error`] in the chain says about a
/// failed exchange, once our body, TLS, timeouts and connecting are ruled
/// out; `None` when neither is there.
pub(crate) fn exchange_failure(
    root: &(dyn StdError + 'static),
) -> Option<(TransportErrorKind, &'static str)> {
    use TransportErrorKind as K;
    if let Some(hyper_err) = causes(root).find_map(|c| c.downcast_ref::<hyper::Error>()) {
        if hyper_err.is_parse() || hyper_err.is_parse_status() {
            return Some((K::Other, "the server sent a malformed HTTP response"));
        }
        if hyper_err.is_incomplete_message() {
            return Some((
                K::Io,
                "the connection closed before the response was complete",
            ));
        }
        if hyper_err.is_canceled() || hyper_err.is_closed() || hyper_err.is_body_write_aborted() {
            return Some((K::Io, "the connection closed before the response arrived"));
        }
        if hyper_err.is_user() {
            return Some((K::InvalidRequest, "the HTTP stack rejected the request"));
        }
    }
    causes(root).any(|c| c.is::<io::Error>()).then_some((
        K::Io,
        "the connection failed while sending the request or reading the response",
    ))
}

/// The kind and message of an error while streaming a response body:
/// `timeout` is the transport's own message when the error is a timeout.
pub(crate) fn response_body_failure(
    timeout: Option<&'static str>,
    tls: bool,
) -> (TransportErrorKind, &'static str) {
    match timeout {
        Some(message) => (TransportErrorKind::Timeout, message),
        None if tls => (
            TransportErrorKind::Tls,
            "the TLS session failed while reading the response body",
        ),
        None => (
            TransportErrorKind::Io,
            "the response body broke off while streaming",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_body_error_keeps_its_kind() {
        let body = TransportError::new(TransportErrorKind::RequestBody, "short by 3 bytes");
        let wrapped = io::Error::other(body);
        let (kind, message) = request_body_failure(&wrapped).unwrap();
        assert_eq!(kind, TransportErrorKind::RequestBody);
        assert_eq!(message, "sending the request body failed: short by 3 bytes");
        assert!(request_body_failure(&io::Error::other("x")).is_none());
    }

    #[test]
    fn connect_failures_say_when_refused() {
        let refused = io::Error::new(io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(
            connect_failure(&refused),
            (
                TransportErrorKind::Connect,
                "could not connect: connection refused"
            )
        );
        let other = io::Error::other("unreachable");
        assert_eq!(connect_failure(&other).1, "could not connect to the server");
    }

    #[test]
    fn io_errors_are_io_and_anything_else_is_unknown() {
        let reset = io::Error::new(io::ErrorKind::ConnectionReset, "reset");
        assert_eq!(exchange_failure(&reset).unwrap().0, TransportErrorKind::Io);
        let fmt_err = std::fmt::Error;
        assert!(exchange_failure(&fmt_err).is_none());
    }

    #[test]
    fn body_failures_rank_timeout_then_tls_then_io() {
        let kind = |timeout, tls| response_body_failure(timeout, tls).0;
        assert_eq!(kind(Some("late"), true), TransportErrorKind::Timeout);
        assert_eq!(kind(None, true), TransportErrorKind::Tls);
        assert_eq!(kind(None, false), TransportErrorKind::Io);
    }
}
