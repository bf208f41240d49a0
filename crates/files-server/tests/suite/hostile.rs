//! Clients that do not cooperate: malformed multipart, over-long headers, half-sent
//! headers, silent connections, more connections than the cap. Each is refused
//! cheaply and the server keeps answering. Raw TCP on 127.0.0.1; every wait is bounded.

use std::time::Duration;

use crate::peer::{BOUND, BOUNDARY, Gen, Peer, read_to_close, start, status_line};
use bytes::Bytes;
use files_server::ServerConfig;
use http::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn still_answers(server: &files_server::FilesServer) {
    let peer = Peer::new(server, Gen::Ga);
    assert_eq!(peer.get("/v1/files").await.status, 200);
}

#[tokio::test]
async fn part_headers_that_never_end_are_refused_early() {
    let server = start(ServerConfig::new()).await;
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    stream
        .write_all(
            format!(
                "POST /v1/files HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\n\
                 Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n\
                 Transfer-Encoding: chunked\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut head = format!("--{BOUNDARY}\r\n").into_bytes();
    head.extend(std::iter::repeat_n(b'a', 1024));
    let mut sent = 0usize;
    let mut answer = Vec::new();
    // Up to 8 MiB of header bytes that never end; the answer must come long before.
    for _ in 0..8 * 1024 {
        let chunk = format!("{:x}\r\n", head.len());
        let write = async {
            stream.write_all(chunk.as_bytes()).await?;
            stream.write_all(&head).await?;
            stream.write_all(b"\r\n").await
        };
        if write.await.is_err() {
            break;
        }
        sent += head.len();
        head = vec![b'a'; 1024];
        let mut buf = [0u8; 4096];
        if let Ok(Ok(n)) =
            tokio::time::timeout(Duration::from_millis(1), stream.read(&mut buf)).await
        {
            answer.extend_from_slice(&buf[..n]);
            break;
        }
    }
    if answer.is_empty() {
        answer = read_to_close(&mut stream).await;
    }
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert!(text.contains("part headers exceed"), "{text}");
    assert!(sent < 1024 * 1024, "refused after {sent} bytes");
    still_answers(&server).await;
}

#[tokio::test]
async fn over_long_and_too_many_headers_get_431() {
    let server = start(ServerConfig::new()).await;
    let big = "a".repeat(100 * 1024);
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    let request =
        format!("GET /v1/files HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\nx-big: {big}\r\n\r\n");
    let _ = stream.write_all(request.as_bytes()).await;
    let answer = read_to_close(&mut stream).await;
    assert_eq!(
        status_line(&answer),
        "HTTP/1.1 431 Request Header Fields Too Large"
    );

    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    let many: String = (0..200).map(|i| format!("x-h{i}: v\r\n")).collect();
    let request = format!("GET /v1/files HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\n{many}\r\n");
    let _ = stream.write_all(request.as_bytes()).await;
    let answer = read_to_close(&mut stream).await;
    assert_eq!(
        status_line(&answer),
        "HTTP/1.1 431 Request Header Fields Too Large"
    );
    still_answers(&server).await;
}

#[tokio::test]
async fn a_half_sent_header_times_out() {
    let server = start(
        ServerConfig::new()
            .header_read_timeout(Duration::from_millis(300))
            .idle_timeout(None),
    )
    .await;
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    stream
        .write_all(b"GET /v1/files HTTP/1.1\r\nHost: x\r\nx-api-")
        .await
        .unwrap();
    // Closed by the server (read_to_close panics if it stays open past the bound).
    read_to_close(&mut stream).await;
    still_answers(&server).await;
}

#[tokio::test]
async fn a_silent_connection_is_closed_when_idle() {
    let server = start(
        ServerConfig::new()
            .header_read_timeout(None)
            .idle_timeout(Duration::from_millis(300)),
    )
    .await;
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    assert!(read_to_close(&mut stream).await.is_empty());
    still_answers(&server).await;
}

#[tokio::test]
async fn limits_too_large_for_the_clock_or_the_semaphore_still_serve() {
    // The setters take any duration: the server bounds them where its timers
    // and its connection cap are made (unbounded, hyper's header timer and the
    // idle timer overflow the clock and the connection task panics; tokio's
    // semaphore panics above its maximum).
    let config = ServerConfig::new()
        .header_read_timeout(Duration::MAX)
        .idle_timeout(Duration::MAX)
        .max_connections(usize::MAX);
    let server = start(config).await;
    still_answers(&server).await;
    still_answers(&server).await;
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_their_turn() {
    let server = start(ServerConfig::new().max_connections(2)).await;
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
        stream
            .write_all(b"GET /v1/files HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\n\r\n")
            .await
            .unwrap();
        let mut buf = [0u8; 1024];
        let n = tokio::time::timeout(BOUND, stream.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
        held.push(stream); // kept alive, holding a slot
    }
    assert_eq!(server.connections_accepted(), 2);
    let mut third = TcpStream::connect(server.local_addr()).await.unwrap();
    third
        .write_all(
            b"GET /v1/files HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\nConnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    assert!(
        tokio::time::timeout(Duration::from_millis(300), third.read(&mut buf))
            .await
            .is_err(),
        "a third connection is not served while two hold the slots"
    );
    assert_eq!(server.connections_accepted(), 2);
    drop(held.pop());
    let answer = read_to_close(&mut third).await;
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
}

#[tokio::test]
async fn fidelity_405_empty_query_values_unknown_parts_and_part_types() {
    let server = start(ServerConfig::new()).await;
    let peer = Peer::new(&server, Gen::Beta);
    let answer = peer
        .send(Method::PUT, "/v1/files", None, Bytes::new())
        .await;
    assert_eq!(answer.status, 405);
    assert_eq!(answer.headers["allow"], "GET, POST");
    let answer = peer
        .send(Method::POST, "/v1/files/file_x", None, Bytes::new())
        .await;
    assert_eq!(answer.headers["allow"], "GET, DELETE");
    let answer = peer
        .send(
            Method::DELETE,
            "/v1/files/file_x/content",
            None,
            Bytes::new(),
        )
        .await;
    assert_eq!(answer.headers["allow"], "GET");

    let id = peer.put("a.txt", b"a");
    let id = id.await;
    let page = peer.get("/v1/files?before_id=&after_id=&limit=").await;
    assert_eq!(page.status, 200, "{:?}", page.body);
    assert_eq!(crate::peer::ids(&page.json()), std::slice::from_ref(&id));

    // Unknown parts, large or nameless, are ignored.
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n")
            .as_bytes(),
    );
    body.extend(std::iter::repeat_n(b'p', 200 * 1024));
    body.extend_from_slice(
        format!("\r\n--{BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nnameless\r\n")
            .as_bytes(),
    );
    let (_, file) = crate::peer::multipart("b.txt", Some("text/plain"), b"b", &[]);
    body.extend_from_slice(&file);
    let answer = peer
        .send(
            Method::POST,
            "/v1/files",
            Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
            Bytes::from(body),
        )
        .await;
    assert_eq!(
        answer.status,
        200,
        "{:?}",
        String::from_utf8_lossy(&answer.body)
    );

    // The file part's type is checked like the client checks it.
    let long = format!("text/{}", "x".repeat(300));
    for bad in ["pdf", long.as_str()] {
        let answer = peer.upload("c.txt", Some(bad), b"c").await;
        assert_eq!(answer.status, 400, "{bad}");
        assert!(
            answer.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("mime type"),
            "{:?}",
            answer.json()
        );
    }
}

#[tokio::test]
async fn many_half_sent_headers_do_not_lock_out_real_clients() {
    let server = start(
        ServerConfig::new()
            .max_connections(32)
            .header_read_timeout(Duration::from_millis(300)),
    )
    .await;
    let mut hostile = Vec::new();
    for _ in 0..200 {
        let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
        let _ = stream
            .write_all(b"POST /v1/files HTTP/1.1\r\nHost: x\r\nx-api")
            .await;
        hostile.push(stream);
    }
    // Every slot is taken by a half-sent header; each is cut after 300 ms, so a
    // real client is served within a bounded time (the peer's own 30 s bound).
    let peer = Peer::new(&server, Gen::Ga);
    let id = peer.put("real.txt", b"real").await;
    assert!(id.starts_with("file_"));
    drop(hostile);
}

/// Sends an upload's header with `Expect: 100-continue` and no body; the answer
/// as far as the server sends it.
async fn expect_continue(
    server: &files_server::FilesServer,
    key: Option<&str>,
    length: u64,
) -> Vec<u8> {
    let addr = server.base_url().trim_start_matches("http://").to_owned();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let key = key
        .map(|k| format!("x-api-key: {k}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "POST /v1/files HTTP/1.1\r\nhost: x\r\n{key}expect: 100-continue\r\n\
         content-type: multipart/form-data; boundary={BOUNDARY}\r\ncontent-length: {length}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The body is never sent: a server that invites it would wait for it.
    read_to_close(&mut stream).await
}

#[tokio::test]
async fn a_refused_upload_that_expects_100_continue_is_refused_before_the_body_is_invited() {
    let server = start(ServerConfig::new().max_file_size(1024)).await;
    let unauthenticated = expect_continue(&server, None, 600_000_000_000).await;
    assert_eq!(status_line(&unauthenticated), "HTTP/1.1 401 Unauthorized");
    let too_large = expect_continue(&server, Some("k"), 600_000_000_000).await;
    assert_eq!(status_line(&too_large), "HTTP/1.1 413 Payload Too Large");
    for answer in [&unauthenticated, &too_large] {
        let text = String::from_utf8_lossy(answer);
        assert!(!text.contains("100 Continue"), "{text}");
        assert!(text.contains("connection: close"), "{text}");
    }
    still_answers(&server).await;
    server.shutdown().await;
}
