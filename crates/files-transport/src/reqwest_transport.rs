//! [`ReqwestTransport`]: sends through the host application's own
//! `reqwest::Client`, with its pool, proxies, TLS roots and settings.
//!
//! # Timeouts over reqwest
//!
//! | phase | over reqwest |
//! | --- | --- |
//! | [`Pool`](crate::TimeoutPhase::Pool), [`Write`](crate::TimeoutPhase::Write), [`Read`](crate::TimeoutPhase::Read) | exactly as over hyper: [`send_with_timeouts`] watches the request body being pulled and the response body being read, from a [`Timeouts`] extension per request, else [`ReqwestTransport::with_timeouts`] |
//! | [`Connect`](crate::TimeoutPhase::Connect) | the host's `reqwest::ClientBuilder::connect_timeout` (it bounds TCP connect and TLS handshake). reqwest does not say its value: the error has [`timeout_phase`](TransportError::timeout_phase) `Connect` and [`timeout_after`](TransportError::timeout_after) `None`. Without a connect timeout on the client, only the pool limit (which runs until the body is first pulled) ends a hanging connect, reported as `Pool` |
//!
//! reqwest's own whole-request `timeout` and `read_timeout`, if the host set
//! them, still apply on top: passing one fails with kind
//! [`Timeout`](TransportErrorKind::Timeout) and no phase, since reqwest does
//! not say which phase it was in. A whole-request `timeout` also ends steady
//! long transfers: leave it unset on a client used for large files.
//!
//! # What the host's client decides
//!
//! * TLS backend and roots, HTTP/2, proxies, DNS, default headers: whatever
//!   the `reqwest::Client` was built with. This crate enables no reqwest
//!   feature. TLS failures are recognised as [`Tls`](TransportErrorKind::Tls)
//!   with reqwest's rustls backends; with native-tls, a failed handshake is a
//!   [`Connect`](TransportErrorKind::Connect) error with the TLS error as its
//!   source.
//! * Redirects: reqwest follows up to 10 by default, and on a redirect to
//!   another host it drops `Authorization` and cookies but *not* `x-api-key`.
//!   The Files API does not redirect. [`ReqwestTransport::from_builder`] and
//!   [`ReqwestTransport::client_builder`] build the client with
//!   `redirect::Policy::none()`: a redirect then reaches the SDK client as an
//!   answer, which it reports as an error naming where it pointed, and no
//!   request goes there. The policy of a client that is already built cannot
//!   be read or changed: given one that follows redirects
//!   ([`ReqwestTransport::new`] with `reqwest::Client::new()`), a redirect
//!   still sends the request with its `x-api-key` where it points, *before*
//!   this transport sees the answer. The transport then fails with
//!   [`Redirected`](TransportErrorKind::Redirected) naming that origin
//!   (loud, but after the fact).
//! * Decompression (reqwest's `gzip`, `brotli`, ... features) changes what a
//!   response body holds; downloads are meant to be byte-exact, so leave
//!   those features off or send no `Accept-Encoding`.
//!
//! Request bodies are handed to reqwest as streams, so reqwest never replays
//! one on its own: the client rebuilds the body per attempt
//! ([`RequestBody::try_clone`]) and the transport sends what it is given.

mod body;
mod classify;

use std::fmt;

use async_trait::async_trait;

use self::body::SyncRequestBody;
use crate::error::{TransportError, TransportErrorKind, check_uri};
use crate::fused_body::FusedBody;
use crate::request_body::RequestBody;
use crate::response_body::ResponseBody;
use crate::timeout::{Timeouts, send_with_timeouts};
use crate::transport::Transport;

/// A [`Transport`] over the host application's own `reqwest::Client`
/// (reqwest 0.13).
///
/// * Request bodies stream, with `Content-Length` when their length is known
///   (chunked otherwise); response bodies stream.
/// * Errors map onto the same [`TransportErrorKind`]s as
///   `HyperTransport`'s, so retries behave the same;
///   messages and sources name the host only, never the URL.
/// * Pool, write and read timeouts work as over hyper; the connect timeout is
///   the client's own (see the [module docs](self)).
///
/// Cloning is cheap and shares the client's pool.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # // This crate's tests build reqwest with `rustls-no-provider`.
/// # let _ = rustls::crypto::ring::default_provider().install_default();
/// # use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
/// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let base = format!("http://{}", listener.local_addr()?);
/// # tokio::spawn(async move {
/// #     let (mut socket, _) = listener.accept().await.unwrap();
/// #     let mut buf = [0u8; 1024];
/// #     let _ = socket.read(&mut buf).await;
/// #     let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n[]").await;
/// # });
/// use std::time::Duration;
/// use files_transport::{ReqwestTransport, RequestBody, Timeouts, Transport};
///
/// // The host application's client settings; the transport turns redirects off.
/// let builder = reqwest::Client::builder().connect_timeout(Duration::from_secs(5));
/// let transport = ReqwestTransport::from_builder(builder)?
///     .with_default_timeouts(Timeouts::uniform(Duration::from_secs(600)));
///
/// let request = http::Request::get(format!("{base}/v1/files"))
///     .body(RequestBody::empty())?;
/// let response = transport.send(request).await?;
/// assert_eq!(response.status(), http::StatusCode::OK);
/// assert_eq!(response.into_body().collect_capped(1024).await?, "[]");
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct ReqwestTransport {
    client: reqwest::Client,
    timeouts: Timeouts,
}

impl ReqwestTransport {
    /// A `reqwest::ClientBuilder` that follows no redirect, for the host to
    /// add its own settings to (do not set another redirect policy).
    ///
    /// ```
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// use files_transport::ReqwestTransport;
    ///
    /// let client = ReqwestTransport::client_builder().user_agent("host-sdk/1.0").build()?;
    /// let transport = ReqwestTransport::new(client);
    /// # Ok::<(), reqwest::Error>(())
    /// ```
    pub fn client_builder() -> reqwest::ClientBuilder {
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none())
    }

    /// A transport over a client built from the host's `builder`, with
    /// redirects turned off whatever the builder said: the safe way to share
    /// the host's settings (see the [module docs](self) on redirects).
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
    /// ```
    /// # let _ = rustls::crypto::ring::default_provider().install_default();
    /// use std::time::Duration;
    /// use files_transport::{ReqwestTransport, Timeouts};
    ///
    /// let transport = ReqwestTransport::with_timeouts(
    ///     ReqwestTransport::client_builder().build()?,
    ///     Timeouts::uniform(Duration::from_secs(600)).with_pool(Some(Duration::from_secs(30))),
    /// );
    /// assert_eq!(transport.timeouts().pool, Some(Duration::from_secs(30)));
    /// # Ok::<(), reqwest::Error>(())
    /// ```
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

    /// This crate's tests build reqwest with `rustls-no-provider`: every
    /// client gets a ring configuration.
    fn client_builder() -> reqwest::ClientBuilder {
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth();
        reqwest::Client::builder().tls_backend_preconfigured(tls)
    }

    #[test]
    fn debug_leaves_out_the_clients_default_headers() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-api-key", http::HeaderValue::from_static("sk-secret"));
        let client = client_builder().default_headers(headers).build().unwrap();
        let debug = format!("{:?}", ReqwestTransport::new(client));
        assert!(debug.contains("ReqwestTransport"), "{debug}");
        assert!(!debug.contains("sk-secret"), "{debug}");
    }

    #[test]
    fn with_timeouts_sets_the_defaults() {
        let limit = std::time::Duration::from_secs(3);
        let client = client_builder().build().unwrap();
        let transport = ReqwestTransport::with_timeouts(client.clone(), Timeouts::uniform(limit));
        assert_eq!(transport.timeouts(), Timeouts::uniform(limit));
        assert_eq!(ReqwestTransport::from(client).timeouts(), Timeouts::NONE);
    }
}
