//! `--cacert PATH` against files-server over HTTPS with a test CA: trusted
//! with the flag, refused without it (a network failure, exit 3).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

#[path = "../../files-client/tests/suite/support/pki.rs"]
mod pki;

use common::{TestServer, json};
use files_server::{ServerConfig, TlsConfig};

#[test]
fn a_private_ca_is_trusted_with_cacert_and_refused_without() {
    let pki = pki::pki("anthropic-files test CA");
    let server = TestServer::with_config(
        ServerConfig::new().tls(TlsConfig::from_pem(pki.cert_pem, pki.key_pem)),
    );
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    let file = dir.path().join("t.txt");
    std::fs::write(&file, "over TLS").unwrap();

    let out = server
        .cmd()
        .arg("--cacert")
        .arg(&ca)
        .arg("upload")
        .arg(&file)
        .assert()
        .success();
    assert_eq!(json(&out.get_output().stdout)["filename"], "t.txt");

    let refused = server.cmd().arg("list").assert().code(3);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).to_string();
    assert!(stderr.contains("TLS"), "{stderr}");
    // The cause, and what to do about it.
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");
    assert!(
        stderr.contains("trust its CA (the CLI's --cacert"),
        "{stderr}"
    );

    let missing = server
        .cmd()
        .args(["--cacert", "/nonexistent/ca.pem", "list"])
        .assert()
        .code(4);
    drop(missing);
}

/// What `openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost
/// -addext subjectAltName=DNS:localhost,IP:127.0.0.1` makes: a self-signed
/// certificate with `CA:TRUE`, for the names given.
fn self_signed_ca_true(names: &[&str]) -> (String, String) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    let mut params = CertificateParams::new(names).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), key.serialize_pem())
}

#[test]
fn a_self_signed_ca_true_certificate_given_with_cacert_is_trusted_as_curl_does() {
    let (cert, key) = self_signed_ca_true(&["localhost", "127.0.0.1"]);
    let server =
        TestServer::with_config(ServerConfig::new().tls(TlsConfig::from_pem(cert.clone(), key)));
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("cert.pem");
    std::fs::write(&pem, &cert).unwrap();
    let out = server
        .cmd()
        .arg("--cacert")
        .arg(&pem)
        .arg("list")
        .assert()
        .success();
    assert_eq!(json(&out.get_output().stdout), serde_json::json!([]));

    // Not given: refused, saying why and what to do.
    let refused = server.cmd().arg("list").assert().code(3);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).to_string();
    assert!(stderr.contains("(CaUsedAsEndEntity)"), "{stderr}");
    assert!(
        stderr.contains("trust that very certificate (the CLI's --cacert"),
        "{stderr}"
    );
}

#[test]
fn a_given_certificate_must_still_name_the_host() {
    let (cert, key) = self_signed_ca_true(&["other.example"]);
    let server =
        TestServer::with_config(ServerConfig::new().tls(TlsConfig::from_pem(cert.clone(), key)));
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("cert.pem");
    std::fs::write(&pem, &cert).unwrap();
    let refused = server
        .cmd()
        .arg("--cacert")
        .arg(&pem)
        .arg("list")
        .assert()
        .code(3);
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).to_string();
    assert!(stderr.contains("not valid for name"), "{stderr}");
    assert!(stderr.contains("subjectAltName"), "{stderr}");
}
