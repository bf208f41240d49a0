//! A few connections must not deny service to everyone (issue 18): the header
//! timer runs from accept, the connection cap sheds connections that completed
//! no request, slow bodies are cut by a minimum rate, uploads and downloads in
//! progress are capped, and HTTP/2 streams per connection are bounded. Raw TCP
//! and a raw HTTP/2 client on 127.0.0.1; every wait is bounded.

use std::time::Duration;

use crate::peer::{BOUND, BOUNDARY, Gen, Peer, read_to_close, start, status_line};
use bytes::Bytes;
use files_server::ServerConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `GET /v1/files` on a fresh connection, closed after the answer.
async fn list_once(server: &files_server::FilesServer) -> Vec<u8> {
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    stream
        .write_all(
            b"GET /v1/files HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\nConnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    read_to_close(&mut stream).await
}

/// An upload's request header and the start of its body, which never ends.
fn stalled_upload_head(length: usize) -> Vec<u8> {
    format!(
        "POST /v1/files HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\n\
         content-type: multipart/form-data; boundary={BOUNDARY}\r\ncontent-length: {length}\r\n\r\n\
         --{BOUNDARY}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nx"
    )
    .into_bytes()
}

/// An upload whose body comes one byte every 50 ms (at most 200): the answer's
/// head, as far as it came.
async fn trickle(server: &files_server::FilesServer) -> Vec<u8> {
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    stream
        .write_all(&stalled_upload_head(100_000))
        .await
        .unwrap();
    // The connection is never idle; the body is far too slow.
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    for _ in 0..200 {
        if stream.write_all(b"x").await.is_err() {
            break;
        }
        match tokio::time::timeout(Duration::from_millis(50), stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
        if answer.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    answer
}

#[tokio::test]
async fn a_trickling_upload_refused_before_its_body_is_read_still_gets_its_answer() {
    // The only upload slot is held; the next upload is refused (503), and its
    // body, drained so that the client gets the answer, is held to the
    // minimum rate too.
    let server = start(
        ServerConfig::new()
            .max_uploads(1)
            .idle_timeout(Duration::from_secs(3600))
            .body_timeout(Duration::from_secs(2), 1000),
    )
    .await;
    let mut holder = TcpStream::connect(server.local_addr()).await.unwrap();
    holder
        .write_all(&stalled_upload_head(1_000_000))
        .await
        .unwrap();
    // A bounded wait for the holder to take the slot.
    let peer = Peer::new(&server, Gen::Ga);
    let mut held = false;
    for _ in 0..100 {
        if peer.upload("c.txt", Some("text/plain"), b"c").await.status == 503 {
            held = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(held, "the holder never took the slot");
    let answer = trickle(&server).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 503"), "{text:?}");
    drop(holder);
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_at_the_header_timeout_not_the_idle_one() {
    let server = start(
        ServerConfig::new()
            .header_read_timeout(Duration::from_millis(300))
            .idle_timeout(Duration::from_secs(3600)),
    )
    .await;
    let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
    // Closed by the server well inside the bound (the idle timeout is an hour).
    assert!(read_to_close(&mut stream).await.is_empty());
    assert_eq!(status_line(&list_once(&server).await), "HTTP/1.1 200 OK");
}

#[tokio::test]
async fn at_the_cap_connections_that_completed_no_request_make_room_for_a_real_one() {
    // Timers of an hour: only shedding can free a slot within the bound.
    let server = start(
        ServerConfig::new()
            .max_connections(4)
            .header_read_timeout(Duration::from_secs(3600))
            .idle_timeout(Duration::from_secs(3600)),
    )
    .await;
    let mut hostile = Vec::new();
    for _ in 0..40 {
        let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
        let _ = stream
            .write_all(b"POST /v1/files HTTP/1.1\r\nHost: x\r\nx-api")
            .await;
        hostile.push(stream);
    }
    for _ in 0..3 {
        let answer = list_once(&server).await;
        assert_eq!(status_line(&answer), "HTTP/1.1 200 OK");
    }
    drop(hostile);
}

#[tokio::test]
async fn a_body_below_the_minimum_rate_is_cut_with_408_though_its_connection_is_busy() {
    let server = start(
        ServerConfig::new()
            .idle_timeout(Duration::from_secs(3600))
            .body_timeout(Duration::from_millis(300), 1000),
    )
    .await;
    let answer = trickle(&server).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text:?}");
    assert!(text.contains("connection: close"), "{text}");
    assert_eq!(status_line(&list_once(&server).await), "HTTP/1.1 200 OK");
}

#[tokio::test]
async fn uploads_and_downloads_beyond_their_caps_get_503_with_retry_after() {
    let server = start(
        ServerConfig::new()
            .max_uploads(2)
            .max_downloads(1)
            .uploads_downloadable(true),
    )
    .await;
    let peer = Peer::new(&server, Gen::Ga);
    let big = peer.put("big.bin", &vec![7u8; 8 * 1024 * 1024]).await;

    let mut stalled = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(server.local_addr()).await.unwrap();
        stream
            .write_all(&stalled_upload_head(1_000_000))
            .await
            .unwrap();
        stalled.push(stream);
    }
    // A bounded wait for the two uploads to take their slots.
    let mut refused = None;
    // Bounded by count (500 tries), not by time: with every suite in one
    // process the server may be slow to take a slot.
    for _ in 0..500 {
        let answer = peer.upload("c.txt", Some("text/plain"), b"c").await;
        if answer.status == 503 {
            refused = Some(answer);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let refused = refused.expect("a third upload was never refused");
    assert_eq!(refused.headers["retry-after"], "1");
    assert_eq!(refused.error_type(), "overloaded_error");
    drop(stalled);

    // A download whose body is never read holds the only download slot.
    // A small receive buffer: the 8 MiB cannot all wait in the sockets.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut unread = socket.connect(server.local_addr()).await.unwrap();
    unread
        .write_all(
            format!("GET /v1/files/{big}/content HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\n\r\n")
                .as_bytes(),
        )
        .await
        .unwrap();
    // Its answer has begun (so it holds the slot) before the second one asks:
    // read its head, never its body.
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 4096 {
        assert_eq!(unread.read(&mut byte).await.unwrap(), 1, "closed early");
        head.push(byte[0]);
    }
    assert!(
        head.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&head)
    );
    let second = peer.get(&format!("/v1/files/{big}/content")).await;
    assert_eq!(second.status, 503, "a second download is refused");
    assert_eq!(second.headers["retry-after"], "1");
    drop(unread);
}

#[tokio::test]
async fn http2_streams_per_connection_are_bounded() {
    let server = start(ServerConfig::new()).await;
    let tcp = TcpStream::connect(server.local_addr()).await.unwrap();
    let (send, connection) = h2::client::handshake(tcp).await.unwrap();
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut send = send.ready().await.unwrap();
    let request = http::Request::get(format!("{}/v1/files", server.base_url()))
        .header("x-api-key", "k")
        .body(())
        .unwrap();
    let (response, _) = send.send_request(request, true).unwrap();
    let response = tokio::time::timeout(BOUND, response)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(response.status(), 200);
    // The server's SETTINGS have arrived with its first answer.
    assert_eq!(
        send.current_max_send_streams(),
        files_server::DEFAULT_MAX_STREAMS_PER_CONNECTION as usize
    );
    drop(send);
    driver.abort();
}

#[tokio::test]
async fn listing_answers_a_client_never_reads_hold_a_bounded_budget() {
    let server = start(ServerConfig::new().max_answer_memory(1024 * 1024)).await;
    let peer = Peer::new(&server, Gen::Ga);
    for i in 0..200 {
        peer.put(
            &format!("a-rather-long-file-name-to-make-answers-large-{i:04}.txt"),
            b"x",
        )
        .await;
    }
    let page = peer.get("/v1/files?limit=1000").await.body.len();
    // One HTTP/2 connection whose window never opens: each answer stays queued.
    let tcp = TcpStream::connect(server.local_addr()).await.unwrap();
    let (send, connection) = h2::client::Builder::new()
        .initial_window_size(0)
        .handshake::<_, Bytes>(tcp)
        .await
        .unwrap();
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    let mut held = Vec::new();
    let (mut ok, mut busy) = (0, 0);
    for _ in 0..files_server::DEFAULT_MAX_STREAMS_PER_CONNECTION {
        let mut ready = tokio::time::timeout(BOUND, send.clone().ready())
            .await
            .unwrap()
            .unwrap();
        let request = http::Request::get(format!("{}/v1/files?limit=1000", server.base_url()))
            .header("x-api-key", "k")
            .body(())
            .unwrap();
        let (answer, _) = ready.send_request(request, true).unwrap();
        let answer = tokio::time::timeout(BOUND, answer).await.unwrap().unwrap();
        match answer.status().as_u16() {
            200 => ok += 1,
            503 => busy += 1,
            other => panic!("status {other}"),
        }
        held.push(answer);
    }
    assert!(
        busy > 0,
        "every one of {ok} unread answers of {page} bytes was kept"
    );
    assert!(
        ok * page <= 1024 * 1024 + page,
        "{ok} answers of {page} bytes held"
    );
    // The connection goes: its answers free the budget.
    drop(held);
    drop(send);
    driver.abort();
    let mut freed = false;
    for _ in 0..100 {
        if peer.get("/v1/files?limit=1000").await.status == 200 {
            freed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(freed, "the budget was never given back");
}

#[tokio::test]
async fn an_http2_download_held_behind_a_shut_window_is_cut_though_pings_keep_its_connection_busy()
{
    let server = start(
        ServerConfig::new()
            .idle_timeout(Duration::from_millis(500))
            .max_downloads(1)
            .uploads_downloadable(true),
    )
    .await;
    let peer = Peer::new(&server, Gen::Ga);
    let id = peer.put("big.bin", &vec![1u8; 1024 * 1024]).await;

    let tcp = TcpStream::connect(server.local_addr()).await.unwrap();
    let (send, mut connection) = h2::client::Builder::new()
        .initial_window_size(0)
        .handshake::<_, Bytes>(tcp)
        .await
        .unwrap();
    let mut ping = connection.ping_pong().unwrap();
    let driver = tokio::spawn(async move {
        let _ = connection.await;
    });
    // PINGs every 100 ms: the connection is never idle (at most 100 of them).
    let pinger = tokio::spawn(async move {
        for _ in 0..100 {
            if ping.ping(h2::Ping::opaque()).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let mut ready = send.ready().await.unwrap();
    let request = http::Request::get(format!("{}/v1/files/{id}/content", server.base_url()))
        .header("x-api-key", "k")
        .body(())
        .unwrap();
    let (answer, _) = ready.send_request(request, true).unwrap();
    let answer = tokio::time::timeout(BOUND, answer).await.unwrap().unwrap();
    assert_eq!(answer.status(), 200);
    let mut body = answer.into_body();

    // The only download slot is held until the stalled stream is cut.
    let mut freed = false;
    for _ in 0..100 {
        if peer.get(&format!("/v1/files/{id}/content")).await.status == 200 {
            freed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(freed, "the stalled download kept its slot");
    let data = tokio::time::timeout(BOUND, body.data()).await.unwrap();
    assert!(matches!(data, Some(Err(_)) | None), "the stream was reset");
    pinger.abort();
    driver.abort();
}
