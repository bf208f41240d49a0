//! `FakeTransport`: captures every request in full and answers from a script.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use files_transport::{
    FakeResponse, FakeTransport, RequestBody, SharedTransport, Transport, TransportError,
    TransportErrorKind,
};
use futures_util::{StreamExt, stream};
use http::StatusCode;

async fn bounded<T>(fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), fut)
        .await
        .expect("test exceeded its time limit")
}

#[tokio::test]
async fn captures_method_uri_headers_and_full_body() {
    bounded(async {
        let fake = FakeTransport::new();
        fake.push_response(FakeResponse::json("{}"));
        let body = RequestBody::replayable(
            || {
                stream::iter([
                    Ok(Bytes::from_static(b"part1,")),
                    Ok(Bytes::from_static(b"part2")),
                ])
            },
            Some(11),
        );
        let request = http::Request::post("https://api.example.com/v1/files?beta=true")
            .header("anthropic-version", "2023-06-01")
            .header("x-api-key", "sk-test")
            .body(body)
            .unwrap();
        let response = fake.send(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers().get("content-type").unwrap(),
            "application/json"
        );

        let captured = fake.last_request().unwrap();
        assert_eq!(captured.method, http::Method::POST);
        assert_eq!(
            captured.uri.to_string(),
            "https://api.example.com/v1/files?beta=true"
        );
        assert_eq!(captured.header("anthropic-version"), Some("2023-06-01"));
        assert_eq!(captured.header("x-api-key"), Some("sk-test"));
        assert_eq!(captured.body, "part1,part2");
        assert_eq!(captured.body_text(), "part1,part2");
        assert_eq!(captured.version, http::Version::HTTP_11);
    })
    .await;
}

#[tokio::test]
async fn answers_in_script_order_including_errors() {
    bounded(async {
        let fake = FakeTransport::new();
        fake.push_response(
            FakeResponse::new(StatusCode::TOO_MANY_REQUESTS).header("retry-after", "1"),
        )
        .push_error(TransportError::new(
            TransportErrorKind::Timeout,
            "scripted timeout",
        ))
        .push_response(http::Response::new(Bytes::from_static(b"third")));
        assert_eq!(fake.remaining(), 3);

        let get = || {
            http::Request::get("https://api.example.com/v1/files")
                .body(RequestBody::empty())
                .unwrap()
        };
        let first = fake.send(get()).await.unwrap();
        assert_eq!(first.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(first.headers()["retry-after"], "1");
        let second = fake.send(get()).await.unwrap_err();
        assert_eq!(second.kind(), TransportErrorKind::Timeout);
        assert_eq!(second.message(), "scripted timeout");
        let third = fake.send(get()).await.unwrap();
        assert_eq!(third.into_body().collect_capped(64).await.unwrap(), "third");
        assert_eq!(fake.request_count(), 3);
        assert_eq!(fake.remaining(), 0);
    })
    .await;
}

#[tokio::test]
async fn empty_script_fails_clearly() {
    bounded(async {
        let fake = FakeTransport::new();
        let request = http::Request::delete("https://api.example.com/v1/files/f?key=secret")
            .body(RequestBody::empty())
            .unwrap();
        let err = fake.send(request).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Other);
        let text = err.to_string();
        assert!(text.contains("no scripted response left"), "{text}");
        assert!(text.contains("request #1"), "{text}");
        assert!(text.contains("DELETE"), "{text}");
        assert!(text.contains("api.example.com"), "{text}");
        assert!(!text.contains("secret"), "{text}");
        assert_eq!(fake.request_count(), 1, "the request is still recorded");
    })
    .await;
}

#[tokio::test]
async fn truncated_body_ends_with_the_scripted_error() {
    bounded(async {
        let fake = FakeTransport::new();
        fake.push_response(
            FakeResponse::ok()
                .body(vec![7u8; 1000])
                .chunk_size(100)
                .fail_after(
                    250,
                    TransportError::new(TransportErrorKind::Io, "connection reset"),
                ),
        );
        let request = http::Request::get("https://api.example.com/v1/files/f/content")
            .body(RequestBody::empty())
            .unwrap();
        let response = fake.send(request).await.unwrap();
        let mut chunks = response.into_body().into_stream();
        let mut sizes = Vec::new();
        let err = loop {
            match chunks.next().await.unwrap() {
                Ok(chunk) => sizes.push(chunk.len()),
                Err(err) => break err,
            }
        };
        assert_eq!(sizes, [100, 100, 50]);
        assert_eq!(err.kind(), TransportErrorKind::Io);
        assert_eq!(err.message(), "connection reset");
        assert!(chunks.next().await.is_none());
    })
    .await;
}

#[tokio::test]
async fn drains_the_body_so_progress_observers_run() {
    bounded(async {
        let fake = FakeTransport::new();
        fake.push_error(TransportError::new(TransportErrorKind::Connect, "down"));
        let seen = Arc::new(AtomicUsize::new(0));
        let observer = Arc::clone(&seen);
        let body = RequestBody::one_shot(
            stream::iter([
                Ok(Bytes::from_static(b"abc")),
                Ok(Bytes::from_static(b"defg")),
            ])
            .map(move |chunk: io::Result<Bytes>| {
                if let Ok(chunk) = &chunk {
                    observer.fetch_add(chunk.len(), Ordering::SeqCst);
                }
                chunk
            }),
            None,
        );
        let request = http::Request::put("https://api.example.com/upload")
            .body(body)
            .unwrap();
        let err = fake.send(request).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Connect);
        assert_eq!(seen.load(Ordering::SeqCst), 7);
        assert_eq!(fake.requests()[0].body, "abcdefg");
    })
    .await;
}

#[tokio::test]
async fn failing_request_body_is_recorded_and_returned() {
    bounded(async {
        let fake = FakeTransport::new();
        fake.push_response(FakeResponse::ok());
        let body = RequestBody::one_shot(
            stream::iter([
                Ok(Bytes::from_static(b"abc")),
                Err(io::Error::other("read failed")),
            ]),
            None,
        );
        let request = http::Request::post("https://api.example.com/upload")
            .body(body)
            .unwrap();
        let err = fake.send(request).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::RequestBody);
        assert_eq!(fake.requests()[0].body, "abc");
        assert_eq!(fake.remaining(), 1, "the script is untouched");
    })
    .await;
}

#[tokio::test]
async fn one_shot_second_send_is_an_invalid_request() {
    bounded(async {
        let fake = FakeTransport::new();
        fake.push_response(FakeResponse::ok())
            .push_response(FakeResponse::ok());
        let template = RequestBody::one_shot(stream::iter([Ok(Bytes::from_static(b"x"))]), Some(1));
        let send = |body| {
            fake.send(
                http::Request::post("https://api.example.com/upload")
                    .body(body)
                    .unwrap(),
            )
        };
        send(template.try_clone().unwrap()).await.unwrap();
        assert!(template.try_clone().is_none());
        let err = send(template).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::InvalidRequest);
    })
    .await;
}

#[tokio::test]
async fn clones_share_script_and_record_through_dyn_transport() {
    bounded(async {
        let fake = FakeTransport::new();
        let shared: SharedTransport = Arc::new(fake.clone());
        fake.push_response(FakeResponse::new(StatusCode::CREATED).body("made"));
        let request = http::Request::post("https://api.example.com/v1/files")
            .body(RequestBody::from_bytes("x"))
            .unwrap();
        let response = shared.send(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(fake.request_count(), 1);
        assert!(format!("{fake:?}").contains("requests: 1"));
    })
    .await;
}

#[tokio::test]
async fn invalid_scripted_header_fails_the_send() {
    bounded(async {
        let fake = FakeTransport::new();
        fake.push_response(FakeResponse::ok().header("x-bad", "line\nbreak"));
        let request = http::Request::get("https://api.example.com/")
            .body(RequestBody::empty())
            .unwrap();
        let err = fake.send(request).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Other);
        assert!(err.to_string().contains("x-bad"), "{err}");
    })
    .await;
}
