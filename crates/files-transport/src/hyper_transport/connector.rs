//! A connector that bounds the whole connection setup (TCP connect and TLS
//! handshake) by one deadline.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use http::Uri;
use hyper_rustls::{HttpsConnector, MaybeHttpsStream};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

use crate::error::BoxError;

type Inner = HttpsConnector<HttpConnector>;
type Connection = MaybeHttpsStream<TokioIo<TcpStream>>;

/// Wraps the HTTPS connector so that a connection attempt taking longer than
/// `timeout` (resolving, TCP connect, TLS handshake) fails with an
/// [`io::ErrorKind::TimedOut`] error, which maps to the timeout kind.
#[derive(Clone)]
pub(super) struct TimeoutConnector {
    inner: Inner,
    timeout: Duration,
}

impl TimeoutConnector {
    pub(super) fn new(inner: Inner, timeout: Duration) -> Self {
        Self { inner, timeout }
    }
}

impl Service<Uri> for TimeoutConnector {
    type Response = Connection;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Connection, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connecting = self.inner.call(uri);
        let timeout = self.timeout;
        Box::pin(async move {
            match tokio::time::timeout(timeout, connecting).await {
                Ok(result) => result,
                Err(_elapsed) => Err(Box::new(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "connecting (TCP connect and TLS handshake) took longer than {timeout:?}"
                    ),
                )) as BoxError),
            }
        })
    }
}
