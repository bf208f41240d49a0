//! A raw TCP peer on 127.0.0.1 that misbehaves on purpose, on a runtime
//! thread of its own.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How a [`MisbehavingPeer`] treats each request's body, then the answer.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Misbehaviour {
    /// Reads the body at a steady `bytes_per_second` (paced by the clock, so
    /// a late wake-up reads more, not less), then answers a file's metadata.
    SlowReader {
        /// The reading pace.
        bytes_per_second: u64,
    },
    /// Reads the headers and `bytes` of body, then stops reading (and never answers).
    StopsReadingAfter {
        /// How much of the body it reads.
        bytes: usize,
    },
    /// Reads the whole request, then never answers.
    NeverAnswers,
    /// Answers `status` with `Location: http://127.0.0.1:{port}/elsewhere?token=t`.
    Redirects {
        /// The answer's status (a 3xx).
        status: u16,
        /// The port the redirect points to.
        port: u16,
    },
}

/// A raw TCP peer on 127.0.0.1 that misbehaves on purpose in ways a
/// [`FilesServer`](crate::FilesServer)'s faults cannot: it reads a request's
/// body slowly, stops reading it, never answers, or redirects. It serves at
/// most 16 connections, each for at most 60 s, on a runtime thread of its own
/// (so blocking clients can use it too), and counts the connections it
/// accepted. Its receive buffer is small (64 KiB), so what the kernel absorbs
/// beyond the peer's own reading pace stays small.
///
/// ```
/// use files_server::test_util::{Misbehaviour, MisbehavingPeer};
///
/// let peer = MisbehavingPeer::start(Misbehaviour::NeverAnswers)?;
/// assert!(peer.base_url().starts_with("http://127.0.0.1:"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct MisbehavingPeer {
    base_url: String,
    accepted: Arc<AtomicUsize>,
}

/// The most connections a peer serves.
const MAX_CONNECTIONS: usize = 16;

/// The longest a connection handler lives.
const LIFETIME: Duration = Duration::from_secs(60);

impl MisbehavingPeer {
    /// Starts a peer that treats every request as `misbehaviour` says. It
    /// listens before this returns, so a client may connect at once; its
    /// thread ends when the process does, or after its 16th connection.
    ///
    /// # Errors
    /// The socket or the runtime cannot be set up.
    pub fn start(misbehaviour: Misbehaviour) -> io::Result<Self> {
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.set_recv_buffer_size(64 * 1024)?;
        socket.bind((std::net::Ipv4Addr::LOCALHOST, 0).into())?;
        let addr = socket.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener: TcpListener = {
            let _context = runtime.enter();
            socket.listen(16)?
        };
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        std::thread::spawn(move || {
            runtime.block_on(async move {
                for _ in 0..MAX_CONNECTIONS {
                    let Ok((stream, _)) = listener.accept().await else {
                        return;
                    };
                    counter.fetch_add(1, Ordering::SeqCst);
                    tokio::spawn(tokio::time::timeout(LIFETIME, serve(stream, misbehaviour)));
                }
            });
        });
        Ok(Self {
            base_url: format!("http://{addr}"),
            accepted,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Connections accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

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

async fn serve(mut stream: TcpStream, misbehaviour: Misbehaviour) {
    let Some((_head, length)) = read_head(&mut stream).await else {
        return;
    };
    match misbehaviour {
        Misbehaviour::SlowReader { bytes_per_second } => {
            if read_slowly(&mut stream, length, bytes_per_second).await {
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
        }
        Misbehaviour::StopsReadingAfter { bytes } => {
            let mut buffer = vec![0u8; bytes.max(1)];
            let _ = stream.read_exact(&mut buffer[..bytes.min(length)]).await;
            tokio::time::sleep(LIFETIME).await;
        }
        Misbehaviour::Redirects { status, port } => {
            let answer = format!(
                "HTTP/1.1 {status} Moved\r\nlocation: http://127.0.0.1:{port}/elsewhere?token=t\r\n\
                 content-length: 0\r\n\r\n"
            );
            let _ = stream.write_all(answer.as_bytes()).await;
            let _ = stream.flush().await;
        }
        Misbehaviour::NeverAnswers => {
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

/// Reads `length` bytes of body at `bytes_per_second`; whether all arrived.
async fn read_slowly(stream: &mut TcpStream, length: usize, bytes_per_second: u64) -> bool {
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
        match stream.read(&mut buffer[..want]).await {
            Ok(0) | Err(_) => return false,
            Ok(n) => read += n,
        }
    }
    true
}
