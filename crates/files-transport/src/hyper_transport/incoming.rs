//! The response body of [`HyperTransport`](super::HyperTransport): hyper's
//! `Incoming`, with errors mapped (idle gaps are timed by
//! [`send_with_timeouts`](crate::send_with_timeouts)).

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;

use super::classify::body_error;
use crate::error::TransportError;

/// Streams hyper's `Incoming` body frame by frame, mapping its errors.
pub(super) struct IncomingBody {
    inner: Incoming,
    host: Arc<str>,
    over_tls: bool,
    failed: bool,
}

impl IncomingBody {
    pub(super) fn new(inner: Incoming, host: Arc<str>, over_tls: bool) -> Self {
        Self {
            inner,
            host,
            over_tls,
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
            Poll::Ready(Some(Err(err))) => {
                this.failed = true;
                Poll::Ready(Some(Err(body_error(err, &this.host, this.over_tls))))
            }
            Poll::Ready(Some(Ok(frame))) => Poll::Ready(Some(Ok(frame))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
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
