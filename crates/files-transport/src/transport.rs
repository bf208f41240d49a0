//! The [`Transport`] trait: the seam every request goes through.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;

use crate::error::TransportError;
use crate::request_body::RequestBody;
use crate::response_body::ResponseBody;

/// Sends one HTTP request and returns the response, with its body streamed.
///
/// This is the whole contract between the SDK client and an HTTP stack:
///
/// * the request URI is absolute (`https://host/path?query`);
/// * any status, including 4xx and 5xx, is a successful `Ok(response)`:
///   classifying API errors is the client's job;
/// * `Err` means no usable response was obtained, and
///   [`TransportError::kind`] alone tells whether retrying is safe (the
///   client must also be able to send the body again: see
///   [`RequestBody::try_clone`]);
/// * the response body is streamed, never buffered by the transport;
/// * a transport never retries on its own.
///
/// The trait is dyn-compatible: the client holds an `Arc<dyn Transport>`
/// ([`SharedTransport`]). See the [crate docs](crate) for a custom
/// implementation.
#[async_trait]
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends `request` and waits for the response headers.
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ResponseBody>, TransportError>;
}

/// A transport shared by clients and their clones.
pub type SharedTransport = Arc<dyn Transport>;

#[async_trait]
impl<T: Transport + ?Sized> Transport for Arc<T> {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ResponseBody>, TransportError> {
        (**self).send(request).await
    }
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for Box<T> {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ResponseBody>, TransportError> {
        (**self).send(request).await
    }
}

#[async_trait]
impl<T: Transport + ?Sized> Transport for &T {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ResponseBody>, TransportError> {
        (**self).send(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>() {}
    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn types_cross_threads() {
        assert_send::<RequestBody>();
        assert_send::<ResponseBody>();
        assert_send::<http::Request<RequestBody>>();
        assert_send::<http::Response<ResponseBody>>();
        assert_send_sync::<TransportError>();
        assert_send_sync::<SharedTransport>();
        #[cfg(feature = "hyper")]
        assert_send_sync::<crate::HyperTransport>();
    }

    #[test]
    fn wrappers_are_transports() {
        fn assert_transport<T: Transport>() {}
        assert_transport::<SharedTransport>();
        assert_transport::<Box<dyn Transport>>();
        assert_transport::<&dyn Transport>();
    }
}
