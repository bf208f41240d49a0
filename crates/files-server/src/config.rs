//! Server configuration.

use std::net::{Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use crate::{Auth, TlsConfig};

/// The per-file limit the server enforces by default: 500 MB, read as 500 × 10^6
/// bytes (the documentation does not say which megabyte; the client checks the
/// larger 500 MiB and leaves the last word to the server).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 500 * 1000 * 1000;

/// The per-workspace storage quota by default: 500 GB.
pub const DEFAULT_STORAGE_QUOTA: u64 = 500 * 1000 * 1000 * 1000;

/// How long a client may take to send a request's header, by default; it is also
/// how long an idle HTTP/1 keep-alive connection is kept.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a connection may carry no byte either way, by default.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// The longest header-read or idle timeout the server applies; a longer one is
/// served as this (hyper's timers add it to the clock, which would overflow).
/// The command line refuses longer values.
pub const MAX_CONNECTION_TIMEOUT: Duration = Duration::from_secs(24 * 60 * 60);

/// How many connections are served at once, by default.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// The largest request header (request line and every field), by default.
pub const DEFAULT_MAX_HEADER_BYTES: usize = 64 * 1024;

/// The most header fields a request may carry, by default.
pub const DEFAULT_MAX_HEADERS: usize = 100;

/// How often expired files are purged, by default.
pub const DEFAULT_PURGE_INTERVAL: Duration = Duration::from_secs(60);

/// The bytes that must stay free on the data directory's disk, by default:
/// uploads that would leave less are refused (507 with `x-should-retry: false`),
/// so that deletes, metadata and the uploads in progress always have room.
pub const DEFAULT_MIN_FREE_SPACE: u64 = 256 * 1024 * 1024;

/// The most HTTP/2 streams a connection may have open at once, by default
/// (hyper's own default is 200): more are refused with `REFUSED_STREAM`.
pub const DEFAULT_MAX_STREAMS_PER_CONNECTION: u32 = 32;

/// The most uploads received at once (each holds a temporary file), by default:
/// more get 503 with `retry-after`.
pub const DEFAULT_MAX_UPLOADS: usize = 128;

/// The most downloads sent at once (each holds an open file), by default: more
/// get 503 with `retry-after`.
pub const DEFAULT_MAX_DOWNLOADS: usize = 256;

/// The memory listing answers waiting to be sent may hold in all, by default:
/// more get 503 with `retry-after` (an answer the client does not read stays
/// in memory until its stream or connection ends).
pub const DEFAULT_MAX_ANSWER_MEMORY: usize = 16 * 1024 * 1024;

/// How long a request body may take before it must keep up the minimum rate,
/// by default (Apache mod_reqtimeout's `body=20`).
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(20);

/// The slowest a request body may arrive once its time is up, by default: each
/// such many bytes earn one more second (Apache mod_reqtimeout's `MinRate=500`).
pub const DEFAULT_BODY_MIN_RATE: u64 = 500;

/// How many connections may wait in the listen backlog, by default.
pub const DEFAULT_LISTEN_BACKLOG: u32 = 4096;

/// The secret that opens the admin routes. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminToken(String);

impl AdminToken {
    /// A token; the admin routes answer requests whose `x-admin-token` is exactly this.
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// The token's text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for AdminToken {
    type Err = String;

    /// A token from the command line; an empty one is refused.
    fn from_str(token: &str) -> Result<Self, Self::Err> {
        if token.trim().is_empty() {
            Err("the admin token is empty".into())
        } else {
            Ok(Self::new(token))
        }
    }
}

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

/// How the server behaves.
///
/// ```
/// use std::time::Duration;
/// use files_server::{Auth, ServerConfig};
///
/// let config = ServerConfig::new()
///     .data_dir("/tmp/files-store")
///     .max_file_size(1024 * 1024)
///     .storage_quota(10 * 1024 * 1024)
///     .uploads_downloadable(true)
///     .admin_token("s3cret")
///     .rate_limit(100)
///     .header_read_timeout(Duration::from_secs(10))
///     .max_connections(256);
/// assert!(!format!("{config:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServerConfig {
    /// Where the server listens.
    pub(crate) listen: SocketAddr,
    /// Where files and metadata are kept; a temporary directory, removed when the
    /// server's handle is dropped, when `None`.
    pub(crate) data_dir: Option<PathBuf>,
    /// Which keys are accepted.
    pub(crate) auth: Auth,
    /// The largest file accepted, in bytes (413 `request_too_large` above it).
    pub(crate) max_file_size: u64,
    /// The bytes each workspace may store (403 in beta shape, 400
    /// `storage_quota_exceeded` in GA shape above it).
    pub(crate) storage_quota: u64,
    /// Development: uploaded files are downloadable too (normally only
    /// platform-generated files are).
    pub(crate) uploads_downloadable: bool,
    /// Serves the admin routes under `/_admin/v1/` (generated files, fault
    /// injection, the clock) to requests carrying `x-admin-token` with this
    /// token. Without it (the default) the routes do not exist.
    pub(crate) admin_token: Option<AdminToken>,
    /// Answers every listing in GA shapes (`data`, `next_page`) and accepts
    /// `page` from beta requests too, as the live API has been seen doing
    /// since 2026-08. Off by default: each generation gets its own shape.
    pub(crate) ga_listings: bool,
    /// Requests per minute each workspace may make (a token bucket of this
    /// size, refilled evenly); above it, 429 `rate_limit_error`. Off when `None`.
    pub(crate) rate_limit: Option<NonZeroU32>,
    /// How long a client may take to send a request's header (and how long an
    /// idle HTTP/1 keep-alive connection is kept); `None` waits forever.
    pub(crate) header_read_timeout: Option<Duration>,
    /// A connection that carries no byte either way for this long is closed
    /// (idle HTTP/2 connections, stalled bodies); `None` keeps it.
    pub(crate) idle_timeout: Option<Duration>,
    /// How many connections are served at once; more wait to be accepted.
    pub(crate) max_connections: usize,
    /// The largest request header, in bytes (431 above it).
    pub(crate) max_header_bytes: usize,
    /// The most header fields a request may carry (431 above it).
    pub(crate) max_headers: usize,
    /// How often expired files are purged (they are also purged at start).
    pub(crate) purge_interval: Duration,
    /// Serve HTTPS with this certificate and key (HTTP/2 by ALPN); plain HTTP when `None`.
    pub(crate) tls: Option<TlsConfig>,
    /// Bytes that must stay free on the data directory's disk: an upload that
    /// would leave less is refused with 507 `Insufficient Storage` and
    /// `x-should-retry: false` (checked before the body is read and as it
    /// streams). Deletes are always served.
    pub(crate) min_free_space: u64,
    /// The most HTTP/2 streams a connection may have open at once (more are
    /// refused with `REFUSED_STREAM`); each stream's send buffer is 64 KiB.
    pub(crate) max_streams_per_connection: u32,
    /// The most uploads received at once, in all (503 with `retry-after` above).
    pub(crate) max_uploads: usize,
    /// The most downloads sent at once, in all (503 with `retry-after` above).
    pub(crate) max_downloads: usize,
    /// Bytes that listing answers waiting to be sent may hold in all (503
    /// with `retry-after` above).
    pub(crate) max_answer_memory: usize,
    /// A request body must be complete within this time, extended by one
    /// second for every `body_min_rate` bytes received; else 408 and the
    /// connection closes. `None` turns the limit off.
    pub(crate) body_timeout: Option<Duration>,
    /// Bytes a second a body must keep up once `body_timeout` is spent.
    pub(crate) body_min_rate: u64,
    /// How many connections may wait in the listen backlog.
    pub(crate) listen_backlog: u32,
    /// When another process owns the data directory, wait for it to let go
    /// instead of failing at once ([`ServerError::DataDirInUse`](crate::ServerError::DataDirInUse)).
    pub(crate) wait_for_data_dir: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            data_dir: None,
            auth: Auth::Development,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            storage_quota: DEFAULT_STORAGE_QUOTA,
            uploads_downloadable: false,
            admin_token: None,
            ga_listings: false,
            rate_limit: None,
            header_read_timeout: Some(DEFAULT_HEADER_READ_TIMEOUT),
            idle_timeout: Some(DEFAULT_IDLE_TIMEOUT),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
            max_headers: DEFAULT_MAX_HEADERS,
            purge_interval: DEFAULT_PURGE_INTERVAL,
            tls: None,
            wait_for_data_dir: false,
            min_free_space: DEFAULT_MIN_FREE_SPACE,
            max_streams_per_connection: DEFAULT_MAX_STREAMS_PER_CONNECTION,
            max_uploads: DEFAULT_MAX_UPLOADS,
            max_downloads: DEFAULT_MAX_DOWNLOADS,
            max_answer_memory: DEFAULT_MAX_ANSWER_MEMORY,
            body_timeout: Some(DEFAULT_BODY_TIMEOUT),
            body_min_rate: DEFAULT_BODY_MIN_RATE,
            listen_backlog: DEFAULT_LISTEN_BACKLOG,
        }
    }
}

impl ServerConfig {
    /// The defaults: `127.0.0.1` on a free port, a temporary store, development
    /// auth, 500 MB files, 500 GB quota, no admin routes, no rate limit, plain HTTP.
    pub fn new() -> Self {
        Self::default()
    }

    /// Listens on `addr` (port 0 picks a free port; the default is
    /// `127.0.0.1:0`). [`FilesServer::local_addr`](crate::FilesServer::local_addr)
    /// says which port was taken.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Keeps the store in `dir` (created if missing). Without it the store is a
    /// temporary directory, removed when the server is dropped.
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// Sets which keys are accepted ([`Auth::Development`] by default).
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// Sets the largest file accepted, in bytes (413 `request_too_large` above
    /// it; [`DEFAULT_MAX_FILE_SIZE`] by default).
    pub fn max_file_size(mut self, bytes: u64) -> Self {
        self.max_file_size = bytes;
        self
    }

    /// Sets the bytes each workspace may store (403 in beta shape, 400
    /// `storage_quota_exceeded` in GA shape above it; [`DEFAULT_STORAGE_QUOTA`]
    /// by default).
    pub fn storage_quota(mut self, bytes: u64) -> Self {
        self.storage_quota = bytes;
        self
    }

    /// Development: makes uploaded files downloadable too (normally only
    /// platform-generated files are).
    pub fn uploads_downloadable(mut self, yes: bool) -> Self {
        self.uploads_downloadable = yes;
        self
    }

    /// Answers every listing in GA shapes (`data`, `next_page`) and accepts
    /// `page` from beta requests too, as the live API has been seen doing since
    /// 2026-08. Off by default: each generation gets its own shape.
    pub fn ga_listings(mut self, yes: bool) -> Self {
        self.ga_listings = yes;
        self
    }

    /// Serves the admin routes under `/_admin/v1/` (generated files, fault
    /// injection, the clock) to requests carrying `x-admin-token: TOKEN`.
    /// Without it (the default) the routes do not exist.
    pub fn admin_token(mut self, token: impl Into<String>) -> Self {
        self.admin_token = Some(AdminToken::new(token));
        self
    }

    /// Limits each workspace to `per_minute` requests a minute (a token bucket
    /// of this size, refilled evenly; above it, 429 `rate_limit_error`). 0, the
    /// default, turns the limit off.
    pub fn rate_limit(mut self, per_minute: u32) -> Self {
        self.rate_limit = NonZeroU32::new(per_minute);
        self
    }

    /// Sets how long a client may take to send a request's header (and how long
    /// an idle HTTP/1 keep-alive connection is kept); `None` waits forever. At
    /// most [`MAX_CONNECTION_TIMEOUT`]; [`DEFAULT_HEADER_READ_TIMEOUT`] by default.
    pub fn header_read_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.header_read_timeout = timeout.into();
        self
    }

    /// Sets how long a connection may carry no byte either way before it is
    /// closed (idle HTTP/2 connections, stalled bodies); `None` keeps it. At most
    /// [`MAX_CONNECTION_TIMEOUT`]; [`DEFAULT_IDLE_TIMEOUT`] by default.
    pub fn idle_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.idle_timeout = timeout.into();
        self
    }

    /// Sets how many connections are served at once (at least 1); more wait to
    /// be accepted.
    pub fn max_connections(mut self, connections: usize) -> Self {
        // tokio's semaphore holds at most MAX_PERMITS; more would panic at start.
        self.max_connections = connections.clamp(1, tokio::sync::Semaphore::MAX_PERMITS);
        self
    }

    /// Sets the largest request header in bytes (at least 8 KiB; 431 above it).
    pub fn max_header_bytes(mut self, bytes: usize) -> Self {
        self.max_header_bytes = bytes.max(8 * 1024);
        self
    }

    /// Sets the most header fields a request may carry (431 above it).
    pub fn max_headers(mut self, count: usize) -> Self {
        self.max_headers = count.max(1);
        self
    }

    /// Sets how often expired files are purged (they are also purged at start).
    pub fn purge_interval(mut self, every: Duration) -> Self {
        self.purge_interval = every.max(Duration::from_millis(10));
        self
    }

    /// Serves HTTPS with `tls` (HTTP/2 by ALPN); plain HTTP without it.
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Sets the bytes that must stay free on the data directory's disk: an
    /// upload that would leave less is refused with 507 `Insufficient Storage`
    /// and `x-should-retry: false` (checked before the body is read and as it
    /// streams). Deletes are always served.
    pub fn min_free_space(mut self, bytes: u64) -> Self {
        self.min_free_space = bytes;
        self
    }

    /// Sets the most HTTP/2 streams a connection may have open at once (at
    /// least 1; more are refused with `REFUSED_STREAM`); each stream's send
    /// buffer is 64 KiB.
    pub fn max_streams_per_connection(mut self, streams: u32) -> Self {
        self.max_streams_per_connection = streams.max(1);
        self
    }

    /// Sets the most uploads received at once, in all (at least 1; 503 with
    /// `retry-after` above).
    pub fn max_uploads(mut self, uploads: usize) -> Self {
        self.max_uploads = uploads.clamp(1, tokio::sync::Semaphore::MAX_PERMITS);
        self
    }

    /// Sets the most downloads sent at once, in all (at least 1; 503 with
    /// `retry-after` above).
    pub fn max_downloads(mut self, downloads: usize) -> Self {
        self.max_downloads = downloads.clamp(1, tokio::sync::Semaphore::MAX_PERMITS);
        self
    }

    /// Sets the bytes listing answers waiting to be sent may hold in all (at
    /// least 1 MiB; 503 with `retry-after` above).
    pub fn max_answer_memory(mut self, bytes: usize) -> Self {
        self.max_answer_memory = bytes.max(1024 * 1024);
        self
    }

    /// Sets how long a request body may take before it must keep up
    /// `min_rate` bytes a second: the body must be complete within `timeout`,
    /// extended by one second for every `min_rate` bytes received; else 408 and
    /// the connection closes. `None` turns the limit off.
    pub fn body_timeout(mut self, timeout: impl Into<Option<Duration>>, min_rate: u64) -> Self {
        self.body_timeout = timeout.into();
        self.body_min_rate = min_rate.max(1);
        self
    }

    /// Sets how many connections may wait in the listen backlog (at least 1).
    pub fn listen_backlog(mut self, backlog: u32) -> Self {
        self.listen_backlog = backlog.max(1);
        self
    }

    /// Waits for another owner of the data directory to let go instead of
    /// failing at once with [`ServerError::DataDirInUse`](crate::ServerError::DataDirInUse).
    pub fn wait_for_data_dir(mut self, yes: bool) -> Self {
        self.wait_for_data_dir = yes;
        self
    }
}
