//! TLS: a local server with a certificate generated at test time is reached
//! when its CA is configured, refused with the TLS kind when it is not.

// Test helpers outside #[test] fns may unwrap too: a failure fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use files_transport::{HyperTransport, RequestBody, Transport, TransportErrorKind, rustls};
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, SanType};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use support::{bounded, full, response};

/// A test PKI: a CA, a server certificate for 127.0.0.1 and a client
/// certificate, all signed by the CA.
struct Pki {
    ca: CertificateDer<'static>,
    server_chain: Vec<CertificateDer<'static>>,
    server_key: PrivatePkcs8KeyDer<'static>,
    client_chain: Vec<CertificateDer<'static>>,
    client_key: PrivatePkcs8KeyDer<'static>,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "files-transport test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().unwrap();
    let mut server_params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    server_params
        .subject_alt_names
        .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    let server_cert = server_params.signed_by(&server_key, &issuer).unwrap();

    let client_key = KeyPair::generate().unwrap();
    let client_params = CertificateParams::new(vec!["client.test".to_owned()]).unwrap();
    let client_cert = client_params.signed_by(&client_key, &issuer).unwrap();

    Pki {
        ca: ca_cert.der().clone(),
        server_chain: vec![server_cert.der().clone()],
        server_key: PrivatePkcs8KeyDer::from(server_key.serialize_der()),
        client_chain: vec![client_cert.der().clone()],
        client_key: PrivatePkcs8KeyDer::from(client_key.serialize_der()),
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A TLS acceptor offering h2 and http/1.1; requires a client certificate
/// signed by the CA when `require_client_cert`.
fn acceptor(pki: &Pki, require_client_cert: bool) -> tokio_rustls::TlsAcceptor {
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = if require_client_cert {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(pki.ca.clone()).unwrap();
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(roots.into(), provider())
                .build()
                .unwrap();
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let mut config = builder
        .with_single_cert(
            pki.server_chain.clone(),
            PrivateKeyDer::Pkcs8(pki.server_key.clone_key()),
        )
        .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

async fn version_server(pki: &Pki, require_client_cert: bool) -> support::TestServer {
    support::serve_tls(acceptor(pki, require_client_cert), |req| async move {
        response(200, full(format!("{:?}", req.version())))
    })
    .await
}

fn get(url: String) -> http::Request<RequestBody> {
    http::Request::get(url).body(RequestBody::empty()).unwrap()
}

#[tokio::test]
async fn trusted_ca_reaches_server_and_alpn_picks_http2() {
    bounded(async {
        let pki = pki();
        let server = version_server(&pki, false).await;
        let transport = HyperTransport::builder()
            .add_root_certificate(pki.ca.clone())
            .build()
            .unwrap();
        let response = transport.send(get(server.https_url("/"))).await.unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(response.version(), http::Version::HTTP_2);
        assert_eq!(
            response.into_body().collect_capped(64).await.unwrap(),
            "HTTP/2.0"
        );
    })
    .await;
}

#[tokio::test]
async fn http1_only_negotiates_http11_over_tls() {
    bounded(async {
        let pki = pki();
        let server = version_server(&pki, false).await;
        let transport = HyperTransport::builder()
            .add_root_certificate(pki.ca.clone())
            .http1_only()
            .build()
            .unwrap();
        let response = transport.send(get(server.https_url("/"))).await.unwrap();
        assert_eq!(response.version(), http::Version::HTTP_11);
        assert_eq!(
            response.into_body().collect_capped(64).await.unwrap(),
            "HTTP/1.1"
        );
    })
    .await;
}

#[tokio::test]
async fn unknown_ca_is_refused_with_tls_kind() {
    bounded(async {
        let pki = pki();
        let server = version_server(&pki, false).await;
        // Default roots only (webpki roots): the test CA is not among them.
        let transport = HyperTransport::new().unwrap();
        let err = transport
            .send(get(server.https_url("/v1/files?key=secret")))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Tls, "{err}");
        assert!(!err.is_retryable());
        assert!(err.has_source_of_type::<rustls::Error>(), "{err:?}");
        assert!(!err.to_string().contains("secret"), "{err}");
    })
    .await;
}

#[tokio::test]
async fn custom_client_config_with_own_ca_and_client_certificate() {
    bounded(async {
        let pki = pki();
        let server = version_server(&pki, true).await;
        let mut roots = rustls::RootCertStore::empty();
        roots.add(pki.ca.clone()).unwrap();
        let config = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_client_auth_cert(
                pki.client_chain.clone(),
                PrivateKeyDer::Pkcs8(pki.client_key.clone_key()),
            )
            .unwrap();
        let transport = HyperTransport::builder()
            .tls_config(config)
            .build()
            .unwrap();
        let response = transport.send(get(server.https_url("/"))).await.unwrap();
        assert_eq!(response.status(), 200);
        response.into_body().collect_capped(64).await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn missing_client_certificate_is_refused() {
    bounded(async {
        let pki = pki();
        let server = version_server(&pki, true).await;
        let transport = HyperTransport::builder()
            .add_root_certificate(pki.ca.clone())
            .build()
            .unwrap();
        let err = transport
            .send(get(server.https_url("/")))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Tls, "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn plain_http_stays_allowed_next_to_tls() {
    bounded(async {
        let server = support::serve(|_req| async { response(200, full("plain")) }).await;
        let transport = HyperTransport::new().unwrap();
        let response = transport.send(get(server.url("/"))).await.unwrap();
        assert_eq!(
            response.into_body().collect_capped(64).await.unwrap(),
            "plain"
        );
    })
    .await;
}
