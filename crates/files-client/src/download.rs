//! [`Download`]: a file's content as it streams in.

use std::path::Path;

use bytes::{Bytes, BytesMut};
use files_transport::ResponseBody;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use http::HeaderMap;
use tokio::io::AsyncWriteExt;

use crate::client::request_id;
use crate::{Error, Progress, ProgressFn, filename_from_content_disposition};

/// A download whose body has not been read yet. Read it once: as a stream, into
/// memory under a cap, or into a file (atomically).
///
/// Every way of reading checks the byte count against `Content-Length`: a body
/// that ends early is an [`Error::IncompleteBody`], never a short file.
#[must_use]
pub struct Download {
    headers: HeaderMap,
    body: ResponseBody,
    progress: Option<ProgressFn>,
    path: String,
    timeout: std::time::Duration,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("content_length", &self.content_length())
            .field("mime_type", &self.mime_type())
            .field("filename", &self.filename())
            .field("request_id", &self.request_id())
            .finish_non_exhaustive()
    }
}

impl Download {
    pub(crate) fn new(
        response: http::Response<ResponseBody>,
        path: String,
        timeout: std::time::Duration,
    ) -> Self {
        let (parts, body) = response.into_parts();
        Self {
            headers: parts.headers,
            body,
            progress: None,
            path,
            timeout,
        }
    }

    /// `Content-Length`, when the server sent it.
    pub fn content_length(&self) -> Option<u64> {
        self.headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
    }

    /// The MIME type (`Content-Type`).
    pub fn mime_type(&self) -> Option<&str> {
        self.headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    /// The filename from `Content-Disposition`: its last path component only.
    pub fn filename(&self) -> Option<String> {
        self.headers
            .get(http::header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .and_then(filename_from_content_disposition)
    }

    /// The `request-id` header.
    pub fn request_id(&self) -> Option<String> {
        request_id(&self.headers)
    }

    /// Every response header.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Reports progress as bytes arrive.
    pub fn on_progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(ProgressFn::new(progress));
        self
    }

    /// The content as a stream of chunks. It ends with [`Error::IncompleteBody`]
    /// if the body stops short of `Content-Length`.
    pub fn into_stream(self) -> BoxStream<'static, Result<Bytes, Error>> {
        let expected = self.content_length();
        let Self {
            body,
            progress,
            path,
            timeout,
            ..
        } = self;
        let chunks = Box::pin(body.into_stream());
        futures_util::stream::try_unfold((chunks, 0u64), move |(mut chunks, received)| {
            let progress = progress.clone();
            let path = path.clone();
            async move {
                match chunks.next().await {
                    Some(Ok(chunk)) => {
                        let received = received + chunk.len() as u64;
                        if let Some(progress) = &progress {
                            progress.call(Progress::new(received, expected));
                        }
                        Ok(Some((chunk, (chunks, received))))
                    }
                    Some(Err(err)) => Err(Error::from_transport(
                        &http::Method::GET,
                        &path,
                        err,
                        timeout,
                    )),
                    None => match expected {
                        Some(expected) if expected != received => {
                            Err(Error::IncompleteBody { expected, received })
                        }
                        _ => Ok(None),
                    },
                }
            }
        })
        .boxed()
    }

    /// The whole content in memory, refused with [`Error::BodyTooLarge`] past
    /// `max_bytes` (checked against `Content-Length` before reading, and as it comes).
    ///
    /// # Errors
    /// The body is larger than `max_bytes`, ends early, or the connection fails.
    pub async fn bytes(self, max_bytes: u64) -> Result<Bytes, Error> {
        if self.content_length().is_some_and(|len| len > max_bytes) {
            return Err(Error::BodyTooLarge { max_bytes });
        }
        let mut out = BytesMut::with_capacity(
            usize::try_from(self.content_length().unwrap_or(0).min(max_bytes)).unwrap_or(0),
        );
        let mut stream = self.into_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            if out.len() as u64 + chunk.len() as u64 > max_bytes {
                return Err(Error::BodyTooLarge { max_bytes });
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out.freeze())
    }

    /// Writes the content to `path` atomically: into a temporary file in the same
    /// directory, fsynced, then renamed over `path`. On any failure (a broken
    /// connection, a short body, a full disk) the temporary file is removed and
    /// nothing appears at `path`. Returns the number of bytes written.
    ///
    /// # Errors
    /// The directory cannot be written, or the body fails or ends early.
    pub async fn write_to(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "download".to_owned());
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".part")
            .tempfile_in(&dir)
            .map_err(|e| Error::io("cannot create a temporary file in", &dir, e))?;
        let (file, temp_path) = temp.into_parts();
        let mut file = tokio::fs::File::from_std(file);
        let mut written: u64 = 0;
        let mut stream = self.into_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?; // on error, temp_path is dropped: the file is removed
            file.write_all(&chunk)
                .await
                .map_err(|e| Error::io("cannot write", &*temp_path, e))?;
            written += chunk.len() as u64;
        }
        file.flush()
            .await
            .map_err(|e| Error::io("cannot write", &*temp_path, e))?;
        file.sync_all()
            .await
            .map_err(|e| Error::io("cannot sync", &*temp_path, e))?;
        drop(file);
        temp_path
            .persist(path)
            .map_err(|e| Error::io("cannot rename a download to", path, e.error))?;
        sync_dir(&dir);
        Ok(written)
    }
}

/// Makes the rename durable (best effort: not every platform can sync a directory).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
