//! Fault injection, from the library and over the admin route.

use crate::peer::*;
use bytes::Bytes;
use files_server::{Fault, FaultRoute, GeneratedFile, ServerConfig};
use http::Method;
use http_body_util::{BodyExt, Empty};

#[tokio::test]
async fn scripted_statuses_carry_their_retry_headers_then_stop() {
    let server = start(ServerConfig::new()).await;
    let peer = Peer::new(&server, Gen::Beta);
    server
        .faults()
        .push(FaultRoute::List, Fault::status(429).retry_after_ms(15));
    server.faults().push(
        FaultRoute::List,
        Fault::status(503).retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
    );
    server
        .faults()
        .push(FaultRoute::Any, Fault::status(500).should_retry(false));
    server.faults().push(FaultRoute::Upload, Fault::status(529));

    let limited = peer.get("/v1/files").await;
    assert_eq!(limited.status, 429);
    assert_eq!(limited.error_type(), "rate_limit_error");
    assert_eq!(limited.headers["retry-after-ms"], "15");
    let unavailable = peer.get("/v1/files").await;
    assert_eq!(unavailable.status, 503);
    assert_eq!(
        unavailable.headers["retry-after"],
        "Wed, 21 Oct 2015 07:28:00 GMT"
    );
    let internal = peer.get("/v1/files/file_x").await;
    assert_eq!(internal.status, 500);
    assert_eq!(internal.error_type(), "api_error");
    assert_eq!(internal.headers["x-should-retry"], "false");
    let overloaded = peer.upload("a.txt", None, b"a").await;
    assert_eq!(overloaded.status, 529);
    assert_eq!(overloaded.error_type(), "overloaded_error");
    assert_eq!(
        server.file_count().await.unwrap(),
        0,
        "a faulted upload stores nothing"
    );

    assert!(server.faults().is_empty());
    assert_eq!(
        peer.get("/v1/files").await.status,
        200,
        "faults are used up"
    );
}

async fn raw_get(url: &str) -> Result<(u16, Result<Bytes, String>), String> {
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Empty<Bytes>>();
    let request = http::Request::get(url)
        .header("x-api-key", "k")
        .body(Empty::new())
        .unwrap();
    let response = client.request(request).await.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map(|c| c.to_bytes())
        .map_err(|e| e.to_string());
    Ok((status, body))
}

#[tokio::test]
async fn broken_bodies_and_dropped_connections() {
    let server = start(ServerConfig::new()).await;
    let file = server
        .create_generated_file(GeneratedFile::new("data.bin", vec![1u8; 300_000]))
        .await
        .unwrap();
    let url = format!("{}/v1/files/{}/content", server.base_url(), file.id);

    server.faults().push(FaultRoute::Download, Fault::ShortBody);
    let (status, body) = raw_get(&url).await.unwrap();
    assert_eq!(status, 200);
    assert!(
        body.is_err(),
        "a body shorter than its Content-Length is an error for the client"
    );

    server
        .faults()
        .push(FaultRoute::Download, Fault::DropConnection);
    let (status, body) = raw_get(&url).await.unwrap();
    assert_eq!(status, 200);
    assert!(body.is_err(), "the connection drops mid-body");

    server
        .faults()
        .push(FaultRoute::Retrieve, Fault::DropConnection);
    let retrieve = raw_get(&format!("{}/v1/files/{}", server.base_url(), file.id)).await;
    assert!(retrieve.is_err(), "no answer at all: {retrieve:?}");

    server.faults().push(FaultRoute::Retrieve, Fault::ShortBody);
    let (status, body) = raw_get(&format!("{}/v1/files/{}", server.base_url(), file.id))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(body.is_err());

    let (status, body) = raw_get(&url).await.unwrap();
    assert_eq!(
        (status, body.unwrap().len()),
        (200, 300_000),
        "after the faults, downloads are whole"
    );
}

#[tokio::test]
async fn admin_routes_script_faults_create_files_and_move_the_clock() {
    let server = start(ServerConfig::new().admin_token("t0ken")).await;
    let admin = Peer::new(&server, Gen::Ga)
        .with_key(None)
        .with_admin_token("t0ken");
    let queued = admin
        .send(
            Method::POST,
            "/_admin/v1/faults",
            Some("application/json"),
            Bytes::from(r#"{"route":"list","fault":{"kind":"status","status":429,"retry_after_ms":5},"times":2}"#),
        )
        .await;
    assert_eq!(queued.status, 200);
    assert_eq!(queued.json()["queued"], 2);
    let peer = Peer::new(&server, Gen::Ga);
    assert_eq!(peer.get("/v1/files").await.status, 429);
    assert_eq!(admin.delete("/_admin/v1/faults").await.status, 200);
    assert_eq!(peer.get("/v1/files").await.status, 200, "cleared");

    let created = admin
        .send(
            Method::POST,
            "/_admin/v1/generated_files?filename=plot.png&scope_id=sesn_9",
            None,
            Bytes::from_static(b"\x89PNG"),
        )
        .await;
    assert_eq!(created.status, 200);
    let meta = created.json();
    assert_eq!(meta["downloadable"], true);
    assert_eq!(meta["mime_type"], "image/png");
    let id = meta["id"].as_str().unwrap();
    assert_eq!(
        peer.get(&format!("/v1/files/{id}/content"))
            .await
            .body
            .as_ref(),
        b"\x89PNG"
    );

    let up = peer
        .upload_with("t.txt", None, b"t", &[("expires_in_seconds", "3600")])
        .await;
    let expiring = up.json()["id"].as_str().unwrap().to_owned();
    let moved = admin
        .send(
            Method::POST,
            "/_admin/v1/clock/advance?seconds=3600",
            None,
            Bytes::new(),
        )
        .await;
    assert_eq!(moved.status, 200);
    assert_eq!(
        peer.get(&format!("/v1/files/{expiring}"))
            .await
            .error_code()
            .as_deref(),
        Some("file_expired")
    );
}

/// Writes a whole upload the way curl does (the body first, the answer after) and
/// returns the status line, or the error that cut the exchange.
async fn send_whole_then_read(
    server: &files_server::FilesServer,
    key: Option<&str>,
) -> Result<String, std::io::Error> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = vec![5u8; 16 * 1024 * 1024]; // more than the socket buffers absorb
    let (content_type, multipart) = multipart("big.bin", None, &body, &[]);
    let mut stream = tokio::net::TcpStream::connect(server.local_addr()).await?;
    let key_header = key
        .map(|k| format!("x-api-key: {k}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST /v1/files HTTP/1.1\r\nhost: x\r\n{key_header}anthropic-beta: {BETA}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n",
        multipart.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&multipart).await?;
    let mut answer = vec![0u8; 64];
    let n = stream.read(&mut answer).await?;
    Ok(String::from_utf8_lossy(&answer[..n])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned())
}

#[tokio::test]
async fn a_large_upload_refused_early_still_gets_its_answer() {
    let server = start(ServerConfig::new()).await;
    let refused = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        send_whole_then_read(&server, None),
    )
    .await
    .unwrap();
    assert_eq!(
        refused.unwrap(),
        "HTTP/1.1 401 Unauthorized",
        "the status, not a reset connection"
    );
    server
        .faults()
        .push(FaultRoute::Upload, Fault::status(429).retry_after_ms(1));
    let limited = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        send_whole_then_read(&server, Some("k")),
    )
    .await
    .unwrap();
    assert_eq!(limited.unwrap(), "HTTP/1.1 429 Too Many Requests");
    assert_eq!(server.file_count().await.unwrap(), 0);
}
