//! The blocking client saves downloads with the permissions `File::create` would
//! give under the process umask. The umask is process-wide: this test has a
//! binary of its own.

use crate::support::server;

use std::os::unix::fs::PermissionsExt;

use files_server::ServerConfig;
use rustix::fs::Mode;
use server::Server;

#[test]
fn saved_files_get_the_mode_file_create_gives_under_the_umask() {
    let server = Server::start(ServerConfig::new());
    let id = server.generated("m.bin", vec![7u8; 10_000]);
    let files = server.builder().build().unwrap().files();
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
    drop(server);
}
