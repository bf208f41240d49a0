//! `HyperTransport` against local hyper servers on 127.0.0.1: streaming with
//! bounded memory both ways, connection reuse, timeouts, refused connections,
//! error mapping.

// Test helpers outside #[test] fns may unwrap too: a failure fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use files_transport::{
    HyperTransport, RequestBody, SharedTransport, TimeoutPhase, Timeouts, Transport,
    TransportErrorKind,
};
use futures_util::{StreamExt, stream};
use http_body_util::BodyExt;
use support::{bounded, full, response, streamed};

/// Chunk size: a multiple of the pattern period (251), so every chunk is the
/// same slice of the pattern and any byte can be checked by its offset.
const PERIOD: usize = 251;
const CHUNK: usize = PERIOD * 256; // 64_256 bytes
const CHUNKS: u64 = 2_560; // ≈ 157 MiB in total
const TOTAL: u64 = CHUNKS * CHUNK as u64;
/// Bytes allowed "in flight" (produced but not yet consumed). Kernel socket
/// buffers on loopback (send ≤ 4 MiB, receive autotuned ≤ 32 MiB) plus
/// hyper's buffers stay well below this; a transport that buffered the whole
/// body would reach TOTAL.
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

/// A stream of CHUNKS pattern chunks that records production in `flow`.
fn producing_stream(
    flow: Arc<Flow>,
    pattern: Bytes,
) -> impl futures_util::Stream<Item = io::Result<Bytes>> + Send + 'static {
    stream::iter(0..CHUNKS).map(move |_| {
        flow.produce(CHUNK as u64);
        Ok(pattern.slice(..CHUNK))
    })
}

fn transport() -> HyperTransport {
    HyperTransport::builder().build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_upload_streams_with_bounded_memory() {
    bounded(async {
        let flow = Arc::new(Flow::default());
        let pattern = pattern();
        let server_flow = Arc::clone(&flow);
        let server_pattern = pattern.clone();
        let server = support::serve(move |req| {
            let flow = Arc::clone(&server_flow);
            let pattern = server_pattern.clone();
            async move {
                let content_length = req
                    .headers()
                    .get("content-length")
                    .map(|v| v.to_str().unwrap().to_owned());
                let chunked = req.headers().contains_key("transfer-encoding");
                let mut body = req.into_body();
                let mut received = 0u64;
                while let Some(frame) = body.frame().await {
                    let frame = frame.unwrap();
                    if let Ok(data) = frame.into_data() {
                        check_pattern(&pattern, received, &data);
                        received += data.len() as u64;
                        flow.consume(data.len() as u64);
                    }
                }
                let summary = format!("{received} {content_length:?} {chunked}");
                response(200, full(summary))
            }
        })
        .await;

        let factory_flow = Arc::clone(&flow);
        let body = RequestBody::replayable(
            move || producing_stream(Arc::clone(&factory_flow), pattern.clone()),
            Some(TOTAL),
        );
        let request = http::Request::put(server.url("/upload"))
            .body(body)
            .unwrap();
        let response = transport().send(request).await.unwrap();
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
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_download_streams_with_bounded_memory() {
    bounded(async {
        let flow = Arc::new(Flow::default());
        let pattern = pattern();
        let server_flow = Arc::clone(&flow);
        let server_pattern = pattern.clone();
        let server = support::serve(move |_req| {
            let body = streamed(producing_stream(
                Arc::clone(&server_flow),
                server_pattern.clone(),
            ));
            async move { response(200, body) }
        })
        .await;

        let request = http::Request::get(server.url("/download"))
            .body(RequestBody::empty())
            .unwrap();
        let response = transport().send(request).await.unwrap();
        let produced_at_headers = flow.produced.load(Ordering::SeqCst);
        assert!(
            produced_at_headers < TOTAL,
            "send() returned only after the server had produced the whole body: the download was buffered"
        );
        let mut body = response.into_body();
        let mut received = 0u64;
        while let Some(frame) = body.frame().await {
            let data = frame.unwrap().into_data().unwrap();
            check_pattern(&pattern, received, &data);
            received += data.len() as u64;
            flow.consume(data.len() as u64);
        }
        assert_eq!(received, TOTAL);
        let max = flow.max_in_flight.load(Ordering::SeqCst);
        assert!(
            max < IN_FLIGHT_LIMIT,
            "{max} bytes were produced but not yet read at once: the download was buffered"
        );
    })
    .await;
}

#[tokio::test]
async fn sequential_requests_reuse_one_connection() {
    bounded(async {
        let server = support::serve(|_req| async { response(200, full("pong")) }).await;
        let transport: SharedTransport = Arc::new(transport());
        for _ in 0..5 {
            let request = http::Request::get(server.url("/ping"))
                .body(RequestBody::empty())
                .unwrap();
            let response = transport.send(request).await.unwrap();
            let body = response.into_body().collect_capped(64).await.unwrap();
            assert_eq!(body, "pong");
        }
        assert_eq!(
            server.accepted(),
            1,
            "all five requests used one connection"
        );
    })
    .await;
}

#[tokio::test]
async fn disabled_pool_opens_a_connection_per_request() {
    bounded(async {
        let server = support::serve(|_req| async { response(200, full("pong")) }).await;
        let transport = HyperTransport::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        for _ in 0..3 {
            let request = http::Request::get(server.url("/ping"))
                .body(RequestBody::empty())
                .unwrap();
            let response = transport.send(request).await.unwrap();
            response.into_body().collect_capped(64).await.unwrap();
        }
        assert_eq!(server.accepted(), 3);
    })
    .await;
}

#[tokio::test]
async fn response_timeout_maps_to_timeout_kind() {
    bounded(async {
        let server = support::serve(|_req| async {
            // Never answers within the test (the runtime ends first).
            tokio::time::sleep(Duration::from_secs(600)).await;
            response(200, full(""))
        })
        .await;
        let transport = HyperTransport::builder()
            .timeouts(Timeouts::uniform(Duration::from_millis(300)))
            .build()
            .unwrap();
        let request = http::Request::get(server.url("/slow"))
            .body(RequestBody::empty())
            .unwrap();
        let err = transport.send(request).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Timeout, "{err}");
        assert!(err.is_retryable());
        assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Read), "{err}");
        assert_eq!(err.host(), Some(server.addr.to_string().as_str()));
    })
    .await;
}

#[tokio::test]
async fn request_timeout_extension_wins_over_builder() {
    bounded(async {
        let server = support::serve(|_req| async {
            tokio::time::sleep(Duration::from_secs(600)).await;
            response(200, full(""))
        })
        .await;
        // The builder's limit is far beyond the test's own limit: only the
        // per-request override can end this request in time.
        let transport = HyperTransport::builder()
            .timeouts(Timeouts::uniform(Duration::from_secs(3600)))
            .build()
            .unwrap();
        let mut request = http::Request::get(server.url("/slow"))
            .body(RequestBody::empty())
            .unwrap();
        request
            .extensions_mut()
            .insert(Timeouts::NONE.with_read(Some(Duration::from_millis(300))));
        let err = transport.send(request).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Timeout, "{err}");
    })
    .await;
}

#[tokio::test]
async fn read_timeout_fails_a_stalled_response_body() {
    bounded(async {
        let server = support::serve(|_req| async {
            let chunks =
                stream::iter([Ok(Bytes::from_static(b"first"))]).chain(stream::once(async {
                    tokio::time::sleep(Duration::from_secs(600)).await;
                    Ok(Bytes::from_static(b"never"))
                }));
            response(200, streamed(chunks))
        })
        .await;
        let transport = HyperTransport::builder()
            .timeouts(Timeouts::NONE.with_read(Some(Duration::from_millis(300))))
            .build()
            .unwrap();
        let request = http::Request::get(server.url("/stall"))
            .body(RequestBody::empty())
            .unwrap();
        let response = transport.send(request).await.unwrap();
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
    })
    .await;
}

#[tokio::test]
async fn read_timeout_extension_applies_per_request() {
    bounded(async {
        let server = support::serve(|_req| async {
            let chunks = stream::once(async {
                tokio::time::sleep(Duration::from_secs(600)).await;
                Ok(Bytes::from_static(b"never"))
            });
            response(200, streamed(chunks))
        })
        .await;
        let mut request = http::Request::get(server.url("/stall"))
            .body(RequestBody::empty())
            .unwrap();
        request
            .extensions_mut()
            .insert(Timeouts::uniform(Duration::from_millis(300)));
        let response = transport().send(request).await.unwrap();
        let err = response.into_body().collect_capped(1024).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Timeout, "{err}");
    })
    .await;
}

/// Connect timeout, deterministically on loopback: the connect phase covers
/// the TLS handshake, and this server accepts TCP connections but never says
/// a byte, so the handshake can never finish.
#[tokio::test]
async fn connect_timeout_maps_to_timeout_kind() {
    bounded(async {
        let silent = support::silent_server().await;
        let transport = HyperTransport::builder()
            .connect_timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let request = http::Request::get(format!("https://{}/", silent.addr))
            .body(RequestBody::empty())
            .unwrap();
        let err = transport.send(request).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Timeout, "{err}");
        assert!(err.to_string().contains("connecting"), "{err}");
        assert!(err.is_retryable());
    })
    .await;
}

#[tokio::test]
async fn refused_connection_maps_to_connect_kind_without_leaking_secrets() {
    bounded(async {
        let port = support::refused_port();
        let request = http::Request::get(format!(
            "http://127.0.0.1:{port}/v1/files?api_key=sk-very-secret"
        ))
        .body(RequestBody::empty())
        .unwrap();
        let err = transport().send(request).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
        assert!(err.is_retryable());
        let host = format!("127.0.0.1:{port}");
        assert_eq!(err.host(), Some(host.as_str()));
        let display = err.to_string();
        assert!(display.contains(&host), "{display}");
        assert!(!display.contains("sk-very-secret"), "{display}");
        assert!(!format!("{err:?}").contains("sk-very-secret"));
        let mut chain = String::new();
        let mut source = std::error::Error::source(&err);
        while let Some(cause) = source {
            chain.push_str(&cause.to_string());
            source = cause.source();
        }
        assert!(!chain.contains("sk-very-secret"), "{chain}");
    })
    .await;
}

#[tokio::test]
async fn non_success_statuses_are_responses() {
    bounded(async {
        let server = support::serve(|_req| async { response(503, full("overloaded")) }).await;
        let request = http::Request::get(server.url("/busy"))
            .body(RequestBody::empty())
            .unwrap();
        let response = transport().send(request).await.unwrap();
        assert_eq!(response.status(), 503);
        assert_eq!(
            response.into_body().collect_capped(64).await.unwrap(),
            "overloaded"
        );
    })
    .await;
}

#[tokio::test]
async fn relative_uri_is_an_invalid_request() {
    bounded(async {
        let request = http::Request::get("/v1/files")
            .body(RequestBody::empty())
            .unwrap();
        let err = transport().send(request).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::InvalidRequest);
        assert!(!err.is_retryable());
    })
    .await;
}

#[tokio::test]
async fn unknown_length_streams_use_chunked_encoding() {
    bounded(async {
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
        let response = transport().send(request).await.unwrap();
        assert_eq!(
            response.into_body().collect_capped(64).await.unwrap(),
            "Some(\"chunked\") false 5"
        );
    })
    .await;
}

#[tokio::test]
async fn truncated_response_body_is_an_io_error() {
    bounded(async {
        let server = support::raw_server(
            b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\nconnection: close\r\n\r\nonly a few bytes",
        )
        .await;
        let request = http::Request::get(format!("http://{}/", server.addr))
            .body(RequestBody::empty())
            .unwrap();
        let response = transport().send(request).await.unwrap();
        let err = response
            .into_body()
            .collect_capped(10_000)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Io, "{err}");
        assert!(err.to_string().contains("broke off"), "{err}");
    })
    .await;
}

#[tokio::test]
async fn garbage_response_is_not_retryable() {
    bounded(async {
        let server = support::raw_server(b"this is not HTTP at all\r\n\r\n").await;
        let request = http::Request::get(format!("http://{}/", server.addr))
            .body(RequestBody::empty())
            .unwrap();
        let err = transport().send(request).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Other, "{err}");
        assert!(!err.is_retryable());
    })
    .await;
}

#[tokio::test]
async fn failing_request_body_stream_is_a_request_body_error_never_retried() {
    bounded(async {
        let server = support::serve(|req| async move {
            let _ = req.into_body().collect().await;
            response(200, full(""))
        })
        .await;
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
        let err = transport().send(request).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::RequestBody, "{err}");
        assert!(!err.is_retryable());
        assert!(err.to_string().contains("request body"), "{err}");
    })
    .await;
}

#[tokio::test]
async fn http2_prior_knowledge_over_plain_http() {
    bounded(async {
        let server = support::serve(|req| async move {
            let version = format!("{:?}", req.version());
            response(200, full(version))
        })
        .await;
        let transport = HyperTransport::builder().http2_only().build().unwrap();
        let request = http::Request::get(server.url("/"))
            .body(RequestBody::empty())
            .unwrap();
        let response = transport.send(request).await.unwrap();
        assert_eq!(response.version(), http::Version::HTTP_2);
        assert_eq!(
            response.into_body().collect_capped(64).await.unwrap(),
            "HTTP/2.0"
        );
    })
    .await;
}
