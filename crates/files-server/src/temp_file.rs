//! Streaming a body to a temporary file, with the size and quota limits checked
//! as the bytes arrive; the file is removed unless it is kept.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use tokio::io::AsyncWriteExt;

use crate::store::disk::Disk;

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
    /// The disk is full, or would keep less than its reserve.
    DiskFull,
    /// The disk failed.
    Io(std::io::Error),
}

impl WriteError {
    fn io(err: std::io::Error) -> Self {
        if crate::store::disk::is_full(&err) {
            Self::DiskFull
        } else {
            Self::Io(err)
        }
    }
}

/// How often (in bytes written) an upload checks the disk's free space.
const DISK_CHECK_EVERY: u64 = 1024 * 1024;

/// Writes `stream` to `temp`, fsyncs it, and returns its size. Stops reading as
/// soon as the size passes `max_size` or `quota_left`, or the disk would keep
/// less than its reserve (checked every [`DISK_CHECK_EVERY`] bytes).
pub(crate) async fn write_stream<S, E>(
    temp: &TempFile,
    mut stream: S,
    max_size: u64,
    quota_left: u64,
    disk: &Disk,
) -> Result<u64, WriteError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    disk.check(0).map_err(|_| WriteError::DiskFull)?;
    // The file and its buffer are made when the first bytes arrive: an upload
    // that stalls before its file part holds neither a descriptor nor a buffer.
    let mut out = None;
    let mut size: u64 = 0;
    let mut next_check = DISK_CHECK_EVERY;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| WriteError::Body(e.into()))?;
        size += chunk.len() as u64;
        if size > max_size {
            return Err(WriteError::TooLarge);
        }
        if size > quota_left {
            return Err(WriteError::QuotaExceeded);
        }
        if size >= next_check {
            next_check = size.saturating_add(DISK_CHECK_EVERY);
            disk.check(0).map_err(|_| WriteError::DiskFull)?;
        }
        let writer = match &mut out {
            Some(writer) => writer,
            None => out.insert(open(temp).await?),
        };
        writer.write_all(&chunk).await.map_err(WriteError::io)?;
    }
    let mut out = match out {
        Some(out) => out,
        None => open(temp).await?,
    };
    out.flush().await.map_err(WriteError::io)?;
    out.into_inner().sync_all().await.map_err(WriteError::io)?;
    Ok(size)
}

/// Each upload's write buffer.
const WRITE_BUFFER: usize = 64 * 1024;

async fn open(temp: &TempFile) -> Result<tokio::io::BufWriter<tokio::fs::File>, WriteError> {
    let file = tokio::fs::File::create(temp.path())
        .await
        .map_err(WriteError::io)?;
    Ok(tokio::io::BufWriter::with_capacity(WRITE_BUFFER, file))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn an_upload_stops_when_the_disk_would_keep_less_than_its_reserve() {
        let dir = tempfile::tempdir().unwrap();
        let disk = Arc::new(Disk::new(dir.path()));
        disk.set_min_free(1000);
        *disk.fake_free.lock().unwrap() = Some(u64::MAX);
        let temp = TempFile::new(dir.path().join("upload.part"));
        // 64 chunks of 64 KiB; after the first MiB something else fills the disk.
        let filling = Arc::clone(&disk);
        let chunks = futures_util::stream::iter(0..64).map(move |i| {
            if i == 16 {
                *filling.fake_free.lock().unwrap() = Some(999);
            }
            Ok::<_, std::io::Error>(Bytes::from(vec![0u8; 64 * 1024]))
        });
        let result = write_stream(&temp, Box::pin(chunks), u64::MAX, u64::MAX, &disk).await;
        assert!(matches!(result, Err(WriteError::DiskFull)), "{result:?}");
        let written = std::fs::metadata(temp.path()).map_or(0, |m| m.len());
        assert!(
            written <= 2 * DISK_CHECK_EVERY,
            "{written} bytes written after the disk filled"
        );
    }
}
