//! [`HyperTransport`]: the production transport over hyper 1, hyper-util's
//! pooled client and rustls (ring provider).

mod classify;
mod connector;
mod tls_detail;
mod verifier;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::ClientConfig;
use rustls::pki_types::CertificateDer;

use self::connector::TimeoutConnector;
use crate::error::{TransportError, TransportErrorKind, check_uri};
use crate::fused_body::FusedBody;
use crate::request_body::RequestBody;
use crate::response_body::ResponseBody;
use crate::timeout::{DEFAULT_CONNECT_TIMEOUT, send_with_timeout};
use crate::transport::Transport;

/// The default time an idle pooled connection is kept.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The production [`Transport`]: hyper 1 with hyper-util's pooled client and
/// rustls using the *ring* provider, passed explicitly (no process-wide
/// default provider is read or installed, so a program that also links
/// aws-lc-rs never panics).
///
/// * HTTP/1.1 and HTTP/2, chosen by ALPN over TLS; plain `http://` is allowed
///   (local servers, tests) and speaks HTTP/1.1 unless
///   [`http2_only`](HyperTransportBuilder::http2_only) is set.
/// * Connections are pooled and reused; cloning the transport shares the pool.
/// * Bodies stream both ways; nothing is buffered in full.
/// * Timeouts: the connect limit (TCP + TLS handshake) is the transport's
///   own ([`connect_timeout`](HyperTransportBuilder::connect_timeout)); the
///   rest of the exchange is bounded by the request's
///   [`NoProgressTimeout`](crate::NoProgressTimeout), if it carries one.
///
/// It needs a Tokio runtime (with the time and I/O drivers enabled) when
/// sending; building it does not.
///
/// ```
/// use std::time::Duration;
/// use files_transport::HyperTransport;
///
/// let transport = HyperTransport::builder()
///     .connect_timeout(Duration::from_secs(3))
///     .pool_max_idle_per_host(8)
///     .build()?;
/// # let _ = transport;
/// # Ok::<(), files_transport::TransportError>(())
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct HyperTransport {
    client: Client<TimeoutConnector, RequestBody>,
    connect_timeout: Duration,
}

impl HyperTransport {
    /// A transport with the default settings (see [`HyperTransportBuilder`]).
    ///
    /// # Errors
    ///
    /// Fails only if the TLS configuration cannot be built (see
    /// [`HyperTransportBuilder::build`]).
    pub fn new() -> Result<Self, TransportError> {
        Self::builder().build()
    }

    /// A builder to configure timeouts, pooling and TLS.
    pub fn builder() -> HyperTransportBuilder {
        HyperTransportBuilder::default()
    }
}

impl fmt::Debug for HyperTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperTransport")
            .field("connect_timeout", &self.connect_timeout)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Transport for HyperTransport {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ResponseBody>, TransportError> {
        let host = check_uri(request.uri())?;
        let over_tls = request.uri().scheme() == Some(&http::uri::Scheme::HTTPS);
        let connect_timeout = self.connect_timeout;
        send_with_timeout(request, |request| async move {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|err| classify::client_error(err, &host, over_tls, connect_timeout))?;
            // Idle gaps are timed by `send_with_timeout`.
            Ok(response.map(|incoming| {
                ResponseBody::new(FusedBody::new(incoming, move |err| {
                    classify::body_error(err, &host, over_tls)
                }))
            }))
        })
        .await
    }
}

/// Which HTTP versions the transport may speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HttpVersions {
    Both,
    Http1Only,
    Http2Only,
}

/// Configures and builds a [`HyperTransport`].
///
/// | setting | default |
/// | --- | --- |
/// | [`connect_timeout`](Self::connect_timeout) | 5 s ([`DEFAULT_CONNECT_TIMEOUT`]) |
/// | [`pool_idle_timeout`](Self::pool_idle_timeout) | 90 s ([`DEFAULT_POOL_IDLE_TIMEOUT`]) |
/// | [`pool_max_idle_per_host`](Self::pool_max_idle_per_host) | unlimited |
/// | [`tcp_nodelay`](Self::tcp_nodelay) | `true` |
/// | TLS roots | webpki roots (feature `webpki-roots`), plus the OS roots (feature `native-roots`), plus [`add_root_certificate`](Self::add_root_certificate) |
/// | HTTP versions | HTTP/1.1 and HTTP/2 by ALPN |
#[derive(Debug, Clone)]
#[must_use]
#[non_exhaustive]
pub struct HyperTransportBuilder {
    connect_timeout: Duration,
    pool_idle_timeout: Option<Duration>,
    pool_max_idle_per_host: usize,
    tcp_nodelay: bool,
    tls_config: Option<ClientConfig>,
    extra_roots: Vec<CertificateDer<'static>>,
    versions: HttpVersions,
}

impl Default for HyperTransportBuilder {
    fn default() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            pool_idle_timeout: Some(DEFAULT_POOL_IDLE_TIMEOUT),
            pool_max_idle_per_host: usize::MAX,
            tcp_nodelay: true,
            tls_config: None,
            extra_roots: Vec::new(),
            versions: HttpVersions::Both,
        }
    }
}

impl HyperTransportBuilder {
    /// The time allowed to establish a connection: TCP connect *and* TLS
    /// handshake. Passing it fails with
    /// [`Timeout`](TransportErrorKind::Timeout).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long an idle pooled connection is kept (`None`: until the server
    /// closes it).
    pub fn pool_idle_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// The most idle connections kept per host (0 disables reuse).
    pub fn pool_max_idle_per_host(mut self, max: usize) -> Self {
        self.pool_max_idle_per_host = max;
        self
    }

    /// Whether to set `TCP_NODELAY` on connections.
    pub fn tcp_nodelay(mut self, nodelay: bool) -> Self {
        self.tcp_nodelay = nodelay;
        self
    }

    /// Uses this rustls configuration instead of the built-in one (own CA,
    /// client certificates, …). Its ALPN protocols are replaced to match the
    /// enabled HTTP versions. Cannot be combined with
    /// [`add_root_certificate`](Self::add_root_certificate): put extra roots
    /// in the configuration's root store instead.
    ///
    /// Build it with an explicit provider, e.g.
    /// `ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))`,
    /// so no process-wide default is needed.
    pub fn tls_config(mut self, config: ClientConfig) -> Self {
        self.tls_config = Some(config);
        self
    }

    /// Also trusts this root certificate (DER), in addition to the roots
    /// enabled by features. As curl and OpenSSL do, a server presenting this
    /// very certificate is trusted too, even when it is marked `CA:TRUE`
    /// (the self-signed certificate `openssl req -x509` makes), which WebPKI
    /// alone refuses; its host names and validity dates are still checked.
    pub fn add_root_certificate(mut self, der: impl Into<CertificateDer<'static>>) -> Self {
        self.extra_roots.push(der.into());
        self
    }

    /// Speaks HTTP/1.1 only (ALPN offers only `http/1.1`). The last of
    /// `http1_only` and [`http2_only`](Self::http2_only) called wins.
    pub fn http1_only(mut self) -> Self {
        self.versions = HttpVersions::Http1Only;
        self
    }

    /// Speaks HTTP/2 only: ALPN offers only `h2` over TLS, and plain `http://`
    /// uses HTTP/2 with prior knowledge. The last of
    /// [`http1_only`](Self::http1_only) and `http2_only` called wins.
    pub fn http2_only(mut self) -> Self {
        self.versions = HttpVersions::Http2Only;
        self
    }

    /// Builds the transport. No runtime is needed until a request is sent.
    ///
    /// # Errors
    ///
    /// Fails with [`Tls`](TransportErrorKind::Tls) if a root certificate
    /// given to [`add_root_certificate`](Self::add_root_certificate) is not a
    /// valid DER certificate, if it is combined with
    /// [`tls_config`](Self::tls_config), or if the TLS protocol versions
    /// cannot be configured.
    pub fn build(self) -> Result<HyperTransport, TransportError> {
        let mut tls = match self.tls_config {
            Some(config) if self.extra_roots.is_empty() => config,
            Some(_) => {
                return Err(TransportError::new(
                    TransportErrorKind::Tls,
                    "add_root_certificate cannot be combined with tls_config: add the root to the ClientConfig's root store",
                ));
            }
            None => default_tls_config(self.extra_roots)?,
        };
        tls.alpn_protocols.clear();

        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(self.tcp_nodelay);
        http.set_connect_timeout(Some(self.connect_timeout));

        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http();
        let https = match self.versions {
            HttpVersions::Both => https.enable_http1().enable_http2().wrap_connector(http),
            HttpVersions::Http1Only => https.enable_http1().wrap_connector(http),
            HttpVersions::Http2Only => https.enable_http2().wrap_connector(http),
        };
        let connector = TimeoutConnector::new(https, self.connect_timeout);

        let mut client = Client::builder(TokioExecutor::new());
        client
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .pool_idle_timeout(self.pool_idle_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .http2_only(self.versions == HttpVersions::Http2Only);
        Ok(HyperTransport {
            client: client.build(connector),
            connect_timeout: self.connect_timeout,
        })
    }
}

/// The built-in rustls configuration: ring provider, safe default protocol
/// versions, roots from the enabled features plus `extra_roots`.
fn default_tls_config(
    extra_roots: Vec<CertificateDer<'static>>,
) -> Result<ClientConfig, TransportError> {
    let mut roots = rustls::RootCertStore::empty();
    #[cfg(feature = "webpki-roots")]
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    #[cfg(feature = "native-roots")]
    {
        // Unreadable or unparsable system certificates are skipped, as
        // browsers and curl do; the remaining roots still work.
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
    }
    for der in &extra_roots {
        roots.add(der.clone()).map_err(|err| {
            TransportError::new(TransportErrorKind::Tls, "invalid root certificate")
                .with_source(err)
        })?;
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|err| {
            TransportError::new(
                TransportErrorKind::Tls,
                "could not configure TLS protocol versions",
            )
            .with_source(err)
        })?;
    if extra_roots.is_empty() {
        return Ok(builder.with_root_certificates(roots).with_no_client_auth());
    }
    // Certificates given explicitly are trusted as curl trusts them, a
    // self-signed `CA:TRUE` server certificate included.
    let webpki =
        rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .map_err(|err| {
                TransportError::new(
                    TransportErrorKind::Tls,
                    "could not build the certificate verifier",
                )
                .with_source(err)
            })?;
    let verifier = verifier::GivenCertVerifier::new(webpki, extra_roots);
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_without_a_runtime() {
        let transport = HyperTransport::new().unwrap();
        assert!(format!("{transport:?}").contains("HyperTransport"));
    }

    #[test]
    fn rejects_invalid_root_certificate() {
        let err = HyperTransport::builder()
            .add_root_certificate(CertificateDer::from(vec![1u8, 2, 3]))
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Tls);
    }

    #[test]
    fn rejects_roots_combined_with_tls_config() {
        let config = default_tls_config(Vec::new()).unwrap();
        let err = HyperTransport::builder()
            .tls_config(config)
            .add_root_certificate(CertificateDer::from(vec![1u8]))
            .build()
            .unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Tls);
    }

    #[test]
    fn tls_config_with_preset_alpn_is_accepted() {
        let mut config = default_tls_config(Vec::new()).unwrap();
        config.alpn_protocols = vec![b"h2".to_vec()];
        HyperTransport::builder()
            .tls_config(config)
            .http1_only()
            .build()
            .unwrap();
    }
}
