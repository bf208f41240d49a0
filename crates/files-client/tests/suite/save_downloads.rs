//! Saving downloads to disk: any legal target name works (the temporary name
//! fits NAME_MAX), and `write_to_new` never replaces a file, even when many
//! writers race for one new name.

use crate::support::server;

use std::path::Path;
use std::sync::Arc;

use files_client::Error;
use server::{generated, start};

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn already_exists(err: &Error) -> bool {
    matches!(err, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists)
}

#[tokio::test]
async fn a_254_byte_target_name_works() {
    let (server, files) = start().await;
    let content: Vec<u8> = (0..50_000u32).map(|i| (i % 253) as u8).collect();
    let id = generated(&server, "long.bin", content.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    for name in [
        format!("{}.bin", "a".repeat(250)),
        // Multi-byte characters: the temporary name is cut at a char boundary.
        format!("{}.bin", "é".repeat(125)),
    ] {
        assert_eq!(name.len(), 254);
        let target = dir.path().join(&name);
        let written = files.download(&id).await.unwrap().write_to(&target).await;
        assert_eq!(written.unwrap(), 50_000, "write_to {}", name.len());
        assert_eq!(std::fs::read(&target).unwrap(), content);
        std::fs::remove_file(&target).unwrap();
        let written = files
            .download(&id)
            .await
            .unwrap()
            .write_to_new(&target)
            .await;
        assert_eq!(written.unwrap(), 50_000, "write_to_new");
        assert_eq!(std::fs::read(&target).unwrap(), content);
        assert_eq!(
            entries(dir.path()),
            [name.as_str()],
            "no temporary file left"
        );
        std::fs::remove_file(&target).unwrap();
    }
    server.shutdown().await;
}

#[tokio::test]
async fn write_to_new_never_replaces_an_existing_file() {
    let (server, files) = start().await;
    let id = generated(&server, "n.bin", vec![1u8; 20_000]).await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("n.bin");
    std::fs::write(&target, b"mine").unwrap();
    let err = files
        .download(&id)
        .await
        .unwrap()
        .write_to_new(&target)
        .await
        .unwrap_err();
    assert!(already_exists(&err), "{err:?}");
    assert_eq!(std::fs::read(&target).unwrap(), b"mine");
    assert_eq!(entries(dir.path()), ["n.bin"], "no temporary file left");

    // write_to replaces, as File::create would.
    files
        .download(&id)
        .await
        .unwrap()
        .write_to(&target)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), vec![1u8; 20_000]);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_writers_of_one_new_name_one_wins_the_rest_see_already_exists() {
    const WRITERS: usize = 16;
    let (server, files) = start().await;
    // Each writer downloads different content, so the file shows who won.
    let mut contents = Vec::new();
    let mut downloads = Vec::new();
    for i in 0..WRITERS {
        let content: Vec<u8> = (0..100_000u32)
            .map(|b| (b as usize * 7 + i) as u8)
            .collect();
        let id = generated(&server, &format!("r{i}.bin"), content.clone()).await;
        contents.push(content);
        downloads.push(files.download(&id).await.unwrap());
    }
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("race.bin");
    let start = Arc::new(tokio::sync::Barrier::new(WRITERS));
    let mut tasks = Vec::new();
    for download in downloads {
        let (start, target) = (Arc::clone(&start), target.clone());
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            download.write_to_new(&target).await
        }));
    }
    let mut winners = Vec::new();
    for (i, task) in tasks.into_iter().enumerate() {
        match task.await.unwrap() {
            Ok(written) => {
                assert_eq!(written, 100_000);
                winners.push(i);
            }
            Err(err) => assert!(already_exists(&err), "writer {i}: {err:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one writer wins: {winners:?}");
    assert_eq!(
        std::fs::read(&target).unwrap(),
        contents[winners[0]],
        "the winner's bytes, intact"
    );
    assert_eq!(entries(dir.path()), ["race.bin"], "no temporary file left");
    server.shutdown().await;
}
