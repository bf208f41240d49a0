//! The blocking client against files-server over loopback: the lifecycle and error
//! scenarios of the async client, from plain threads; and the refusal to block
//! inside an async runtime.

use crate::support::server;

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use files_blocking::{ApiGeneration, Error, FileUpload, ListParams};
use files_server::{Fault, FaultRoute, ServerConfig};
use server::Server;

fn lifecycle(generation: ApiGeneration) {
    let server = Server::start(ServerConfig::new());
    let files = server.client(generation).files();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, b"from a path").unwrap();

    let sent = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&sent);
    let from_path = files
        .upload(FileUpload::path(&path).on_progress(move |p| seen.store(p.bytes, Ordering::SeqCst)))
        .unwrap();
    assert_eq!(
        (from_path.filename.as_str(), from_path.size_bytes),
        ("notes.txt", 11)
    );
    assert_eq!(sent.load(Ordering::SeqCst), 11);
    let from_bytes = files.upload(FileUpload::bytes("b.txt", "bytes")).unwrap();
    let from_reader = files
        .upload(FileUpload::sync_reader(
            "r.txt",
            std::io::Cursor::new(vec![b'r'; 300_000]),
            None,
        ))
        .unwrap();
    assert_eq!(from_reader.size_bytes, 300_000);
    assert_eq!(
        files.retrieve_metadata(&from_bytes.id).unwrap().filename,
        "b.txt"
    );

    let page = files.list(ListParams::new().limit(2)).unwrap();
    assert_eq!(page.data().len(), 2);
    assert!(page.has_next_page());
    let second = page.next_page().unwrap().unwrap();
    assert_eq!(second.data()[0].id, from_path.id);
    assert!(second.next_page().unwrap().is_none());
    let all: Vec<String> = files
        .list_items(ListParams::new().limit(1))
        .map(|f| f.unwrap().id)
        .collect();
    assert_eq!(
        all,
        [
            from_reader.id.clone(),
            from_bytes.id.clone(),
            from_path.id.clone()
        ]
    );
    assert_eq!(
        files.list_items(ListParams::new().limit(1)).take(2).count(),
        2
    );
    assert_eq!(files.list_pages(ListParams::new().limit(2)).count(), 2);

    let content: Vec<u8> = (0..700_000u32).map(|i| (i % 253) as u8).collect();
    let generated = server.generated("report.bin", content.clone());
    let mut download = files.download(&generated).unwrap();
    assert_eq!(download.content_length(), Some(700_000));
    assert_eq!(download.filename(), Some("report.bin"));
    let mut read = Vec::new();
    download.read_to_end(&mut read).unwrap();
    assert_eq!(read, content, "read as std::io::Read");
    assert_eq!(
        files
            .download(&generated)
            .unwrap()
            .bytes(1 << 20)
            .unwrap()
            .as_ref(),
        content.as_slice()
    );
    let target = dir.path().join("report.bin");
    assert_eq!(
        files
            .download(&generated)
            .unwrap()
            .write_to(&target)
            .unwrap(),
        700_000
    );
    assert_eq!(std::fs::read(&target).unwrap(), content);

    assert!(
        files
            .download(&from_path.id)
            .unwrap_err()
            .is_file_not_downloadable()
    );
    assert_eq!(files.delete(&from_path.id).unwrap().id, from_path.id);
    assert!(
        files
            .retrieve_metadata(&from_path.id)
            .unwrap_err()
            .is_not_found()
    );
}

#[test]
fn beta_lifecycle() {
    lifecycle(ApiGeneration::Beta);
}

#[test]
fn ga_lifecycle() {
    lifecycle(ApiGeneration::Ga);
}

#[test]
fn errors_retries_and_truncated_downloads() {
    let server = Server::start(ServerConfig::new().max_file_size(100));
    let files = server.client(ApiGeneration::Beta).files();
    assert!(
        files
            .upload(FileUpload::bytes("a|b", "x"))
            .unwrap_err()
            .is_invalid_input()
    );
    assert!(files.retrieve_metadata("").unwrap_err().is_invalid_input());
    assert!(
        files
            .upload(FileUpload::bytes("big", vec![0u8; 101]))
            .unwrap_err()
            .is_request_too_large()
    );

    server
        .server()
        .faults()
        .push(FaultRoute::Upload, Fault::status(429).retry_after_ms(5));
    files.upload(FileUpload::bytes("ok.txt", "ok")).unwrap();

    let generated = server.generated("g.bin", vec![1u8; 100]);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("g.bin");
    server
        .server()
        .faults()
        .push(FaultRoute::Download, Fault::ShortBody);
    assert!(
        files
            .download(&generated)
            .and_then(|d| d.write_to(&target))
            .unwrap_err()
            .is_connection()
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no partial file"
    );

    server
        .server()
        .faults()
        .push(FaultRoute::Download, Fault::DropConnection);
    let mut download = files.download(&generated).unwrap();
    let mut read = Vec::new();
    let err = download.read_to_end(&mut read).unwrap_err();
    assert!(
        read.len() < 100,
        "a cut body is an error, not a short read: {err}"
    );
}

#[test]
fn calls_from_inside_a_runtime_are_refused_not_deadlocked() {
    let server = Server::start(ServerConfig::new());
    let client = server.client(ApiGeneration::Beta);
    let inside = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let err = inside
        .block_on(async { client.files().retrieve_metadata("file_x") })
        .unwrap_err();
    assert!(
        matches!(err, Error::Misuse(ref message) if message.contains("async runtime")),
        "{err}"
    );
    // The client still works outside.
    assert!(
        client
            .files()
            .retrieve_metadata("file_x")
            .unwrap_err()
            .is_not_found()
    );
    // Dropping the last clone inside a runtime does not block it either.
    inside.block_on(async move { drop(client) });
}

#[test]
fn many_uploads_and_deletes_as_iterators() {
    let server = Server::start(ServerConfig::new());
    let files = server.client(ApiGeneration::Beta).files();
    let uploads = (0..60).map(|i| FileUpload::bytes(format!("n{i}.txt"), format!("note {i}")));
    let mut ids = vec![String::new(); 60];
    for item in files.upload_many(uploads).concurrency(8) {
        let file = item.result.unwrap();
        assert_eq!(file.filename, format!("n{}.txt", item.index));
        ids[item.index] = file.id;
    }
    let count = server.block_on(server.server().file_count()).unwrap();
    assert_eq!(count, 60, "each stored exactly once");
    let deleted = files
        .delete_many(ids.clone())
        .concurrency(8)
        .filter(|item| item.result.is_ok())
        .count();
    assert_eq!(deleted, 60);
    let count = server.block_on(server.server().file_count()).unwrap();
    assert_eq!(count, 0);
}

#[test]
fn a_beta_client_follows_ga_cursors_and_requeues_a_transient_failure() {
    let server = Server::start(ServerConfig::new().ga_listings(true));
    let files = server.client(ApiGeneration::Beta).files();
    // Three 503s: every attempt of the first item (1 + 2 retries).
    server
        .server()
        .faults()
        .push_times(FaultRoute::Upload, Fault::status(503), 3);
    let uploads = (0..7).map(|i| FileUpload::bytes(format!("p{i}.txt"), "x"));
    let results: Vec<_> = files.upload_many(uploads).concurrency(1).collect();
    assert!(
        results.iter().all(|item| item.result.is_ok()),
        "{results:?}"
    );
    assert_eq!(
        results.last().map(|item| (item.index, item.requeued)),
        Some((0, true))
    );
    // Pages of 2 in GA shapes, asked for in beta.
    let listed: Vec<String> = files
        .list_items(ListParams::new().limit(2))
        .map(|file| file.unwrap().filename)
        .collect();
    assert_eq!(listed.len(), 7, "{listed:?}");
    let first = files.list(ListParams::new().limit(3)).unwrap();
    assert!(first.raw().next_page.is_some());
    assert_eq!(first.next_page().unwrap().unwrap().data().len(), 3);
}

/// The blocking client reports request ids on success the same way as the
/// async one: the slot of `RequestOptions::response_into`, and each page and
/// download's own.
#[test]
fn request_ids_on_success_for_every_blocking_call() {
    let server = Server::start(ServerConfig::new().uploads_downloadable(true));
    let slot = files_blocking::ResponseSlot::new();
    let files = server
        .client(ApiGeneration::Beta)
        .files()
        .with_options(files_blocking::RequestOptions::new().response_into(&slot));
    let mut ids = std::collections::HashSet::new();
    let mut took = |what: &str| {
        let meta = slot
            .take()
            .unwrap_or_else(|| panic!("{what}: no answer in the slot"));
        let id = meta.request_id().unwrap().to_owned();
        assert!(
            ids.insert(id.clone()),
            "{what}: request id {id} seen before"
        );
        id
    };
    let file = files.upload(FileUpload::bytes("a.txt", "abc")).unwrap();
    took("upload");
    files.retrieve_metadata(&file.id).unwrap();
    took("retrieve");
    let page = files.list(ListParams::new().limit(1)).unwrap();
    assert_eq!(took("list").as_str(), page.response().request_id().unwrap());
    let download = files.download(&file.id).unwrap();
    assert_eq!(Some(took("download").as_str()), download.request_id());
    assert_eq!(download.response().status().as_u16(), 200);
    drop(download);
    files.delete(&file.id).unwrap();
    took("delete");
    assert!(files.retrieve_metadata(&file.id).is_err());
    assert!(slot.get().is_none(), "a failed call filled the slot");
}
