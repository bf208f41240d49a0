//! Ten HTTP/2 connections, each with as many streams as the server allows, all
//! stalled: uploads that stop sending, and listings and downloads the client
//! never lets through (a zero flow-control window), while PINGs keep every
//! connection busy. Measures the server's RSS and descriptors, a normal
//! request, and how many stalled uploads the server cuts.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::probe::{addr, descriptors, ms, status_kib, timed_get};
use crate::server::Server;

/// Uploads `size` bytes over HTTP/1; the new file's id.
pub(super) async fn upload_http1(addr: &str, key: &str, name: &str, size: usize) -> Result<String> {
    let body = format!(
        "--b\r\ncontent-disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         content-type: application/octet-stream\r\n\r\n{}\r\n--b--\r\n",
        "x".repeat(size)
    );
    let mut stream = TcpStream::connect(addr).await?;
    stream
        .write_all(
            format!(
                "POST /v1/files HTTP/1.1\r\nHost: x\r\nx-api-key: {key}\r\nConnection: close\r\n\
                 content-type: multipart/form-data; boundary=b\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
        .await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    let at = answer
        .find("\"id\":\"")
        .context("no id in the upload's answer")?
        + 6;
    Ok(answer[at..at + 27].to_owned())
}

pub(super) async fn run(bin: &Path, connections: usize) -> Result<Vec<(String, String)>> {
    let data = tempfile::tempdir()?;
    let server = Server::start_with(
        bin,
        &[
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            data.path().to_str().context("path")?,
            "--uploads-downloadable",
        ],
    )?;
    let addr = addr(&server);
    let pid = server.pid();
    let big = upload_http1(&addr, "k", "big.bin", 4 * 1024 * 1024).await?;
    // A thousand files: each stalled listing (limit=1000) is a ~300 KB answer.
    for i in 0..1000 {
        upload_http1(
            &addr,
            "k",
            &format!("a-file-with-a-long-name-for-a-large-listing-{i:04}.txt"),
            10,
        )
        .await?;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let idle_kib = status_kib(pid, "VmRSS:");

    let mut held = Vec::new();
    let mut upload_answers = Vec::new();
    let mut streams_total = 0;
    let mut refused = 0;
    for _ in 0..connections {
        let tcp = TcpStream::connect(&addr).await?;
        let (send, mut connection) = h2::client::Builder::new()
            .initial_window_size(0)
            .handshake::<_, Bytes>(tcp)
            .await?;
        let mut ping = connection.ping_pong().context("no ping handle")?;
        held.push(tokio::spawn(async move {
            let _ = connection.await;
        }));
        held.push(tokio::spawn(async move {
            for _ in 0..60 {
                if ping.ping(h2::Ping::opaque()).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }));
        let mut send = send.ready().await?;
        // The first answer brings the server's SETTINGS (its stream limit).
        let (first, _) = send.send_request(request("GET", "/v1/files?limit=1")?, true)?;
        let first = tokio::time::timeout(Duration::from_secs(10), first).await??;
        let mut keep = vec![first.into_body()];
        let max = send.current_max_send_streams();
        for i in 0..max {
            send = match tokio::time::timeout(Duration::from_secs(2), send.clone().ready()).await {
                Ok(Ok(send)) => send,
                _ => break,
            };
            let outcome = match i % 3 {
                0 => {
                    let mut head = request("POST", "/v1/files")?;
                    head.headers_mut().insert(
                        "content-type",
                        http::HeaderValue::from_static("multipart/form-data; boundary=b"),
                    );
                    head.headers_mut()
                        .insert("content-length", http::HeaderValue::from(1_000_000));
                    send.send_request(head, false).map(|(answer, mut body)| {
                        let _ = body.send_data(
                            Bytes::from_static(
                                b"--b\r\ncontent-disposition: form-data; name=\"file\"; filename=\"s.bin\"\r\n\r\nxxxx",
                            ),
                            false,
                        );
                        upload_answers.push((answer, body));
                    })
                }
                1 => send
                    .send_request(request("GET", "/v1/files?limit=1000")?, true)
                    .map(|(answer, _)| held.push(tokio::spawn(hold(answer)))),
                _ => send
                    .send_request(request("GET", &format!("/v1/files/{big}/content"))?, true)
                    .map(|(answer, _)| held.push(tokio::spawn(hold(answer)))),
            };
            match outcome {
                Ok(()) => streams_total += 1,
                Err(_) => refused += 1,
            }
        }
        held.push(tokio::spawn(async move {
            let _keep = (send, keep.pop());
            tokio::time::sleep(Duration::from_secs(70)).await;
        }));
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let stalled_kib = status_kib(pid, "VmRSS:");
    let fds = descriptors(pid);
    let limit = std::fs::read_to_string(format!("/proc/{pid}/limits"))
        .ok()
        .and_then(|l| {
            l.lines()
                .find(|line| line.starts_with("Max open files"))
                .and_then(|line| line.split_whitespace().nth(3).map(str::to_owned))
        })
        .unwrap_or_default();
    let latency = timed_get(&addr, "/v1/files", "k").await?;
    // The stalled uploads are cut by the minimum body rate (20 s + 1 s per 500
    // bytes): count the answers that arrive within 40 s.
    let uploads = upload_answers.len();
    let mut cut = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(40);
    for (answer, _body) in upload_answers {
        if let Ok(Ok(response)) = tokio::time::timeout_at(deadline, answer).await
            && response.status() == 408
        {
            cut += 1;
        }
    }
    for task in held {
        task.abort();
    }
    if streams_total == 0 {
        bail!("no HTTP/2 stream was opened");
    }
    Ok(vec![
        (
            format!(
                "{connections} HTTP/2 connections × the allowed streams, stalled (uploads, zero window listings and downloads), PINGs every second"
            ),
            format!("{streams_total} streams ({refused} refused)"),
        ),
        (
            "server RSS above idle with them stalled".into(),
            format!(
                "{:.1} MiB ({} → {} KiB)",
                (stalled_kib.saturating_sub(idle_kib)) as f64 / 1024.0,
                idle_kib,
                stalled_kib
            ),
        ),
        (
            "server descriptors (limit)".into(),
            format!("{fds} ({limit})"),
        ),
        ("a normal `GET /v1/files` meanwhile".into(), ms(latency)),
        (
            "stalled uploads answered 408 within 40 s".into(),
            format!("{cut} of {uploads}"),
        ),
    ])
}

fn request(method: &str, path: &str) -> Result<http::Request<()>> {
    Ok(http::Request::builder()
        .method(method)
        .uri(format!("http://x{path}"))
        .header("x-api-key", "k")
        .body(())?)
}

/// Keeps a stalled answer (its headers, then a body never read) alive.
async fn hold(answer: h2::client::ResponseFuture) {
    let response = answer.await;
    tokio::time::sleep(Duration::from_secs(70)).await;
    drop(response);
}
