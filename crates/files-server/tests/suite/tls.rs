//! HTTPS with a test CA: served over HTTP/2 (ALPN) and HTTP/1.1 to a client
//! that trusts the CA; a client that trusts another CA is refused.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use files_server::test_util::TestPki;
use files_server::{FilesServer, ServerConfig, TlsConfig};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rustls::pki_types::CertificateDer;

fn client(
    pki: &TestPki,
    h2: bool,
) -> Client<
    hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
    Full<Bytes>,
> {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from(pki.ca_der().to_vec()))
        .unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let builder = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_only();
    let connector = if h2 {
        builder.enable_http2().build()
    } else {
        builder.enable_http1().build()
    };
    Client::builder(TokioExecutor::new()).build(connector)
}

async fn get(
    client: &Client<
        hyper_rustls::HttpsConnector<hyper_util::client::legacy::connect::HttpConnector>,
        Full<Bytes>,
    >,
    url: String,
) -> Result<(http::Version, u16, Bytes), hyper_util::client::legacy::Error> {
    let request = http::Request::get(url)
        .header("x-api-key", "k")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let response = tokio::time::timeout(Duration::from_secs(10), client.request(request))
        .await
        .expect("bounded")?;
    let (version, status) = (response.version(), response.status().as_u16());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Ok((version, status, body))
}

#[tokio::test]
async fn https_with_a_test_ca_over_h2_and_http1_and_an_unknown_ca_is_refused() {
    let ours = TestPki::generate("files-server test CA").unwrap();
    let server = FilesServer::start(ServerConfig::new().tls(ours.tls_config()))
        .await
        .unwrap();
    assert!(server.base_url().starts_with("https://127.0.0.1:"));
    let url = format!("{}/v1/files", server.base_url());

    let (version, status, body) = get(&client(&ours, true), url.clone()).await.unwrap();
    assert_eq!((version, status), (http::Version::HTTP_2, 200), "{body:?}");
    let (version, status, _) = get(&client(&ours, false), url.clone()).await.unwrap();
    assert_eq!((version, status), (http::Version::HTTP_11, 200));

    let other = TestPki::generate("files-server test CA").unwrap();
    let refused = get(&client(&other, true), url.clone()).await;
    let err = refused.unwrap_err();
    let chain = format!("{:?}", err);
    assert!(chain.contains("InvalidCertificate"), "{chain}");

    // Plain HTTP to the HTTPS port gets nothing served.
    let plain = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let request = http::Request::get(url.replace("https", "http"))
        .body(Full::new(Bytes::new()))
        .unwrap();
    let outcome = tokio::time::timeout(Duration::from_secs(10), plain.request(request))
        .await
        .expect("bounded");
    assert!(outcome.is_err() || outcome.unwrap().status() != 200);
    server.shutdown().await;
}

#[test]
fn unusable_pem_is_refused_with_a_message() {
    let err = TlsConfig::from_pem("not pem", "not pem")
        .check()
        .unwrap_err();
    assert!(err.to_string().contains("certificate"), "{err}");
    let pki = TestPki::generate("files-server test CA").unwrap();
    let err = TlsConfig::from_pem(pki.cert_pem().to_owned(), "")
        .check()
        .unwrap_err();
    assert!(err.to_string().contains("key"), "{err}");
}
