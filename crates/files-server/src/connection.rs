//! Accepting and serving connections, within the configured bounds: at most
//! `max_connections` at once (at the cap, the oldest connection that has not
//! completed a request is shed; more wait in a listen backlog of
//! `listen_backlog`), a first byte, a TLS handshake and a request header each
//! within `header_read_timeout` (timed from `accept`), no connection idle past
//! `idle_timeout`, header size and count capped by hyper, and HTTP/2 streams
//! per connection and their send buffers bounded.

use std::sync::Arc;
use std::time::Duration;

use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::{Semaphore, watch};
use tokio_rustls::TlsAcceptor;

use crate::idle::IdleTimeout;
use crate::shed::Shedder;
use crate::stall::StreamExecutor;
use crate::state::State;
use crate::{MAX_CONNECTION_TIMEOUT, ServerConfig};

/// How long a graceful shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Each HTTP/2 stream's send buffer: an answer the client does not read holds
/// at most this much (hyper's default is 400 KiB).
const H2_SEND_BUFFER: usize = 64 * 1024;

/// Binds `addr` with a listen backlog of `backlog` (std's is 128).
pub(crate) fn listen(addr: std::net::SocketAddr, backlog: u32) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(backlog)
}

/// Any stream a connection can be served over (TCP, TLS over TCP).
trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// The hyper builder with the configured limits and hyper's tokio timer.
fn builder(config: &ServerConfig) -> auto::Builder<StreamExecutor> {
    // Each HTTP/2 stream's task is cut when it makes no progress for the idle
    // timeout, whatever else its connection carries.
    let mut builder = auto::Builder::new(StreamExecutor {
        idle: bounded(config.idle_timeout),
    });
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(bounded(config.header_read_timeout))
        .max_headers(config.max_headers)
        .max_buf_size(config.max_header_bytes.max(8 * 1024));
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_header_list_size(u32::try_from(config.max_header_bytes).unwrap_or(u32::MAX))
        .max_concurrent_streams(config.max_streams_per_connection.max(1))
        .max_send_buf_size(H2_SEND_BUFFER);
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
    let cap = state
        .config
        .max_connections
        .clamp(1, Semaphore::MAX_PERMITS);
    let slots = Arc::new(Semaphore::new(cap));
    let shedder = Arc::new(Shedder::default());
    loop {
        // While slots are free, take one before accepting; at the cap, accept
        // (the connection is known to be waiting) and shed the oldest connection
        // that has not completed a request to make room for it.
        let permit = if slots.available_permits() > 0 {
            tokio::select! {
                permit = Arc::clone(&slots).acquire_owned() => match permit {
                    Ok(permit) => Some(permit),
                    Err(_) => break,
                },
                _ = stopped.changed() => break,
            }
        } else {
            None
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
        let permit = match permit {
            Some(permit) => permit,
            None => {
                if shedder.shed_oldest() {
                    tracing::debug!(
                        "at the connection cap: shed a connection that completed no request"
                    );
                }
                tokio::select! {
                    permit = Arc::clone(&slots).acquire_owned() => match permit {
                        Ok(permit) => permit,
                        Err(_) => break,
                    },
                    _ = stopped.changed() => break,
                }
            }
        };
        let standing = shedder.register(cap);
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
            // The header timer runs from accept: hyper's starts at the first byte.
            if let Some(limit) = handshake_limit {
                let mut first = [0u8; 1];
                if !matches!(
                    tokio::time::timeout(limit, stream.peek(&mut first)).await,
                    Ok(Ok(1..))
                ) {
                    standing.end();
                    return;
                }
            }
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
                let standing = Arc::clone(&standing);
                service_fn(move |request| {
                    let state = Arc::clone(&state);
                    let standing = Arc::clone(&standing);
                    async move {
                        let answer = crate::dispatch::handle(state, request).await;
                        standing.prove();
                        answer
                    }
                })
            };
            let connection = builder.serve_connection(TokioIo::new(io), service);
            tokio::select! {
                served = watcher.watch(connection) => {
                    if let Err(err) = served {
                        tracing::debug!(%peer, error = %err, "connection ended with an error");
                    }
                }
                () = standing.shed() => {
                    tracing::debug!(%peer, "shed at the connection cap");
                }
            }
            standing.end();
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
