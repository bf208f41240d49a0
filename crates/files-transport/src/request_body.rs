//! [`RequestBody`]: a request body that knows whether it can be sent again.
//!
//! Four shapes exist:
//!
//! | constructor | replayable | length |
//! | --- | --- | --- |
//! | [`RequestBody::empty`] | yes | 0 |
//! | [`RequestBody::from_bytes`] | yes (cheap clone) | known |
//! | [`RequestBody::replayable`] | yes: a factory yields a fresh stream per attempt | optional |
//! | [`RequestBody::one_shot`] | no: the stream is sent at most once | optional |
//!
//! Streams are sent chunk by chunk: nothing here buffers a whole body. When a
//! length is declared, [`http_body::Body::size_hint`] is exact, so the HTTP
//! stack sends `Content-Length` instead of chunked encoding, and a stream that
//! yields more or fewer bytes than declared fails with an
//! [`Io`](crate::TransportErrorKind::Io) error.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use futures_core::stream::BoxStream;
use http_body::{Frame, SizeHint};

use crate::error::{TransportError, TransportErrorKind};

/// A boxed stream of request body chunks, as produced by a replayable body's
/// factory.
pub type BodyStream = BoxStream<'static, io::Result<Bytes>>;

/// A factory yielding a fresh [`BodyStream`] for each send attempt.
type Factory = Arc<dyn Fn() -> BodyStream + Send + Sync + 'static>;

/// The body of a request sent through a [`Transport`](crate::Transport).
///
/// It implements [`http_body::Body`] with `Data = Bytes` and
/// `Error = `[`TransportError`], so any HTTP stack built on `http-body` can
/// send it.
///
/// # Replay
///
/// Retrying a request needs a body for each attempt:
///
/// * [`try_clone`](Self::try_clone) returns a fresh body for replayable bodies
///   and `None` for one-shot bodies;
/// * [`next_attempt`](Self::next_attempt) always returns a body: for one-shot
///   bodies it is a handle on the *same* single stream, which can still be sent
///   as long as no byte of it has gone out
///   ([`first_byte_sent`](Self::first_byte_sent) is `false`), and otherwise
///   fails with [`InvalidRequest`](TransportErrorKind::InvalidRequest).
///
/// ```
/// use bytes::Bytes;
/// use files_transport::RequestBody;
///
/// let body = RequestBody::from_bytes("hello");
/// assert!(body.is_replayable());
/// assert_eq!(body.content_length(), Some(5));
/// assert!(body.try_clone().is_some());
///
/// let stream = futures_util::stream::iter([Ok(Bytes::from_static(b"once"))]);
/// let once = RequestBody::one_shot(stream, Some(4));
/// assert!(!once.is_replayable());
/// assert!(once.try_clone().is_none());
/// assert!(!once.first_byte_sent());
/// ```
#[non_exhaustive]
pub struct RequestBody {
    inner: Inner,
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

struct ReplayableState {
    factory: Factory,
    stream: Option<BodyStream>,
    length: LengthCheck,
    first_byte_sent: bool,
    finished: bool,
}

struct OneShotHandle {
    shared: Arc<OneShotShared>,
    length: LengthCheck,
    /// This handle yielded the stream's first byte: it alone may continue.
    owner: bool,
    finished: bool,
}

struct OneShotShared {
    /// The single stream; `None` once it has ended or failed.
    stream: Mutex<Option<BodyStream>>,
    /// Set (under the lock) when the first non-empty chunk is yielded.
    started: AtomicBool,
}

/// Counts bytes against an optional declared length.
#[derive(Clone, Copy)]
struct LengthCheck {
    declared: Option<u64>,
    seen: u64,
}

impl LengthCheck {
    fn new(declared: Option<u64>) -> Self {
        Self { declared, seen: 0 }
    }

    fn add(&mut self, len: usize) -> Result<(), TransportError> {
        self.seen = self.seen.saturating_add(len as u64);
        match self.declared {
            Some(declared) if self.seen > declared => Err(length_error(format!(
                "request body stream yielded more bytes than its declared length of {declared} bytes"
            ))),
            _ => Ok(()),
        }
    }

    fn finish(&self) -> Result<(), TransportError> {
        match self.declared {
            Some(declared) if self.seen < declared => Err(length_error(format!(
                "request body stream ended after {} bytes, short of its declared length of {declared} bytes",
                self.seen
            ))),
            _ => Ok(()),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self.declared {
            Some(declared) => SizeHint::with_exact(declared.saturating_sub(self.seen)),
            None => SizeHint::default(),
        }
    }
}

fn length_error(message: String) -> TransportError {
    TransportError::new(TransportErrorKind::Io, message.clone())
        .with_source(io::Error::new(io::ErrorKind::InvalidData, message))
}

fn stream_error(err: io::Error) -> TransportError {
    TransportError::new(TransportErrorKind::Io, "request body stream failed").with_source(err)
}

/// The error of sending a one-shot body that another send already consumed.
pub(crate) fn consumed_error() -> TransportError {
    TransportError::new(
        TransportErrorKind::InvalidRequest,
        "one-shot request body was already consumed by an earlier send and cannot be sent again",
    )
}

/// What one poll of a body stream produced, after skipping empty chunks and
/// checking the declared length.
enum Step {
    Chunk(Bytes),
    End,
    Failed(TransportError),
}

fn poll_step(
    stream: &mut BodyStream,
    length: &mut LengthCheck,
    cx: &mut Context<'_>,
) -> Poll<Step> {
    loop {
        return match stream.as_mut().poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => Poll::Ready(match length.finish() {
                Ok(()) => Step::End,
                Err(err) => Step::Failed(err),
            }),
            Poll::Ready(Some(Err(err))) => Poll::Ready(Step::Failed(stream_error(err))),
            Poll::Ready(Some(Ok(chunk))) if chunk.is_empty() => continue,
            Poll::Ready(Some(Ok(chunk))) => Poll::Ready(match length.add(chunk.len()) {
                Ok(()) => Step::Chunk(chunk),
                Err(err) => Step::Failed(err),
            }),
        };
    }
}

impl RequestBody {
    /// An empty body (`Content-Length: 0` where the method carries a body).
    ///
    /// ```
    /// use files_transport::RequestBody;
    ///
    /// assert_eq!(RequestBody::empty().content_length(), Some(0));
    /// ```
    #[must_use]
    pub fn empty() -> Self {
        Self {
            inner: Inner::Empty,
        }
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
        Self {
            inner: Inner::Bytes {
                pending: Some(bytes.clone()),
                original: bytes,
            },
        }
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
    /// assert!(body.is_replayable());
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
        Self::from_factory(factory, content_length)
    }

    fn from_factory(factory: Factory, content_length: Option<u64>) -> Self {
        Self {
            inner: Inner::Replayable(ReplayableState {
                factory,
                stream: None,
                length: LengthCheck::new(content_length),
                first_byte_sent: false,
                finished: false,
            }),
        }
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
    /// assert!(!body.is_replayable());
    /// assert_eq!(body.content_length(), None);
    /// ```
    #[must_use]
    pub fn one_shot<S>(stream: S, content_length: Option<u64>) -> Self
    where
        S: Stream<Item = io::Result<Bytes>> + Send + 'static,
    {
        Self {
            inner: Inner::OneShot(OneShotHandle {
                shared: Arc::new(OneShotShared {
                    stream: Mutex::new(Some(Box::pin(stream))),
                    started: AtomicBool::new(false),
                }),
                length: LengthCheck::new(content_length),
                owner: false,
                finished: false,
            }),
        }
    }

    /// Whether this body can be sent again from the start (every shape but
    /// [`one_shot`](Self::one_shot)).
    #[must_use]
    pub fn is_replayable(&self) -> bool {
        !matches!(self.inner, Inner::OneShot(_))
    }

    /// The total length of the body, if known: it is sent as `Content-Length`.
    #[must_use]
    pub fn content_length(&self) -> Option<u64> {
        match &self.inner {
            Inner::Empty => Some(0),
            Inner::Bytes { original, .. } => Some(original.len() as u64),
            Inner::Replayable(state) => state.length.declared,
            Inner::OneShot(handle) => handle.length.declared,
        }
    }

    /// A fresh body for another send attempt, starting from the first byte:
    /// `Some` for replayable bodies, `None` for one-shot bodies.
    #[must_use]
    pub fn try_clone(&self) -> Option<Self> {
        match &self.inner {
            Inner::Empty => Some(Self::empty()),
            Inner::Bytes { original, .. } => Some(Self::from_bytes(original.clone())),
            Inner::Replayable(state) => Some(Self::from_factory(
                Arc::clone(&state.factory),
                state.length.declared,
            )),
            Inner::OneShot(_) => None,
        }
    }

    /// A body for the next send attempt, keeping `self` as the template to
    /// ask about afterwards.
    ///
    /// For replayable bodies this is [`try_clone`](Self::try_clone). For a
    /// one-shot body it is a handle on the same single stream: sending it
    /// works while no byte of the stream has gone out (an attempt that failed
    /// to connect did not consume it), and fails with
    /// [`InvalidRequest`](TransportErrorKind::InvalidRequest) once another
    /// handle has started sending it.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use files_transport::RequestBody;
    ///
    /// let stream = futures_util::stream::iter([Ok(Bytes::from_static(b"data"))]);
    /// let template = RequestBody::one_shot(stream, Some(4));
    /// let attempt = template.next_attempt();
    /// // Nothing has been sent yet, so the attempt may still send the stream.
    /// assert!(!attempt.is_consumed());
    /// assert!(!template.first_byte_sent());
    /// ```
    #[must_use]
    pub fn next_attempt(&self) -> Self {
        match &self.inner {
            Inner::OneShot(handle) => Self {
                inner: Inner::OneShot(OneShotHandle {
                    shared: Arc::clone(&handle.shared),
                    length: LengthCheck::new(handle.length.declared),
                    owner: false,
                    finished: false,
                }),
            },
            Inner::Empty => Self::empty(),
            Inner::Bytes { original, .. } => Self::from_bytes(original.clone()),
            Inner::Replayable(state) => {
                Self::from_factory(Arc::clone(&state.factory), state.length.declared)
            }
        }
    }

    /// Whether a non-empty chunk of this body has been handed to the HTTP
    /// stack. For one-shot bodies this is shared by every handle made with
    /// [`next_attempt`](Self::next_attempt): once it is `true`, the stream
    /// can never be sent again and a failed request cannot be retried.
    #[must_use]
    pub fn first_byte_sent(&self) -> bool {
        match &self.inner {
            Inner::Empty => false,
            Inner::Bytes { original, pending } => !original.is_empty() && pending.is_none(),
            Inner::Replayable(state) => state.first_byte_sent,
            Inner::OneShot(handle) => handle.shared.started.load(Ordering::Acquire),
        }
    }

    /// Whether sending this body would fail because it is a one-shot body
    /// whose stream another handle has already started sending, or that has
    /// already ended. Always `false` for replayable bodies.
    #[must_use]
    pub fn is_consumed(&self) -> bool {
        match &self.inner {
            Inner::OneShot(handle) => {
                if handle.owner {
                    return false;
                }
                if handle.shared.started.load(Ordering::Acquire) {
                    return true;
                }
                handle
                    .shared
                    .stream
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .is_none()
            }
            _ => false,
        }
    }

    fn kind_name(&self) -> &'static str {
        match self.inner {
            Inner::Empty => "empty",
            Inner::Bytes { .. } => "bytes",
            Inner::Replayable(_) => "replayable stream",
            Inner::OneShot(_) => "one-shot stream",
        }
    }
}

impl OneShotHandle {
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, TransportError>>> {
        if self.finished {
            return Poll::Ready(None);
        }
        let shared = Arc::clone(&self.shared);
        let mut slot = shared.stream.lock().unwrap_or_else(PoisonError::into_inner);
        // Checked under the lock: `started` only changes while it is held.
        let taken_by_other = !self.owner && shared.started.load(Ordering::Acquire);
        let stream = match slot.as_mut() {
            Some(stream) if !taken_by_other => stream,
            _ => {
                self.finished = true;
                return Poll::Ready(Some(Err(consumed_error())));
            }
        };
        match poll_step(stream, &mut self.length, cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Step::Chunk(chunk)) => {
                shared.started.store(true, Ordering::Release);
                self.owner = true;
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Step::End) => {
                *slot = None;
                self.finished = true;
                Poll::Ready(None)
            }
            Poll::Ready(Step::Failed(err)) => {
                *slot = None;
                self.finished = true;
                Poll::Ready(Some(Err(err)))
            }
        }
    }
}

impl ReplayableState {
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, TransportError>>> {
        if self.finished {
            return Poll::Ready(None);
        }
        let factory = &self.factory;
        let stream = self.stream.get_or_insert_with(|| factory());
        match poll_step(stream, &mut self.length, cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Step::Chunk(chunk)) => {
                self.first_byte_sent = true;
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Step::End) => {
                self.stream = None;
                self.finished = true;
                Poll::Ready(None)
            }
            Poll::Ready(Step::Failed(err)) => {
                self.stream = None;
                self.finished = true;
                Poll::Ready(Some(Err(err)))
            }
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
        let chunk = match &mut self.get_mut().inner {
            Inner::Empty => Poll::Ready(None),
            Inner::Bytes { pending, .. } => {
                Poll::Ready(pending.take().filter(|b| !b.is_empty()).map(Ok))
            }
            Inner::Replayable(state) => state.poll_chunk(cx),
            Inner::OneShot(handle) => handle.poll_chunk(cx),
        };
        chunk.map(|next| next.map(|result| result.map(Frame::data)))
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            Inner::Empty => true,
            Inner::Bytes { pending, .. } => pending.as_ref().is_none_or(Bytes::is_empty),
            Inner::Replayable(state) => state.finished,
            Inner::OneShot(handle) => handle.finished,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::Empty => SizeHint::with_exact(0),
            Inner::Bytes { pending, .. } => {
                SizeHint::with_exact(pending.as_ref().map_or(0, |b| b.len() as u64))
            }
            Inner::Replayable(state) => state.length.size_hint(),
            Inner::OneShot(handle) => handle.length.size_hint(),
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
            .field("first_byte_sent", &self.first_byte_sent())
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
mod tests {
    use std::sync::atomic::AtomicUsize;

    use futures_util::stream;
    use http_body::Body as _;
    use http_body_util::BodyExt;

    use super::*;

    fn chunks(parts: &[&'static [u8]]) -> Vec<io::Result<Bytes>> {
        parts.iter().map(|p| Ok(Bytes::from_static(p))).collect()
    }

    async fn drain(body: RequestBody) -> Result<Bytes, TransportError> {
        Ok(body.collect().await?.to_bytes())
    }

    #[tokio::test]
    async fn bytes_body_is_exact_and_replayable() {
        let body = RequestBody::from_bytes("hello");
        assert_eq!(body.size_hint().exact(), Some(5));
        assert!(!body.is_end_stream());
        let again = body.try_clone().unwrap();
        assert_eq!(drain(body).await.unwrap(), "hello");
        assert_eq!(drain(again).await.unwrap(), "hello");
    }

    #[tokio::test]
    async fn empty_bodies_end_immediately() {
        let body = RequestBody::empty();
        assert!(body.is_end_stream());
        assert_eq!(body.size_hint().exact(), Some(0));
        assert_eq!(drain(body).await.unwrap(), "");
        let empty_bytes = RequestBody::from_bytes(Bytes::new());
        assert!(empty_bytes.is_end_stream());
        assert!(!empty_bytes.first_byte_sent());
    }

    #[tokio::test]
    async fn replayable_calls_factory_once_per_attempt_lazily() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let body = RequestBody::replayable(
            move || {
                counter.fetch_add(1, Ordering::SeqCst);
                stream::iter(chunks(&[b"ab", b"", b"cd"]))
            },
            Some(4),
        );
        let second = body.try_clone().unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 0, "factory runs lazily");
        assert_eq!(body.size_hint().exact(), Some(4));
        assert_eq!(drain(body).await.unwrap(), "abcd");
        assert_eq!(drain(second).await.unwrap(), "abcd");
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn declared_length_mismatch_is_an_io_error() {
        let long = RequestBody::replayable(|| stream::iter(chunks(&[b"abc", b"def"])), Some(4));
        let err = drain(long).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Io);
        assert!(
            err.message()
                .contains("more bytes than its declared length of 4"),
            "{err}"
        );

        let short = RequestBody::one_shot(stream::iter(chunks(&[b"abc"])), Some(10));
        let err = drain(short).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Io);
        assert!(err.message().contains("ended after 3 bytes"), "{err}");
        assert!(err.message().contains("declared length of 10"), "{err}");
    }

    #[tokio::test]
    async fn stream_errors_become_io_errors_with_source() {
        let failing = RequestBody::replayable(
            || {
                stream::iter(vec![
                    Ok(Bytes::from_static(b"a")),
                    Err(io::Error::new(
                        io::ErrorKind::PermissionDenied,
                        "disk says no",
                    )),
                ])
            },
            None,
        );
        let err = drain(failing).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Io);
        let source = std::error::Error::source(&err).unwrap();
        assert_eq!(source.to_string(), "disk says no");
    }

    #[tokio::test]
    async fn one_shot_refuses_a_second_send() {
        let template = RequestBody::one_shot(stream::iter(chunks(&[b"ab", b"cd"])), Some(4));
        assert!(template.try_clone().is_none());
        let first = template.next_attempt();
        let second = template.next_attempt();
        assert!(!template.first_byte_sent());
        assert_eq!(drain(first).await.unwrap(), "abcd");
        assert!(template.first_byte_sent());
        assert!(second.is_consumed());
        let err = drain(second).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::InvalidRequest);
        assert!(err.message().contains("already consumed"), "{err}");
        // The original handle is no different from any other late attempt.
        assert_eq!(
            drain(template).await.unwrap_err().kind(),
            TransportErrorKind::InvalidRequest
        );
    }

    #[tokio::test]
    async fn one_shot_untouched_by_a_failed_attempt_can_still_be_sent() {
        let template = RequestBody::one_shot(stream::iter(chunks(&[b"xyz"])), None);
        // An attempt that never polled its body (e.g. the connection failed).
        drop(template.next_attempt());
        let retry = template.next_attempt();
        assert!(!retry.is_consumed());
        assert_eq!(drain(retry).await.unwrap(), "xyz");
    }

    #[tokio::test]
    async fn one_shot_handle_that_started_keeps_the_stream() {
        let template = RequestBody::one_shot(stream::iter(chunks(&[b"a", b"b"])), None);
        let mut first = template.next_attempt();
        let frame = first.frame().await.unwrap().unwrap();
        assert_eq!(frame.into_data().unwrap(), "a");
        assert!(template.first_byte_sent());
        assert!(!first.is_consumed());
        // A competing handle cannot steal the rest of the stream.
        let mut second = template.next_attempt();
        let err = second.frame().await.unwrap().unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::InvalidRequest);
        let rest = drain(first).await.unwrap();
        assert_eq!(rest, "b");
    }

    #[tokio::test]
    async fn size_hint_tracks_remaining_bytes() {
        let mut body = RequestBody::replayable(|| stream::iter(chunks(&[b"abc", b"de"])), Some(5));
        assert_eq!(body.size_hint().exact(), Some(5));
        let _ = body.frame().await.unwrap().unwrap();
        assert_eq!(body.size_hint().exact(), Some(2));
        let unknown = RequestBody::one_shot(stream::iter(chunks(&[b"abc"])), None);
        assert_eq!(unknown.size_hint().exact(), None);
    }

    #[test]
    fn debug_shows_shape_not_content() {
        let body = RequestBody::from("secret-token");
        let debug = format!("{body:?}");
        assert!(debug.contains("bytes"));
        assert!(!debug.contains("secret-token"));
    }
}
