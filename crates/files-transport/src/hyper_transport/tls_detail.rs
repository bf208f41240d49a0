//! What a failed TLS handshake or session says: rustls's own reason, and a
//! hint a user can act on.

use std::error::Error as StdError;
use std::io;

use rustls::{AlertDescription, CertificateError, Error};

use super::verifier::is_ca_used_as_end_entity;
use crate::cause::causes;

/// `": REASON (HINT)"` for the TLS failure in the chain of `err`, or the
/// text of the I/O error tokio-rustls reported it with; empty when neither
/// says anything.
pub(super) fn tls_detail(err: &(dyn StdError + 'static)) -> String {
    if let Some(tls) = causes(err).find_map(|c| c.downcast_ref::<Error>()) {
        if is_ca_used_as_end_entity(tls) {
            return format!(
                ": invalid peer certificate: a CA certificate (CA:TRUE) as the server's own \
                 (CaUsedAsEndEntity) ({})",
                hint(tls).unwrap_or_default()
            );
        }
        return match hint(tls) {
            Some(hint) => format!(": {tls} ({hint})"),
            None => format!(": {tls}"),
        };
    }
    let data = causes(err).find_map(|c| {
        c.downcast_ref::<io::Error>()
            .filter(|io| io.kind() == io::ErrorKind::InvalidData)
    });
    match data {
        Some(io) if io.to_string().contains("corrupt message") => {
            format!(": {io} ({NOT_TLS})")
        }
        Some(io) => format!(": {io}"),
        None => String::new(),
    }
}

const NOT_TLS: &str = "the server did not answer in TLS: is it an http:// server?";

/// What the user can do about `err`.
fn hint(err: &Error) -> Option<&'static str> {
    use CertificateError as C;
    if is_ca_used_as_end_entity(err) {
        return Some(
            "the server's certificate is a CA certificate: trust that very certificate \
             (the CLI's --cacert, ClientBuilder::add_root_certificates_pem), or serve a \
             certificate it signed",
        );
    }
    match err {
        Error::InvalidCertificate(cert) => match cert {
            C::UnknownIssuer => Some(
                "the server's certificate is not signed by a trusted CA: trust its CA \
                 (the CLI's --cacert, ClientBuilder::add_root_certificates_pem)",
            ),
            C::NotValidForName | C::NotValidForNameContext { .. } => Some(
                "the certificate does not name this host: connect with a name or IP \
                 address its subjectAltName lists",
            ),
            C::Expired
            | C::ExpiredContext { .. }
            | C::NotValidYet
            | C::NotValidYetContext { .. } => {
                Some("the certificate is outside its validity dates: renew it, or check the clock")
            }
            C::InvalidPurpose | C::InvalidPurposeContext { .. } => {
                Some("the certificate is not for TLS servers (its extended key usage)")
            }
            _ => None,
        },
        Error::InvalidMessage(_) | Error::InappropriateMessage { .. } => Some(NOT_TLS),
        Error::AlertReceived(
            AlertDescription::HandshakeFailure | AlertDescription::ProtocolVersion,
        ) => Some("the server accepts none of the TLS versions or ciphers offered"),
        Error::AlertReceived(AlertDescription::CertificateRequired) => {
            Some("the server requires a client certificate")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_errors_get_their_reason_and_a_hint() {
        let unknown = io::Error::new(
            io::ErrorKind::InvalidData,
            Error::InvalidCertificate(CertificateError::UnknownIssuer),
        );
        let detail = tls_detail(&unknown);
        assert!(detail.contains("UnknownIssuer"), "{detail}");
        assert!(detail.contains("--cacert"), "{detail}");
        let corrupt = io::Error::new(
            io::ErrorKind::InvalidData,
            "received corrupt message of type InvalidContentType",
        );
        assert!(tls_detail(&corrupt).contains("http://"));
        assert_eq!(tls_detail(&io::Error::other("x")), "");
    }
}
