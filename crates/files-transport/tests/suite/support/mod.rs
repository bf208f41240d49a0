//! Test helpers: a local hyper server on 127.0.0.1 (port 0) that counts the
//! connections it accepts, optionally behind TLS, plus bounded-test helpers.
//!
//! Every server stops by itself: the accept loop is aborted when the
//! [`TestServer`] is dropped, and connection tasks end with the test's
//! runtime.

#![allow(dead_code, unreachable_pub, missing_docs)]
// Test scaffolding: a failure here should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub mod pki;

/// The response body type of test handlers.
pub type ServerBody = UnsyncBoxBody<Bytes, io::Error>;
type HandlerFuture = Pin<Box<dyn Future<Output = Response<ServerBody>> + Send>>;
type Handler = Arc<dyn Fn(Request<Incoming>) -> HandlerFuture + Send + Sync>;

/// Every test's whole run is bounded by this.
pub const TEST_LIMIT: Duration = Duration::from_secs(120);

/// Runs `fut`, failing the test if it takes longer than [`TEST_LIMIT`].
pub async fn bounded<T>(fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(TEST_LIMIT, fut)
        .await
        .expect("test exceeded its time limit")
}

pub fn full(body: impl Into<Bytes>) -> ServerBody {
    Full::new(body.into())
        .map_err(|never| match never {})
        .boxed_unsync()
}

pub fn streamed<S>(stream: S) -> ServerBody
where
    S: Stream<Item = io::Result<Bytes>> + Send + 'static,
{
    StreamBody::new(stream.map(|r| r.map(Frame::data))).boxed_unsync()
}

pub fn response(status: u16, body: ServerBody) -> Response<ServerBody> {
    let mut response = Response::new(body);
    *response.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
    response
}

/// A running test server.
pub struct TestServer {
    pub addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl TestServer {
    /// `http://127.0.0.1:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// `https://127.0.0.1:PORT{path}`.
    pub fn https_url(&self, path: &str) -> String {
        format!("https://{}{}", self.addr, path)
    }

    /// How many TCP connections the server accepted so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn handler<F, Fut>(f: F) -> Handler
where
    F: Fn(Request<Incoming>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<ServerBody>> + Send + 'static,
{
    Arc::new(move |req| Box::pin(f(req)) as HandlerFuture)
}

/// Serves plain HTTP (HTTP/1.1, and HTTP/2 with prior knowledge).
pub async fn serve<F, Fut>(f: F) -> TestServer
where
    F: Fn(Request<Incoming>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<ServerBody>> + Send + 'static,
{
    serve_with(None, handler(f)).await
}

/// Serves HTTPS with `tls` (HTTP/1.1 or HTTP/2 by ALPN).
pub async fn serve_tls<F, Fut>(tls: tokio_rustls::TlsAcceptor, f: F) -> TestServer
where
    F: Fn(Request<Incoming>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<ServerBody>> + Send + 'static,
{
    serve_with(Some(tls), handler(f)).await
}

async fn serve_with(tls: Option<tokio_rustls::TlsAcceptor>, handler: Handler) -> TestServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            let handler = Arc::clone(&handler);
            let tls = tls.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| {
                    let handler = Arc::clone(&handler);
                    async move { Ok::<_, Infallible>(handler(req).await) }
                });
                let builder = auto::Builder::new(TokioExecutor::new());
                match tls {
                    None => {
                        let _ = builder
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    }
                    Some(acceptor) => {
                        // A failed handshake just ends this connection.
                        let Ok(Ok(stream)) =
                            tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream))
                                .await
                        else {
                            return;
                        };
                        let _ = builder
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    }
                }
            });
        }
    });
    TestServer {
        addr,
        accepted,
        task,
    }
}

/// A TCP listener on 127.0.0.1 that accepts connections and never says a
/// byte (its sockets are held open until it is dropped).
pub struct SilentServer {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for SilentServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub async fn silent_server() -> SilentServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    SilentServer { addr, task }
}

/// A server that answers every connection with `raw` bytes, then closes it.
pub async fn raw_server(raw: &'static [u8]) -> SilentServer {
    use tokio::io::AsyncWriteExt;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                use tokio::io::AsyncReadExt;
                let mut buf = [0u8; 4096];
                // Read (part of) the request, then answer and close.
                let _ = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf)).await;
                let _ = stream.write_all(raw).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    SilentServer { addr, task }
}

/// A port on 127.0.0.1 that nothing listens on (bound, then released).
pub fn refused_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    port
}

/// Reads a whole request body (for small bodies).
pub async fn read_all(req: Request<Incoming>) -> Bytes {
    req.into_body().collect().await.unwrap().to_bytes()
}

/// A server that reads up to `limit` bytes of each connection and then drops
/// it, unread data and all (the kernel resets the connection).
pub async fn cutting_server(limit: usize) -> SilentServer {
    use tokio::io::AsyncReadExt;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                let mut read = 0;
                while read < limit {
                    match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf)).await
                    {
                        Ok(Ok(n)) if n > 0 => read += n,
                        _ => break,
                    }
                }
                drop(stream);
            });
        }
    });
    SilentServer { addr, task }
}
