//! [`IdleReadBody`]: the read phase after the headers, timed as gaps
//! between the response body's chunks.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use crate::error::{TimeoutPhase, TransportError};
use crate::fused_body::FusedBody;
use crate::response_body::ResponseBody;

/// Far enough to mean "never", near enough for every timer.
pub(super) const NEVER: Duration = Duration::from_secs(60 * 60 * 24 * 365);

/// A response body that fails when the peer stays silent for longer than the
/// no-progress limit. Only time spent *waiting* counts: a slow reader is not
/// penalised. It is meant to be fused ([`IdleReadBody::fused`]): neither its
/// inner body nor its timer is polled again after an error.
pub(super) struct IdleReadBody {
    inner: ResponseBody,
    limit: Duration,
    timer: Option<Pin<Box<Sleep>>>,
    waiting: bool,
}

impl IdleReadBody {
    /// Times the gaps of `inner` against `limit`, fused after the first
    /// error (the inner body's or the timer's).
    pub(super) fn fused(
        inner: ResponseBody,
        limit: Duration,
    ) -> FusedBody<Self, fn(TransportError) -> TransportError> {
        FusedBody::unmapped(Self {
            inner,
            limit,
            timer: None,
            waiting: false,
        })
    }
}

impl Body for IdleReadBody {
    type Data = Bytes;
    type Error = TransportError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, TransportError>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(ready) => {
                this.waiting = false;
                Poll::Ready(ready)
            }
            Poll::Pending => {
                let limit = this.limit;
                if !this.waiting {
                    this.waiting = true;
                    let at = Instant::now()
                        .checked_add(limit)
                        .unwrap_or_else(|| Instant::now() + NEVER);
                    match &mut this.timer {
                        Some(timer) => timer.as_mut().reset(at),
                        None => this.timer = Some(Box::pin(tokio::time::sleep_until(at))),
                    }
                }
                let expired = this
                    .timer
                    .as_mut()
                    .is_some_and(|timer| timer.as_mut().poll(cx).is_ready());
                if expired {
                    return Poll::Ready(Some(Err(TransportError::timeout(
                        TimeoutPhase::Read,
                        limit,
                    ))));
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
