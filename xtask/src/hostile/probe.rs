//! What the hostile figures measure with: a normal request's latency, a
//! process's memory and descriptors, and how a duration is printed.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::server::Server;

/// The longest a normal request may take before it counts as unanswered.
const REQUEST_BOUND: Duration = Duration::from_secs(30);

/// The server's address (`127.0.0.1:PORT`).
pub(super) fn addr(server: &Server) -> String {
    server.url.trim_start_matches("http://").to_owned()
}

/// `GET /v1/files` on a new connection with `key`: its time, or an error when
/// it is not answered 200 within [`REQUEST_BOUND`].
pub(super) async fn timed_get(addr: &str, path: &str, key: &str) -> Result<Duration> {
    let started = Instant::now();
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await?;
        stream
            .write_all(
                format!("GET {path} HTTP/1.1\r\nHost: x\r\nx-api-key: {key}\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            )
            .await?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        anyhow::Ok(answer)
    };
    let answer = tokio::time::timeout(REQUEST_BOUND, exchange)
        .await
        .context("a normal request got no answer in 30 s")??;
    if !answer.starts_with(b"HTTP/1.1 200") {
        bail!(
            "a normal request got {:?}",
            String::from_utf8_lossy(&answer[..answer.len().min(80)])
        );
    }
    Ok(started.elapsed())
}

/// A field of /proc/PID/status, in KiB.
pub(super) fn status_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix(field)
                    .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            })
        })
        .unwrap_or(0)
}

/// Open descriptors of a process.
pub(super) fn descriptors(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, Iterator::count)
}

pub(super) fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
