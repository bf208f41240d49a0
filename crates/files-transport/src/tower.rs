//! tower, both ways (feature `tower`): [`TransportService`] makes any
//! [`Transport`] a [`tower_service::Service`], for a host that builds its
//! stack from tower; [`TowerTransport`] makes a tower service (typically
//! host layers over a [`TransportService`]) a [`Transport`] again, so the SDK
//! client sends every attempt through it.
//!
//! The [`Transport`] trait stays the one seam: tower is an adapter on either
//! side of it. `files_client::ClientBuilder::layer` does the round trip for
//! a host: its layers go around the client's transport, once per attempt,
//! inside the client's retries.

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use async_trait::async_trait;
use tower_service::Service;

use crate::error::{BoxError, TransportError, TransportErrorKind};
use crate::request_body::RequestBody;
use crate::response_body::ResponseBody;
use crate::transport::{SharedTransport, Transport};

/// The future of [`TransportService`].
pub type TransportFuture =
    Pin<Box<dyn Future<Output = Result<http::Response<ResponseBody>, TransportError>> + Send>>;

/// A [`Transport`] as a [`tower_service::Service`]: always ready, each call
/// one [`Transport::send`]. Cheap to clone (clones share the transport).
#[derive(Clone)]
pub struct TransportService {
    transport: SharedTransport,
}

impl TransportService {
    /// The service sending through `transport`.
    pub fn new(transport: impl Transport + 'static) -> Self {
        Self::from_shared(Arc::new(transport))
    }

    /// The service sending through a transport that is already shared.
    pub fn from_shared(transport: SharedTransport) -> Self {
        Self { transport }
    }

    /// The transport this service sends through.
    pub fn transport(&self) -> &SharedTransport {
        &self.transport
    }
}

impl fmt::Debug for TransportService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportService")
            .field("transport", &self.transport)
            .finish()
    }
}

impl Service<http::Request<RequestBody>> for TransportService {
    type Response = http::Response<ResponseBody>;
    type Error = TransportError;
    type Future = TransportFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), TransportError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<RequestBody>) -> TransportFuture {
        let transport = Arc::clone(&self.transport);
        Box::pin(async move { transport.send(request).await })
    }
}

/// A tower service as a [`Transport`]: each [`send`](Transport::send) waits
/// for the service to be ready and calls a clone of it, as tower expects of
/// a shared service.
///
/// The service's errors become [`TransportError`]s: one that *is* a
/// `TransportError` (as [`TransportService`] returns, and as a host layer
/// may return to choose a kind) is kept as it is, so retries see the kind;
/// any other (a layer's own timeout, a refused concurrency slot, ...) is
/// [`Other`](TransportErrorKind::Other), not retried, with the layer's
/// error as its source.
///
/// Here a host's own middleware goes around a transport, which is then a
/// transport again:
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::task::{Context, Poll};
///
/// use files_transport::{
///     RequestBody, ResponseBody, TowerTransport, Transport, TransportError, TransportFuture,
///     TransportService,
/// };
/// use tower_layer::Layer as _;
/// use tower_service::Service;
///
/// // A host's own middleware: counts requests, then calls the inner service.
/// #[derive(Clone)]
/// struct Counting<S> {
///     inner: S,
///     sent: Arc<AtomicUsize>,
/// }
///
/// impl<S> Service<http::Request<RequestBody>> for Counting<S>
/// where
///     S: Service<http::Request<RequestBody>>,
/// {
///     type Response = S::Response;
///     type Error = S::Error;
///     type Future = S::Future;
///
///     fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
///         self.inner.poll_ready(cx)
///     }
///
///     fn call(&mut self, request: http::Request<RequestBody>) -> S::Future {
///         self.sent.fetch_add(1, Ordering::SeqCst);
///         self.inner.call(request)
///     }
/// }
///
/// # #[derive(Debug)]
/// # struct Echo;
/// # #[async_trait::async_trait]
/// # impl Transport for Echo {
/// #     async fn send(&self, _: http::Request<RequestBody>)
/// #         -> Result<http::Response<ResponseBody>, TransportError> {
/// #         Ok(http::Response::new(ResponseBody::from_bytes("ok")))
/// #     }
/// # }
/// let sent = Arc::new(AtomicUsize::new(0));
/// let counting = {
///     let sent = Arc::clone(&sent);
///     tower_layer::layer_fn(move |inner| Counting { inner, sent: Arc::clone(&sent) })
/// };
/// // Any transport (here a stand-in, `Echo`) as a service, under the layer,
/// // and back to a transport.
/// let transport = TowerTransport::new(counting.layer(TransportService::new(Echo)));
/// let request = http::Request::get("https://api.example.com/v1/files")
///     .body(RequestBody::empty())?;
/// let response = transport.send(request).await?;
/// assert_eq!(response.into_body().collect_capped(16).await?, "ok");
/// assert_eq!(sent.load(Ordering::SeqCst), 1);
/// # let _: Option<TransportFuture> = None;
/// # Ok(())
/// # }
/// ```
pub struct TowerTransport<S> {
    // Behind a lock so that a service that is `Send` but not `Sync` (most
    // tower middleware) still makes a `Sync` transport; it is only held to
    // clone the service.
    service: Mutex<S>,
}

impl<S> TowerTransport<S> {
    /// The transport calling `service`.
    pub fn new(service: S) -> Self {
        Self {
            service: Mutex::new(service),
        }
    }
}

impl<S> fmt::Debug for TowerTransport<S> {
    // The service's own Debug (if any) may show a host's credentials: only
    // its type is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TowerTransport")
            .field("service", &std::any::type_name::<S>())
            .finish()
    }
}

#[async_trait]
impl<S> Transport for TowerTransport<S>
where
    S: Service<http::Request<RequestBody>, Response = http::Response<ResponseBody>>
        + Clone
        + Send
        + 'static,
    S::Error: Into<BoxError>,
    S::Future: Send,
{
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ResponseBody>, TransportError> {
        let mut service = self
            .service
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        poll_fn(|cx| service.poll_ready(cx))
            .await
            .map_err(layer_error)?;
        service.call(request).await.map_err(layer_error)
    }
}

/// A service error as a [`TransportError`]: kept when it is one.
fn layer_error(err: impl Into<BoxError>) -> TransportError {
    let err: BoxError = err.into();
    match err.downcast::<TransportError>() {
        Ok(err) => *err,
        Err(other) => TransportError::new(
            TransportErrorKind::Other,
            format!("a tower layer failed: {other}"),
        )
        .with_source(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Fixed(Result<&'static str, TransportErrorKind>);

    #[async_trait]
    impl Transport for Fixed {
        async fn send(
            &self,
            _request: http::Request<RequestBody>,
        ) -> Result<http::Response<ResponseBody>, TransportError> {
            match self.0 {
                Ok(body) => Ok(http::Response::new(ResponseBody::from_bytes(body))),
                Err(kind) => Err(TransportError::new(kind, "scripted")),
            }
        }
    }

    fn get() -> http::Request<RequestBody> {
        http::Request::get("http://127.0.0.1:9/v1/files")
            .body(RequestBody::empty())
            .unwrap()
    }

    #[tokio::test]
    async fn a_transport_round_trips_through_tower_and_keeps_its_error_kinds() {
        let ok = TowerTransport::new(TransportService::new(Fixed(Ok("body"))));
        let response = ok.send(get()).await.unwrap();
        assert_eq!(
            response.into_body().collect_capped(16).await.unwrap(),
            "body"
        );

        let failing = TowerTransport::new(TransportService::new(Fixed(Err(
            TransportErrorKind::Connect,
        ))));
        let err = failing.send(get()).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Connect);
        assert!(err.is_retryable());
    }

    #[test]
    fn a_layers_own_error_is_other_with_its_source() {
        let err = layer_error(std::io::Error::other("limit reached"));
        assert_eq!(err.kind(), TransportErrorKind::Other);
        assert!(!err.is_retryable());
        assert!(err.to_string().contains("limit reached"), "{err}");
        assert!(err.has_source_of_type::<std::io::Error>());
    }
}
