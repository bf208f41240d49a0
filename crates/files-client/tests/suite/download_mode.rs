//! A saved download gets the permissions `File::create` would give under the
//! process umask, not the temporary file's 0600.
//!
//! The umask is process-wide, so this test has a binary of its own: nothing else
//! creates files while it changes the mask.

use crate::support::server;

use std::os::unix::fs::PermissionsExt;

use rustix::fs::Mode;

#[tokio::test]
async fn saved_files_get_the_mode_file_create_gives_under_the_umask() {
    let (server, files) = server::start().await;
    let id = server::generated(&server, "m.bin", vec![7u8; 10_000]).await;
    let dir = tempfile::tempdir().unwrap();
    let previous = rustix::process::umask(Mode::from_raw_mode(0o022));
    for (umask, expected) in [
        (0o022, 0o644),
        (0o027, 0o640),
        (0o077, 0o600),
        (0o002, 0o664),
    ] {
        rustix::process::umask(Mode::from_raw_mode(umask));
        let reference = dir.path().join(format!("reference-{umask:o}"));
        std::fs::File::create(&reference).unwrap();
        let mode =
            |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode(&reference),
            expected,
            "File::create under umask {umask:o}"
        );

        let replaced = dir.path().join(format!("write-to-{umask:o}"));
        let new = dir.path().join(format!("write-to-new-{umask:o}"));
        files
            .download(&id)
            .await
            .unwrap()
            .write_to(&replaced)
            .await
            .unwrap();
        files
            .download(&id)
            .await
            .unwrap()
            .write_to_new(&new)
            .await
            .unwrap();
        assert_eq!(mode(&replaced), expected, "write_to under umask {umask:o}");
        assert_eq!(mode(&new), expected, "write_to_new under umask {umask:o}");
    }
    rustix::process::umask(previous);
    server.shutdown().await;
}
