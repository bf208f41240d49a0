//! `--cacert PATH` against files-server over HTTPS with a test CA: trusted
//! with the flag, refused without it (a network failure, exit 3).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

#[path = "../../files-client/tests/support/pki.rs"]
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
    let stderr = String::from_utf8_lossy(&refused.get_output().stderr).to_lowercase();
    assert!(stderr.contains("tls"), "{stderr}");

    let missing = server
        .cmd()
        .args(["--cacert", "/nonexistent/ca.pem", "list"])
        .assert()
        .code(4);
    drop(missing);
}
