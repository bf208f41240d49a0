//! `cargo xtask hostile [--quick]`: issue 18's figures, measured against a
//! `anthropic-files serve` child (release; debug and smaller numbers with `--quick`) with
//! default limits: a normal request's latency under 10,000 half-open HTTP/1
//! connections and under 2,000 connections uploading a byte every 4 s; RSS,
//! descriptors and latency under 10 HTTP/2 connections of stalled streams; the
//! median upload at a million files and reads in another workspace while 4
//! uploaders run. Prints a Markdown table (docs/ROBUSTNESS.md quotes it).

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use self::probe::{addr, descriptors, ms, timed_get};
use crate::server::{self, Server};

mod cost;
mod h2_stall;
mod probe;

pub(crate) fn run(root: &Path, quick: bool) -> Result<()> {
    let bin = server::build(root, !quick)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let mut rows = Vec::new();
    runtime.block_on(async {
        rows.extend(half_open(&bin, if quick { 1_500 } else { 10_000 }).await?);
        rows.extend(slow_uploads(&bin, if quick { 300 } else { 2_000 }).await?);
        rows.extend(h2_stall::run(&bin, if quick { 2 } else { 10 }).await?);
        rows.extend(cost::run(&bin, if quick { 100_000 } else { 1_000_000 }).await?);
        anyhow::Ok(())
    })?;
    println!("| measurement | figure |\n|---|---|");
    for (what, figure) in rows {
        println!("| {what} | {figure} |");
    }
    Ok(())
}

async fn half_open(bin: &Path, count: usize) -> Result<Vec<(String, String)>> {
    let data = tempfile::tempdir()?;
    let server = Server::start_with(
        bin,
        &[
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            data.path().to_str().context("path")?,
        ],
    )?;
    let addr = addr(&server);
    let mut held = Vec::with_capacity(count);
    for _ in 0..count {
        let connect = tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(&addr)).await;
        let Ok(Ok(mut stream)) = connect else {
            continue;
        };
        let _ = stream
            .write_all(b"POST /v1/files HTTP/1.1\r\nHost: x\r\nx-api")
            .await;
        held.push(stream);
    }
    let opened = held.len();
    let latency = timed_get(&addr, "/v1/files", "k").await?;
    let fds = descriptors(server.pid());
    drop(held);
    Ok(vec![
        (
            format!(
                "{count} half-open HTTP/1 connections ({opened} connected), then one `GET /v1/files`"
            ),
            ms(latency),
        ),
        ("server descriptors with them open".into(), fds.to_string()),
    ])
}

async fn slow_uploads(bin: &Path, count: usize) -> Result<Vec<(String, String)>> {
    let data = tempfile::tempdir()?;
    let server = Server::start_with(
        bin,
        &[
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            data.path().to_str().context("path")?,
        ],
    )?;
    let addr = addr(&server);
    let head = "POST /v1/files HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\n\
        content-type: multipart/form-data; boundary=b\r\ncontent-length: 100000\r\n\r\n\
        --b\r\ncontent-disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n";
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut tasks = Vec::with_capacity(count);
    for _ in 0..count {
        let Ok(Ok(mut stream)) =
            tokio::time::timeout(Duration::from_secs(5), TcpStream::connect(&addr)).await
        else {
            continue;
        };
        let _ = stream.write_all(head.as_bytes()).await;
        let mut stopped = stopped.clone();
        tasks.push(tokio::spawn(async move {
            // A byte every 4 s, at most 15 times; how the server answered.
            let mut answer = [0u8; 12];
            for _ in 0..15 {
                if stream.write_all(b"x").await.is_err() {
                    return "closed";
                }
                tokio::select! {
                    read = stream.read(&mut answer) => {
                        return match read {
                            Ok(n) if answer[..n].starts_with(b"HTTP/1.1 408") => "408",
                            _ => "closed",
                        };
                    }
                    () = tokio::time::sleep(Duration::from_secs(4)) => {}
                    _ = stopped.changed() => return "still open",
                }
            }
            "still open"
        }));
    }
    tokio::time::sleep(Duration::from_secs(8)).await;
    let latency = timed_get(&addr, "/v1/files", "k").await?;
    // The minimum rate cuts them after 20 s (plus 1 s per 500 bytes).
    tokio::time::sleep(Duration::from_secs(25)).await;
    let _ = stop.send(true);
    let mut cut = 0;
    let mut open = 0;
    for task in tasks {
        match task.await.unwrap_or("closed") {
            "still open" => open += 1,
            _ => cut += 1,
        }
    }
    Ok(vec![
        (
            format!("{count} connections uploading 1 byte per 4 s, then one `GET /v1/files`"),
            ms(latency),
        ),
        (
            "of those uploads, cut (408 or closed) within 33 s / still open".into(),
            format!("{cut} / {open}"),
        ),
    ])
}
