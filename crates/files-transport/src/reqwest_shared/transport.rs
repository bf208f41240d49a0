//! The reqwest transport, written once and compiled once per reqwest version:
//! `super::reqwest` is reqwest 0.13 in `crate::reqwest_transport` and
//! reqwest 0.12 in `crate::reqwest_0_12`, whose APIs this code uses alike.
//! The type's docs below hold for both.

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
use crate::timeout::send_with_timeout;
use crate::transport::Transport;

/// This [`Transport`] sends through the host application's own client, with
/// its pool, proxies, TLS roots and settings. `ReqwestTransport` (feature
/// `reqwest`, reqwest 0.13) and `Reqwest012Transport` (feature
/// `reqwest-0-12`, reqwest 0.12) are the same code compiled against each
/// version, with the same behaviour.
///
/// * Request bodies stream, with `Content-Length` when their length is known
///   (chunked otherwise); response bodies stream.
/// * Errors map onto the same [`TransportErrorKind`]s as
///   `HyperTransport`'s, so retries behave the same;
///   messages and sources name the host only, never the URL.
/// * Request bodies are handed to reqwest as streams, so reqwest never
///   replays one on its own: the client rebuilds the body per attempt
///   ([`RequestBody::try_clone`]) and the transport sends what it is given.
///
/// Cloning is cheap and shares the client's pool.
///
/// # Timeouts over reqwest
///
/// The request's [`NoProgressTimeout`](crate::NoProgressTimeout) works
/// exactly as over hyper. The connect phase is the host's
/// `reqwest::ClientBuilder::connect_timeout` (it bounds TCP connect and TLS
/// handshake); reqwest does not say its value, so the error has
/// [`timeout_phase`](TransportError::timeout_phase)
/// [`Connect`](crate::TimeoutPhase::Connect) and
/// [`timeout_after`](TransportError::timeout_after) `None`. Without a
/// connect timeout on the client, only the no-progress limit ends a hanging
/// connect, reported as the phase the exchange was in
/// ([`Pool`](crate::TimeoutPhase::Pool), or
/// [`Read`](crate::TimeoutPhase::Read) for a request without a body).
///
/// reqwest's own whole-request `timeout` and `read_timeout`, if the host set
/// them, still apply on top: passing one fails with kind
/// [`Timeout`](TransportErrorKind::Timeout) and no phase, since reqwest does
/// not say which phase it was in. A whole-request `timeout` also ends steady
/// long transfers: leave it unset on a client used for large files.
///
/// # What the host's client decides
///
/// * TLS backend and roots, HTTP/2, proxies, DNS, default headers: whatever
///   the `reqwest::Client` was built with. This crate enables no reqwest
///   feature. TLS failures are recognised as [`Tls`](TransportErrorKind::Tls)
///   with reqwest's rustls backends; with native-tls, a failed handshake is a
///   [`Connect`](TransportErrorKind::Connect) error with the TLS error as its
///   source.
/// * Redirects: reqwest follows up to 10 by default, and on a redirect to
///   another host it drops `Authorization` and cookies but *not* `x-api-key`.
///   The Files API does not redirect. [`from_builder`](Self::from_builder)
///   and [`client_builder`](Self::client_builder) build the client with
///   `redirect::Policy::none()`: a redirect then reaches the SDK client as an
///   answer, which it reports as an error naming where it pointed, and no
///   request goes there. The policy of a client that is already built cannot
///   be read or changed: given one that follows redirects
///   ([`new`](Self::new) with `reqwest::Client::new()`), a redirect still
///   sends the request with its `x-api-key` where it points, *before* this
///   transport sees the answer. The transport then fails with
///   [`Redirected`](TransportErrorKind::Redirected) naming that origin
///   (loud, but after the fact).
/// * Decompression (reqwest's `gzip`, `brotli`, ... features) changes what a
///   response body holds; downloads are meant to be byte-exact, so leave
///   those features off or send no `Accept-Encoding`.
#[derive(Clone)]
#[non_exhaustive]
pub struct ReqwestTransport {
    client: reqwest::Client,
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
    /// the host's settings (see [the type's docs](Self), "What the host's
    /// client decides").
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

    /// A transport sending through `client`.
    ///
    /// A client that follows redirects (reqwest's default) sends a request
    /// and its `x-api-key` wherever a redirect points before this transport
    /// can refuse: build it with [`client_builder`](Self::client_builder) or
    /// use [`from_builder`](Self::from_builder).
    #[must_use]
    pub fn new(client: reqwest::Client) -> Self {
        Self { client }
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
        send_with_timeout(request, |request| async move {
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
            // Idle gaps are timed by `send_with_timeout`.
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
}
