//! [`FileUpload`]: what to upload, checked in full before the first byte is
//! sent, and turned into its streamed `multipart/form-data` request.
//!
//! * [`source`]: a path, bytes or a stream, opened into one shape (a default
//!   filename, a length, a body per attempt or one sent once);
//! * [`multipart`]: the framing around the file's bytes;
//! * [`file_reader`]: reading a file from disk, ahead of the network;
//! * [`limits`]: the size, filename and MIME type rules.

mod file_reader;
pub(crate) mod limits;
pub(crate) mod multipart;
mod source;

use std::io::{self, Read as _};
use std::path::PathBuf;

use bytes::Bytes;
use files_transport::RequestBody;
use files_types::{ApiGeneration, Purpose, UploadParams, ValidationError};
use futures_util::{Stream, StreamExt, TryStreamExt};
use http::Method;
use tokio::io::AsyncRead;

use self::limits::check_name;
use self::multipart::Framing;
use self::source::{ContentBody, Rules, Source};
use crate::Error;
use crate::config::CHUNK_SIZE;
use crate::local_failure::LocalFailure;
use crate::progress::{Progress, ProgressFn};
use crate::request::RequestSpec;

/// A file to upload: from a path, from bytes, or from a one-shot stream or reader.
///
/// ```
/// use files_client::{FileUpload, Purpose};
///
/// let from_disk = FileUpload::path("report.pdf");
/// let from_memory = FileUpload::bytes("notes.txt", "hello").mime_type("text/plain");
/// let batch = FileUpload::path("requests.jsonl").purpose(Purpose::Batch);
/// let expiring = FileUpload::bytes("tmp.txt", "x").expires_in_seconds(3_600); // GA
/// # let _ = (from_disk, from_memory, batch, expiring);
/// ```
#[must_use]
pub struct FileUpload {
    source: Source,
    params: UploadParams,
    progress: Option<ProgressFn>,
}

impl std::fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileUpload")
            .field("source", &self.source.describe())
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

impl FileUpload {
    /// The file at `path`, streamed from disk. Its name is the path's last
    /// component unless [`FileUpload::filename`] says otherwise.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Self::new(Source::Path(path.into()))
    }

    /// Bytes in memory, named `filename`. Retries share the bytes.
    pub fn bytes(filename: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        Self::new(Source::Bytes {
            filename: filename.into(),
            bytes: bytes.into(),
        })
    }

    /// A stream of chunks, named `filename`, sent at most once (a failed attempt
    /// that already sent bytes is not retried). With `length`, the size is
    /// checked before sending and sent as `Content-Length`.
    pub fn stream<S>(filename: impl Into<String>, stream: S, length: Option<u64>) -> Self
    where
        S: Stream<Item = io::Result<Bytes>> + Send + 'static,
    {
        Self::new(Source::Stream {
            filename: filename.into(),
            stream: stream.boxed(),
            length,
        })
    }

    /// An async reader, named `filename`, sent at most once.
    pub fn reader<R>(filename: impl Into<String>, reader: R, length: Option<u64>) -> Self
    where
        R: AsyncRead + Send + 'static,
    {
        let chunks = tokio_util::io::ReaderStream::with_capacity(reader, CHUNK_SIZE);
        Self::stream(filename, chunks, length)
    }

    /// A blocking [`std::io::Read`] (a pipe, a child's stdout), named
    /// `filename`, sent at most once. Reads run on the runtime's blocking
    /// pool, [`CHUNK_SIZE`] at a time; this works from the async and the
    /// blocking client alike.
    ///
    /// ```
    /// use files_client::FileUpload;
    ///
    /// let upload = FileUpload::sync_reader("stdin.txt", std::io::empty(), None);
    /// # let _ = upload;
    /// ```
    pub fn sync_reader<R>(filename: impl Into<String>, reader: R, length: Option<u64>) -> Self
    where
        R: std::io::Read + Send + 'static,
    {
        let chunks = futures_util::stream::try_unfold(Some(reader), |state| async move {
            let Some(mut reader) = state else {
                return Ok(None);
            };
            let (reader, chunk) = tokio::task::spawn_blocking(move || {
                let mut chunk = Vec::with_capacity(CHUNK_SIZE);
                (&mut reader)
                    .take(CHUNK_SIZE as u64)
                    .read_to_end(&mut chunk)?;
                Ok::<_, io::Error>((reader, chunk))
            })
            .await
            .map_err(io::Error::other)??;
            Ok(if chunk.is_empty() {
                None
            } else {
                Some((Bytes::from(chunk), Some(reader)))
            })
        });
        Self::stream(filename, chunks, length)
    }

    fn new(source: Source) -> Self {
        Self {
            source,
            params: UploadParams::new(),
            progress: None,
        }
    }

    /// Uses every parameter of `params` (filename, MIME type, expiry, purpose).
    pub fn params(mut self, params: UploadParams) -> Self {
        self.params = params;
        self
    }

    /// The filename to send.
    pub fn filename(mut self, filename: impl Into<String>) -> Self {
        self.params = self.params.filename(filename);
        self
    }

    /// The part's MIME type (else guessed from the filename's extension, else
    /// `application/octet-stream`).
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.params = self.params.mime_type(mime_type);
        self
    }

    /// GA: the file expires this long after upload (3600 to 7776000 seconds).
    pub fn expires_in_seconds(mut self, seconds: u64) -> Self {
        self.params = self.params.expires_in_seconds(seconds);
        self
    }

    /// What the file is for; [`Purpose::Batch`] checks the content is JSONL of
    /// batch requests before sending (for streams: while sending).
    pub fn purpose(mut self, purpose: Purpose) -> Self {
        self.params = self.params.purpose(purpose);
        self
    }

    /// Reports progress as the file's bytes are sent.
    pub fn on_progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(ProgressFn::new(progress));
        self
    }

    /// A copy that can be sent again, for a path or bytes; `None` for a
    /// one-shot stream or reader.
    pub(crate) fn try_clone(&self) -> Option<Self> {
        let source = match &self.source {
            Source::Path(path) => Source::Path(path.clone()),
            Source::Bytes { filename, bytes } => Source::Bytes {
                filename: filename.clone(),
                bytes: bytes.clone(),
            },
            Source::Stream { .. } => return None,
        };
        Some(Self {
            source,
            params: self.params.clone(),
            progress: self.progress.clone(),
        })
    }

    /// Adds an observer of the progress, after the caller's own callback.
    pub(crate) fn observe_progress(
        mut self,
        observer: impl Fn(Progress) + Send + Sync + 'static,
    ) -> Self {
        let first = self.progress.take();
        self.progress = Some(ProgressFn::new(move |progress| {
            if let Some(first) = &first {
                first.call(progress);
            }
            observer(progress);
        }));
        self
    }

    /// Checks everything and builds the request: one step from the source to
    /// (filename, length, body per attempt). Nothing is sent here.
    pub(crate) async fn into_request(
        self,
        generation: ApiGeneration,
        max_bytes: u64,
    ) -> Result<RequestSpec, Error> {
        let Self {
            source,
            params,
            progress,
        } = self;
        params.validate(generation)?;
        let failure = LocalFailure::default();
        let rules = Rules {
            max_bytes,
            batch: params.get_purpose() == Some(Purpose::Batch),
        };
        let content = source.open(&rules, &failure).await?;
        let filename = params
            .get_filename()
            .map(str::to_owned)
            .or(content.default_filename)
            .ok_or(ValidationError::FilenameEmpty)?;
        let mime_type = check_name(&params, &filename)?;
        let framing = Framing::new(&filename, &mime_type, params.get_expires_in_seconds());
        let body_length = content.length.map(|length| framing.length(length));
        let content_type = framing.content_type()?;
        let total = content.length;
        let body = match content.body {
            ContentBody::Replayable(factory) => RequestBody::replayable(
                move || framing.wrap(with_progress(factory(), progress.clone(), total).boxed()),
                body_length,
            ),
            ContentBody::OneShot(stream) => RequestBody::one_shot(
                framing.wrap(with_progress(stream, progress, total).boxed()),
                body_length,
            ),
        };
        let mut request = RequestSpec::new(Method::POST, "/v1/files".into());
        request.content_type = Some(content_type);
        request.body = body;
        request.local_failure = failure;
        Ok(request)
    }
}

/// Calls `progress` after each chunk of the file's bytes moves.
fn with_progress<S>(
    stream: S,
    progress: Option<ProgressFn>,
    total: Option<u64>,
) -> impl Stream<Item = io::Result<Bytes>> + Send
where
    S: Stream<Item = io::Result<Bytes>> + Send,
{
    let mut sent: u64 = 0;
    stream.inspect_ok(move |chunk| {
        if let Some(progress) = &progress {
            sent += chunk.len() as u64;
            progress.call(Progress::new(sent, total));
        }
    })
}
