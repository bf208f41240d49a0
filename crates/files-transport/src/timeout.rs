//! The no-progress limit of an exchange ([`NoProgressTimeout`]) and the
//! watchdog that enforces it around any HTTP stack ([`send_with_timeout`]).

use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::{TimeoutPhase, TransportError};
use crate::request_body::RequestBody;
use crate::response_body::ResponseBody;
use crate::send_progress::SendProgress;
use idle_read::{IdleReadBody, NEVER};

mod idle_read;
#[cfg(test)]
mod tests;

/// The default limit of the connect phase (TCP connect plus TLS handshake):
/// 5 s, as the official SDKs. It is a setting of a transport's connector
/// (`HyperTransportBuilder::connect_timeout`), not of a request.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The longest an exchange may go without progress, whatever phase it is in:
/// carried by a request as an [`http::Request`] extension.
///
/// Progress is a step of the exchange: a connection became ours, a slice of
/// the request body went out, the response headers or a chunk of its body
/// came in. The limit starts again at every step, so a steady transfer of any
/// length never times out, and a stalled one fails within the limit with a
/// [`Timeout`](crate::TransportErrorKind::Timeout) error whose
/// [`timeout_phase`](TransportError::timeout_phase) names where it stalled:
///
/// | phase | the exchange was waiting for |
/// | --- | --- |
/// | [`Pool`](TimeoutPhase::Pool) | a connection, before the request body started (a request without a body is in `Read` from the start) |
/// | [`Write`](TimeoutPhase::Write) | the HTTP stack to take the next slice of the request body |
/// | [`Read`](TimeoutPhase::Read) | the response headers once the body was sent, then each next chunk of the response body |
///
/// A request without this extension has no such limit. Every transport of
/// this crate enforces it through [`send_with_timeout`]; the connect phase
/// ([`Connect`](TimeoutPhase::Connect): TCP connect and TLS handshake) is
/// the transport's connector's own limit ([`DEFAULT_CONNECT_TIMEOUT`]). A
/// limit too large to add to the clock means no limit. The design is told in
/// the repository's docs/ARCHITECTURE.md, "Timeouts".
///
/// ```
/// use std::time::Duration;
/// use files_transport::{NoProgressTimeout, RequestBody};
///
/// let mut request = http::Request::get("https://api.example.com/v1/files")
///     .body(RequestBody::empty())?;
/// request
///     .extensions_mut()
///     .insert(NoProgressTimeout::new(Duration::from_secs(600)));
/// assert_eq!(
///     request.extensions().get::<NoProgressTimeout>().map(|t| t.limit()),
///     Some(Duration::from_secs(600))
/// );
/// # Ok::<(), http::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct NoProgressTimeout {
    limit: Duration,
}

impl NoProgressTimeout {
    /// The limit `limit` on every phase's wait for progress.
    #[must_use]
    pub const fn new(limit: Duration) -> Self {
        Self { limit }
    }

    /// The limit.
    #[must_use]
    pub const fn limit(self) -> Duration {
        self.limit
    }
}

/// The phase under way and when its wait for progress runs out (`None`:
/// never).
fn deadline(progress: &SendProgress, limit: Duration) -> (TimeoutPhase, Option<Instant>) {
    (progress.phase(), progress.since().checked_add(limit))
}

/// Sends `request` through `send` (an HTTP stack's send future) under the
/// request's [`NoProgressTimeout`], if it carries one: the watchdog sees the
/// request body being pulled and the response body being read, and fails a
/// stall with a [`Timeout`](crate::TransportErrorKind::Timeout) error naming
/// its phase. A custom [`Transport`](crate::Transport) calls it the way the
/// transports of this crate do.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use files_transport::{send_with_timeout, NoProgressTimeout, RequestBody, TimeoutPhase};
///
/// let mut request = http::Request::get("http://127.0.0.1:1/")
///     .body(RequestBody::empty())?;
/// request
///     .extensions_mut()
///     .insert(NoProgressTimeout::new(Duration::from_millis(20)));
/// let never_answers = |_request| std::future::pending();
/// let err = send_with_timeout(request, never_answers).await.unwrap_err();
/// assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Read));
/// # Ok(())
/// # }
/// ```
///
/// # Errors
/// The exchange made no progress for the limit, or `send` failed.
pub async fn send_with_timeout<F, Fut>(
    mut request: http::Request<RequestBody>,
    send: F,
) -> Result<http::Response<ResponseBody>, TransportError>
where
    F: FnOnce(http::Request<RequestBody>) -> Fut,
    Fut: Future<Output = Result<http::Response<ResponseBody>, TransportError>>,
{
    let Some(limit) = request
        .extensions()
        .get::<NoProgressTimeout>()
        .map(|timeout| timeout.limit)
    else {
        return send(request).await;
    };
    let host = crate::error::host_of(request.uri());
    let body_is_empty = request.body().content_length() == Some(0);
    let progress = Arc::new(SendProgress::new(body_is_empty));
    request.body_mut().watch(Arc::clone(&progress));

    let mut sending = std::pin::pin!(send(request));
    let never = Instant::now() + NEVER;
    let mut timer = std::pin::pin!(tokio::time::sleep_until(never));
    loop {
        let finished = std::future::poll_fn(|cx| {
            if let Poll::Ready(result) = sending.as_mut().poll(cx) {
                return Poll::Ready(Some(result));
            }
            // Progress only moves the deadline later: when the timer fires,
            // the deadline is read again below and the timer re-armed.
            let (_, deadline) = deadline(&progress, limit);
            let at = deadline.unwrap_or(never);
            if at != timer.deadline() {
                timer.as_mut().reset(at);
            }
            timer.as_mut().poll(cx).map(|()| None)
        })
        .await;
        if let Some(result) = finished {
            return result.map(|response| {
                response.map(|body| ResponseBody::new(IdleReadBody::fused(body, limit)))
            });
        }
        // The timer fired: the exchange may have made progress since it was set.
        let (phase, deadline) = deadline(&progress, limit);
        if deadline.is_some_and(|deadline| deadline <= Instant::now()) {
            let mut err = TransportError::timeout(phase, limit);
            if let Some(host) = &host {
                err = err.with_host(host.clone());
            }
            return Err(err);
        }
    }
}
