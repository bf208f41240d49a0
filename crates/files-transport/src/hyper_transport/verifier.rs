//! [`GivenCertVerifier`]: the WebPKI verifier, plus one thing curl and
//! OpenSSL accept and WebPKI refuses: a server certificate that is itself
//! one of the certificates the user gave as trusted, even when it says
//! `CA:TRUE` (what `openssl req -x509` makes by default). The host name is
//! still checked against it, and so are its validity dates and the
//! handshake's signature; everything else goes through WebPKI unchanged.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WebPkiServerVerifier, verify_server_name};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, Error, OtherError, SignatureScheme};

/// WebPKI, with the certificates the user gave also trusted as they are.
#[derive(Debug)]
pub(super) struct GivenCertVerifier {
    webpki: Arc<WebPkiServerVerifier>,
    given: Vec<CertificateDer<'static>>,
}

impl GivenCertVerifier {
    pub(super) fn new(
        webpki: Arc<WebPkiServerVerifier>,
        given: Vec<CertificateDer<'static>>,
    ) -> Self {
        Self { webpki, given }
    }
}

/// Whether WebPKI refused a CA certificate as the server's own. WebPKI
/// checks the validity dates before this, so a certificate refused for this
/// reason is within them.
pub(crate) fn is_ca_used_as_end_entity(err: &Error) -> bool {
    matches!(
        err,
        Error::InvalidCertificate(CertificateError::Other(OtherError(inner)))
            if matches!(inner.downcast_ref::<webpki::Error>(), Some(webpki::Error::CaUsedAsEndEntity))
    )
}

impl ServerCertVerifier for GivenCertVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        match self.webpki.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Err(err)
                if is_ca_used_as_end_entity(&err)
                    && self
                        .given
                        .iter()
                        .any(|given| given.as_ref() == end_entity.as_ref()) =>
            {
                let cert = ParsedCertificate::try_from(end_entity)?;
                verify_server_name(&cert, server_name)?;
                Ok(ServerCertVerified::assertion())
            }
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn self_signed(names: &[&str]) -> CertificateDer<'static> {
        let key = rcgen::KeyPair::generate().unwrap();
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = rcgen::CertificateParams::new(names).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params.self_signed(&key).unwrap().der().clone()
    }

    fn verifier(given: &CertificateDer<'static>) -> GivenCertVerifier {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(given.clone()).unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
            .build()
            .unwrap();
        GivenCertVerifier::new(webpki, vec![given.clone()])
    }

    #[test]
    fn a_given_ca_true_certificate_is_trusted_for_its_names_only() {
        let cert = self_signed(&["localhost", "127.0.0.1"]);
        let verifier = verifier(&cert);
        let now = UnixTime::now();
        for name in ["localhost", "127.0.0.1"] {
            let name = ServerName::try_from(name).unwrap();
            verifier
                .verify_server_cert(&cert, &[], &name, &[], now)
                .unwrap();
        }
        let other = ServerName::try_from("other.example").unwrap();
        let err = verifier
            .verify_server_cert(&cert, &[], &other, &[], now)
            .unwrap_err();
        assert!(err.to_string().contains("not valid for name"), "{err}");
        // A different certificate with the same names is not trusted.
        let stranger = self_signed(&["localhost"]);
        let name = ServerName::try_from("localhost").unwrap();
        let err = verifier
            .verify_server_cert(&stranger, &[], &name, &[], now)
            .unwrap_err();
        assert!(is_ca_used_as_end_entity(&err), "{err}");
    }
}
