//! The async Anthropic Files API client: upload, list, inspect, download and delete
//! files, for both API generations (beta, the default, and GA).
//!
//! ```
//! use files_client::{Client, FileUpload, ListParams};
//! use futures_util::TryStreamExt;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let server = files_server::FilesServer::start(Default::default()).await?;
//! # let base_url = server.base_url().to_owned();
//! // Client::from_env() reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL.
//! let client = Client::builder().api_key("sk-ant-...").base_url(base_url).build()?;
//! let files = client.files();
//!
//! // Upload: streamed from disk for paths; validated before the first byte is sent.
//! let uploaded = files
//!     .upload(FileUpload::bytes("notes.txt", "meeting at noon").on_progress(|p| {
//!         eprintln!("sent {} of {:?} bytes", p.bytes, p.total);
//!     }))
//!     .await?;
//! assert_eq!(uploaded.mime_type, "text/plain");
//!
//! // Inspect and list (auto-paging, lazily).
//! let same = files.retrieve_metadata(&uploaded.id).await?;
//! assert_eq!(same.filename, "notes.txt");
//! let all: Vec<_> = files.list_items(ListParams::new().limit(100)).try_collect().await?;
//! assert_eq!(all.len(), 1);
//!
//! // Uploaded files are not downloadable: a typed error says so.
//! let err = files.download(&uploaded.id).await.unwrap_err();
//! assert!(err.is_file_not_downloadable());
//!
//! files.delete(&uploaded.id).await?;
//! assert!(files.retrieve_metadata(&uploaded.id).await.unwrap_err().is_not_found());
//! # server.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Downloads stream: [`Download::into_stream`], [`Download::bytes`] under a cap,
//! or [`Download::write_to`] a path atomically (temporary file, fsync, rename);
//! [`Download::write_to_new`] never replaces an existing file (for names the
//! server chose).
//!
//! Failed requests are retried by the official SDKs' policy: at most 2 retries
//! by default; `x-should-retry`, then 408/409/429/5xx, connection errors and
//! timeouts; `retry-after-ms`/`retry-after`, else jittered backoff. A one-shot
//! upload stream is never re-sent once its first byte went out (the error
//! says so: [`Error::not_retried`]). Every request and attempt is traced with
//! `tracing`, and no credential is ever logged or shown by `Debug`.
//!
//! Timeouts follow the transfer ([`ClientBuilder::timeout`]: the longest an
//! attempt may go without progress): a stalled peer fails with
//! [`Error::Timeout`] naming the [`TimeoutPhase`]. An optional
//! limit bounds whole calls ([`ClientBuilder::operation_timeout`]).
//!
//! Any [`Transport`] can carry the requests ([`ClientBuilder::transport`]);
//! the default is files-transport's hyper + rustls client (feature `hyper`).
//!
//! # Over your own transport
//!
//! The client needs nothing of the crates above it, nor of hyper: with
//! `default-features = false` it runs over any [`Transport`] (for another
//! SDK, `files_transport::ReqwestTransport` over its own `reqwest::Client`,
//! feature `reqwest`). This one answers every request itself:
//!
//! ```
//! use async_trait::async_trait;
//! use files_client::files_transport::{RequestBody, ResponseBody, Transport, TransportError};
//! use files_client::Client;
//!
//! #[derive(Debug)]
//! struct Canned;
//!
//! #[async_trait]
//! impl Transport for Canned {
//!     async fn send(
//!         &self,
//!         request: http::Request<RequestBody>,
//!     ) -> Result<http::Response<ResponseBody>, TransportError> {
//!         assert_eq!(request.uri().path(), "/v1/files/file_1");
//!         Ok(http::Response::new(ResponseBody::from_bytes(
//!             r#"{"id":"file_1","type":"file","filename":"a.txt","mime_type":"text/plain","size_bytes":1,"created_at":"2026-01-01T00:00:00Z"}"#,
//!         )))
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), files_client::Error> {
//! let client = Client::builder().api_key("sk-ant-...").transport(Canned).build()?;
//! let file = client.files().retrieve_metadata("file_1").await?;
//! assert_eq!(file.filename, "a.txt");
//! # Ok(()) }
//! ```
//!
//! # Response metadata
//!
//! Every successful call can report its answer's status, headers and request
//! id, one way for all of them: see [`ResponseMeta`] and
//! [`RequestOptions::response_into`]. Failed calls carry theirs on the
//! [`Error`].
//!
//! # Logging
//!
//! The client logs through [`tracing`](https://docs.rs/tracing); nothing is
//! printed unless the host installs a subscriber. Secrets never appear:
//! headers are logged redacted.
//!
//! | target | level | event (fields) |
//! | --- | --- | --- |
//! | `files_client::client` | debug | span `files_request` (`method`, `path`; never the query) around every call |
//! | `files_client::client` | debug | `sending` (`attempt`); `succeeded` (`attempt`, `status`, `request_id`) |
//! | `files_client::client` | trace | `request headers` (`headers`, redacted) |
//! | `files_client::client` | info | `error answer` (`status`, `request_id`, `retry`); `retrying` (`attempt`, `delay_ms`, `error`); `throttled: sending again at the client's pace` (`attempt`, `error`) |
//! | `files_client::client` | warn | `not retrying: the one-shot body already started sending` (`attempt`, `error`) |
//! | `files_client::rate` | info | `throttled: send rate cut` (`from_rps`, `to_rps`) |
//! | `files_client::rate` | debug | `pausing every task of this client` (`delay_ms`) |
//! | `files_client::bulk` | debug | `trying a re-queued item again` (`index`) |
//!
//! `attempt` counts from 0; `request_id` is the answer's `request-id`
//! header (empty when it had none). The CLI maps `ANTHROPIC_LOG=info` and
//! `=debug` (or `--debug`) onto these levels.
//!
//! # Features
//!
//! | feature | default | what it adds |
//! | --- | --- | --- |
//! | `hyper` | yes | the default transport (hyper + rustls with ring, webpki roots) |
//! | `native-roots` | no | also trust the operating system's roots |
//! | `reqwest` | no | `files_transport::ReqwestTransport`, for a host's own reqwest 0.13 `reqwest::Client` |
//! | `reqwest-0-12` | no | `files_transport::Reqwest012Transport`, the same for a reqwest 0.12 client |

#![cfg_attr(docsrs, feature(doc_cfg))]

// The crate is layered; a module only imports from the layers below it.
//
// resource:          builder (ClientBuilder), files (Files), bulk, download, paging
// request building:  upload/, request, headers, options
// send loop:         client (Client and its retry loop)
// primitives:        config, error, retry, rate, local_failure, progress,
//                    content_disposition, save (atomic file writes)
mod builder;
mod bulk;
mod cursor_guard;
mod download;
mod files;
mod paging;

mod headers;
mod options;
mod request;
mod response_meta;
mod upload;

mod client;

mod adaptive_rate;
mod config;
mod content_disposition;
mod error;
mod file_name;
mod local_failure;
mod progress;
mod rate;
mod regular_file;
mod retry;
mod save;

// Entry points for the fuzz targets (`fuzz/`, docs/FUZZING.md); cargo-fuzz
// builds with `--cfg fuzzing`, nothing else does.
#[cfg(fuzzing)]
#[doc(hidden)]
#[path = "fuzz_entry.rs"]
pub mod __fuzz;

pub use builder::ClientBuilder;
pub use bulk::{BulkItem, BulkProgress, BulkStream, DEFAULT_CONCURRENCY, SavedFile};
pub use client::Client;
pub use config::{
    CHUNK_SIZE, Credentials, DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_THROTTLE_BUDGET,
    DEFAULT_TIMEOUT, USER_AGENT,
};
pub use cursor_guard::MAX_CURSOR_BYTES;
pub use download::Download;
pub use error::{ApiError, Error, MAX_ERROR_MESSAGE_BYTES, NotRetried};
pub use file_name::{MAX_FILE_NAME_BYTES, portable_file_name};
pub use files::Files;
pub use files_transport;
pub use files_transport::{TimeoutPhase, Transport};
pub use files_types;
pub use files_types::{
    ApiGeneration, DeletedFile, ErrorCode, ErrorType, FileList, FileMetadata, ListCursor,
    ListParams, MAX_FILE_SIZE_BYTES, Purpose, UploadParams, ValidationError,
};
pub use options::RequestOptions;
pub use paging::{FilePage, ItemStream, PageStream};
pub use progress::Progress;
pub use regular_file::open_regular_file;
pub use response_meta::{ResponseMeta, ResponseSlot};
pub use upload::FileUpload;
