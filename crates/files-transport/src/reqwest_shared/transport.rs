//! The reqwest transport, written once and compiled once per reqwest version:
//! `super::reqwest` is reqwest 0.13 in [`crate::reqwest_transport`] and
//! reqwest 0.12 in [`crate::reqwest_0_12`], whose APIs this code uses alike.
//! What the two modules document (timeouts, what the host's client decides)
//! holds for both.

#[allow(clippy::duplicate_mod)]
mod classify;

use std::fmt;

use async_trait::async_trait;

use super::{REQWEST_VERSION, reqwest};
use crate::error::{TransportError, TransportErrorKind, check_uri};
use crate::fused_body::FusedBody;
use crate::request_body::RequestBody;
use crate::reqwest_body::SyncRequestBody;
use crate::response_body::ResponseBody;
use crate::timeout::{Timeouts, send_with_timeouts};
use crate::transport::Transport;

/// A [`Transport`] over the host application's own `reqwest::Client` (the
/// reqwest version of the module this type is in).
///
/// * Request bodies stream, with `Content-Length` when their length is known
///   (chunked otherwise); response bodies stream.
/// * Errors map onto the same [`TransportErrorKind`]s as
///   `HyperTransport`'s, so retries behave the same;
///   messages and sources name the host only, never the URL.
/// * Pool, write and read timeouts work as over hyper; the connect timeout is
///   the client's own (see the [module docs](super)).
///
/// Cloning is cheap and shares the client's pool. The module docs have an
/// example.
#[derive(Clone)]
#[non_exhaustive]
pub struct ReqwestTransport {
    client: reqwest::Client,
    timeouts: Timeouts,
}

impl ReqwestTransport {
    /// A `reqwest::ClientBuilder` that follows no redirect, for the host to
    /// add its own settings to (do not set another redirect policy).
    // No `#[must_use]`: reqwest 0.12 marks `ClientBuilder` itself.
    pub fn client_builder() -> reqwest::ClientBuilder {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none())
    }

    /// A transport over a client built from the host's `builder`, with
    /// redirects turned off whatever the builder said: the safe way to share
    /// the host's settings (see the [module docs](super) on redirects).
    ///
    /// # Errors
    ///
    /// What `reqwest::ClientBuilder::build` fails with (for example a TLS
    /// backend that cannot be initialised).
    pub fn from_builder(builder: reqwest::ClientBuilder) -> Result<Self, reqwest::Error> {
        let client = builder
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Self::new(client))
    }

    /// The same transport with default pool, write and read limits (as
    /// [`with_timeouts`](Self::with_timeouts)).
    #[must_use]
    pub fn with_default_timeouts(self, timeouts: Timeouts) -> Self {
        Self { timeouts, ..self }
    }

    /// A transport sending through `client`, with no default phase timeouts
    /// (the SDK client sets them per request).
    ///
    /// A client that follows redirects (reqwest's default) sends a request
    /// and its `x-api-key` wherever a redirect points before this transport
    /// can refuse: build it with [`client_builder`](Self::client_builder) or
    /// use [`from_builder`](Self::from_builder).
    #[must_use]
    pub fn new(client: reqwest::Client) -> Self {
        Self::with_timeouts(client, Timeouts::NONE)
    }

    /// A transport sending through `client`, with default pool, write and
    /// read limits; a [`Timeouts`] extension on a request wins over them,
    /// phase by phase (as `HyperTransportBuilder::timeouts`).
    ///
    /// As with [`new`](Self::new), a client that follows redirects sends the
    /// key where they point.
    #[must_use]
    pub fn with_timeouts(client: reqwest::Client, timeouts: Timeouts) -> Self {
        Self { client, timeouts }
    }

    /// The default phase limits.
    #[must_use]
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// The `reqwest::Client` requests go through.
    #[must_use]
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

impl From<reqwest::Client> for ReqwestTransport {
    fn from(client: reqwest::Client) -> Self {
        Self::new(client)
    }
}

impl fmt::Debug for ReqwestTransport {
    // The client's own Debug shows its default headers, which may hold the
    // host's credentials: it is left out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReqwestTransport")
            .field("reqwest", &REQWEST_VERSION)
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Transport for ReqwestTransport {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ResponseBody>, TransportError> {
        let host = check_uri(request.uri())?;
        let over_tls = request.uri().scheme() == Some(&http::uri::Scheme::HTTPS);
        let sent_to = reqwest::Url::parse(&request.uri().to_string()).ok();
        send_with_timeouts(request, self.timeouts, |request| async move {
            let request = request.map(|body| reqwest::Body::wrap(SyncRequestBody::new(body)));
            let request = reqwest::Request::try_from(request).map_err(|err| {
                TransportError::new(
                    TransportErrorKind::InvalidRequest,
                    "reqwest could not take the request URI",
                )
                .with_host(host.clone())
                .with_source(err.without_url())
            })?;
            let response = self
                .client
                .execute(request)
                .await
                .map_err(|err| classify::client_error(err, &host, over_tls))?;
            if sent_to.as_ref() != Some(response.url()) {
                return Err(followed_redirect(response.url(), &host));
            }
            let response = http::Response::<reqwest::Body>::from(response);
            // Idle gaps are timed by `send_with_timeouts`.
            Ok(response.map(|body| {
                ResponseBody::new(FusedBody::new(body, move |err| {
                    classify::body_error(err, &host, over_tls)
                }))
            }))
        })
        .await
    }
}

/// The error for a redirect the host's client followed: it names the
/// origin and path it ended at (never userinfo or query).
fn followed_redirect(to: &reqwest::Url, host: &str) -> TransportError {
    let port = to.port().map(|port| format!(":{port}")).unwrap_or_default();
    let target = format!(
        "{}://{}{port}{}",
        to.scheme(),
        to.host_str().unwrap_or(""),
        to.path()
    );
    TransportError::new(
        TransportErrorKind::Redirected,
        format!(
            "the reqwest client followed a redirect to {target}, and the request went there \
             with its headers (x-api-key included); build it with \
             ReqwestTransport::client_builder or ReqwestTransport::from_builder, \
             which follow no redirect"
        ),
    )
    .with_host(host.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// This crate's tests build reqwest with rustls and no provider: ring is
    /// installed as the process default (a second install is a no-op).
    fn client(headers: http::HeaderMap) -> reqwest::Client {
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .unwrap()
    }

    #[test]
    fn debug_leaves_out_the_clients_default_headers() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-api-key", http::HeaderValue::from_static("sk-secret"));
        let debug = format!("{:?}", ReqwestTransport::new(client(headers)));
        assert!(debug.contains("ReqwestTransport"), "{debug}");
        assert!(debug.contains(REQWEST_VERSION), "{debug}");
        assert!(!debug.contains("sk-secret"), "{debug}");
    }

    #[test]
    fn with_timeouts_sets_the_defaults() {
        let limit = std::time::Duration::from_secs(3);
        let client = client(http::HeaderMap::new());
        let transport = ReqwestTransport::with_timeouts(client.clone(), Timeouts::uniform(limit));
        assert_eq!(transport.timeouts(), Timeouts::uniform(limit));
        assert_eq!(ReqwestTransport::from(client).timeouts(), Timeouts::NONE);
    }
}
