//! Bulk operations against files-server over loopback: downloads into a
//! directory with no-clobber names, faults mid-batch ending with every file
//! stored once or reported failed, and cancellation leaving no partial file.

use std::collections::BTreeSet;
use std::time::Duration;

use files_client::{ApiGeneration, Client, FileUpload, RequestOptions};
use files_server::{Fault, FaultRoute, FilesServer, GeneratedFile, ServerConfig};
use futures_util::StreamExt;

async fn server() -> FilesServer {
    FilesServer::start(ServerConfig::new()).await.unwrap()
}

fn client(server: &FilesServer) -> Client {
    Client::builder()
        .api_key("sk-bulk")
        .base_url(server.base_url())
        .generation(ApiGeneration::Ga)
        .build()
        .unwrap()
}

fn names_in(dir: &std::path::Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[tokio::test]
async fn downloads_land_under_server_names_and_never_clobber() {
    let server = server().await;
    let mut ids = Vec::new();
    for (name, byte) in [("a.csv", 1u8), ("b.csv", 2), ("a.csv", 3), ("c.bin", 4)] {
        let file = server
            .create_generated_file(GeneratedFile::new(name, vec![byte; 10_000]))
            .await
            .unwrap();
        ids.push(file.id);
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("c.bin"), b"mine").unwrap();
    let results: Vec<_> = client(&server)
        .files()
        .download_many(ids.clone(), dir.path())
        .concurrency(4)
        .collect()
        .await;
    assert!(
        results.iter().all(|item| item.result.is_ok()),
        "{results:?}"
    );
    assert_eq!(
        names_in(dir.path()),
        ["a (1).csv", "a.csv", "b.csv", "c (1).bin", "c.bin"]
            .into_iter()
            .map(str::to_owned)
            .collect()
    );
    assert_eq!(
        std::fs::read(dir.path().join("c.bin")).unwrap(),
        b"mine",
        "not replaced"
    );
    for item in results {
        let saved = item.result.unwrap();
        assert_eq!(saved.file_id, ids[item.index]);
        assert_eq!(std::fs::read(&saved.path).unwrap().len(), 10_000);
        assert_eq!(saved.bytes, 10_000);
    }
}

#[tokio::test]
async fn faults_mid_batch_end_with_each_file_stored_once_or_reported() {
    let server = server().await;
    // 503s and 429s are retried; a dropped connection is retried too (bytes
    // bodies are replayable); a 400-class fault is reported.
    server
        .faults()
        .push(FaultRoute::Upload, Fault::status(503).retry_after_ms(5));
    server
        .faults()
        .push(FaultRoute::Upload, Fault::status(429).retry_after_ms(5));
    server
        .faults()
        .push(FaultRoute::Upload, Fault::DropConnection);
    server.faults().push(FaultRoute::Upload, Fault::status(413));
    let uploads = (0..30).map(|i| FileUpload::bytes(format!("u{i}.txt"), format!("body {i}")));
    let results: Vec<_> = client(&server)
        .files()
        .upload_many(uploads)
        .concurrency(6)
        .collect()
        .await;
    let stored = results.iter().filter(|item| item.result.is_ok()).count();
    let failed: Vec<_> = results.iter().filter(|item| item.result.is_err()).collect();
    assert_eq!(results.len(), 30);
    assert_eq!(failed.len(), 1, "only the 413 is final: {failed:?}");
    assert!(
        failed[0]
            .result
            .as_ref()
            .unwrap_err()
            .is_request_too_large()
    );
    assert_eq!(
        server.file_count().await.unwrap(),
        stored as u64,
        "each stored once"
    );
}

#[tokio::test]
async fn cancelling_a_download_batch_leaves_no_partial_file() {
    let server = server().await;
    let mut ids = Vec::new();
    for i in 0..6 {
        let file = server
            .create_generated_file(GeneratedFile::new(
                format!("big{i}.bin"),
                vec![7u8; 8 << 20],
            ))
            .await
            .unwrap();
        ids.push(file.id);
    }
    let dir = tempfile::tempdir().unwrap();
    let files = client(&server)
        .files()
        .with_options(RequestOptions::new().timeout(Duration::from_secs(30)));
    let mut stream = files.download_many(ids, dir.path()).concurrency(3);
    let first = stream.next().await.unwrap();
    assert!(first.result.is_ok());
    drop(stream);
    tokio::time::sleep(Duration::from_millis(200)).await;
    for name in names_in(dir.path()) {
        assert!(!name.starts_with('.'), "a temporary file was left: {name}");
        let len = std::fs::metadata(dir.path().join(&name)).unwrap().len();
        assert_eq!(len, 8 << 20, "{name} is whole");
    }
}
