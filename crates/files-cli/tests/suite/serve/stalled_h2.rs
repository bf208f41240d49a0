//! Ten HTTP/2 connections, each with as many streams as the server allows, all
//! stalled behind a zero flow-control window (listings and downloads the client
//! never reads): the server's memory stays within 64 MiB of idle,
//! its descriptors stay few, and a normal request is still answered. Measured
//! from the child's /proc status; the child is killed when its guard drops.

use std::io::{Read, Write};
use std::net::TcpStream as StdStream;
use std::time::Duration;

use bytes::Bytes;
use tokio::net::TcpStream;

use super::{BOUND, spawn, status_kib};

/// One HTTP/1 exchange on a new connection; the whole answer.
fn exchange(addr: &str, request: &[u8]) -> String {
    let mut stream = StdStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(BOUND)).unwrap();
    stream.write_all(request).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

fn upload(addr: &str, name: &str, size: usize) -> String {
    let body = format!(
        "--b\r\ncontent-disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         content-type: application/octet-stream\r\n\r\n{}\r\n--b--\r\n",
        "x".repeat(size)
    );
    let answer = exchange(
        addr,
        format!(
            "POST /v1/files HTTP/1.1\r\nhost: x\r\nx-api-key: k\r\nconnection: close\r\n\
             content-type: multipart/form-data; boundary=b\r\ncontent-length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    let at = answer.find("\"id\":\"").unwrap() + 6;
    answer[at..at + 27].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalled_http2_streams_keep_memory_and_descriptors_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn(&[
        "--data-dir",
        dir.path().to_str().unwrap(),
        "--uploads-downloadable",
    ]);
    let pid = server.child.id();
    let addr = server.addr.clone();
    let big = {
        let addr = addr.clone();
        tokio::task::spawn_blocking(move || {
            // 200 files with long names: each listing is ~100 KB.
            for i in 0..200 {
                upload(&addr, &format!("{}-{i:03}.txt", "n".repeat(200)), 1);
            }
            upload(&addr, "big.bin", 4 * 1024 * 1024)
        })
        .await
        .unwrap()
    };
    let idle = status_kib(pid, "VmRSS:");

    let mut held = Vec::new();
    let mut streams = 0;
    for _ in 0..10 {
        let tcp = TcpStream::connect(&addr).await.unwrap();
        let (send, connection) = h2::client::Builder::new()
            .initial_window_size(0)
            .handshake::<_, Bytes>(tcp)
            .await
            .unwrap();
        held.push(tokio::spawn(async move {
            let _ = connection.await;
        }));
        // Open streams until the server's limit makes the client wait (at most 256).
        for i in 0..256 {
            let Ok(Ok(mut ready)) =
                tokio::time::timeout(Duration::from_millis(500), send.clone().ready()).await
            else {
                break;
            };
            let path = if i % 2 == 0 {
                "/v1/files?limit=1000".to_owned()
            } else {
                format!("/v1/files/{big}/content")
            };
            let request = http::Request::get(format!("http://{addr}{path}"))
                .header("x-api-key", "k")
                .body(())
                .unwrap();
            let Ok((answer, _)) = ready.send_request(request, true) else {
                break;
            };
            streams += 1;
            held.push(tokio::spawn(async move {
                let answer = answer.await;
                tokio::time::sleep(BOUND).await;
                drop(answer);
            }));
        }
        held.push(tokio::spawn(async move {
            tokio::time::sleep(BOUND).await;
            drop(send);
        }));
    }
    // Take the largest of samples over 4 s, while the server answers them all.
    let mut peak = 0;
    for _ in 0..40 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        peak = peak.max(status_kib(pid, "VmRSS:"));
    }
    let descriptors = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count();
    let normal = {
        let addr = addr.clone();
        tokio::task::spawn_blocking(move || {
            exchange(
                &addr,
                b"GET /v1/files?limit=1 HTTP/1.1\r\nhost: x\r\nx-api-key: k\r\nconnection: close\r\n\r\n",
            )
        })
        .await
        .unwrap()
    };
    for task in held {
        task.abort();
    }
    let grown_mib = peak.saturating_sub(idle) / 1024;
    eprintln!("{streams} stalled streams: RSS {idle} -> {peak} KiB, {descriptors} descriptors");
    assert!(
        grown_mib <= 64,
        "RSS grew {grown_mib} MiB with {streams} stalled streams"
    );
    assert!(descriptors <= 512, "{descriptors} descriptors");
    assert!(normal.starts_with("HTTP/1.1 200"), "{normal}");
}
