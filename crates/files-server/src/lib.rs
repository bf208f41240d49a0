//! A faithful, durable local Anthropic Files API server: the embedded default of
//! anthropic-files and the peer its tests talk to over real HTTP.
//!
//! - Both API generations on one port: a request whose `anthropic-beta` names
//!   `files-api-2025-04-14` gets beta shapes, any other GA shapes. `?beta=true` is
//!   accepted and ignored; `x-api-key` and `authorization: Bearer` are accepted.
//! - Development auth (any non-empty key, one shared workspace) or a key table
//!   ([`Auth::Keys`]): a key of another workspace gets 404 for files it cannot see.
//! - Storage that loses nothing: metadata in SQLite, bytes in files written to a
//!   temporary file, fsynced and renamed before the metadata commits. A dropped
//!   upload leaves nothing; a restart shows every completed file.
//! - Every rule of the contract: filename validation, the per-file limit (413,
//!   detected while streaming), the workspace quota, paging in time proportional to
//!   the page, expiry, downloadability, `request-id` everywhere.
//! - Test helpers: platform-generated files ([`FilesServer::create_generated_file`]
//!   or the admin routes, behind an admin token), a settable clock, and fault
//!   injection ([`FaultQueue`]); with the `test-util` feature, fixtures for
//!   the tests of its clients (`test_util`: a test PKI, a server on a runtime
//!   of its own, a misbehaving raw peer).
//! - Safe under hostile load: every input a client controls is bounded (header
//!   size and count, a header-read timeout, an idle timeout, a connection cap,
//!   multipart part headers, the whole multipart stream), an optional
//!   per-workspace rate limit, one server per data directory, expired files
//!   purged, and HTTPS (rustls, HTTP/2 by ALPN). See [`ServerConfig`].
//!
//! ```
//! use files_server::{FilesServer, GeneratedFile, ServerConfig};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = FilesServer::start(ServerConfig::new()).await?;
//! let report = server
//!     .create_generated_file(GeneratedFile::new("report.csv", "a,b\n1,2\n"))
//!     .await?;
//! assert!(report.downloadable);
//! assert_eq!(report.mime_type, "text/csv");
//! assert!(server.base_url().starts_with("http://127.0.0.1:"));
//! server.shutdown().await;
//! # Ok(()) }
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
mod clock;
mod config;
mod connection;
mod dispatch;
mod faults;
mod idle;
mod ids;
mod rate_limit;
mod routes;
mod server;
mod shed;
mod stall;
mod state;
mod store;
mod temp_file;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod test_util;
mod tls;
mod wire;

// Entry points for the fuzz targets (`fuzz/`, docs/FUZZING.md); cargo-fuzz
// builds with `--cfg fuzzing`, nothing else does.
#[cfg(fuzzing)]
#[doc(hidden)]
#[path = "fuzz_entry.rs"]
pub mod __fuzz;

pub use auth::{Auth, DEFAULT_WORKSPACE, KeyFileError, KeyTable};
pub use config::{
    AdminToken, DEFAULT_BODY_MIN_RATE, DEFAULT_BODY_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT,
    DEFAULT_IDLE_TIMEOUT, DEFAULT_LISTEN_BACKLOG, DEFAULT_MAX_ANSWER_MEMORY,
    DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_DOWNLOADS, DEFAULT_MAX_FILE_SIZE,
    DEFAULT_MAX_HEADER_BYTES, DEFAULT_MAX_HEADERS, DEFAULT_MAX_STREAMS_PER_CONNECTION,
    DEFAULT_MAX_UPLOADS, DEFAULT_MIN_FREE_SPACE, DEFAULT_PURGE_INTERVAL, DEFAULT_STORAGE_QUOTA,
    MAX_CONNECTION_TIMEOUT, ServerConfig,
};
pub use faults::{Fault, FaultQueue, FaultRoute};
pub use routes::admin::GeneratedFile;
pub use server::{FilesServer, ServerError};
pub use tls::{TlsConfig, TlsError};
