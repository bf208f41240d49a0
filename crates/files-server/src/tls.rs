//! HTTPS: the certificate and key the server presents, turned into a rustls
//! configuration (ring provider, the client's stack) that offers HTTP/2 and
//! HTTP/1.1 by ALPN.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// The certificate chain and private key of an HTTPS server, as PEM. `Debug`
/// never shows the key.
///
/// ```no_run
/// use files_server::{ServerConfig, TlsConfig};
///
/// let tls = TlsConfig::from_pem_files("cert.pem", "key.pem")?;
/// let config = ServerConfig::new().tls(tls);
/// # Ok::<(), files_server::TlsError>(())
/// ```
#[derive(Clone)]
pub struct TlsConfig {
    cert_chain: Bytes,
    key: Bytes,
}

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig")
            .field("cert_chain_bytes", &self.cert_chain.len())
            .field("key", &"<redacted>")
            .finish()
    }
}

/// Why a certificate or key cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsError {
    /// A PEM file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The PEM holds no certificate, no key, or something unreadable.
    #[error("{0}")]
    Pem(String),
    /// rustls refused the certificate or key.
    #[error("the certificate or key is unusable: {0}")]
    Rustls(#[from] rustls::Error),
}

impl TlsConfig {
    /// A certificate chain (leaf first) and its private key (PKCS#8, PKCS#1 or
    /// SEC1), both PEM. They are checked when the server starts.
    pub fn from_pem(cert_chain: impl Into<Bytes>, key: impl Into<Bytes>) -> Self {
        Self {
            cert_chain: cert_chain.into(),
            key: key.into(),
        }
    }

    /// Reads the certificate chain and the key from PEM files.
    ///
    /// # Errors
    /// A file cannot be read, or does not parse (see [`TlsConfig::check`]).
    pub fn from_pem_files(
        cert_chain: impl AsRef<Path>,
        key: impl AsRef<Path>,
    ) -> Result<Self, TlsError> {
        let read = |path: &Path| {
            std::fs::read(path).map_err(|source| TlsError::Read {
                path: path.display().to_string(),
                source,
            })
        };
        let config = Self::from_pem(read(cert_chain.as_ref())?, read(key.as_ref())?);
        config.check()?;
        Ok(config)
    }

    /// Checks that the certificate and key make a usable server configuration.
    ///
    /// # Errors
    /// No certificate, no key, unreadable PEM, or a key rustls refuses.
    pub fn check(&self) -> Result<(), TlsError> {
        self.rustls().map(drop)
    }

    /// The rustls configuration: ring provider, safe default protocol versions,
    /// ALPN `h2` then `http/1.1`.
    pub(crate) fn rustls(&self) -> Result<Arc<rustls::ServerConfig>, TlsError> {
        let certs = CertificateDer::pem_slice_iter(&self.cert_chain)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TlsError::Pem(format!("the certificate chain: {e}")))?;
        if certs.is_empty() {
            return Err(TlsError::Pem(
                "the certificate file holds no certificate".into(),
            ));
        }
        let key = PrivateKeyDer::from_pem_slice(&self.key)
            .map_err(|e| TlsError::Pem(format!("the private key: {e}")))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(certs, key)?;
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}
