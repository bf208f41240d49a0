//! [`ResponseBody`]: a response body streamed chunk by chunk.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;

use crate::error::{TransportError, TransportErrorKind};

/// The body of a response returned by a [`Transport`](crate::Transport).
///
/// It is streamed: nothing is buffered until the caller asks, either frame by
/// frame through [`http_body::Body`], chunk by chunk through
/// [`into_stream`](Self::into_stream), or in full, up to a size cap, through
/// [`collect_capped`](Self::collect_capped). Errors while streaming are
/// [`TransportError`]s (usually [`Io`](TransportErrorKind::Io), or
/// [`Timeout`](TransportErrorKind::Timeout) when the request's
/// [`NoProgressTimeout`](crate::NoProgressTimeout) passes between chunks).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), files_transport::TransportError> {
/// use files_transport::ResponseBody;
///
/// let body = ResponseBody::from_bytes("{\"id\":\"file_1\"}");
/// let bytes = body.collect_capped(1024).await?;
/// assert_eq!(bytes, "{\"id\":\"file_1\"}");
/// # Ok(())
/// # }
/// ```
#[non_exhaustive]
pub struct ResponseBody {
    inner: UnsyncBoxBody<Bytes, TransportError>,
}

impl ResponseBody {
    /// Wraps any [`http_body::Body`] whose errors are already
    /// [`TransportError`]s (custom transports map their own errors first).
    #[must_use]
    pub fn new<B>(body: B) -> Self
    where
        B: Body<Data = Bytes, Error = TransportError> + Send + 'static,
    {
        Self {
            inner: UnsyncBoxBody::new(body),
        }
    }

    /// An empty body.
    ///
    /// ```
    /// use files_transport::ResponseBody;
    /// use http_body::Body as _;
    ///
    /// assert!(ResponseBody::empty().is_end_stream());
    /// ```
    #[must_use]
    pub fn empty() -> Self {
        Self::new(http_body_util::Empty::new().map_err(|never| match never {}))
    }

    /// A body holding `bytes` in one chunk.
    #[must_use]
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Self::new(http_body_util::Full::new(bytes.into()).map_err(|never| match never {}))
    }

    /// A body streaming the chunks of `stream`, for custom transports and
    /// fakes. An `Err` item ends the body with that error.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), files_transport::TransportError> {
    /// use bytes::Bytes;
    /// use files_transport::ResponseBody;
    ///
    /// let chunks = futures_util::stream::iter([
    ///     Ok(Bytes::from_static(b"hello ")),
    ///     Ok(Bytes::from_static(b"world")),
    /// ]);
    /// let body = ResponseBody::from_stream(chunks);
    /// assert_eq!(body.collect_capped(64).await?, "hello world");
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn from_stream<S>(stream: S) -> Self
    where
        S: Stream<Item = Result<Bytes, TransportError>> + Send + 'static,
    {
        Self::new(StreamBody {
            stream: Box::pin(stream),
        })
    }

    /// The body as a stream of data chunks (trailers are skipped).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), files_transport::TransportError> {
    /// use futures_util::StreamExt as _;
    /// use files_transport::ResponseBody;
    ///
    /// let mut chunks = ResponseBody::from_bytes("abc").into_stream();
    /// let mut total = 0;
    /// while let Some(chunk) = chunks.next().await {
    ///     total += chunk?.len();
    /// }
    /// assert_eq!(total, 3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_stream(
        self,
    ) -> impl Stream<Item = Result<Bytes, TransportError>> + Send + Unpin + 'static {
        self.into_data_stream()
    }

    /// Collects the whole body into one buffer, failing with
    /// [`BodyTooLarge`](TransportErrorKind::BodyTooLarge) as soon as more than
    /// `max_bytes` bytes arrive (or the body declares a larger exact size), so
    /// memory stays bounded by the cap.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use files_transport::{ResponseBody, TransportErrorKind};
    ///
    /// let err = ResponseBody::from_bytes(vec![0u8; 100])
    ///     .collect_capped(10)
    ///     .await
    ///     .unwrap_err();
    /// assert_eq!(err.kind(), TransportErrorKind::BodyTooLarge);
    /// # }
    /// ```
    pub async fn collect_capped(mut self, max_bytes: usize) -> Result<Bytes, TransportError> {
        if self.inner.size_hint().lower() > max_bytes as u64 {
            return Err(too_large(max_bytes));
        }
        let mut first: Option<Bytes> = None;
        let mut rest: Option<BytesMut> = None;
        let mut total: usize = 0;
        while let Some(frame) = self.frame().await {
            let Ok(chunk) = frame?.into_data() else {
                continue; // trailers
            };
            if chunk.is_empty() {
                continue;
            }
            total = total.saturating_add(chunk.len());
            if total > max_bytes {
                return Err(too_large(max_bytes));
            }
            match (&mut first, &mut rest) {
                (None, _) => first = Some(chunk),
                (Some(head), None) => {
                    let mut buf = BytesMut::with_capacity(total);
                    buf.extend_from_slice(head);
                    buf.extend_from_slice(&chunk);
                    rest = Some(buf);
                }
                (Some(_), Some(buf)) => buf.extend_from_slice(&chunk),
            }
        }
        Ok(match (first, rest) {
            (_, Some(buf)) => buf.freeze(),
            (Some(only), None) => only,
            (None, None) => Bytes::new(),
        })
    }
}

fn too_large(max_bytes: usize) -> TransportError {
    TransportError::new(
        TransportErrorKind::BodyTooLarge,
        format!("response body exceeds the cap of {max_bytes} bytes"),
    )
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = TransportError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, TransportError>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Default for ResponseBody {
    fn default() -> Self {
        Self::empty()
    }
}

impl fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseBody")
            .field("size_hint", &self.inner.size_hint())
            .finish_non_exhaustive()
    }
}

/// Adapts a stream of chunks into a body.
struct StreamBody {
    stream: Pin<Box<dyn Stream<Item = Result<Bytes, TransportError>> + Send>>,
}

impl Body for StreamBody {
    type Data = Bytes;
    type Error = TransportError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, TransportError>>> {
        self.stream
            .as_mut()
            .poll_next(cx)
            .map(|next| next.map(|result| result.map(Frame::data)))
    }
}

#[cfg(test)]
mod tests {
    use futures_util::{StreamExt, stream};

    use super::*;

    fn chunked(parts: &[&'static str]) -> ResponseBody {
        let items: Vec<Result<Bytes, TransportError>> = parts
            .iter()
            .map(|p| Ok(Bytes::from_static(p.as_bytes())))
            .collect();
        ResponseBody::from_stream(stream::iter(items))
    }

    #[tokio::test]
    async fn collect_capped_joins_chunks_within_cap() {
        let body = chunked(&["ab", "", "cd", "e"]);
        assert_eq!(body.collect_capped(5).await.unwrap(), "abcde");
        assert_eq!(chunked(&[]).collect_capped(0).await.unwrap(), "");
        assert_eq!(chunked(&["only"]).collect_capped(4).await.unwrap(), "only");
    }

    #[tokio::test]
    async fn collect_capped_stops_past_the_cap() {
        let err = chunked(&["abc", "def"])
            .collect_capped(5)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::BodyTooLarge);
        assert!(!err.is_retryable());
        assert!(err.message().contains("cap of 5 bytes"), "{err}");
    }

    #[tokio::test]
    async fn collect_capped_rejects_declared_oversize_without_reading() {
        let err = ResponseBody::from_bytes(vec![7u8; 64])
            .collect_capped(63)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::BodyTooLarge);
    }

    #[tokio::test]
    async fn stream_errors_surface_in_order() {
        let part_then_reset = || {
            ResponseBody::from_stream(stream::iter([
                Ok(Bytes::from_static(b"part")),
                Err(TransportError::new(
                    TransportErrorKind::Io,
                    "connection reset",
                )),
            ]))
        };
        let mut chunks = part_then_reset().into_stream();
        assert_eq!(chunks.next().await.unwrap().unwrap(), "part");
        let err = chunks.next().await.unwrap().unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Io);

        let err = part_then_reset().collect_capped(100).await.unwrap_err();
        assert_eq!(err.message(), "connection reset");
    }

    #[test]
    fn empty_and_full_report_sizes() {
        assert_eq!(ResponseBody::empty().size_hint().exact(), Some(0));
        assert_eq!(ResponseBody::from_bytes("abc").size_hint().exact(), Some(3));
        assert!(format!("{:?}", ResponseBody::default()).contains("ResponseBody"));
    }
}
