//! The bodies of [`ReqwestTransport`](super::ReqwestTransport): our
//! [`RequestBody`] made `Sync` for `reqwest::Body::wrap`, and reqwest's
//! response body with its errors mapped.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use sync_wrapper::SyncWrapper;

use super::classify::body_error;
use crate::error::TransportError;
use crate::request_body::RequestBody;

/// A [`RequestBody`] that is `Sync`, as `reqwest::Body::wrap` requires.
///
/// The body is only ever touched through `&mut` ([`SyncWrapper`]); its size
/// hint and end-of-stream flag, which `http_body` reads through `&self`, are
/// copied after every poll. The size hint stays exact when the length is
/// known, so the request goes out with `Content-Length`.
pub(super) struct SyncRequestBody {
    inner: SyncWrapper<RequestBody>,
    size_hint: SizeHint,
    end_stream: bool,
}

impl SyncRequestBody {
    pub(super) fn new(body: RequestBody) -> Self {
        let size_hint = body.size_hint();
        let end_stream = body.is_end_stream();
        Self {
            inner: SyncWrapper::new(body),
            size_hint,
            end_stream,
        }
    }
}

impl Body for SyncRequestBody {
    type Data = Bytes;
    type Error = TransportError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, TransportError>>> {
        let this = self.get_mut();
        let body = this.inner.get_mut();
        let polled = Pin::new(&mut *body).poll_frame(cx);
        this.size_hint = body.size_hint();
        this.end_stream = body.is_end_stream();
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.end_stream
    }

    fn size_hint(&self) -> SizeHint {
        self.size_hint
    }
}

/// Streams reqwest's response body frame by frame, mapping its errors (idle
/// gaps are timed by [`send_with_timeouts`](crate::send_with_timeouts)).
pub(super) struct ReqwestBody {
    inner: reqwest::Body,
    host: Arc<str>,
    over_tls: bool,
    failed: bool,
}

impl ReqwestBody {
    pub(super) fn new(inner: reqwest::Body, host: Arc<str>, over_tls: bool) -> Self {
        Self {
            inner,
            host,
            over_tls,
            failed: false,
        }
    }
}

impl Body for ReqwestBody {
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

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt as _;

    use super::*;

    #[tokio::test]
    async fn the_sync_body_keeps_an_exact_size_hint_as_it_goes() {
        let body = RequestBody::replayable(
            || {
                futures_util::stream::iter([
                    Ok(Bytes::from_static(b"abc")),
                    Ok(Bytes::from_static(b"de")),
                ])
            },
            Some(5),
        );
        let mut body = SyncRequestBody::new(body);
        assert_eq!(body.size_hint().exact(), Some(5));
        assert!(!body.is_end_stream());
        let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
        assert_eq!(first, "abc");
        assert_eq!(body.size_hint().exact(), Some(2));
        let _ = body.frame().await.unwrap().unwrap();
        assert_eq!(body.size_hint().exact(), Some(0));
        assert!(body.frame().await.is_none());
        assert!(body.is_end_stream());
        assert!(SyncRequestBody::new(RequestBody::empty()).is_end_stream());
    }
}
