//! Timeouts that follow the transfer, as httpx (under the official Python SDK)
//! has them: each phase of an exchange has its own limit, and a steady
//! transfer of any length never times out.
//!
//! | phase | what it bounds | set by |
//! | --- | --- | --- |
//! | [`Connect`](TimeoutPhase::Connect) | TCP connect plus TLS handshake | the transport's builder |
//! | [`Pool`](TimeoutPhase::Pool) | waiting for a connection before the body starts | [`Timeouts::pool`] |
//! | [`Write`](TimeoutPhase::Write) | no progress sending the request body | [`Timeouts::write`] |
//! | [`Read`](TimeoutPhase::Read) | no byte of the answer: until its headers, then between body chunks | [`Timeouts::read`] |
//!
//! [`send_with_timeouts`] applies [`Timeouts`] around any HTTP stack's send
//! future, so every [`Transport`](crate::Transport) gets the same phases: it
//! watches the request body being pulled (progress) and the response body
//! being read (idle gaps). Durations saturate: a limit too large to add to the
//! clock means no limit.

use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::{TimeoutPhase, TransportError};
use crate::request_body::RequestBody;
use crate::response_body::ResponseBody;
use crate::send_progress::SendProgress;
use idle_read::IdleReadBody;

mod idle_read;
#[cfg(test)]
mod tests;

/// The default limit of the connect phase (TCP connect plus TLS handshake):
/// 5 s, as the official SDKs.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Per-request phase timeouts, carried as an [`http::Request`] extension; a
/// transport's own defaults fill the phases a request leaves unset.
///
/// ```
/// use std::time::Duration;
/// use files_transport::{RequestBody, Timeouts};
///
/// let timeouts = Timeouts::uniform(Duration::from_secs(600)).with_pool(None);
/// let mut request = http::Request::new(RequestBody::empty());
/// request.extensions_mut().insert(timeouts);
/// assert_eq!(
///     request.extensions().get::<Timeouts>().and_then(|t| t.read),
///     Some(Duration::from_secs(600))
/// );
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Timeouts {
    /// The longest wait for a connection before the request body starts.
    pub pool: Option<Duration>,
    /// The longest the request body may go without progress.
    pub write: Option<Duration>,
    /// The longest silence of the answer: until its headers arrive once the
    /// body has gone out, then between body chunks.
    pub read: Option<Duration>,
}

impl Timeouts {
    /// No limit on any phase.
    pub const NONE: Self = Self {
        pool: None,
        write: None,
        read: None,
    };

    /// The same limit on the pool, write and read phases (httpx's
    /// `Timeout(n)`).
    #[must_use]
    pub const fn uniform(limit: Duration) -> Self {
        Self {
            pool: Some(limit),
            write: Some(limit),
            read: Some(limit),
        }
    }

    /// Sets the pool limit.
    #[must_use]
    pub const fn with_pool(mut self, limit: Option<Duration>) -> Self {
        self.pool = limit;
        self
    }

    /// Sets the write limit.
    #[must_use]
    pub const fn with_write(mut self, limit: Option<Duration>) -> Self {
        self.write = limit;
        self
    }

    /// Sets the read limit.
    #[must_use]
    pub const fn with_read(mut self, limit: Option<Duration>) -> Self {
        self.read = limit;
        self
    }

    /// Each phase of `self`, or of `defaults` where `self` leaves it unset.
    #[must_use]
    pub fn or(self, defaults: Self) -> Self {
        Self {
            pool: self.pool.or(defaults.pool),
            write: self.write.or(defaults.write),
            read: self.read.or(defaults.read),
        }
    }
}

/// The phase under way, its limit and when it runs out (`None`: never).
fn deadline(
    progress: &SendProgress,
    timeouts: &Timeouts,
) -> (TimeoutPhase, Option<Duration>, Option<Instant>) {
    let phase = progress.phase();
    let limit = match phase {
        TimeoutPhase::Pool => timeouts.pool,
        TimeoutPhase::Write => timeouts.write,
        _ => timeouts.read,
    };
    (
        phase,
        limit,
        limit.and_then(|limit| progress.since().checked_add(limit)),
    )
}

/// Far enough to mean "never", near enough for every timer.
const NEVER: Duration = Duration::from_secs(60 * 60 * 24 * 365);

/// Sends `request` through `send` (an HTTP stack's send future) under phase
/// timeouts: the request's [`Timeouts`] extension, filled from `defaults`.
///
/// * Until the body is first pulled, the [`Pool`](TimeoutPhase::Pool) limit
///   runs (an empty body skips straight to the read phase).
/// * While the body is sent, the [`Write`](TimeoutPhase::Write) limit runs
///   from the last slice pulled: a peer that stops reading stalls it.
/// * Once the body has ended, the [`Read`](TimeoutPhase::Read) limit runs
///   until the response headers, and then between response body chunks.
///
/// Passing a limit fails with a [`Timeout`](crate::TransportErrorKind::Timeout)
/// error that names the phase ([`TransportError::timeout_phase`]). The
/// connect phase belongs to the transport's connector.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::time::Duration;
/// use files_transport::{
///     send_with_timeouts, RequestBody, ResponseBody, TimeoutPhase, Timeouts,
/// };
///
/// let request = http::Request::get("http://127.0.0.1:1/")
///     .body(RequestBody::empty())
///     .unwrap();
/// let never_answers = |_request| std::future::pending();
/// let defaults = Timeouts::uniform(Duration::from_millis(20));
/// let err = send_with_timeouts(request, defaults, never_answers).await.unwrap_err();
/// assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Read));
/// # }
/// ```
///
/// # Errors
/// A phase passed its limit, or `send` failed.
pub async fn send_with_timeouts<F, Fut>(
    mut request: http::Request<RequestBody>,
    defaults: Timeouts,
    send: F,
) -> Result<http::Response<ResponseBody>, TransportError>
where
    F: FnOnce(http::Request<RequestBody>) -> Fut,
    Fut: Future<Output = Result<http::Response<ResponseBody>, TransportError>>,
{
    let timeouts = request
        .extensions()
        .get::<Timeouts>()
        .copied()
        .unwrap_or_default()
        .or(defaults);
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
            // Registered before the deadline is read: a phase change after
            // this point wakes us to re-arm the timer for the new phase.
            progress.register(cx.waker());
            let (_, _, deadline) = deadline(&progress, &timeouts);
            let at = deadline.unwrap_or(never);
            if at != timer.deadline() {
                timer.as_mut().reset(at);
            }
            timer.as_mut().poll(cx).map(|()| None)
        })
        .await;
        if let Some(result) = finished {
            return result.map(|response| {
                response.map(|body| ResponseBody::new(IdleReadBody::fused(body, timeouts.read)))
            });
        }
        // The timer fired: the body may have moved on since it was set.
        let (phase, limit, deadline) = deadline(&progress, &timeouts);
        if let (Some(limit), Some(deadline)) = (limit, deadline)
            && deadline <= Instant::now()
        {
            let mut err = TransportError::timeout(phase, limit);
            if let Some(host) = &host {
                err = err.with_host(host.clone());
            }
            return Err(err);
        }
    }
}
