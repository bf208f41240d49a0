//! A raw TCP peer on 127.0.0.1 that behaves badly on purpose: it reads a
//! request's body slowly, stops reading it, or never answers. Each peer
//! counts the connections it accepted and stops with its runtime.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the peer treats the request body, then the answer.
#[derive(Debug, Clone, Copy)]
pub enum Behaviour {
    /// Reads the body at a steady `bytes_per_second` (paced by the clock, so
    /// a late wake-up reads more, not less), then answers a file's metadata.
    SlowReader { bytes_per_second: u64 },
    /// Reads the headers and `bytes` of body, then stops reading (and never answers).
    StopsReadingAfter { bytes: usize },
    /// Reads the whole request, then never answers.
    NeverAnswers,
    /// Answers `status` with `Location: http://127.0.0.1:{port}/elsewhere?token=t`.
    Redirects { status: u16, port: u16 },
}

/// A running peer.
pub struct Peer {
    pub base_url: String,
    accepted: Arc<AtomicUsize>,
}

impl Peer {
    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

/// Starts a peer on its own runtime thread (so blocking clients can use it
/// too); the thread ends when the test process does, and each connection
/// handler ends after at most `LIFETIME`.
pub fn start(behaviour: Behaviour) -> Peer {
    // A small receive buffer keeps what the kernel absorbs, beyond the
    // peer's own reading pace, small.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(64 * 1024).unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = socket.local_addr().unwrap();
    // Listening before this returns: a client may connect at once.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let listener: TcpListener = {
        let _context = runtime.enter();
        socket.listen(16).unwrap()
    };
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    std::thread::spawn(move || {
        runtime.block_on(async move {
            // Bounded: a peer serves a handful of connections at most.
            for _ in 0..16 {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(tokio::time::timeout(LIFETIME, serve(stream, behaviour)));
            }
        });
    });
    Peer {
        base_url: format!("http://{addr}"),
        accepted,
    }
}

/// The longest a connection handler lives.
const LIFETIME: Duration = Duration::from_secs(60);

/// The request head, and the content length it declares.
async fn read_head(stream: &mut TcpStream) -> Option<(Vec<u8>, usize)> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 || head.len() > 64 * 1024 {
            return None;
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length = text
        .lines()
        .find_map(|line| line.strip_prefix("content-length:"))
        .and_then(|value| value.trim().parse().ok())
        .unwrap_or(0);
    Some((head, length))
}

async fn serve(mut stream: TcpStream, behaviour: Behaviour) {
    let Some((_head, length)) = read_head(&mut stream).await else {
        return;
    };
    match behaviour {
        Behaviour::SlowReader { bytes_per_second } => {
            let started = tokio::time::Instant::now();
            let mut buffer = vec![0u8; 256 * 1024];
            let mut read: usize = 0;
            while read < length {
                tokio::time::sleep(Duration::from_millis(10)).await;
                let allowed = (started.elapsed().as_secs_f64() * bytes_per_second as f64) as usize;
                let want = allowed
                    .saturating_sub(read)
                    .min(length - read)
                    .min(buffer.len());
                if want == 0 {
                    continue;
                }
                let Ok(n) = stream.read(&mut buffer[..want]).await else {
                    return;
                };
                if n == 0 {
                    return;
                }
                read += n;
            }
            let body = format!(
                r#"{{"id":"file_slow","type":"file","filename":"slow.bin","mime_type":"application/octet-stream","size_bytes":{length},"created_at":"2026-11-22T00:00:00Z","downloadable":false}}"#
            );
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
            let _ = stream.flush().await;
        }
        Behaviour::StopsReadingAfter { bytes } => {
            let mut buffer = vec![0u8; bytes.max(1)];
            let _ = stream.read_exact(&mut buffer[..bytes.min(length)]).await;
            tokio::time::sleep(LIFETIME).await;
        }
        Behaviour::Redirects { status, port } => {
            let answer = format!(
                "HTTP/1.1 {status} Moved\r\nlocation: http://127.0.0.1:{port}/elsewhere?token=t\r\n\
                 content-length: 0\r\n\r\n"
            );
            let _ = stream.write_all(answer.as_bytes()).await;
            let _ = stream.flush().await;
        }
        Behaviour::NeverAnswers => {
            let mut buffer = vec![0u8; 64 * 1024];
            let mut left = length;
            while left > 0 {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => left = left.saturating_sub(n),
                }
            }
            tokio::time::sleep(LIFETIME).await;
        }
    }
}
