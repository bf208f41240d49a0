//! [`RequestBody`]: a request body that answers one question for retries:
//! "give me a fresh body for the next attempt" ([`RequestBody::try_clone`]).

mod checked_stream;
mod one_shot;
mod replayable;

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use http_body::{Frame, SizeHint};

use self::one_shot::OneShotHandle;
use self::replayable::{Factory, ReplayableState};
use crate::error::TransportError;
use crate::send_progress::SendProgress;

pub use self::checked_stream::BodyStream;

/// The largest slice of a chunk handed to the HTTP stack at once: 64 KiB.
pub const MAX_SLICE: usize = 64 * 1024;

/// The body of a request sent through a [`Transport`](crate::Transport).
///
/// It implements [`http_body::Body`] with `Data = Bytes` and
/// `Error = `[`TransportError`], so any HTTP stack built on `http-body` can
/// send it. Four shapes exist:
///
/// | constructor | [`try_clone`](RequestBody::try_clone) | length |
/// | --- | --- | --- |
/// | [`RequestBody::empty`] | always | 0 |
/// | [`RequestBody::from_bytes`] | always (the bytes are shared) | known |
/// | [`RequestBody::replayable`] | always: a factory yields a fresh stream per attempt | optional |
/// | [`RequestBody::one_shot`] | only while untouched: no attempt has sent a byte of it | optional |
///
/// Streams are sent chunk by chunk: nothing here buffers a whole body. Large
/// chunks are handed to the HTTP stack in slices of at most
/// [`MAX_SLICE`] bytes (without copying), so that the request's
/// [`NoProgressTimeout`](crate::NoProgressTimeout) sees progress at a fine
/// grain on slow links. When a length is declared,
/// [`http_body::Body::size_hint`] is exact, so the HTTP stack sends
/// `Content-Length` instead of chunked encoding, and a stream that yields more
/// or fewer bytes than declared fails with a
/// [`RequestBody`](crate::TransportErrorKind::RequestBody) error.
///
/// # Replay
///
/// A retry loop asks one question before each attempt:
/// [`try_clone`](Self::try_clone) gives a fresh body that starts from the
/// first byte, or `None` when that cannot be done (a one-shot stream that an
/// earlier attempt already started sending).
///
/// ```
/// use bytes::Bytes;
/// use files_transport::RequestBody;
///
/// let body = RequestBody::from_bytes("hello");
/// assert_eq!(body.content_length(), Some(5));
/// assert!(body.try_clone().is_some());
///
/// let stream = futures_util::stream::iter([Ok(Bytes::from_static(b"once"))]);
/// let once = RequestBody::one_shot(stream, Some(4));
/// // Untouched: a handle for the first attempt can still be had.
/// assert!(once.try_clone().is_some());
/// ```
#[non_exhaustive]
pub struct RequestBody {
    inner: Inner,
    /// The rest of a chunk larger than [`MAX_SLICE`], handed out next.
    rest: Bytes,
    /// The send watchdog of [`send_with_timeout`](crate::send_with_timeout).
    progress: Option<Arc<SendProgress>>,
}

enum Inner {
    Empty,
    Bytes {
        original: Bytes,
        pending: Option<Bytes>,
    },
    Replayable(ReplayableState),
    OneShot(OneShotHandle),
}

impl RequestBody {
    fn with_inner(inner: Inner) -> Self {
        Self {
            inner,
            rest: Bytes::new(),
            progress: None,
        }
    }

    /// An empty body (`Content-Length: 0` where the method carries a body).
    ///
    /// ```
    /// use files_transport::RequestBody;
    ///
    /// assert_eq!(RequestBody::empty().content_length(), Some(0));
    /// ```
    #[must_use]
    pub fn empty() -> Self {
        Self::with_inner(Inner::Empty)
    }

    /// A body held fully in memory: replayable, and cheap to clone.
    ///
    /// ```
    /// use files_transport::RequestBody;
    ///
    /// let body = RequestBody::from_bytes(vec![1, 2, 3]);
    /// assert_eq!(body.content_length(), Some(3));
    /// ```
    #[must_use]
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        Self::with_inner(Inner::Bytes {
            pending: Some(bytes.clone()),
            original: bytes,
        })
    }

    /// A streamed body that can be sent again: `factory` is called once per
    /// send attempt (lazily, when the body is first polled) and must yield
    /// the same bytes each time.
    ///
    /// `content_length`, when known, becomes the `Content-Length` header, and
    /// the stream must then yield exactly that many bytes.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use files_transport::RequestBody;
    ///
    /// let body = RequestBody::replayable(
    ///     || futures_util::stream::iter([Ok(Bytes::from_static(b"chunk"))]),
    ///     Some(5),
    /// );
    /// let second_attempt = body.try_clone().expect("replayable");
    /// assert_eq!(second_attempt.content_length(), Some(5));
    /// ```
    #[must_use]
    pub fn replayable<F, S>(factory: F, content_length: Option<u64>) -> Self
    where
        F: Fn() -> S + Send + Sync + 'static,
        S: Stream<Item = io::Result<Bytes>> + Send + 'static,
    {
        let factory: Factory = Arc::new(move || Box::pin(factory()) as BodyStream);
        Self::with_inner(Inner::Replayable(ReplayableState::new(
            factory,
            content_length,
        )))
    }

    /// A streamed body that can be sent only once (for example, bytes read
    /// from a pipe). Once a byte of it has gone out it can never be sent
    /// again, so a failed request with such a body cannot be retried.
    ///
    /// `content_length`, when known, becomes the `Content-Length` header, and
    /// the stream must then yield exactly that many bytes.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use files_transport::RequestBody;
    ///
    /// let stream = futures_util::stream::iter([Ok(Bytes::from_static(b"data"))]);
    /// let body = RequestBody::one_shot(stream, None);
    /// assert_eq!(body.content_length(), None);
    /// ```
    #[must_use]
    pub fn one_shot<S>(stream: S, content_length: Option<u64>) -> Self
    where
        S: Stream<Item = io::Result<Bytes>> + Send + 'static,
    {
        let handle = OneShotHandle::first(Box::pin(stream), content_length);
        Self::with_inner(Inner::OneShot(handle))
    }

    /// The total length of the body, if known: it is sent as `Content-Length`.
    #[must_use]
    pub fn content_length(&self) -> Option<u64> {
        match &self.inner {
            Inner::Empty => Some(0),
            Inner::Bytes { original, .. } => Some(original.len() as u64),
            Inner::Replayable(state) => state.attempt.declared(),
            Inner::OneShot(handle) => handle.attempt.declared(),
        }
    }

    /// A fresh body for a send attempt, starting from the first byte, or
    /// `None` when that cannot be done: a one-shot stream that an attempt
    /// has started sending (or that is held by an attempt in flight).
    ///
    /// This is the only question a retry loop needs to ask.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use bytes::Bytes;
    /// use files_transport::RequestBody;
    /// use http_body_util::BodyExt as _;
    ///
    /// let template = RequestBody::one_shot(
    ///     futures_util::stream::iter([Ok(Bytes::from_static(b"once"))]),
    ///     Some(4),
    /// );
    /// let first_attempt = template.try_clone().expect("untouched");
    /// assert_eq!(first_attempt.collect().await.unwrap().to_bytes(), "once");
    /// assert!(template.try_clone().is_none(), "spent by the first attempt");
    /// # }
    /// ```
    #[must_use]
    pub fn try_clone(&self) -> Option<Self> {
        match &self.inner {
            Inner::Empty => Some(Self::empty()),
            Inner::Bytes { original, .. } => Some(Self::from_bytes(original.clone())),
            Inner::Replayable(state) => Some(Self::with_inner(Inner::Replayable(state.restart()))),
            Inner::OneShot(handle) => handle
                .try_clone()
                .map(|handle| Self::with_inner(Inner::OneShot(handle))),
        }
    }

    /// Lets the send watchdog see this body's progress.
    pub(crate) fn watch(&mut self, progress: Arc<SendProgress>) {
        self.progress = Some(progress);
    }

    fn kind_name(&self) -> &'static str {
        match self.inner {
            Inner::Empty => "empty",
            Inner::Bytes { .. } => "bytes",
            Inner::Replayable(_) => "replayable stream",
            Inner::OneShot(_) => "one-shot stream",
        }
    }

    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, TransportError>>> {
        match &mut self.inner {
            Inner::Empty => Poll::Ready(None),
            Inner::Bytes { pending, .. } => {
                Poll::Ready(pending.take().filter(|b| !b.is_empty()).map(Ok))
            }
            Inner::Replayable(state) => state.poll_chunk(cx),
            Inner::OneShot(handle) => handle.poll_chunk(cx),
        }
    }

    fn inner_finished(&self) -> bool {
        match &self.inner {
            Inner::Empty => true,
            Inner::Bytes { pending, .. } => pending.as_ref().is_none_or(Bytes::is_empty),
            Inner::Replayable(state) => state.attempt.is_finished(),
            Inner::OneShot(handle) => handle.attempt.is_finished(),
        }
    }
}

impl http_body::Body for RequestBody {
    type Data = Bytes;
    type Error = TransportError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, TransportError>>> {
        let this = self.get_mut();
        if let Some(progress) = &this.progress {
            progress.body_polled();
        }
        let chunk = if this.rest.is_empty() {
            match this.poll_chunk(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => chunk,
                Poll::Ready(other) => {
                    if let Some(progress) = &this.progress {
                        progress.body_ended();
                    }
                    return Poll::Ready(other.map(|result| result.map(Frame::data)));
                }
            }
        } else {
            std::mem::take(&mut this.rest)
        };
        let mut slice = chunk;
        if slice.len() > MAX_SLICE {
            this.rest = slice.split_off(MAX_SLICE);
        }
        if let Some(progress) = &this.progress {
            progress.body_sent_data();
        }
        Poll::Ready(Some(Ok(Frame::data(slice))))
    }

    fn is_end_stream(&self) -> bool {
        self.rest.is_empty() && self.inner_finished()
    }

    fn size_hint(&self) -> SizeHint {
        let rest = self.rest.len() as u64;
        let remaining = match &self.inner {
            Inner::Empty => Some(0),
            Inner::Bytes { pending, .. } => Some(pending.as_ref().map_or(0, |b| b.len() as u64)),
            Inner::Replayable(state) => state.attempt.remaining(),
            Inner::OneShot(handle) => handle.attempt.remaining(),
        };
        match remaining {
            Some(remaining) => SizeHint::with_exact(remaining.saturating_add(rest)),
            None => SizeHint::default(),
        }
    }
}

impl Default for RequestBody {
    fn default() -> Self {
        Self::empty()
    }
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestBody")
            .field("kind", &self.kind_name())
            .field("content_length", &self.content_length())
            .finish()
    }
}

impl From<Bytes> for RequestBody {
    fn from(bytes: Bytes) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<Vec<u8>> for RequestBody {
    fn from(bytes: Vec<u8>) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<String> for RequestBody {
    fn from(text: String) -> Self {
        Self::from_bytes(text)
    }
}

impl From<&'static str> for RequestBody {
    fn from(text: &'static str) -> Self {
        Self::from_bytes(text)
    }
}

impl From<&'static [u8]> for RequestBody {
    fn from(bytes: &'static [u8]) -> Self {
        Self::from_bytes(bytes)
    }
}

#[cfg(test)]
mod tests;
