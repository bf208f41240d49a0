//! Uploads and downloads stream: a 400 MiB file goes through in bounded chunks and
//! the process's peak memory barely moves.

use crate::support::memory;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use bytes::Bytes;
use files_client::{Client, FileUpload};
use files_transport::{RequestBody, ResponseBody, Transport, TransportError};
use http_body_util::BodyExt;
use memory::peak_rss;

const SIZE: u64 = 400 * 1024 * 1024;
const META: &str = r#"{"id":"file_big","type":"file","filename":"big.bin","mime_type":"application/octet-stream","size_bytes":419430400,"created_at":"2026-01-01T00:00:00Z"}"#;

/// Consumes request bodies frame by frame, keeping only counts; answers a
/// download with `SIZE` zero bytes generated chunk by chunk.
#[derive(Debug, Default)]
struct Counting {
    bytes: AtomicU64,
    frames: AtomicU64,
    largest: AtomicU64,
}

#[async_trait]
impl Transport for Counting {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ResponseBody>, TransportError> {
        let (parts, mut body) = request.into_parts();
        if parts.method == http::Method::GET {
            let chunk = Bytes::from(vec![0u8; 64 * 1024]);
            let chunks = (SIZE / chunk.len() as u64) as usize;
            let stream = futures_util::stream::iter((0..chunks).map(move |_| Ok(chunk.clone())));
            return Ok(http::Response::builder()
                .header("content-length", SIZE)
                .body(ResponseBody::from_stream(stream))
                .unwrap());
        }
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame?.into_data() {
                self.bytes.fetch_add(data.len() as u64, Ordering::Relaxed);
                self.frames.fetch_add(1, Ordering::Relaxed);
                self.largest.fetch_max(data.len() as u64, Ordering::Relaxed);
            }
        }
        Ok(http::Response::builder()
            .header("content-type", "application/json")
            .body(ResponseBody::from_bytes(META))
            .unwrap())
    }
}

/// One test, run in sequence: the peak RSS (VmHWM) is process-wide, so a test
/// running in parallel could raise it first and hide a regression here.
#[tokio::test]
async fn large_transfers_stream_with_flat_memory() {
    a_large_upload_from_a_path_streams_in_bounded_chunks().await;
    a_large_download_to_a_path_streams().await;
}

async fn a_large_upload_from_a_path_streams_in_bounded_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.bin");
    std::fs::File::create(&path).unwrap().set_len(SIZE).unwrap(); // sparse: no disk used
    let transport = Arc::new(Counting::default());
    let client = Client::builder()
        .api_key("k")
        .transport(transport.clone())
        .build()
        .unwrap();
    let progress = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&progress);

    let before = peak_rss();
    client
        .files()
        .upload(
            FileUpload::path(&path).on_progress(move |p| seen.store(p.bytes, Ordering::Relaxed)),
        )
        .await
        .unwrap();
    let grown = peak_rss().saturating_sub(before);

    let sent = transport.bytes.load(Ordering::Relaxed);
    assert!(
        sent > SIZE && sent < SIZE + 1024,
        "the whole file plus multipart framing: {sent}"
    );
    assert!(
        transport.largest.load(Ordering::Relaxed) <= 1024 * 1024,
        "no chunk above 1 MiB"
    );
    assert!(
        transport.frames.load(Ordering::Relaxed) >= SIZE / (1024 * 1024),
        "many chunks, not one buffer"
    );
    assert_eq!(progress.load(Ordering::Relaxed), SIZE);
    assert!(
        grown < 64 * 1024 * 1024,
        "peak memory grew by {} MiB for a 400 MiB upload",
        grown >> 20
    );
}

async fn a_large_download_to_a_path_streams() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.bin");
    let client = Client::builder()
        .api_key("k")
        .transport(Arc::new(Counting::default()))
        .build()
        .unwrap();
    let before = peak_rss();
    let written = client
        .files()
        .download("file_big")
        .await
        .unwrap()
        .write_to(&target)
        .await
        .unwrap();
    let grown = peak_rss().saturating_sub(before);
    assert_eq!(written, SIZE);
    assert_eq!(std::fs::metadata(&target).unwrap().len(), SIZE);
    assert!(
        grown < 64 * 1024 * 1024,
        "peak memory grew by {} MiB for a 400 MiB download",
        grown >> 20
    );
}
