//! Accepting and serving connections, within the configured bounds: at most
//! `max_connections` at once (more wait in the listen backlog), a TLS handshake
//! and a request header each within `header_read_timeout`, no connection idle
//! past `idle_timeout`, header size and count capped by hyper.

use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio_rustls::TlsAcceptor;

use crate::idle::IdleTimeout;
use crate::state::State;
use crate::{MAX_CONNECTION_TIMEOUT, ServerConfig};

/// How long a graceful shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Any stream a connection can be served over (TCP, TLS over TCP).
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// The hyper builder with the configured limits and hyper's tokio timer.
fn builder(config: &ServerConfig) -> auto::Builder<TokioExecutor> {
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(bounded(config.header_read_timeout))
        .max_headers(config.max_headers)
        .max_buf_size(config.max_header_bytes.max(8 * 1024));
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(config.max_header_bytes).unwrap_or(u32::MAX));
    // No HTTP/2 keep-alive pings: their traffic would keep an idle connection
    // alive past the idle timeout, which already closes dead peers.
    builder
}

/// A configured timeout, at most [`MAX_CONNECTION_TIMEOUT`]: the config's
/// fields are public, so the bound is applied where the timers are made.
fn bounded(timeout: Option<Duration>) -> Option<Duration> {
    timeout.map(|timeout| timeout.min(MAX_CONNECTION_TIMEOUT))
}

/// Accepts connections until `stopped` says so, then shuts down gracefully.
pub(crate) async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    tls: Option<TlsAcceptor>,
    mut stopped: watch::Receiver<bool>,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let builder = Arc::new(builder(&state.config));
    let slots = Arc::new(Semaphore::new(state.config.max_connections));
    loop {
        // A slot first: beyond the cap, connections wait in the listen backlog.
        let permit = tokio::select! {
            permit = Arc::clone(&slots).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            _ = stopped.changed() => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(err) => {
                    // Out of file descriptors, most likely: wait, never crash.
                    tracing::warn!(error = %err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stopped.changed() => break,
        };
        let _ = stream.set_nodelay(true);
        state
            .connections
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let state = Arc::clone(&state);
        let builder = Arc::clone(&builder);
        let tls = tls.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let _permit = permit;
            let handshake_limit = bounded(state.config.header_read_timeout);
            let idle = bounded(state.config.idle_timeout);
            let io: Box<dyn Io> = match idle {
                Some(idle) => Box::new(IdleTimeout::new(stream, idle)),
                None => Box::new(stream),
            };
            let io: Box<dyn Io> = match tls {
                None => io,
                Some(acceptor) => {
                    let handshake = acceptor.accept(io);
                    let done =
                        match handshake_limit {
                            Some(limit) => tokio::time::timeout(limit, handshake)
                                .await
                                .unwrap_or_else(|_| {
                                    Err(std::io::Error::new(
                                        std::io::ErrorKind::TimedOut,
                                        "TLS handshake timed out",
                                    ))
                                }),
                            None => handshake.await,
                        };
                    match done {
                        Ok(stream) => Box::new(stream),
                        Err(err) => {
                            tracing::debug!(%peer, error = %err, "TLS handshake failed");
                            return;
                        }
                    }
                }
            };
            let service = {
                let state = Arc::clone(&state);
                service_fn(move |request| crate::dispatch::handle(Arc::clone(&state), request))
            };
            let connection = builder.serve_connection(TokioIo::new(io), service);
            if let Err(err) = watcher.watch(connection).await {
                tracing::debug!(%peer, error = %err, "connection ended with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after the grace period were cut");
    }
}
