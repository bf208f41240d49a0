//! TLS: a local server with a certificate generated at test time is reached
//! when its CA is configured, refused with the TLS kind when it is not.

use crate::support;

use files_transport::{HyperTransport, RequestBody, Transport, TransportErrorKind, rustls};
use rustls::pki_types::PrivateKeyDer;
use support::pki::{Pki, acceptor, pki, provider};
use support::{bounded, full, response};

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
        // Why, and what to do about it.
        let text = err.to_string();
        assert!(text.contains("UnknownIssuer"), "{text}");
        assert!(text.contains("trust its CA"), "{text}");
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
