//! TLS end to end: files-server over HTTPS with a test CA; a client that adds
//! the CA's PEM (`add_root_certificates_pem`) works, over HTTP/2 by ALPN; a
//! client that does not is refused (a TLS error, never retried).

use files_client::{Client, Error, FileUpload, ListParams};
use files_server::test_util::TestPki;
use files_server::{FilesServer, ServerConfig};
use files_transport::TransportErrorKind;
use futures_util::TryStreamExt;

#[tokio::test]
async fn a_private_ca_is_trusted_when_added_and_refused_otherwise() {
    let pki = TestPki::generate("files-client test CA").unwrap();
    let config = ServerConfig::new().tls(pki.tls_config());
    let server = FilesServer::start(config).await.unwrap();
    assert!(
        server.base_url().starts_with("https://"),
        "{}",
        server.base_url()
    );

    let files = Client::builder()
        .api_key("sk-tls")
        .base_url(server.base_url())
        .add_root_certificates_pem(pki.ca_pem())
        .build()
        .unwrap()
        .files();
    let file = files
        .upload(FileUpload::bytes("tls.txt", "over TLS"))
        .await
        .unwrap();
    let listed: Vec<_> = files
        .list_items(ListParams::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed[0].id, file.id);

    let other = TestPki::generate("another CA").unwrap();
    for builder in [
        Client::builder(),
        Client::builder().add_root_certificates_pem(other.ca_pem()),
    ] {
        let err = builder
            .api_key("sk-tls")
            .base_url(server.base_url())
            .build()
            .unwrap()
            .files()
            .retrieve_metadata(&file.id)
            .await
            .unwrap_err();
        match &err {
            Error::Connection { source, .. } => {
                assert_eq!(source.kind(), TransportErrorKind::Tls, "{err}")
            }
            other => panic!("expected a TLS failure, got {other:?}"),
        }
    }
    server.shutdown().await;
}
