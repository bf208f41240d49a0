//! [`RequestBody`]: a request body that answers one question for retries:
//! "give me a fresh body for the next attempt" ([`RequestBody::try_clone`]).
//!
//! Four shapes exist:
//!
//! | constructor | [`try_clone`](RequestBody::try_clone) | length |
//! | --- | --- | --- |
//! | [`RequestBody::empty`] | always | 0 |
//! | [`RequestBody::from_bytes`] | always (the bytes are shared) | known |
//! | [`RequestBody::replayable`] | always: a factory yields a fresh stream per attempt | optional |
//! | [`RequestBody::one_shot`] | only while untouched: no attempt has sent a byte of it | optional |
//!
//! Streams are sent chunk by chunk: nothing here buffers a whole body. Large
//! chunks are handed to the HTTP stack in slices of at most
//! [`MAX_SLICE`] bytes (without copying), so that the transport's write
//! timeout sees progress at a fine grain on slow links. When a length is
//! declared, [`http_body::Body::size_hint`] is exact, so the HTTP stack sends
//! `Content-Length` instead of chunked encoding, and a stream that yields more
//! or fewer bytes than declared fails with a
//! [`RequestBody`](crate::TransportErrorKind::RequestBody) error.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use futures_core::stream::BoxStream;
use http_body::{Frame, SizeHint};

use crate::error::{TransportError, TransportErrorKind};
use crate::timeout::SendProgress;

/// A boxed stream of request body chunks, as produced by a replayable body's
/// factory.
pub type BodyStream = BoxStream<'static, io::Result<Bytes>>;

/// The largest slice of a chunk handed to the HTTP stack at once: 64 KiB.
pub const MAX_SLICE: usize = 64 * 1024;

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
    /// The send watchdog of [`send_with_timeouts`](crate::send_with_timeouts).
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

struct ReplayableState {
    factory: Factory,
    stream: Option<BodyStream>,
    length: LengthCheck,
    finished: bool,
}

/// One handle on a one-shot stream. The first handle to poll takes the stream
/// out of the shared slot; if it is dropped before a byte went out, it puts
/// the stream back, so an attempt that failed early does not spend it.
struct OneShotHandle {
    shared: Arc<Mutex<OneShotSlot>>,
    stream: Option<BodyStream>,
    length: LengthCheck,
    yielded: bool,
    finished: bool,
}

struct OneShotSlot {
    stream: Option<BodyStream>,
    /// A handle holds the stream, or has spent (part of) it.
    taken: bool,
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
            Some(declared) if self.seen > declared => Err(body_error(format!(
                "the request body stream yielded more bytes than its declared length of {declared} bytes"
            ))),
            _ => Ok(()),
        }
    }

    fn finish(&self) -> Result<(), TransportError> {
        match self.declared {
            Some(declared) if self.seen < declared => Err(body_error(format!(
                "the request body stream ended after {} bytes, short of its declared length of {declared} bytes",
                self.seen
            ))),
            _ => Ok(()),
        }
    }

    fn remaining(&self) -> Option<u64> {
        self.declared
            .map(|declared| declared.saturating_sub(self.seen))
    }
}

fn body_error(message: String) -> TransportError {
    TransportError::new(TransportErrorKind::RequestBody, message)
}

fn stream_error(err: io::Error) -> TransportError {
    TransportError::new(
        TransportErrorKind::RequestBody,
        "the request body stream failed",
    )
    .with_source(err)
}

fn consumed_error() -> TransportError {
    TransportError::new(
        TransportErrorKind::InvalidRequest,
        "one-shot request body was already consumed by an earlier send and cannot be sent again",
    )
}

/// Polls `stream` for its next non-empty chunk, checking the declared length.
fn poll_checked(
    stream: &mut BodyStream,
    length: &mut LengthCheck,
    cx: &mut Context<'_>,
) -> Poll<Option<Result<Bytes, TransportError>>> {
    loop {
        return match stream.as_mut().poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => Poll::Ready(length.finish().err().map(Err)),
            Poll::Ready(Some(Err(err))) => Poll::Ready(Some(Err(stream_error(err)))),
            Poll::Ready(Some(Ok(chunk))) if chunk.is_empty() => continue,
            Poll::Ready(Some(Ok(chunk))) => {
                Poll::Ready(Some(length.add(chunk.len()).map(|()| chunk)))
            }
        };
    }
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
        Self::from_factory(factory, content_length)
    }

    fn from_factory(factory: Factory, content_length: Option<u64>) -> Self {
        Self::with_inner(Inner::Replayable(ReplayableState {
            factory,
            stream: None,
            length: LengthCheck::new(content_length),
            finished: false,
        }))
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
        let slot = OneShotSlot {
            stream: Some(Box::pin(stream)),
            taken: false,
        };
        Self::one_shot_handle(Arc::new(Mutex::new(slot)), LengthCheck::new(content_length))
    }

    fn one_shot_handle(shared: Arc<Mutex<OneShotSlot>>, length: LengthCheck) -> Self {
        Self::with_inner(Inner::OneShot(OneShotHandle {
            shared,
            stream: None,
            length: LengthCheck::new(length.declared),
            yielded: false,
            finished: false,
        }))
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
            Inner::Replayable(state) => Some(Self::from_factory(
                Arc::clone(&state.factory),
                state.length.declared,
            )),
            Inner::OneShot(handle) => {
                let slot = handle.shared.lock().unwrap_or_else(PoisonError::into_inner);
                (!slot.taken && slot.stream.is_some())
                    .then(|| Self::one_shot_handle(Arc::clone(&handle.shared), handle.length))
            }
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
            Inner::Replayable(state) => state.finished,
            Inner::OneShot(handle) => handle.finished,
        }
    }
}

impl OneShotHandle {
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, TransportError>>> {
        if self.finished {
            return Poll::Ready(None);
        }
        if self.stream.is_none() {
            let mut slot = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
            match slot.stream.take() {
                Some(stream) if !slot.taken => {
                    slot.taken = true;
                    self.stream = Some(stream);
                }
                other => {
                    slot.stream = other;
                    self.finished = true;
                    return Poll::Ready(Some(Err(consumed_error())));
                }
            }
        }
        let Some(stream) = self.stream.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = poll_checked(stream, &mut self.length, cx);
        match &polled {
            Poll::Pending => {}
            Poll::Ready(Some(Ok(_))) => self.yielded = true,
            Poll::Ready(_) => {
                // Ended or failed: the stream is spent either way.
                self.stream = None;
                self.finished = true;
            }
        }
        polled
    }
}

impl Drop for OneShotHandle {
    fn drop(&mut self) {
        if self.yielded {
            return;
        }
        if let Some(stream) = self.stream.take() {
            // Nothing went out: the next attempt may send the stream.
            let mut slot = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
            slot.stream = Some(stream);
            slot.taken = false;
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
        let polled = poll_checked(stream, &mut self.length, cx);
        if matches!(polled, Poll::Ready(None) | Poll::Ready(Some(Err(_)))) {
            self.stream = None;
            self.finished = true;
        }
        polled
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
            Inner::Replayable(state) => state.length.remaining(),
            Inner::OneShot(handle) => handle.length.remaining(),
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
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

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
        assert!(RequestBody::from_bytes(Bytes::new()).is_end_stream());
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
    async fn declared_length_mismatch_is_a_request_body_error() {
        let long = RequestBody::replayable(|| stream::iter(chunks(&[b"abc", b"def"])), Some(4));
        let err = drain(long).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::RequestBody);
        assert!(!err.is_retryable());
        assert!(
            err.message()
                .contains("more bytes than its declared length of 4"),
            "{err}"
        );

        let short = RequestBody::one_shot(stream::iter(chunks(&[b"abc"])), Some(10));
        let err = drain(short).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::RequestBody);
        assert!(err.message().contains("ended after 3 bytes"), "{err}");
        assert!(err.message().contains("declared length of 10"), "{err}");
    }

    #[tokio::test]
    async fn stream_errors_become_request_body_errors_with_source() {
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
        assert_eq!(err.kind(), TransportErrorKind::RequestBody);
        let source = std::error::Error::source(&err).unwrap();
        assert_eq!(source.to_string(), "disk says no");
    }

    #[tokio::test]
    async fn one_shot_gives_a_handle_only_while_untouched() {
        let template = RequestBody::one_shot(stream::iter(chunks(&[b"ab", b"cd"])), Some(4));
        let first = template.try_clone().expect("untouched");
        assert_eq!(drain(first).await.unwrap(), "abcd");
        assert!(template.try_clone().is_none(), "spent");
        // The template itself is no different from any other late handle.
        assert_eq!(
            drain(template).await.unwrap_err().kind(),
            TransportErrorKind::InvalidRequest
        );
    }

    #[tokio::test]
    async fn one_shot_handle_dropped_before_its_first_byte_gives_the_stream_back() {
        let (sender, receiver) = futures_channel_like();
        let template = RequestBody::one_shot(receiver, None);
        let mut attempt = template.try_clone().unwrap();
        // Polled once, nothing ready yet: the attempt holds the stream.
        let pending = std::future::poll_fn(|cx| {
            Poll::Ready(Pin::new(&mut attempt).poll_frame(cx).is_pending())
        })
        .await;
        assert!(pending, "no data yet");
        assert!(template.try_clone().is_none(), "held by the attempt");
        drop(attempt); // e.g. the connection failed before anything went out
        let retry = template.try_clone().expect("given back");
        sender.send(Bytes::from_static(b"xyz"));
        drop(sender);
        assert_eq!(drain(retry).await.unwrap(), "xyz");
    }

    #[tokio::test]
    async fn one_shot_handle_that_started_keeps_the_stream() {
        let template = RequestBody::one_shot(stream::iter(chunks(&[b"a", b"b"])), None);
        let mut first = template.try_clone().unwrap();
        let frame = first.frame().await.unwrap().unwrap();
        assert_eq!(frame.into_data().unwrap(), "a");
        assert!(template.try_clone().is_none());
        // A competing handle cannot steal the rest of the stream.
        let mut second = RequestBody::one_shot_handle(
            match &template.inner {
                Inner::OneShot(handle) => Arc::clone(&handle.shared),
                _ => unreachable!(),
            },
            LengthCheck::new(None),
        );
        let err = second.frame().await.unwrap().unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::InvalidRequest);
        assert_eq!(drain(first).await.unwrap(), "b");
    }

    #[tokio::test]
    async fn large_chunks_go_out_in_slices_without_changing_the_bytes() {
        let big: Bytes = (0..(3 * MAX_SLICE + 17)).map(|i| i as u8).collect();
        let expected = big.clone();
        let mut body = RequestBody::replayable(
            move || stream::iter([Ok(big.clone())]),
            Some(expected.len() as u64),
        );
        let mut got = Vec::new();
        let mut frames = 0;
        while let Some(frame) = body.frame().await {
            let data = frame.unwrap().into_data().unwrap();
            assert!(data.len() <= MAX_SLICE);
            got.extend_from_slice(&data);
            frames += 1;
            assert_eq!(
                body.size_hint().exact(),
                Some((expected.len() - got.len()) as u64)
            );
        }
        assert_eq!(frames, 4);
        assert_eq!(got, expected);
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

    /// A tiny unbounded channel as a stream, without extra dependencies:
    /// queued chunks, closed, the receiver's waker.
    type Channel = Arc<Mutex<(Vec<Bytes>, bool, Option<std::task::Waker>)>>;
    struct Sender(Channel);
    struct Receiver(Channel);

    impl Sender {
        fn send(&self, bytes: Bytes) {
            let mut state = self.0.lock().unwrap();
            state.0.push(bytes);
            if let Some(waker) = state.2.take() {
                waker.wake();
            }
        }
    }

    impl Drop for Sender {
        fn drop(&mut self) {
            let mut state = self.0.lock().unwrap();
            state.1 = true;
            if let Some(waker) = state.2.take() {
                waker.wake();
            }
        }
    }

    impl Stream for Receiver {
        type Item = io::Result<Bytes>;
        fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            let mut state = self.0.lock().unwrap();
            if !state.0.is_empty() {
                return Poll::Ready(Some(Ok(state.0.remove(0))));
            }
            if state.1 {
                return Poll::Ready(None);
            }
            state.2 = Some(cx.waker().clone());
            Poll::Pending
        }
    }

    fn futures_channel_like() -> (Sender, Receiver) {
        let shared = Arc::new(Mutex::new((Vec::new(), false, None)));
        (Sender(Arc::clone(&shared)), Receiver(shared))
    }
}
