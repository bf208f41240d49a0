//! A test PKI made fresh at run time (rcgen): a CA and the server
//! certificate it signed, or one self-signed certificate that is its own CA.

use std::io;
use std::net::{IpAddr, Ipv4Addr};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType};

use crate::TlsConfig;

/// A test certificate authority and a server certificate it signed, for
/// `127.0.0.1` and `localhost`: the server serves the certificate
/// ([`tls_config`](Self::tls_config)), a client trusts the CA
/// ([`ca_pem`](Self::ca_pem), [`ca_der`](Self::ca_der)).
///
/// ```
/// use files_server::test_util::TestPki;
///
/// let pki = TestPki::generate("my test CA")?;
/// let other = TestPki::generate("another CA")?;
/// assert_ne!(pki.ca_der(), other.ca_der());
/// assert!(pki.key_pem().contains("PRIVATE KEY"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct TestPki {
    ca_pem: String,
    ca_der: Vec<u8>,
    cert_pem: String,
    key_pem: String,
}

impl TestPki {
    /// A new CA named `ca_name` (its common name) and a server certificate it
    /// signed for `localhost` and `127.0.0.1`, with fresh keys.
    ///
    /// # Errors
    /// A key or a certificate could not be made.
    pub fn generate(ca_name: &str) -> io::Result<Self> {
        let ca_key = KeyPair::generate().map_err(io::Error::other)?;
        let mut ca_params =
            CertificateParams::new(Vec::<String>::new()).map_err(io::Error::other)?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, ca_name);
        let ca_cert = ca_params.self_signed(&ca_key).map_err(io::Error::other)?;
        let issuer = Issuer::new(ca_params, ca_key);
        let key = KeyPair::generate().map_err(io::Error::other)?;
        let mut params =
            CertificateParams::new(vec!["localhost".to_owned()]).map_err(io::Error::other)?;
        params
            .subject_alt_names
            .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        let cert = params.signed_by(&key, &issuer).map_err(io::Error::other)?;
        Ok(Self {
            ca_pem: ca_cert.pem(),
            ca_der: ca_cert.der().to_vec(),
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    /// The CA's certificate (PEM), for a client to trust.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The CA's certificate (DER), for a client to trust.
    pub fn ca_der(&self) -> &[u8] {
        &self.ca_der
    }

    /// The server's certificate (PEM).
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The server certificate's private key (PEM, PKCS#8).
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// The server's TLS configuration: its certificate and key.
    pub fn tls_config(&self) -> TlsConfig {
        TlsConfig::from_pem(self.cert_pem.clone(), self.key_pem.clone())
    }
}

impl std::fmt::Debug for TestPki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestPki").finish_non_exhaustive()
    }
}

/// A self-signed certificate that is its own CA (`CA:TRUE`) for the names
/// given, as `openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost
/// -addext subjectAltName=...` makes: the certificate a client is given to
/// trust is the one the server serves.
///
/// ```
/// use files_server::test_util::SelfSignedCert;
///
/// let cert = SelfSignedCert::generate(&["localhost", "127.0.0.1"])?;
/// assert!(cert.cert_pem().starts_with("-----BEGIN CERTIFICATE-----"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct SelfSignedCert {
    cert_pem: String,
    key_pem: String,
}

impl SelfSignedCert {
    /// A certificate for `names` (DNS names, or IP addresses written as
    /// text), its common name `localhost`, with a fresh key.
    ///
    /// # Errors
    /// A key or the certificate could not be made.
    pub fn generate(names: &[&str]) -> io::Result<Self> {
        let key = KeyPair::generate().map_err(io::Error::other)?;
        let names: Vec<String> = names.iter().map(|name| (*name).to_owned()).collect();
        let mut params = CertificateParams::new(names).map_err(io::Error::other)?;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "localhost");
        let cert = params.self_signed(&key).map_err(io::Error::other)?;
        Ok(Self {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        })
    }

    /// The certificate (PEM): the server's, and the one a client trusts.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// Its private key (PEM, PKCS#8).
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// The server's TLS configuration: the certificate and its key.
    pub fn tls_config(&self) -> TlsConfig {
        TlsConfig::from_pem(self.cert_pem.clone(), self.key_pem.clone())
    }
}

impl std::fmt::Debug for SelfSignedCert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SelfSignedCert").finish_non_exhaustive()
    }
}
