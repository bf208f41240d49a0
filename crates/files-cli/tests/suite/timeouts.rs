//! `--timeout` takes any u64 of seconds: the largest means "no limit in
//! practice", never an overflow.

use crate::support::{TestServer, json};

const LARGEST: &str = "18446744073709551615";

#[test]
fn the_largest_timeout_works_in_every_command() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();

    assert_eq!(LARGEST, u64::MAX.to_string());
    let id = server.upload(dir.path(), "t.txt", b"timeout");
    let out = server
        .cmd()
        .args(["--timeout", LARGEST, "retrieve-metadata", &id])
        .assert()
        .success();
    assert_eq!(json(&out.get_output().stdout)["filename"], "t.txt");
    let out = server
        .cmd()
        .args(["list", "--timeout", LARGEST])
        .assert()
        .success();
    assert_eq!(json(&out.get_output().stdout)[0]["id"], id.as_str());

    // A body that arrives over time: the read deadline is armed between chunks.
    let content: Vec<u8> = (0..=255u8).cycle().take(8 << 20).collect();
    let generated = server.generated("big.bin", &content);
    let upload = dir.path().join("up.bin");
    std::fs::write(&upload, &content).unwrap();
    server
        .cmd()
        .args(["--timeout", LARGEST, "upload"])
        .arg(&upload)
        .assert()
        .success();
    let out = server
        .cmd()
        .args(["--timeout", LARGEST, "download", &generated])
        .assert()
        .success();
    assert!(out.get_output().stdout == content, "the whole body");
}
