//! The default transport of a [`Client`](crate::Client): files-transport's
//! hyper transport (feature `hyper`), with the builder's extra root
//! certificates.

use std::time::Duration;

use files_transport::SharedTransport;
#[cfg(feature = "hyper")]
use std::sync::Arc;

use crate::Error;

/// The hyper transport, connecting within `connect_timeout` and trusting
/// the CA certificates in `roots_pem` besides the built-in roots.
#[cfg(feature = "hyper")]
pub(super) fn default_transport(
    connect_timeout: Duration,
    roots_pem: &[Vec<u8>],
) -> Result<SharedTransport, Error> {
    use files_transport::rustls::pki_types::CertificateDer;
    use files_transport::rustls::pki_types::pem::PemObject;

    let mut builder = files_transport::HyperTransport::builder().connect_timeout(connect_timeout);
    for pem in roots_pem {
        let mut found = 0;
        for certificate in CertificateDer::pem_slice_iter(pem) {
            let certificate = certificate.map_err(|err| {
                Error::config(format!("cannot read a root certificate (PEM): {err}"))
            })?;
            builder = builder.add_root_certificate(certificate);
            found += 1;
        }
        if found == 0 {
            return Err(Error::config(
                "no CERTIFICATE block found in the root certificates given (PEM expected)",
            ));
        }
    }
    let transport = builder
        .build()
        .map_err(|err| Error::config(format!("cannot build the default transport: {err}")))?;
    Ok(Arc::new(transport))
}

/// Without the `hyper` feature there is no default transport.
#[cfg(not(feature = "hyper"))]
pub(super) fn default_transport(
    _connect_timeout: Duration,
    _roots_pem: &[Vec<u8>],
) -> Result<SharedTransport, Error> {
    Err(Error::config(
        "no transport: enable the `hyper` feature or call ClientBuilder::transport()",
    ))
}
