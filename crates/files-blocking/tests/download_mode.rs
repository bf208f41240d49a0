//! The blocking client saves downloads with the permissions `File::create` would
//! give under the process umask. The umask is process-wide: this test has a
//! binary of its own.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt;

use files_blocking::Client;
use files_server::{FilesServer, GeneratedFile, ServerConfig};
use rustix::fs::Mode;

#[test]
fn saved_files_get_the_mode_file_create_gives_under_the_umask() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime
        .block_on(FilesServer::start(
            ServerConfig::new(),
            "127.0.0.1:0".parse().unwrap(),
        ))
        .unwrap();
    let id = runtime
        .block_on(server.create_generated_file(GeneratedFile::new("m.bin", vec![7u8; 10_000])))
        .unwrap()
        .id;
    let files = Client::builder()
        .api_key("sk-blocking")
        .base_url(server.base_url())
        .build()
        .unwrap()
        .files();
    let dir = tempfile::tempdir().unwrap();
    let mode =
        |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let previous = rustix::process::umask(Mode::from_raw_mode(0o022));
    for (umask, expected) in [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)] {
        rustix::process::umask(Mode::from_raw_mode(umask));
        let replaced = dir.path().join(format!("write-to-{umask:o}"));
        let new = dir.path().join(format!("write-to-new-{umask:o}"));
        files.download(&id).unwrap().write_to(&replaced).unwrap();
        files.download(&id).unwrap().write_to_new(&new).unwrap();
        assert_eq!(mode(&replaced), expected, "write_to under umask {umask:o}");
        assert_eq!(mode(&new), expected, "write_to_new under umask {umask:o}");
    }
    rustix::process::umask(previous);
    drop(files);
    runtime.block_on(server.shutdown());
}
