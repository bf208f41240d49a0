//! A synchronous Anthropic Files API client: [`files_client`] behind one
//! background runtime thread, call for call, with the same models, parameters and
//! [`Error`] type.
//!
//! ```
//! use std::io::Read;
//! use files_blocking::{Client, FileUpload, ListParams};
//!
//! # let runtime = tokio::runtime::Runtime::new().unwrap();
//! # let server = runtime.block_on(files_server::FilesServer::start(Default::default())).unwrap();
//! # let content = vec![7u8; 1000];
//! # let generated = runtime.block_on(server.create_generated_file(files_server::GeneratedFile::new("out.bin", content.clone()))).unwrap();
//! let client = Client::builder().api_key("sk-ant-...").base_url(server.base_url()).build()?;
//! let files = client.files();
//!
//! let uploaded = files.upload(FileUpload::bytes("notes.txt", "hello"))?;
//! let names: Vec<String> = files
//!     .list_items(ListParams::new().limit(100))
//!     .map(|f| f.map(|f| f.filename))
//!     .collect::<Result<_, _>>()?;
//! assert_eq!(names, ["notes.txt", "out.bin"]); // newest first
//!
//! // A download is a std::io::Read.
//! let mut body = Vec::new();
//! files.download(&generated.id)?.read_to_end(&mut body)?;
//! assert_eq!(body, content);
//!
//! assert!(files.download(&uploaded.id).unwrap_err().is_file_not_downloadable());
//! files.delete(&uploaded.id)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The runtime thread
//!
//! Each [`Client`] (and its clones) owns one thread running a current-thread tokio
//! runtime, as reqwest's blocking client does: it drives connections, timers
//! and disk reads, while each call is polled on the caller's thread until it
//! is done (no round trip per item of a listing or chunk of a download).
//! Calling from inside an async runtime returns [`Error::Misuse`] at once
//! (blocking there could stall or deadlock it); use [`files_client::Client`] in
//! async code, or call from `tokio::task::spawn_blocking`.
//!
//! Uploads from a [`std::io::Read`] use [`FileUpload::sync_reader`].

mod bulk;
mod client;
mod download;
mod files;
mod paging;
mod runtime;

pub use bulk::BulkIter;
pub use client::{Client, ClientBuilder};
pub use download::Download;
pub use files::Files;
pub use files_client::{
    ApiError, ApiGeneration, BulkItem, BulkProgress, Credentials, DeletedFile, Error, ErrorCode,
    ErrorType, FileList, FileMetadata, FileUpload, ListParams, NotRetried, Progress, Purpose,
    RequestOptions, ResponseMeta, ResponseSlot, SavedFile, TimeoutPhase, UploadParams,
};
pub use paging::{FilePage, ItemIter, PageIter};
