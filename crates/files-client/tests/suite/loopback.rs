//! The client over real loopback HTTP against files-server: the full lifecycle in
//! each generation, downloads to disk, retries against injected faults, and a
//! download cut short leaving nothing behind.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use files_client::{
    ApiGeneration, Client, Error, FileUpload, ListParams, RequestOptions, ResponseSlot,
};
use files_server::{Auth, Fault, FaultRoute, FilesServer, GeneratedFile, KeyTable, ServerConfig};
use futures_util::TryStreamExt;

use crate::support::via;

use via::{Via, builder};

async fn server(config: ServerConfig) -> FilesServer {
    FilesServer::start(config).await.unwrap()
}

fn client(via: Via, server: &FilesServer, generation: ApiGeneration) -> Client {
    builder(via)
        .api_key("sk-loopback")
        .base_url(server.base_url())
        .generation(generation)
        .build()
        .unwrap()
}

async fn lifecycle(via: Via, generation: ApiGeneration) {
    let server = server(ServerConfig::new()).await;
    let files = client(via, &server, generation).files();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, b"%PDF-1.7 loopback").unwrap();

    let sent = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&sent);
    let from_path = files
        .upload(FileUpload::path(&path).on_progress(move |p| seen.store(p.bytes, Ordering::SeqCst)))
        .await
        .unwrap();
    assert_eq!(
        (
            from_path.filename.as_str(),
            from_path.mime_type.as_str(),
            from_path.size_bytes
        ),
        ("report.pdf", "application/pdf", 17)
    );
    assert_eq!(
        sent.load(Ordering::SeqCst),
        17,
        "progress reached the whole file"
    );
    assert!(!from_path.downloadable);

    let mut ids = vec![from_path.id.clone()];
    for i in 0..4 {
        ids.push(
            files
                .upload(FileUpload::bytes(format!("n{i}.txt"), "x"))
                .await
                .unwrap()
                .id,
        );
    }
    assert_eq!(
        files.retrieve_metadata(&ids[2]).await.unwrap().filename,
        "n1.txt"
    );

    let listed: Vec<String> = files
        .list_items(ListParams::new().limit(2))
        .map_ok(|f| f.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, ids.iter().rev().cloned().collect::<Vec<_>>());
    let pages: Vec<_> = files
        .list_pages(ListParams::new().limit(2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);

    if generation == ApiGeneration::Beta {
        let newer: Vec<String> = files
            .list_items(ListParams::new().before_id(&ids[0]).limit(2))
            .map_ok(|f| f.id)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(newer.len(), 4, "walking backwards reaches every newer file");
    } else {
        let page = files
            .list(ListParams::new().ids([ids[1].clone(), ids[3].clone(), "file_gone".into()]))
            .await
            .unwrap();
        assert_eq!(
            page.data().iter().map(|f| f.id.clone()).collect::<Vec<_>>(),
            [ids[3].clone(), ids[1].clone()]
        );
        let expiring = files
            .upload(FileUpload::bytes("e.txt", "e").expires_in_seconds(3600))
            .await
            .unwrap();
        assert!(expiring.expires_at.is_some());
        server.advance_clock(Duration::from_secs(3601));
        assert!(
            files
                .retrieve_metadata(&expiring.id)
                .await
                .unwrap_err()
                .is_file_expired()
        );
    }

    let not_downloadable = files.download(&from_path.id).await.unwrap_err();
    assert!(
        not_downloadable.is_file_not_downloadable() && not_downloadable.is_bad_request(),
        "{not_downloadable}"
    );
    assert!(not_downloadable.request_id().unwrap().starts_with("req_"));

    let content: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let generated = server
        .create_generated_file(GeneratedFile::new("plot data.bin", content.clone()))
        .await
        .unwrap();
    let download = files.download(&generated.id).await.unwrap();
    assert_eq!(download.content_length(), Some(300_000));
    assert_eq!(download.filename(), Some("plot data.bin"));
    let target = dir.path().join("copy.bin");
    assert_eq!(download.write_to(&target).await.unwrap(), 300_000);
    assert_eq!(std::fs::read(&target).unwrap(), content);
    let in_memory = files
        .download(&generated.id)
        .await
        .unwrap()
        .bytes(1 << 20)
        .await
        .unwrap();
    assert_eq!(in_memory.as_ref(), content.as_slice());

    let deleted = files.delete(&from_path.id).await.unwrap();
    assert_eq!(deleted.id, from_path.id);
    assert!(
        files
            .retrieve_metadata(&from_path.id)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        files
            .delete(&from_path.id)
            .await
            .unwrap_err()
            .is_not_found()
    );
    server.shutdown().await;
}

async fn beta_lifecycle(via: Via) {
    lifecycle(via, ApiGeneration::Beta).await;
}

async fn ga_lifecycle(via: Via) {
    lifecycle(via, ApiGeneration::Ga).await;
}

async fn server_errors_reach_the_typed_error(via: Via) {
    let server = server(ServerConfig::new().max_file_size(1000).storage_quota(1500)).await;
    let beta = client(via, &server, ApiGeneration::Beta).files();
    let ga = client(via, &server, ApiGeneration::Ga).files();
    // 1000 bytes passes the client's 500 MiB check; the server's own limit answers 413.
    let too_large = beta
        .upload(FileUpload::bytes("big.bin", vec![0u8; 1001]))
        .await
        .unwrap_err();
    assert!(too_large.is_request_too_large(), "{too_large}");
    beta.upload(FileUpload::bytes("a.bin", vec![0u8; 1000]))
        .await
        .unwrap();
    let quota = beta
        .upload(FileUpload::bytes("q.bin", vec![0u8; 600]))
        .await
        .unwrap_err();
    assert!(
        quota.is_permission_denied() && quota.is_storage_quota_exceeded(),
        "{quota}"
    );
    let quota = ga
        .upload(FileUpload::bytes("q.bin", vec![0u8; 600]))
        .await
        .unwrap_err();
    assert!(
        quota.is_bad_request() && quota.is_storage_quota_exceeded(),
        "{quota}"
    );
}

async fn workspaces_and_keys(via: Via) {
    let mut keys = KeyTable::new();
    keys.insert("sk-a", "a");
    keys.insert("sk-b", "b");
    let server = server(ServerConfig::new().auth(Auth::Keys(keys))).await;
    let with_key = |key: &str| {
        builder(via)
            .api_key(key)
            .base_url(server.base_url())
            .build()
            .unwrap()
            .files()
    };
    let id = with_key("sk-a")
        .upload(FileUpload::bytes("a.txt", "a"))
        .await
        .unwrap()
        .id;
    assert!(
        with_key("sk-b")
            .retrieve_metadata(&id)
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        with_key("sk-wrong")
            .retrieve_metadata(&id)
            .await
            .unwrap_err()
            .is_authentication()
    );
}

async fn retries_against_injected_faults(via: Via) {
    let server = server(ServerConfig::new()).await;
    let files = client(via, &server, ApiGeneration::Beta).files();
    server
        .faults()
        .push(FaultRoute::Upload, Fault::status(429).retry_after_ms(10));
    server
        .faults()
        .push(FaultRoute::Upload, Fault::status(529).retry_after("0.01"));
    let uploaded = files
        .upload(FileUpload::bytes("r.txt", "retried"))
        .await
        .unwrap();
    assert_eq!(
        server.file_count().await.unwrap(),
        1,
        "the retried upload is stored once"
    );

    server
        .faults()
        .push(FaultRoute::Retrieve, Fault::status(500).should_retry(false));
    assert!(
        files
            .retrieve_metadata(&uploaded.id)
            .await
            .unwrap_err()
            .is_internal_server()
    );
    assert!(server.faults().is_empty());

    server
        .faults()
        .push(FaultRoute::Retrieve, Fault::DropConnection);
    assert_eq!(
        files.retrieve_metadata(&uploaded.id).await.unwrap().id,
        uploaded.id,
        "a dropped connection is retried"
    );

    server.faults().push(FaultRoute::List, Fault::ShortBody);
    let page = files.list(ListParams::new()).await.unwrap();
    assert_eq!(page.data().len(), 1, "a JSON answer cut short is retried");

    server.faults().push_times(
        FaultRoute::Retrieve,
        Fault::status(503).retry_after_ms(5),
        3,
    );
    let exhausted = files.retrieve_metadata(&uploaded.id).await.unwrap_err();
    assert!(exhausted.is_internal_server());

    // A one-shot stream is not sent again after a failure that followed its first byte.
    server
        .faults()
        .push(FaultRoute::Upload, Fault::status(503).retry_after_ms(5));
    let stream = futures_util::stream::iter([Ok(bytes::Bytes::from_static(b"once"))]);
    let err = files
        .upload(FileUpload::stream("s.txt", stream, Some(4)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Api(_)),
        "still the API's answer: {err:?}"
    );
    assert!(err.is_internal_server(), "{err:?}");
    assert_eq!(
        err.not_retried(),
        Some(files_client::NotRetried::OneShotBodySent),
        "{err:?}"
    );
    assert_eq!(server.file_count().await.unwrap(), 1);
}

async fn a_download_cut_short_leaves_no_file(via: Via) {
    let server = server(ServerConfig::new()).await;
    let files = client(via, &server, ApiGeneration::Ga)
        .files()
        .with_options(RequestOptions::new().timeout(Duration::from_secs(20)));
    let generated = server
        .create_generated_file(GeneratedFile::new("d.bin", vec![3u8; 500_000]))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("d.bin");
    for fault in [Fault::ShortBody, Fault::DropConnection] {
        server.faults().push(FaultRoute::Download, fault.clone());
        let err = match files.download(&generated.id).await {
            Ok(download) => download.write_to(&target).await.unwrap_err(),
            Err(err) => err,
        };
        assert!(err.is_connection(), "{fault:?}: {err:?}");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{fault:?} left a file"
        );
    }
    assert_eq!(
        files
            .download(&generated.id)
            .await
            .unwrap()
            .write_to(&target)
            .await
            .unwrap(),
        500_000
    );
}

/// Every call reports its answer's request id on success, one way: the slot
/// of `RequestOptions::response_into`; pages and downloads carry theirs too.
/// A failed call leaves the slot as it was and has the id on its error.
async fn request_ids_on_success_for_every_call(via: Via) {
    let server = server(ServerConfig::new().uploads_downloadable(true)).await;
    let slot = ResponseSlot::new();
    let files = client(via, &server, ApiGeneration::Beta)
        .files()
        .with_options(RequestOptions::new().response_into(&slot));
    let mut ids = std::collections::HashSet::new();
    let mut took = |what: &str| {
        let meta = slot
            .take()
            .unwrap_or_else(|| panic!("{what}: no answer in the slot"));
        assert!(meta.status().is_success(), "{what}: {meta:?}");
        let id = meta.request_id().unwrap().to_owned();
        assert!(
            ids.insert(id.clone()),
            "{what}: request id {id} seen before"
        );
        id
    };

    let file = files
        .upload(FileUpload::bytes("a.txt", "abc"))
        .await
        .unwrap();
    took("upload");
    files.retrieve_metadata(&file.id).await.unwrap();
    took("retrieve");
    let page = files.list(ListParams::new().limit(1)).await.unwrap();
    assert_eq!(took("list").as_str(), page.response().request_id().unwrap());
    let download = files.download(&file.id).await.unwrap();
    assert_eq!(Some(took("download").as_str()), download.request_id());
    assert_eq!(download.response().status(), http::StatusCode::OK);
    drop(download);
    files.delete(&file.id).await.unwrap();
    took("delete");

    let err = files.retrieve_metadata(&file.id).await.unwrap_err();
    assert!(slot.get().is_none(), "a failed call filled the slot");
    assert!(err.request_id().is_some(), "{err:?}");
    server.shutdown().await;
}

/// Runs every case above over each transport: `over_hyper::…`, with the
/// `reqwest` feature `over_reqwest::…` (reqwest 0.13), and with
/// `reqwest-0-12` `over_reqwest_0_12::…`.
macro_rules! over {
    ($module:ident, $via:expr) => {
        mod $module {
            use super::*;

            #[tokio::test]
            async fn beta_lifecycle() {
                super::beta_lifecycle($via).await;
            }

            #[tokio::test]
            async fn ga_lifecycle() {
                super::ga_lifecycle($via).await;
            }

            #[tokio::test]
            async fn server_errors_reach_the_typed_error() {
                super::server_errors_reach_the_typed_error($via).await;
            }

            #[tokio::test]
            async fn workspaces_and_keys() {
                super::workspaces_and_keys($via).await;
            }

            #[tokio::test]
            async fn retries_against_injected_faults() {
                super::retries_against_injected_faults($via).await;
            }

            #[tokio::test]
            async fn request_ids_on_success_for_every_call() {
                super::request_ids_on_success_for_every_call($via).await;
            }

            #[tokio::test]
            async fn a_download_cut_short_leaves_no_file() {
                super::a_download_cut_short_leaves_no_file($via).await;
            }
        }
    };
}

over!(over_hyper, Via::Hyper);
#[cfg(feature = "reqwest")]
over!(over_reqwest, Via::Reqwest);
#[cfg(feature = "reqwest-0-12")]
over!(over_reqwest_0_12, Via::Reqwest012);

/// tower both ways: a host's layers under the client, once per attempt; our
/// transport as a `tower::Service` in a host's stack.
#[cfg(feature = "tower")]
mod tower_layers {
    use std::sync::Mutex;
    use std::task::{Context, Poll};

    use files_client::files_transport::{HyperTransport, RequestBody, TransportService};
    use tower::{Service, ServiceBuilder, ServiceExt as _};

    use super::*;

    /// The host's own middleware: records each request it sees.
    #[derive(Clone)]
    struct Record<S> {
        inner: S,
        seen: Arc<Mutex<Vec<String>>>,
    }

    impl<S: Service<http::Request<RequestBody>>> Service<http::Request<RequestBody>> for Record<S> {
        type Response = S::Response;
        type Error = S::Error;
        type Future = S::Future;

        fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
            self.inner.poll_ready(cx)
        }

        fn call(&mut self, request: http::Request<RequestBody>) -> S::Future {
            let attempt = request.headers()["x-stainless-retry-count"]
                .to_str()
                .unwrap()
                .to_owned();
            let line = format!("{} {} #{attempt}", request.method(), request.uri().path());
            self.seen.lock().unwrap().push(line);
            self.inner.call(request)
        }
    }

    #[tokio::test]
    async fn a_host_layer_runs_once_per_attempt_inside_the_retries() {
        let server = server(ServerConfig::new()).await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stack = {
            let seen = Arc::clone(&seen);
            ServiceBuilder::new()
                .concurrency_limit(4)
                .layer_fn(move |inner| Record {
                    inner,
                    seen: Arc::clone(&seen),
                })
        };
        let files = Client::builder()
            .api_key("sk-tower")
            .base_url(server.base_url())
            .layer(stack)
            .build()
            .unwrap()
            .files();
        server.faults().push(FaultRoute::Upload, Fault::status(500));
        let file = files
            .upload(FileUpload::bytes("t.txt", "through tower"))
            .await
            .unwrap();
        assert_eq!(
            *seen.lock().unwrap(),
            ["POST /v1/files #0", "POST /v1/files #1"],
            "one pass through the layer per attempt"
        );
        files.delete(&file.id).await.unwrap();
        assert_eq!(seen.lock().unwrap().len(), 3);
        server.shutdown().await;
    }

    #[tokio::test]
    async fn our_transport_is_a_tower_service_in_a_hosts_stack() {
        let server = server(ServerConfig::new()).await;
        let service = ServiceBuilder::new()
            .concurrency_limit(1)
            .service(TransportService::new(HyperTransport::new().unwrap()));
        let request = http::Request::get(format!("{}/v1/files", server.base_url()))
            .header("x-api-key", "sk-tower")
            .header("anthropic-version", "2023-06-01")
            .header("anthropic-beta", "files-api-2025-04-14")
            .body(RequestBody::empty())
            .unwrap();
        let response = service.oneshot(request).await.unwrap();
        assert_eq!(response.status(), http::StatusCode::OK);
        let body = response.into_body().collect_capped(1 << 16).await.unwrap();
        assert!(body.starts_with(b"{"), "{body:?}");
        server.shutdown().await;
    }
}
