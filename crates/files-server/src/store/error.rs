//! Why storing failed, and the one way an I/O failure names its path.

use std::path::{Path, PathBuf};

use super::disk;

/// Why storing failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    #[error("the data directory {dir} is in use by another files-server (its lock {lock} is held)")]
    Locked { dir: PathBuf, lock: PathBuf },
    #[error("timestamp {ms} ms is out of range (the clock is too far ahead)")]
    TimestampOutOfRange { ms: i64 },
    #[error("storage quota of {quota} bytes exceeded ({used} bytes used)")]
    QuotaExceeded { quota: u64, used: u64 },
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

impl StoreError {
    /// Whether the error says the disk is full (an answer of its own, not a 500).
    pub(crate) fn is_disk_full(&self) -> bool {
        match self {
            Self::Io { source, .. } => disk::is_full(source),
            Self::Db(err) => disk::is_db_full(err),
            _ => false,
        }
    }
}

pub(super) fn io_err(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::Io { what, path, source }
}
