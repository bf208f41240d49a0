//! The loopback suite every transport must pass, written once over
//! [`Make`] (the transport under test) and instantiated per transport by
//! [`loopback_suite!`]: streaming with bounded memory both ways,
//! `Content-Length`, connection reuse, a stall in each phase of the
//! no-progress limit, and the mapping of every failure onto a
//! [`TransportErrorKind`].

#![allow(dead_code, unreachable_pub, missing_docs)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use files_transport::{
    NoProgressTimeout, RequestBody, SharedTransport, TimeoutPhase, TransportError,
    TransportErrorKind,
};
use futures_util::{StreamExt, stream};
use http_body_util::BodyExt;

use crate::support::{self, full, response, streamed};

/// Builds the transport under test.
pub type Make = fn() -> SharedTransport;

/// Instantiates every case of the suite as a test in the calling module,
/// over the transport `$make` builds. Put it in a module named after the
/// transport (`over_hyper`, `over_reqwest`) so test names carry it.
macro_rules! loopback_suite {
    ($make:path) => {
        $crate::cases::loopback_suite!(@cases $make;
            large_upload_streams_with_content_length_and_bounded_memory,
            large_download_streams_with_bounded_memory,
            sequential_requests_reuse_one_connection,
            a_connection_never_ready_times_out_in_the_pool_phase,
            silent_server_times_out_in_the_read_phase,
            a_response_body_that_stalls_after_a_chunk_times_out_in_the_read_phase,
            a_response_body_that_never_starts_times_out_in_the_read_phase,
            peer_that_stops_reading_an_upload_times_out_in_the_write_phase,
            steady_slow_reader_succeeds_on_one_connection,
            upload_cut_off_by_the_peer_is_an_io_error,
            refused_connection_maps_to_connect_kind_without_leaking_secrets,
            non_success_statuses_are_responses,
            relative_uri_is_an_invalid_request,
            unknown_length_streams_use_chunked_encoding,
            truncated_response_body_is_an_io_error,
            garbage_response_is_not_retryable,
            failing_request_body_stream_is_a_request_body_error_never_retried,
            short_request_body_is_a_request_body_error,
            replayable_body_sends_identical_bytes_twice,
        );
    };
    (@cases $make:path; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                $crate::support::bounded($crate::cases::$case($make)).await;
            }
        )*
    };
}
pub(crate) use loopback_suite;

/// Chunk size: a multiple of the pattern period (251), so every chunk is the
/// same slice of the pattern and any byte can be checked by its offset.
const PERIOD: usize = 251;
const CHUNK: usize = PERIOD * 256; // 64_256 bytes
const CHUNKS: u64 = 2_560; // ≈ 157 MiB in total
const TOTAL: u64 = CHUNKS * CHUNK as u64;
/// Bytes allowed "in flight" (produced but not yet consumed). Kernel socket
/// buffers on loopback (send ≤ 4 MiB, receive autotuned ≤ 32 MiB) plus the
/// HTTP stack's buffers stay well below this; a transport that buffered the
/// whole body would reach TOTAL.
const IN_FLIGHT_LIMIT: u64 = 48 * 1024 * 1024;

fn pattern() -> Bytes {
    (0..CHUNK + PERIOD)
        .map(|i| (i % PERIOD) as u8)
        .collect::<Vec<u8>>()
        .into()
}

/// Checks `data` is the pattern starting at stream offset `offset`.
fn check_pattern(pattern: &[u8], offset: u64, data: &[u8]) {
    let mut pos = 0;
    while pos < data.len() {
        let start = ((offset + pos as u64) % PERIOD as u64) as usize;
        let len = (data.len() - pos).min(CHUNK);
        assert!(
            data[pos..pos + len] == pattern[start..start + len],
            "corrupted bytes at offset {}",
            offset + pos as u64
        );
        pos += len;
    }
}

/// Shared counters of a streaming test.
#[derive(Default)]
struct Flow {
    produced: AtomicU64,
    consumed: AtomicU64,
    max_in_flight: AtomicU64,
}

impl Flow {
    fn produce(&self, n: u64) {
        let produced = self.produced.fetch_add(n, Ordering::SeqCst) + n;
        let in_flight = produced.saturating_sub(self.consumed.load(Ordering::SeqCst));
        self.max_in_flight.fetch_max(in_flight, Ordering::SeqCst);
    }

    fn consume(&self, n: u64) {
        self.consumed.fetch_add(n, Ordering::SeqCst);
    }
}

/// A stream of `chunks` pattern chunks that records production in `flow`.
fn producing_stream(
    flow: Arc<Flow>,
    pattern: Bytes,
    chunks: u64,
) -> impl futures_util::Stream<Item = io::Result<Bytes>> + Send + 'static {
    stream::iter(0..chunks).map(move |_| {
        flow.produce(CHUNK as u64);
        Ok(pattern.slice(..CHUNK))
    })
}

/// A replayable upload of `chunks` pattern chunks with a declared length.
fn pattern_upload(flow: Arc<Flow>, chunks: u64) -> RequestBody {
    let pattern = pattern();
    RequestBody::replayable(
        move || producing_stream(Arc::clone(&flow), pattern.clone(), chunks),
        Some(chunks * CHUNK as u64),
    )
}

fn get(url: String) -> http::Request<RequestBody> {
    http::Request::get(url).body(RequestBody::empty()).unwrap()
}

/// `request` with a no-progress limit of `limit`.
fn limited(mut request: http::Request<RequestBody>, limit: Duration) -> http::Request<RequestBody> {
    request
        .extensions_mut()
        .insert(NoProgressTimeout::new(limit));
    request
}

/// The whole source chain of `err`, as text.
fn chain(err: &TransportError) -> String {
    let mut text = format!("{err} / {err:?}");
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text.push_str(" / ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A server that reports the upload it received: `bytes content-length chunked`,
/// checking every byte against the pattern, reading at most `rate` bytes per
/// second when given.
async fn upload_server(flow: Arc<Flow>, rate: Option<u64>) -> support::TestServer {
    let pattern = pattern();
    support::serve(move |req| {
        let flow = Arc::clone(&flow);
        let pattern = pattern.clone();
        async move {
            let content_length = req
                .headers()
                .get("content-length")
                .map(|v| v.to_str().unwrap().to_owned());
            let chunked = req.headers().contains_key("transfer-encoding");
            let started = tokio::time::Instant::now();
            let mut body = req.into_body();
            let mut received = 0u64;
            while let Some(frame) = body.frame().await {
                if let Ok(data) = frame.unwrap().into_data() {
                    check_pattern(&pattern, received, &data);
                    received += data.len() as u64;
                    flow.consume(data.len() as u64);
                    if let Some(rate) = rate {
                        let due = Duration::from_secs_f64(received as f64 / rate as f64);
                        tokio::time::sleep_until(started + due).await;
                    }
                }
            }
            response(
                200,
                full(format!("{received} {content_length:?} {chunked}")),
            )
        }
    })
    .await
}

pub async fn large_upload_streams_with_content_length_and_bounded_memory(make: Make) {
    let flow = Arc::new(Flow::default());
    let server = upload_server(Arc::clone(&flow), None).await;
    let request = http::Request::put(server.url("/upload"))
        .body(pattern_upload(Arc::clone(&flow), CHUNKS))
        .unwrap();
    let response = make().send(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let summary = response.into_body().collect_capped(1024).await.unwrap();
    assert_eq!(
        summary,
        format!("{TOTAL} Some(\"{TOTAL}\") false"),
        "server received every byte, with Content-Length and no chunked encoding"
    );
    let max = flow.max_in_flight.load(Ordering::SeqCst);
    assert!(
        max < IN_FLIGHT_LIMIT,
        "{max} bytes were produced but not yet received at once: the upload was buffered"
    );
}

pub async fn large_download_streams_with_bounded_memory(make: Make) {
    let flow = Arc::new(Flow::default());
    let pattern = pattern();
    let server_flow = Arc::clone(&flow);
    let server_pattern = pattern.clone();
    let server = support::serve(move |_req| {
        let body = streamed(producing_stream(
            Arc::clone(&server_flow),
            server_pattern.clone(),
            CHUNKS,
        ));
        async move { response(200, body) }
    })
    .await;

    let response = make().send(get(server.url("/download"))).await.unwrap();
    let produced_at_headers = flow.produced.load(Ordering::SeqCst);
    assert!(
        produced_at_headers < TOTAL,
        "send() returned only after the server had produced the whole body: the download was buffered"
    );
    let mut body = response.into_body();
    let mut received = 0u64;
    let mut frames = 0u64;
    while let Some(frame) = body.frame().await {
        let data = frame.unwrap().into_data().unwrap();
        check_pattern(&pattern, received, &data);
        received += data.len() as u64;
        frames += 1;
        flow.consume(data.len() as u64);
    }
    assert_eq!(received, TOTAL);
    assert!(
        frames > 100,
        "the body came in {frames} frames: not streamed"
    );
    let max = flow.max_in_flight.load(Ordering::SeqCst);
    assert!(
        max < IN_FLIGHT_LIMIT,
        "{max} bytes were produced but not yet read at once: the download was buffered"
    );
}

pub async fn sequential_requests_reuse_one_connection(make: Make) {
    let server = support::serve(|_req| async { response(200, full("pong")) }).await;
    let transport = make();
    for _ in 0..5 {
        let response = transport.send(get(server.url("/ping"))).await.unwrap();
        let body = response.into_body().collect_capped(64).await.unwrap();
        assert_eq!(body, "pong");
        // hyper-util hands a finished HTTP/1.1 connection back to its pool
        // on a background task: give it a moment (a liveness wait, not a
        // speed assertion), or the next request may open a second one.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        server.accepted(),
        1,
        "all five requests used one connection"
    );
}

async fn never_answering_server() -> support::TestServer {
    support::serve(|_req| async {
        // Never answers within the test (the runtime ends first).
        tokio::time::sleep(Duration::from_secs(600)).await;
        response(200, full(""))
    })
    .await
}

/// The peer accepts TCP connections and never says a byte, so no TLS
/// handshake finishes and the body is never pulled; the transport's own
/// connect limit is far longer than the request's.
pub async fn a_connection_never_ready_times_out_in_the_pool_phase(make: Make) {
    let silent = support::silent_server().await;
    let request = http::Request::post(format!("https://{}/v1/files", silent.addr))
        .body(RequestBody::from_bytes("abc"))
        .unwrap();
    let request = limited(request, Duration::from_millis(300));
    let err = make().send(request).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Timeout, "{}", chain(&err));
    assert_eq!(
        err.timeout_phase(),
        Some(TimeoutPhase::Pool),
        "{}",
        chain(&err)
    );
    assert_eq!(err.timeout_after(), Some(Duration::from_millis(300)));
    assert!(err.is_retryable());
}

pub async fn silent_server_times_out_in_the_read_phase(make: Make) {
    let server = never_answering_server().await;
    let request = limited(get(server.url("/slow")), Duration::from_millis(300));
    let err = make().send(request).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Timeout, "{err}");
    assert!(err.is_retryable());
    assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Read), "{err}");
    assert_eq!(err.timeout_after(), Some(Duration::from_millis(300)));
    assert_eq!(err.host(), Some(server.addr.to_string().as_str()));
}

pub async fn a_response_body_that_stalls_after_a_chunk_times_out_in_the_read_phase(make: Make) {
    let server = support::serve(|_req| async {
        let chunks = stream::iter([Ok(Bytes::from_static(b"first"))]).chain(stream::once(async {
            tokio::time::sleep(Duration::from_secs(600)).await;
            Ok(Bytes::from_static(b"never"))
        }));
        response(200, streamed(chunks))
    })
    .await;
    let request = limited(get(server.url("/stall")), Duration::from_millis(300));
    let response = make().send(request).await.unwrap();
    let mut body = response.into_body();
    let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(first, "first");
    let err = body.frame().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Timeout, "{err}");
    assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Read), "{err}");
    assert!(
        body.frame().await.is_none(),
        "the body ends after its error"
    );
}

pub async fn a_response_body_that_never_starts_times_out_in_the_read_phase(make: Make) {
    let server = support::serve(|_req| async {
        let chunks = stream::once(async {
            tokio::time::sleep(Duration::from_secs(600)).await;
            Ok(Bytes::from_static(b"never"))
        });
        response(200, streamed(chunks))
    })
    .await;
    let request = limited(get(server.url("/stall")), Duration::from_millis(300));
    let response = make().send(request).await.unwrap();
    let err = response.into_body().collect_capped(1024).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Timeout, "{err}");
    assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Read), "{err}");
}

/// The peer accepts the connection and never reads: once the socket buffers
/// are full (a few MiB), the upload makes no progress.
pub async fn peer_that_stops_reading_an_upload_times_out_in_the_write_phase(make: Make) {
    let silent = support::silent_server().await;
    let flow = Arc::new(Flow::default());
    let request = http::Request::put(format!("http://{}/upload", silent.addr))
        .body(pattern_upload(Arc::clone(&flow), CHUNKS))
        .unwrap();
    let request = limited(request, Duration::from_millis(500));
    let err = make().send(request).await.unwrap_err();
    let produced = flow.produced.load(Ordering::SeqCst);
    assert_eq!(err.kind(), TransportErrorKind::Timeout, "{}", chain(&err));
    assert_eq!(
        err.timeout_phase(),
        Some(TimeoutPhase::Write),
        "{produced} bytes produced; {}",
        chain(&err)
    );
    assert_eq!(err.timeout_after(), Some(Duration::from_millis(500)));
    assert!(produced > 0, "the body started");
    assert!(produced < TOTAL, "the body never finished: {produced}");
}

/// A reader slower than the client, but steady: the transfer takes several
/// times the no-progress limit and still succeeds, on one connection.
pub async fn steady_slow_reader_succeeds_on_one_connection(make: Make) {
    const RATE: u64 = 6 * 1024 * 1024; // bytes per second
    const SLOW_CHUNKS: u64 = 512; // ≈ 31 MiB: ≈ 5 s at RATE
    let limit = Duration::from_secs(2);
    let flow = Arc::new(Flow::default());
    let server = upload_server(Arc::clone(&flow), Some(RATE)).await;
    let request = http::Request::put(server.url("/slow-upload"))
        .body(pattern_upload(Arc::clone(&flow), SLOW_CHUNKS))
        .unwrap();
    let request = limited(request, limit);
    let started = tokio::time::Instant::now();
    let response = make().send(request).await.unwrap();
    let total = SLOW_CHUNKS * CHUNK as u64;
    assert_eq!(
        response.into_body().collect_capped(1024).await.unwrap(),
        format!("{total} Some(\"{total}\") false")
    );
    assert!(
        started.elapsed() > limit,
        "the transfer must outlast the limit to prove anything"
    );
    assert_eq!(server.accepted(), 1, "one connection, no retry");
}

/// The peer reads 1 MiB of a large upload and drops the connection.
pub async fn upload_cut_off_by_the_peer_is_an_io_error(make: Make) {
    let server = support::cutting_server(1024 * 1024).await;
    let flow = Arc::new(Flow::default());
    let request = http::Request::put(format!("http://{}/upload", server.addr))
        .body(pattern_upload(flow, CHUNKS))
        .unwrap();
    let request = limited(request, Duration::from_secs(30));
    let err = make().send(request).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Io, "{}", chain(&err));
    assert!(err.is_retryable());
}

pub async fn refused_connection_maps_to_connect_kind_without_leaking_secrets(make: Make) {
    let port = support::refused_port();
    let request = get(format!(
        "http://127.0.0.1:{port}/v1/files?api_key=sk-very-secret"
    ));
    let err = make().send(request).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
    assert!(err.is_retryable());
    let host = format!("127.0.0.1:{port}");
    assert_eq!(err.host(), Some(host.as_str()));
    assert!(err.to_string().contains(&host), "{err}");
    let chain = chain(&err);
    assert!(!chain.contains("sk-very-secret"), "{chain}");
    assert!(!chain.contains("/v1/files"), "{chain}");
}

pub async fn non_success_statuses_are_responses(make: Make) {
    let server = support::serve(|_req| async { response(503, full("overloaded")) }).await;
    let response = make().send(get(server.url("/busy"))).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(
        response.into_body().collect_capped(64).await.unwrap(),
        "overloaded"
    );
}

pub async fn relative_uri_is_an_invalid_request(make: Make) {
    let request = http::Request::get("/v1/files")
        .body(RequestBody::empty())
        .unwrap();
    let err = make().send(request).await.unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::InvalidRequest);
    assert!(!err.is_retryable());
}

pub async fn unknown_length_streams_use_chunked_encoding(make: Make) {
    let server = support::serve(|req| async move {
        let te = req
            .headers()
            .get("transfer-encoding")
            .map(|v| v.to_str().unwrap().to_owned());
        let cl = req.headers().contains_key("content-length");
        let body = support::read_all(req).await;
        response(200, full(format!("{te:?} {cl} {}", body.len())))
    })
    .await;
    let body = RequestBody::one_shot(
        stream::iter([
            Ok(Bytes::from_static(b"abc")),
            Ok(Bytes::from_static(b"de")),
        ]),
        None,
    );
    let request = http::Request::post(server.url("/")).body(body).unwrap();
    let response = make().send(request).await.unwrap();
    assert_eq!(
        response.into_body().collect_capped(64).await.unwrap(),
        "Some(\"chunked\") false 5"
    );
}

pub async fn truncated_response_body_is_an_io_error(make: Make) {
    let server = support::raw_server(
        b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\nconnection: close\r\n\r\nonly a few bytes",
    )
    .await;
    let response = make()
        .send(get(format!("http://{}/", server.addr)))
        .await
        .unwrap();
    let err = response
        .into_body()
        .collect_capped(10_000)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Io, "{}", chain(&err));
    assert!(err.is_retryable());
    assert!(err.to_string().contains("broke off"), "{err}");
}

pub async fn garbage_response_is_not_retryable(make: Make) {
    let server = support::raw_server(b"this is not HTTP at all\r\n\r\n").await;
    let err = make()
        .send(get(format!("http://{}/", server.addr)))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Other, "{}", chain(&err));
    assert!(!err.is_retryable());
}

async fn draining_server() -> support::TestServer {
    support::serve(|req| async move {
        let _ = req.into_body().collect().await;
        response(200, full(""))
    })
    .await
}

pub async fn failing_request_body_stream_is_a_request_body_error_never_retried(make: Make) {
    let server = draining_server().await;
    let body = RequestBody::one_shot(
        stream::iter([
            Ok(Bytes::from_static(b"abc")),
            Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "disk says no",
            )),
        ]),
        None,
    );
    let request = http::Request::post(server.url("/")).body(body).unwrap();
    let err = make().send(request).await.unwrap_err();
    assert_eq!(
        err.kind(),
        TransportErrorKind::RequestBody,
        "{}",
        chain(&err)
    );
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("request body"), "{err}");
    assert!(chain(&err).contains("disk says no"), "{}", chain(&err));
}

pub async fn short_request_body_is_a_request_body_error(make: Make) {
    let server = draining_server().await;
    let body = RequestBody::replayable(|| stream::iter([Ok(Bytes::from_static(b"abc"))]), Some(10));
    let request = http::Request::post(server.url("/")).body(body).unwrap();
    let err = make().send(request).await.unwrap_err();
    assert_eq!(
        err.kind(),
        TransportErrorKind::RequestBody,
        "{}",
        chain(&err)
    );
    assert!(err.message().contains("declared length of 10"), "{err}");
}

/// The client replays a body by asking it for a fresh copy
/// ([`RequestBody::try_clone`]); the transport sends each copy in full.
pub async fn replayable_body_sends_identical_bytes_twice(make: Make) {
    let server = support::serve(|req| async move {
        let length = req
            .headers()
            .get("content-length")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = support::read_all(req).await;
        let mut answer = format!("{length}|").into_bytes();
        answer.extend_from_slice(&body);
        response(200, full(answer))
    })
    .await;
    let template = RequestBody::replayable(
        || {
            stream::iter([
                Ok(Bytes::from_static(b"hello ")),
                Ok(Bytes::from_static(b"world")),
            ])
        },
        Some(11),
    );
    let transport = make();
    for _ in 0..2 {
        let body = template.try_clone().unwrap();
        let request = http::Request::post(server.url("/")).body(body).unwrap();
        let response = transport.send(request).await.unwrap();
        assert_eq!(
            response.into_body().collect_capped(64).await.unwrap(),
            "11|hello world"
        );
    }
}
