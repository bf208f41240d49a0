//! [`Download`]: a file's content, read as a [`std::io::Read`], into memory, or
//! into a file atomically.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use bytes::{Buf, Bytes};
use files_client::{Error, Progress, ResponseMeta};
use futures_util::StreamExt;
use http::HeaderMap;

use crate::Client;

/// A download whose body has not been read yet. It implements [`Read`]: each
/// read waits on the caller's thread for the next chunk, and a body that
/// ends short of `Content-Length` is an error, never a silent short read.
#[must_use]
pub struct Download {
    client: Client,
    pending: Option<files_client::Download>,
    content_length: Option<u64>,
    mime_type: Option<String>,
    filename: Option<String>,
    response: ResponseMeta,
    chunks: Option<futures_util::stream::BoxStream<'static, Result<Bytes, Error>>>,
    current: Bytes,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("content_length", &self.content_length)
            .field("mime_type", &self.mime_type)
            .field("filename", &self.filename)
            .finish_non_exhaustive()
    }
}

impl Download {
    pub(crate) fn new(client: Client, download: files_client::Download) -> Self {
        Self {
            client,
            content_length: download.content_length(),
            mime_type: download.mime_type().map(str::to_owned),
            filename: download.filename().map(str::to_owned),
            response: download.response().clone(),
            pending: Some(download),
            chunks: None,
            current: Bytes::new(),
        }
    }

    /// `Content-Length`, when the server sent it.
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }

    /// The MIME type (`Content-Type`).
    pub fn mime_type(&self) -> Option<&str> {
        self.mime_type.as_deref()
    }

    /// The filename from `Content-Disposition`, made safe to join to a
    /// directory (as [`files_client::Download::filename`]).
    pub fn filename(&self) -> Option<&str> {
        self.filename.as_deref()
    }

    /// The `request-id` header.
    pub fn request_id(&self) -> Option<&str> {
        self.response.request_id()
    }

    /// Every response header.
    pub fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }

    /// The status, headers and request id of the answer, as every call
    /// reports them ([`ResponseMeta`]).
    pub fn response(&self) -> &ResponseMeta {
        &self.response
    }

    /// Reports progress as bytes arrive (call before reading).
    pub fn on_progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.pending = self.pending.take().map(|d| d.on_progress(progress));
        self
    }

    fn take_pending(&mut self) -> Result<files_client::Download, Error> {
        self.pending
            .take()
            .ok_or_else(|| Error::Misuse("this download has already been read".into()))
    }

    /// The whole content in memory, refused past `max_bytes`.
    ///
    /// # Errors
    /// As [`files_client::Download::bytes`].
    pub fn bytes(mut self, max_bytes: u64) -> Result<Bytes, Error> {
        let download = self.take_pending()?;
        self.client.call(download.bytes(max_bytes))
    }

    /// Writes the content to `path` atomically (temporary file, fsync, rename);
    /// on failure nothing appears at `path`. Returns the number of bytes written.
    ///
    /// # Errors
    /// As [`files_client::Download::write_to`].
    pub fn write_to(mut self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let download = self.take_pending()?;
        self.client.call(download.write_to(path))
    }

    /// Writes the content to a new file at `path` atomically, never replacing an
    /// existing file (an atomic no-clobber move, for names the server chose).
    ///
    /// # Errors
    /// As [`files_client::Download::write_to_new`]: an [`Error::Io`] of kind
    /// [`io::ErrorKind::AlreadyExists`] if something is at `path`.
    pub fn write_to_new(mut self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let download = self.take_pending()?;
        let path = path.as_ref().to_path_buf();
        self.client
            .call(async move { download.write_to_new(path).await })
    }

    /// Writes the content next to `path` as [`Download::write_to_new`] does,
    /// but when something is already at `path`, saves it as `stem (1).ext`,
    /// `stem (2).ext`, …; returns where it was saved and the bytes written.
    ///
    /// # Errors
    /// As [`files_client::Download::write_to_unique`].
    pub fn write_to_unique(mut self, path: impl AsRef<Path>) -> Result<(PathBuf, u64), Error> {
        let download = self.take_pending()?;
        let path = path.as_ref().to_path_buf();
        self.client
            .call(async move { download.write_to_unique(path).await })
    }

    fn start_streaming(&mut self) -> io::Result<()> {
        let download = self.take_pending().map_err(io::Error::other)?;
        self.chunks = Some(download.into_stream());
        Ok(())
    }
}

impl Read for Download {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        while self.current.is_empty() {
            if self.chunks.is_none() {
                self.start_streaming()?;
            }
            let Some(chunks) = self.chunks.as_mut() else {
                return Ok(0);
            };
            match self.client.wait(chunks.next()).map_err(io::Error::other)? {
                Some(Ok(chunk)) => self.current = chunk,
                Some(Err(err)) => return Err(io::Error::other(err)),
                None => return Ok(0),
            }
        }
        let n = out.len().min(self.current.len());
        out[..n].copy_from_slice(&self.current[..n]);
        self.current.advance(n);
        Ok(n)
    }
}
