//! Unit tests of [`RequestBody`](super::RequestBody).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::stream;
use http_body::Body as _;
use http_body_util::BodyExt;

use super::*;
use crate::error::TransportErrorKind;

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
    let pending =
        std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut attempt).poll_frame(cx).is_pending()))
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
    let mut second = RequestBody::with_inner(Inner::OneShot(OneShotHandle::on(
        match &template.inner {
            Inner::OneShot(handle) => handle.shared(),
            _ => unreachable!(),
        },
        None,
    )));
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

/// Queued chunks, whether the sender is gone, and the receiver's waker.
type Channel = Arc<Mutex<(Vec<Bytes>, bool, Option<std::task::Waker>)>>;

/// A tiny unbounded channel as a stream, without extra dependencies.
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
