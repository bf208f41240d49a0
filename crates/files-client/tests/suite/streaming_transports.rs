//! Large transfers stream over real loopback HTTP through each transport: a
//! 256 MiB file goes up from a path and comes back to a path, and the peak
//! memory of the process (client and in-process server together) barely
//! moves. One test in its own binary, so nothing else moves the peak.

use crate::support::memory;
use crate::support::via;

use files_client::{ApiGeneration, FileUpload};
use files_server::{FilesServer, ServerConfig};
use memory::peak_rss;
use via::{Via, builder};

const SIZE: u64 = 256 * 1024 * 1024;

async fn round_trip(via: Via) {
    let dir = tempfile::tempdir().unwrap();
    let config = ServerConfig::new()
        .uploads_downloadable(true)
        .max_file_size(SIZE + 1)
        .storage_quota(4 * SIZE);
    let server = FilesServer::start(config).await.unwrap();
    let path = dir.path().join("big.bin");
    {
        use std::io::Write;
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let block = vec![0x5au8; 1 << 20];
        for _ in 0..(SIZE >> 20) {
            file.write_all(&block).unwrap();
        }
    }
    let files = builder(via)
        .api_key("sk-stream")
        .base_url(server.base_url())
        .generation(ApiGeneration::Ga)
        .max_upload_bytes(SIZE + 1)
        .build()
        .unwrap()
        .files();
    let before = peak_rss();
    let file = files.upload(FileUpload::path(&path)).await.unwrap();
    assert_eq!(file.size_bytes, SIZE);
    let out = dir.path().join("back.bin");
    assert_eq!(
        files
            .download(&file.id)
            .await
            .unwrap()
            .write_to(&out)
            .await
            .unwrap(),
        SIZE
    );
    let grew = peak_rss().saturating_sub(before);
    assert!(
        grew < 96 << 20,
        "{via:?}: peak memory grew by {} MiB",
        grew >> 20
    );
    assert_eq!(std::fs::metadata(&out).unwrap().len(), SIZE);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_transfers_stream_with_flat_memory_over_each_transport() {
    round_trip(Via::Hyper).await;
    #[cfg(feature = "reqwest")]
    round_trip(Via::Reqwest).await;
}
