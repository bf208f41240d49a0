//! The response body of [`HyperTransport`](super::HyperTransport): hyper's
//! `Incoming`, with errors mapped and an optional read timeout.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use tokio::time::{Instant, Sleep};

use super::classify::body_error;
use crate::error::{TransportError, TransportErrorKind};

/// Streams hyper's `Incoming` body frame by frame. With a read timeout, a
/// wait for the next frame longer than the timeout fails the body with
/// [`TransportErrorKind::Timeout`]. Only time spent *waiting* counts: a slow
/// reader is not penalised.
pub(super) struct IncomingBody {
    inner: Incoming,
    host: Arc<str>,
    over_tls: bool,
    read_timeout: Option<Duration>,
    /// The running deadline, armed when a poll finds no frame ready.
    deadline: Option<Pin<Box<Sleep>>>,
    waiting: bool,
    failed: bool,
}

impl IncomingBody {
    pub(super) fn new(
        inner: Incoming,
        host: Arc<str>,
        over_tls: bool,
        read_timeout: Option<Duration>,
    ) -> Self {
        Self {
            inner,
            host,
            over_tls,
            read_timeout,
            deadline: None,
            waiting: false,
            failed: false,
        }
    }
}

impl Body for IncomingBody {
    type Data = Bytes;
    type Error = TransportError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, TransportError>>> {
        let this = self.get_mut();
        if this.failed {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                this.waiting = false;
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(err))) => {
                this.failed = true;
                Poll::Ready(Some(Err(body_error(err, &this.host, this.over_tls))))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => {
                let Some(limit) = this.read_timeout else {
                    return Poll::Pending;
                };
                if !this.waiting {
                    this.waiting = true;
                    let at = Instant::now() + limit;
                    match &mut this.deadline {
                        Some(sleep) => sleep.as_mut().reset(at),
                        None => this.deadline = Some(Box::pin(tokio::time::sleep_until(at))),
                    }
                }
                let expired = this
                    .deadline
                    .as_mut()
                    .is_some_and(|sleep| sleep.as_mut().poll(cx).is_ready());
                if expired {
                    this.failed = true;
                    return Poll::Ready(Some(Err(TransportError::new(
                        TransportErrorKind::Timeout,
                        format!("no response body data within the read timeout of {limit:?}"),
                    )
                    .with_host(this.host.to_string()))));
                }
                Poll::Pending
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.failed || self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        if self.failed {
            SizeHint::with_exact(0)
        } else {
            self.inner.size_hint()
        }
    }
}
