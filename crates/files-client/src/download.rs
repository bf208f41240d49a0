//! [`Download`]: a file's content as it streams in.

use std::path::{Path, PathBuf};

use bytes::{Bytes, BytesMut};
use files_transport::ResponseBody;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use http::HeaderMap;

use crate::content_disposition::filename_from_content_disposition;
use crate::progress::{Progress, ProgressFn};
use crate::save::{self, Persist};
use crate::{Error, ResponseMeta};

/// The write buffer of [`Download::write_to`]: memory stays flat at about this
/// plus [`WRITE_QUEUE`] chunks.
const WRITE_BUFFER: usize = crate::config::CHUNK_SIZE;

/// Chunks queued for the writer of [`Download::write_to`].
const WRITE_QUEUE: usize = 4;

/// A download whose body has not been read yet. Read it once: as a stream, into
/// memory under a cap, or into a file (atomically).
///
/// Every way of reading checks the byte count against `Content-Length`: a body
/// that ends early is an [`Error::IncompleteBody`], never a short file.
#[must_use]
pub struct Download {
    meta: ResponseMeta,
    /// The `Content-Disposition` filename, made portable once.
    filename: Option<String>,
    body: ResponseBody,
    progress: Option<ProgressFn>,
    path: String,
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
    pub(crate) fn new(response: http::Response<ResponseBody>, path: String) -> Self {
        let (parts, body) = response.into_parts();
        let filename = parts
            .headers
            .get(http::header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .and_then(filename_from_content_disposition);
        Self {
            meta: ResponseMeta::new(parts.status, parts.headers),
            filename,
            body,
            progress: None,
            path,
        }
    }

    /// `Content-Length`, when the server sent it.
    pub fn content_length(&self) -> Option<u64> {
        self.meta
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
    }

    /// The MIME type (`Content-Type`).
    pub fn mime_type(&self) -> Option<&str> {
        self.meta
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    /// The filename from `Content-Disposition`, made safe to join to a
    /// directory on any platform by [`portable_file_name`](crate::portable_file_name).
    pub fn filename(&self) -> Option<&str> {
        self.filename.as_deref()
    }

    /// The `request-id` header.
    pub fn request_id(&self) -> Option<&str> {
        self.meta.request_id()
    }

    /// Every response header.
    pub fn headers(&self) -> &HeaderMap {
        self.meta.headers()
    }

    /// The status, headers and request id of the answer, as every call
    /// reports them ([`ResponseMeta`]).
    pub fn response(&self) -> &ResponseMeta {
        &self.meta
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
        Box::pin(CheckedBody {
            chunks: Box::pin(self.body.into_stream()),
            received: 0,
            expected,
            progress: self.progress,
            path: self.path,
            done: false,
        })
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
        // Never trust Content-Length for the allocation: start small, grow as bytes come.
        let initial = self
            .content_length()
            .unwrap_or(0)
            .min(max_bytes)
            .min(8 << 20);
        let mut out = BytesMut::with_capacity(usize::try_from(initial).unwrap_or(0));
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
    /// directory, fsynced, then renamed over `path`, replacing any file there (as
    /// `File::create` or `curl -o` would). On any failure (a broken connection, a
    /// short body, a full disk) the temporary file is removed and nothing appears
    /// at `path`. Returns the number of bytes written.
    ///
    /// The file gets the permissions `File::create` would give it (on Unix, 0666
    /// less the umask). The temporary file is named `.NAME.XXXXXX.part`, with
    /// `NAME` shortened when needed so that any name the file system accepts for
    /// `path` works. To never replace an existing file, use [`Download::write_to_new`].
    ///
    /// # Errors
    /// The directory cannot be written, or the body fails or ends early.
    pub async fn write_to(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        self.save(path.as_ref(), Persist::Overwrite).await
    }

    /// Writes the content to a new file at `path`, atomically, never replacing
    /// anything: as [`Download::write_to`], except that the finished file takes its
    /// place with an atomic no-clobber move (`renameat2(RENAME_NOREPLACE)`, or a
    /// hard link where that is not available), never a check then a rename. Use it
    /// for names that come from the server ([`Download::filename`]), like
    /// `File::create_new`.
    ///
    /// ```no_run
    /// # async fn example(download: files_client::Download) -> Result<(), files_client::Error> {
    /// use files_client::Error;
    ///
    /// let name = download.filename().unwrap_or("download").to_owned();
    /// match download.write_to_new(&name).await {
    ///     Ok(bytes) => println!("saved {name} ({bytes} bytes)"),
    ///     Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::AlreadyExists => {
    ///         eprintln!("{name} exists: not replaced");
    ///     }
    ///     Err(other) => return Err(other),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    /// Something already exists at `path`: an [`Error::Io`] whose source is of
    /// kind [`std::io::ErrorKind::AlreadyExists`] (the content was read, and is
    /// discarded). Otherwise as [`Download::write_to`].
    pub async fn write_to_new(self, path: impl AsRef<Path>) -> Result<u64, Error> {
        self.save(path.as_ref(), Persist::NoClobber).await
    }

    /// Writes the content next to `path` as [`Download::write_to_new`] does,
    /// but when something is already at `path`, saves it as `stem (1).ext`,
    /// `stem (2).ext`, … instead (each try an atomic no-clobber move, up to
    /// 999), as a browser does. Returns where it was saved and the bytes
    /// written.
    ///
    /// # Errors
    /// As [`Download::write_to_new`]; `AlreadyExists` only once every name is taken.
    pub async fn write_to_unique(self, path: impl AsRef<Path>) -> Result<(PathBuf, u64), Error> {
        let path = path.as_ref();
        let (saved, written) = self.save_as(path, Persist::UniqueName).await?;
        Ok((saved, written))
    }

    /// Streams the body into a temporary file next to `path`, then persists it.
    async fn save(self, path: &Path, mode: Persist) -> Result<u64, Error> {
        self.save_as(path, mode).await.map(|(_, written)| written)
    }

    /// As [`Download::save`], returning where the file went.
    async fn save_as(self, path: &Path, mode: Persist) -> Result<(PathBuf, u64), Error> {
        let temp = save::temp_file(&save::parent_dir(path), path.file_name())?;
        let (file, temp_path) = temp.into_parts();
        // A blocking writer drains a bounded queue, so that the disk write of one
        // chunk overlaps the network read of the next.
        let (sender, mut chunks) = tokio::sync::mpsc::channel::<Bytes>(WRITE_QUEUE);
        let writer = tokio::task::spawn_blocking(move || -> std::io::Result<u64> {
            use std::io::Write;
            let mut out = std::io::BufWriter::with_capacity(WRITE_BUFFER, file);
            let mut written: u64 = 0;
            while let Some(chunk) = chunks.blocking_recv() {
                out.write_all(&chunk)?;
                written += chunk.len() as u64;
            }
            let file = out
                .into_inner()
                .map_err(std::io::IntoInnerError::into_error)?;
            file.sync_all()?;
            Ok(written)
        });
        let mut stream = self.into_stream();
        let mut failure = None;
        while let Some(chunk) = stream.next().await {
            match chunk {
                Ok(chunk) => {
                    if sender.send(chunk).await.is_err() {
                        break; // the writer failed: its error is read below
                    }
                }
                Err(err) => {
                    failure = Some(err);
                    break;
                }
            }
        }
        drop(sender);
        let written = writer
            .await
            .map_err(|e| Error::io("cannot write", &*temp_path, std::io::Error::other(e)))?
            .map_err(|e| Error::io("cannot write", &*temp_path, e));
        if let Some(err) = failure {
            return Err(err); // temp_path is dropped: the partial file is removed
        }
        let written = written?;
        let saved = save::persist(temp_path, path, mode)?;
        Ok((saved, written))
    }
}

type Chunks = std::pin::Pin<
    Box<dyn futures_util::Stream<Item = Result<Bytes, files_transport::TransportError>> + Send>,
>;

/// The body's chunks, counted against `Content-Length` and reported to the
/// progress callback, with no allocation per chunk.
struct CheckedBody {
    chunks: Chunks,
    received: u64,
    expected: Option<u64>,
    progress: Option<ProgressFn>,
    path: String,
    done: bool,
}

impl futures_util::Stream for CheckedBody {
    type Item = Result<Bytes, Error>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        let item = match this.chunks.as_mut().poll_next(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(item) => item,
        };
        Poll::Ready(match item {
            Some(Ok(chunk)) => {
                this.received += chunk.len() as u64;
                if let Some(progress) = &this.progress {
                    progress.call(Progress::new(this.received, this.expected));
                }
                Some(Ok(chunk))
            }
            Some(Err(err)) => {
                this.done = true;
                Some(Err(Error::from_transport(
                    &http::Method::GET,
                    &this.path,
                    err,
                )))
            }
            None => {
                this.done = true;
                match this.expected {
                    Some(expected) if expected != this.received => {
                        Some(Err(Error::IncompleteBody {
                            expected,
                            received: this.received,
                        }))
                    }
                    _ => None,
                }
            }
        })
    }
}
