//! Streaming a body to a temporary file, with the size and quota limits checked
//! as the bytes arrive; the file is removed unless it is kept.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use tokio::io::AsyncWriteExt;

/// A temporary file that is removed when dropped, unless [`TempFile::keep`] is called.
#[derive(Debug)]
pub(crate) struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl TempFile {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self { path, keep: false }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The file has been moved elsewhere: do not remove it.
    pub(crate) fn keep(mut self) {
        self.keep = true;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Why a body could not be stored.
#[derive(Debug)]
pub(crate) enum WriteError {
    /// More than the per-file limit.
    TooLarge,
    /// More than the workspace has left.
    QuotaExceeded,
    /// The body itself failed (the client went away, bad framing).
    Body(Box<dyn std::error::Error + Send + Sync>),
    /// The disk failed.
    Io(std::io::Error),
}

/// Writes `stream` to `temp`, fsyncs it, and returns its size. Stops reading as
/// soon as the size passes `max_size` or `quota_left`.
pub(crate) async fn write_stream<S, E>(
    temp: &TempFile,
    mut stream: S,
    max_size: u64,
    quota_left: u64,
) -> Result<u64, WriteError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let file = tokio::fs::File::create(temp.path())
        .await
        .map_err(WriteError::Io)?;
    let mut out = tokio::io::BufWriter::with_capacity(256 * 1024, file);
    let mut size: u64 = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| WriteError::Body(e.into()))?;
        size += chunk.len() as u64;
        if size > max_size {
            return Err(WriteError::TooLarge);
        }
        if size > quota_left {
            return Err(WriteError::QuotaExceeded);
        }
        out.write_all(&chunk).await.map_err(WriteError::Io)?;
    }
    out.flush().await.map_err(WriteError::Io)?;
    out.into_inner().sync_all().await.map_err(WriteError::Io)?;
    Ok(size)
}
