//! Server configuration.

use std::path::PathBuf;

use crate::Auth;

/// The per-file limit the server enforces by default: 500 MB, read as 500 × 10^6
/// bytes (the documentation does not say which megabyte; the client checks the
/// larger 500 MiB and leaves the last word to the server).
pub const DEFAULT_MAX_FILE_SIZE: u64 = 500 * 1000 * 1000;

/// The per-workspace storage quota by default: 500 GB.
pub const DEFAULT_STORAGE_QUOTA: u64 = 500 * 1000 * 1000 * 1000;

/// How the server behaves.
///
/// ```
/// use files_server::{Auth, ServerConfig};
///
/// let config = ServerConfig::new()
///     .data_dir("/tmp/files-store")
///     .max_file_size(1024 * 1024)
///     .storage_quota(10 * 1024 * 1024)
///     .uploads_downloadable(true)
///     .admin(true);
/// assert_eq!(config.max_file_size, 1024 * 1024);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServerConfig {
    /// Where files and metadata are kept; a temporary directory, removed when the
    /// server's handle is dropped, when `None`.
    pub data_dir: Option<PathBuf>,
    /// Which keys are accepted.
    pub auth: Auth,
    /// The largest file accepted, in bytes (413 `request_too_large` above it).
    pub max_file_size: u64,
    /// The bytes each workspace may store (403 in beta shape, 400
    /// `storage_quota_exceeded` in GA shape above it).
    pub storage_quota: u64,
    /// Development: uploaded files are downloadable too (normally only
    /// platform-generated files are).
    pub uploads_downloadable: bool,
    /// Serves the admin routes under `/_admin/v1/`: generated files, fault
    /// injection, the clock. Off by default.
    pub admin: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            data_dir: None,
            auth: Auth::Development,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            storage_quota: DEFAULT_STORAGE_QUOTA,
            uploads_downloadable: false,
            admin: false,
        }
    }
}

impl ServerConfig {
    /// The defaults: a temporary store, development auth, 500 MB files, 500 GB quota.
    pub fn new() -> Self {
        Self::default()
    }

    /// Keeps the store in `dir` (created if missing).
    pub fn data_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.data_dir = Some(dir.into());
        self
    }

    /// Sets which keys are accepted.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// Sets the largest file accepted.
    pub fn max_file_size(mut self, bytes: u64) -> Self {
        self.max_file_size = bytes;
        self
    }

    /// Sets each workspace's storage quota.
    pub fn storage_quota(mut self, bytes: u64) -> Self {
        self.storage_quota = bytes;
        self
    }

    /// Makes uploaded files downloadable (development).
    pub fn uploads_downloadable(mut self, yes: bool) -> Self {
        self.uploads_downloadable = yes;
        self
    }

    /// Serves the admin routes.
    pub fn admin(mut self, yes: bool) -> Self {
        self.admin = yes;
        self
    }
}
