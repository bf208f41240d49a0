//! A test PKI generated at test time, and a rustls server acceptor for it.
//!
//! The other suites share files-server's `test_util::TestPki`; this one keeps
//! its own: it also needs a client certificate (mutual TLS), and a
//! dev-dependency on files-server (hyper's server, rustls with ring,
//! tokio-rustls) would unify features into the builds CI checks with
//! `--no-default-features` (reqwest alone), hiding what a user of that
//! combination gets.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, SanType};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A test PKI: a CA, a server certificate for 127.0.0.1 and a client
/// certificate, all signed by the CA.
pub struct Pki {
    pub ca: CertificateDer<'static>,
    pub server_chain: Vec<CertificateDer<'static>>,
    pub server_key: PrivatePkcs8KeyDer<'static>,
    pub client_chain: Vec<CertificateDer<'static>>,
    pub client_key: PrivatePkcs8KeyDer<'static>,
}

pub fn pki() -> Pki {
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

pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A TLS acceptor offering h2 and http/1.1; requires a client certificate
/// signed by the CA when `require_client_cert`.
pub fn acceptor(pki: &Pki, require_client_cert: bool) -> tokio_rustls::TlsAcceptor {
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
