//! Replay over the real transport: a replayable body sent twice yields
//! identical bytes; a one-shot body refuses a second send, but survives an
//! attempt that never sent a byte.

use crate::support;

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use bytes::Bytes;
use files_transport::{HyperTransport, RequestBody, Transport, TransportErrorKind};
use futures_util::stream;
use support::{bounded, full, response};

/// A server answering each request with its body and content-length.
async fn echo_server() -> support::TestServer {
    support::serve(|req| async move {
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
    .await
}

fn multi_chunk_stream(
    calls: &AtomicUsize,
) -> impl futures_util::Stream<Item = io::Result<Bytes>> + Send + use<> {
    let call = calls.fetch_add(1, Ordering::SeqCst);
    // Each attempt gets a fresh stream; chunking differs per call, bytes do not.
    let chunks: Vec<io::Result<Bytes>> = if call.is_multiple_of(2) {
        vec![
            Ok(Bytes::from_static(b"hello ")),
            Ok(Bytes::new()),
            Ok(Bytes::from_static(b"replayable world")),
        ]
    } else {
        vec![Ok(Bytes::from_static(b"hello replayable world"))]
    };
    stream::iter(chunks)
}

async fn send_text(
    transport: &HyperTransport,
    url: String,
    body: RequestBody,
) -> Result<Bytes, files_transport::TransportError> {
    let request = http::Request::post(url).body(body).unwrap();
    let response = transport.send(request).await?;
    response.into_body().collect_capped(1 << 20).await
}

#[tokio::test]
async fn replayable_body_sent_twice_yields_identical_bytes() {
    bounded(async {
        let server = echo_server().await;
        let transport = HyperTransport::new().unwrap();
        let calls = Arc::new(AtomicUsize::new(0));
        let factory_calls = Arc::clone(&calls);
        let template =
            RequestBody::replayable(move || multi_chunk_stream(&factory_calls), Some(22));
        let first = send_text(&transport, server.url("/"), template.try_clone().unwrap())
            .await
            .unwrap();
        let second = send_text(&transport, server.url("/"), template.try_clone().unwrap())
            .await
            .unwrap();
        assert_eq!(first, "22|hello replayable world");
        assert_eq!(first, second);
        assert_eq!(calls.load(Ordering::SeqCst), 2, "one fresh stream per send");
    })
    .await;
}

#[tokio::test]
async fn bytes_body_sent_twice_yields_identical_bytes() {
    bounded(async {
        let server = echo_server().await;
        let transport = HyperTransport::new().unwrap();
        let template = RequestBody::from_bytes("same bytes");
        let first = send_text(
            &transport,
            server.url("/"),
            template.try_clone().expect("a body for this attempt"),
        )
        .await
        .unwrap();
        let second = send_text(
            &transport,
            server.url("/"),
            template.try_clone().expect("a body for this attempt"),
        )
        .await
        .unwrap();
        assert_eq!(first, "10|same bytes");
        assert_eq!(first, second);
    })
    .await;
}

#[tokio::test]
async fn one_shot_body_refuses_a_second_send() {
    bounded(async {
        let server = echo_server().await;
        let transport = HyperTransport::new().unwrap();
        let template = RequestBody::one_shot(
            stream::iter([
                Ok(Bytes::from_static(b"only")),
                Ok(Bytes::from_static(b" once")),
            ]),
            Some(9),
        );
        let first = send_text(
            &transport,
            server.url("/"),
            template.try_clone().expect("a body for this attempt"),
        )
        .await
        .unwrap();
        assert_eq!(first, "9|only once");
        assert!(template.try_clone().is_none(), "spent: no second attempt");

        // Sending the spent template itself is refused before anything goes out.
        let err = send_text(&transport, server.url("/"), template)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::InvalidRequest, "{err}");
        assert!(err.to_string().contains("already consumed"), "{err}");
        assert!(!err.is_retryable());
        assert_eq!(
            server.accepted(),
            1,
            "the refused send never reached the server"
        );
    })
    .await;
}

#[tokio::test]
async fn one_shot_body_survives_an_attempt_that_sent_nothing() {
    bounded(async {
        let server = echo_server().await;
        let transport = HyperTransport::new().unwrap();
        let template = RequestBody::one_shot(
            stream::iter([Ok(Bytes::from_static(b"still here"))]),
            Some(10),
        );
        let refused = format!("http://127.0.0.1:{}/", support::refused_port());
        let err = send_text(
            &transport,
            refused,
            template.try_clone().expect("a body for this attempt"),
        )
        .await
        .unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Connect, "{err}");
        assert!(
            template.try_clone().is_some(),
            "a failed connect sends no byte, so a retry is safe"
        );
        let retried = send_text(
            &transport,
            server.url("/"),
            template.try_clone().expect("a body for this attempt"),
        )
        .await
        .unwrap();
        assert_eq!(retried, "10|still here");
    })
    .await;
}
