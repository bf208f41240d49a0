//! [`ClientBuilder::layer`] (feature `tower`): a host's tower layers around
//! the client's transport, so they run once per attempt, inside the client's
//! retries. The transport stays the one seam: the layered stack is turned
//! back into a [`Transport`](files_transport::Transport) by
//! [`TowerTransport`].

use std::sync::Arc;

use files_transport::{
    BoxError, RequestBody, ResponseBody, SharedTransport, TowerTransport, TransportService,
};
use tower_layer::Layer;
use tower_service::Service;

use super::ClientBuilder;

/// One added layer: wraps the transport below it.
pub(super) type Wrap = Arc<dyn Fn(SharedTransport) -> SharedTransport + Send + Sync>;

impl ClientBuilder {
    /// Puts a tower layer around the transport (the default one or the one
    /// given to [`transport`](Self::transport)): every attempt of every call
    /// goes through it, inside the client's retries, so a retried request
    /// passes through it once per attempt. The first layer added is the
    /// outermost, as with tower's `ServiceBuilder`.
    ///
    /// A layer sees each attempt's `http::Request<RequestBody>` (its
    /// `x-stainless-retry-count` header says which attempt it is) and the
    /// `http::Response<ResponseBody>` with its body still streaming; any
    /// status is a response. An error the layer returns that is a
    /// [`TransportError`](files_transport::TransportError) keeps its kind
    /// (and so decides whether the client retries); any other error fails the
    /// call without a retry (see [`TowerTransport`]).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// use files_client::Client;
    /// use tower::layer::layer_fn;
    ///
    /// // The host's own layer: here one that only names the service it wraps;
    /// // see `examples/embed_tower.rs` for one that counts attempts.
    /// let built = Arc::new(AtomicUsize::new(0));
    /// let seen = Arc::clone(&built);
    /// let client = Client::builder()
    ///     .api_key("sk-ant-...")
    ///     .layer(layer_fn(move |inner| {
    ///         seen.fetch_add(1, Ordering::SeqCst);
    ///         inner
    ///     }))
    ///     .build()?;
    /// assert_eq!(built.load(Ordering::SeqCst), 1);
    /// # let _ = client;
    /// # Ok::<(), files_client::Error>(())
    /// ```
    #[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<TransportService> + Send + Sync + 'static,
        L::Service: Service<http::Request<RequestBody>, Response = http::Response<ResponseBody>>
            + Clone
            + Send
            + 'static,
        <L::Service as Service<http::Request<RequestBody>>>::Error: Into<BoxError>,
        <L::Service as Service<http::Request<RequestBody>>>::Future: Send,
    {
        self.layers.push(Arc::new(move |inner: SharedTransport| {
            let service = layer.layer(TransportService::from_shared(inner));
            Arc::new(TowerTransport::new(service)) as SharedTransport
        }));
        self
    }
}

/// `transport` inside every layer, the first added outermost.
pub(super) fn apply(layers: &[Wrap], transport: SharedTransport) -> SharedTransport {
    layers
        .iter()
        .rev()
        .fold(transport, |inner, wrap| wrap(inner))
}
