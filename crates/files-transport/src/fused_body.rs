//! [`FusedBody`]: a response body that maps its inner body's errors to
//! [`TransportError`]s and ends for good after the first one.
//!
//! Every built-in response body has this shape: the HTTP stack's body
//! (hyper's `Incoming`, reqwest's `Body`) with its errors mapped, and the
//! idle-read timer of [`send_with_timeout`](crate::send_with_timeout),
//! which fails on its own. Past a failure an HTTP stack's body may still have
//! frames to give (or may panic when polled again); a fused body yields
//! nothing more, and says so through `is_end_stream` and an exact size hint
//! of 0.

use std::pin::Pin;
use std::task::{Context, Poll};

use http_body::{Body, Frame, SizeHint};

use crate::error::TransportError;

/// Streams `inner` frame by frame, mapping its errors through `map_err`;
/// after the first error it yields `None` without polling `inner` again.
pub(crate) struct FusedBody<B, F> {
    inner: B,
    map_err: F,
    failed: bool,
}

impl<B, F> FusedBody<B, F>
where
    B: Body,
    F: FnMut(B::Error) -> TransportError,
{
    /// Fuses `inner`, mapping its errors through `map_err`.
    pub(crate) fn new(inner: B, map_err: F) -> Self {
        Self {
            inner,
            map_err,
            failed: false,
        }
    }
}

impl<B> FusedBody<B, fn(TransportError) -> TransportError>
where
    B: Body<Error = TransportError>,
{
    /// Fuses `inner`, whose errors are already [`TransportError`]s.
    pub(crate) fn unmapped(inner: B) -> Self {
        Self::new(inner, std::convert::identity)
    }
}

impl<B, F> Body for FusedBody<B, F>
where
    B: Body + Unpin,
    F: FnMut(B::Error) -> TransportError + Unpin,
{
    type Data = B::Data;
    type Error = TransportError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, TransportError>>> {
        let this = self.get_mut();
        if this.failed {
            return Poll::Ready(None);
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Err(err))) => {
                this.failed = true;
                Poll::Ready(Some(Err((this.map_err)(err))))
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
    use std::collections::VecDeque;
    use std::io;

    use bytes::Bytes;
    use http_body_util::BodyExt as _;

    use super::*;
    use crate::error::TransportErrorKind;

    /// A body that yields its script in order, counting its polls; its size
    /// hint is an exact 100 and it never says it has ended.
    struct Scripted {
        script: VecDeque<Result<&'static str, io::Error>>,
        polls: usize,
    }

    impl Scripted {
        fn new(script: impl IntoIterator<Item = Result<&'static str, io::Error>>) -> Self {
            Self {
                script: script.into_iter().collect(),
                polls: 0,
            }
        }
    }

    impl Body for Scripted {
        type Data = Bytes;
        type Error = io::Error;

        fn poll_frame(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
            let this = self.get_mut();
            this.polls += 1;
            let next = this.script.pop_front();
            Poll::Ready(
                next.map(|item| item.map(|text| Frame::data(Bytes::from_static(text.as_bytes())))),
            )
        }

        fn is_end_stream(&self) -> bool {
            false
        }

        fn size_hint(&self) -> SizeHint {
            SizeHint::with_exact(100)
        }
    }

    fn reset() -> io::Error {
        io::Error::new(io::ErrorKind::ConnectionReset, "reset")
    }

    fn to_transport(err: io::Error) -> TransportError {
        TransportError::new(TransportErrorKind::Io, format!("mapped: {err}"))
    }

    #[tokio::test]
    async fn the_first_error_is_mapped_once_then_the_body_ends() {
        let inner = Scripted::new([Ok("a"), Err(reset()), Ok("after"), Err(reset())]);
        let mut body = FusedBody::new(inner, to_transport);
        assert!(!body.is_end_stream());
        assert_eq!(body.size_hint().exact(), Some(100));

        let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
        assert_eq!(first, "a");
        let err = body.frame().await.unwrap().unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Io);
        assert_eq!(err.message(), "mapped: reset");

        for _ in 0..3 {
            assert!(body.frame().await.is_none(), "fused after the error");
        }
        assert_eq!(body.inner.polls, 2, "the inner body is not polled again");
        assert!(body.is_end_stream());
        assert_eq!(body.size_hint().exact(), Some(0));
    }

    #[tokio::test]
    async fn a_body_without_errors_passes_through() {
        let inner = Scripted::new([Ok("a"), Ok("b")]);
        let mut body = FusedBody::new(inner, to_transport);
        let all = (&mut body).collect().await.unwrap().to_bytes();
        assert_eq!(all, "ab");
        assert!(!body.is_end_stream(), "the inner body's own answer");
        assert_eq!(body.size_hint().exact(), Some(100));
    }

    #[tokio::test]
    async fn unmapped_keeps_the_error_as_it_is() {
        let inner = crate::ResponseBody::from_stream(futures_util::stream::iter([
            Err(TransportError::new(TransportErrorKind::Timeout, "late")),
            Ok(Bytes::from_static(b"more")),
        ]));
        let mut body = FusedBody::unmapped(inner);
        let err = body.frame().await.unwrap().unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Timeout);
        assert_eq!(err.message(), "late");
        assert!(body.frame().await.is_none());
    }
}
