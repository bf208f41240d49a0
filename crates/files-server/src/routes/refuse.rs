//! Refusing an upload before its body is read: without inviting a body that
//! waits for `100 Continue`, and otherwise reading past what was sent (at most
//! [`DRAIN_LIMIT`], at the minimum body rate) so the client gets the answer.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use futures_util::StreamExt;
use http::Request;
use http_body_util::BodyExt;
use hyper::body::Incoming;

use crate::routes::min_rate::MinRate;
use crate::state::State;
use crate::wire::ApiError;

/// After refusing an upload, read (and discard) at most this much more of its body,
/// so that a client still sending gets the answer instead of a reset connection.
pub(crate) const DRAIN_LIMIT: u64 = 64 * 1024 * 1024;

/// Refuses an upload whose body was not read yet. A client that waits for
/// `100 Continue` (`Expect: 100-continue`, as curl sends for any body over
/// 1 MiB) is never invited: the body is not polled, so hyper sends no `100`, and
/// over HTTP/1 the answer closes the connection (the unsent body cannot be
/// skipped). Any other client has its body read and discarded (at most
/// [`DRAIN_LIMIT`]), so one still sending gets the answer, not a reset.
pub(crate) async fn refuse_unread(
    state: &State,
    request: Request<Incoming>,
    mut err: ApiError,
) -> ApiError {
    let expects_continue = request
        .headers()
        .get(http::header::EXPECT)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    if expects_continue {
        if request.version() <= http::Version::HTTP_11 {
            err.headers.push((
                http::header::CONNECTION,
                http::HeaderValue::from_static("close"),
            ));
        }
    } else {
        // At the minimum rate too: a trickle is not read for ever.
        let body = MinRate::new(
            request.into_body().into_data_stream(),
            body_timeout(state),
            state.config.body_min_rate,
            Arc::new(AtomicBool::new(false)),
        );
        drain(body, DRAIN_LIMIT).await;
    }
    err
}

/// The configured body timeout, bounded where its timer is made.
pub(super) fn body_timeout(state: &State) -> Option<std::time::Duration> {
    state
        .config
        .body_timeout
        .map(|t| t.min(crate::MAX_CONNECTION_TIMEOUT))
}

pub(super) async fn drain<S, E>(mut body: S, limit: u64)
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, E>> + Unpin,
{
    let mut drained: u64 = 0;
    while let Some(Ok(chunk)) = body.next().await {
        drained += chunk.len() as u64;
        if drained > limit {
            return;
        }
    }
}
