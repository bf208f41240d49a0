//! The request body of both reqwest transports (0.12 and 0.13): our
//! [`RequestBody`] made `Sync` for `reqwest::Body::wrap`. (Their response
//! bodies are reqwest's, mapped and fused by [`FusedBody`](crate::fused_body::FusedBody).)

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use sync_wrapper::SyncWrapper;

use crate::error::TransportError;
use crate::request_body::RequestBody;

/// A [`RequestBody`] that is `Sync`, as `reqwest::Body::wrap` requires.
///
/// The body is only ever touched through `&mut` ([`SyncWrapper`]); its size
/// hint and end-of-stream flag, which `http_body` reads through `&self`, are
/// copied after every poll. The size hint stays exact when the length is
/// known, so the request goes out with `Content-Length`.
pub(crate) struct SyncRequestBody {
    inner: SyncWrapper<RequestBody>,
    size_hint: SizeHint,
    end_stream: bool,
}

impl SyncRequestBody {
    pub(crate) fn new(body: RequestBody) -> Self {
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
