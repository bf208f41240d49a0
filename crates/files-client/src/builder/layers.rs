//! The layers of [`ClientBuilder::layer`](crate::ClientBuilder::layer)
//! (feature `tower`): a host's tower layers around the client's transport,
//! so they run once per attempt, inside the client's retries. The transport
//! stays the one seam: the layered stack is turned
//! back into a [`Transport`](files_transport::Transport) by
//! [`TowerTransport`].

use std::sync::Arc;

use files_transport::{
    BoxError, RequestBody, ResponseBody, SharedTransport, TowerTransport, TransportService,
};
use tower_layer::Layer;
use tower_service::Service;

/// One added layer: wraps the transport below it.
pub(super) type Wrap = Arc<dyn Fn(SharedTransport) -> SharedTransport + Send + Sync>;

/// A tower layer that wraps the transport below it, as
/// [`ClientBuilder::layer`](crate::ClientBuilder::layer) adds it.
pub(super) fn wrap<L>(layer: L) -> Wrap
where
    L: Layer<TransportService> + Send + Sync + 'static,
    L::Service: Service<http::Request<RequestBody>, Response = http::Response<ResponseBody>>
        + Clone
        + Send
        + 'static,
    <L::Service as Service<http::Request<RequestBody>>>::Error: Into<BoxError>,
    <L::Service as Service<http::Request<RequestBody>>>::Future: Send,
{
    Arc::new(move |inner: SharedTransport| {
        let service = layer.layer(TransportService::from_shared(inner));
        Arc::new(TowerTransport::new(service)) as SharedTransport
    })
}

/// `transport` inside every layer, the first added outermost.
pub(super) fn apply(layers: &[Wrap], transport: SharedTransport) -> SharedTransport {
    layers
        .iter()
        .rev()
        .fold(transport, |inner, wrap| wrap(inner))
}
