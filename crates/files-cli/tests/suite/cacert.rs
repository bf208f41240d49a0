//! `--cacert PATH` against files-server over HTTPS with a test CA: trusted
//! with the flag, refused without it (a network failure, exit 3).

use crate::support::{TestServer, json};
use files_server::ServerConfig;
use files_server::test_util::{SelfSignedCert, TestPki};

#[test]
fn a_private_ca_is_trusted_with_cacert_and_refused_without() {
    let pki = TestPki::generate("anthropic-files test CA").unwrap();
    let server = TestServer::with_config(ServerConfig::new().tls(pki.tls_config()));
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, pki.ca_pem()).unwrap();
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

#[test]
fn a_self_signed_ca_true_certificate_given_with_cacert_is_trusted_as_curl_does() {
    let cert = SelfSignedCert::generate(&["localhost", "127.0.0.1"]).unwrap();
    let server = TestServer::with_config(ServerConfig::new().tls(cert.tls_config()));
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("cert.pem");
    std::fs::write(&pem, cert.cert_pem()).unwrap();
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
    let cert = SelfSignedCert::generate(&["other.example"]).unwrap();
    let server = TestServer::with_config(ServerConfig::new().tls(cert.tls_config()));
    let dir = tempfile::tempdir().unwrap();
    let pem = dir.path().join("cert.pem");
    std::fs::write(&pem, cert.cert_pem()).unwrap();
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
