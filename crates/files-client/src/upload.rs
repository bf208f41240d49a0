//! [`FileUpload`]: what to upload, checked in full before the first byte is sent,
//! and its streamed `multipart/form-data` body.
//!
//! The body is three pieces: the part headers, the file's bytes, the closing
//! boundary. Its length is known in advance for paths and bytes, so it is sent with
//! `Content-Length`. A path is re-opened and streamed from disk in 1 MiB chunks,
//! read ahead two chunks at most, for every attempt; bytes are shared, never copied; a stream or reader is sent at
//! most once.

use std::io;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use files_transport::{BodyStream, RequestBody};
use files_types::{
    ApiGeneration, BatchJsonlValidator, MAX_FILE_SIZE_BYTES, Purpose, UploadParams,
    ValidationError, validate_batch_jsonl, validate_file_size, validate_filename,
    validate_mime_type,
};
use futures_util::{Stream, StreamExt, TryStreamExt};
use http::HeaderValue;
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::{Error, Progress, ProgressFn};

/// Chunk size for reading files from disk.
const CHUNK: usize = 1024 * 1024;

/// Chunks read ahead of the network.
const READ_AHEAD: usize = 2;

enum Source {
    Path(PathBuf),
    Bytes {
        filename: String,
        bytes: Bytes,
    },
    Stream {
        filename: String,
        stream: BodyStream,
        length: Option<u64>,
    },
}

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
        let source = match &self.source {
            Source::Path(path) => format!("path {}", path.display()),
            Source::Bytes { filename, bytes } => format!("{} bytes named {filename}", bytes.len()),
            Source::Stream { filename, .. } => format!("a stream named {filename}"),
        };
        f.debug_struct("FileUpload")
            .field("source", &source)
            .field("params", &self.params)
            .finish_non_exhaustive()
    }
}

/// An upload, checked and turned into a request body.
pub(crate) struct PreparedUpload {
    pub body: RequestBody,
    pub content_type: HeaderValue,
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
        let chunks = tokio_util::io::ReaderStream::with_capacity(reader, CHUNK);
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
        self.params.filename = Some(filename.into());
        self
    }

    /// The part's MIME type (else guessed from the filename's extension, else
    /// `application/octet-stream`).
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.params.mime_type = Some(mime_type.into());
        self
    }

    /// GA: the file expires this long after upload (3600 to 7776000 seconds).
    pub fn expires_in_seconds(mut self, seconds: u64) -> Self {
        self.params.expires_in_seconds = Some(seconds);
        self
    }

    /// What the file is for; [`Purpose::Batch`] checks the content is JSONL of
    /// batch requests before sending (for streams: while sending).
    pub fn purpose(mut self, purpose: Purpose) -> Self {
        self.params.purpose = Some(purpose);
        self
    }

    /// Reports progress as the file's bytes are sent.
    pub fn on_progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(ProgressFn::new(progress));
        self
    }

    /// Checks everything and builds the body. Nothing is sent here.
    pub(crate) async fn prepare(
        self,
        generation: ApiGeneration,
        max_bytes: u64,
    ) -> Result<PreparedUpload, Error> {
        let Self {
            source,
            params,
            progress,
        } = self;
        params.validate(generation)?;
        let batch = params.purpose == Some(Purpose::Batch);
        match source {
            Source::Path(path) => {
                let filename = params
                    .resolve_filename(&path)
                    .ok_or(ValidationError::FilenameEmpty)?;
                let mime_type = check_name(&params, &filename)?;
                let size = file_size(&path).await?;
                check_size(size, max_bytes)?;
                if batch {
                    check_batch_file(&path).await?;
                }
                let framing = Framing::new(&filename, &mime_type, params.expires_in_seconds);
                let content_type = framing_content_type(&framing.boundary)?;
                let length = framing.length(size);
                let body = RequestBody::replayable(
                    move || {
                        let file = open_chunks(path.clone());
                        framing.wrap(with_progress(file, progress.clone(), Some(size)).boxed())
                    },
                    Some(length),
                );
                Ok(PreparedUpload { body, content_type })
            }
            Source::Bytes { filename, bytes } => {
                let filename = params.filename.clone().unwrap_or(filename);
                let mime_type = check_name(&params, &filename)?;
                check_size(bytes.len() as u64, max_bytes)?;
                if batch {
                    validate_batch_jsonl(&bytes)?;
                }
                let framing = Framing::new(&filename, &mime_type, params.expires_in_seconds);
                let content_type = framing_content_type(&framing.boundary)?;
                let size = bytes.len() as u64;
                let length = framing.length(size);
                let body = RequestBody::replayable(
                    move || {
                        let content = futures_util::stream::iter([Ok(bytes.clone())]);
                        framing.wrap(with_progress(content, progress.clone(), Some(size)).boxed())
                    },
                    Some(length),
                );
                Ok(PreparedUpload { body, content_type })
            }
            Source::Stream {
                filename,
                stream,
                length,
            } => {
                let filename = params.filename.clone().unwrap_or(filename);
                let mime_type = check_name(&params, &filename)?;
                if let Some(length) = length {
                    check_size(length, max_bytes)?;
                }
                let framing = Framing::new(&filename, &mime_type, params.expires_in_seconds);
                let checked = checked_stream(stream, batch, max_bytes);
                let content = with_progress(checked, progress, length).boxed();
                let content_type = framing_content_type(&framing.boundary)?;
                let body_length = length.map(|l| framing.length(l));
                Ok(PreparedUpload {
                    body: RequestBody::one_shot(framing.wrap(content), body_length),
                    content_type,
                })
            }
        }
    }
}

/// A failure of the local file behind an upload body, carried through the
/// transport inside an `io::Error` so that the client reports it as local I/O,
/// not as a network failure, and does not retry it.
#[derive(Debug, thiserror::Error)]
#[error("{operation} {}: {source}", path.display())]
pub(crate) struct LocalFileError {
    pub operation: &'static str,
    pub path: PathBuf,
    pub source: io::Error,
}

impl LocalFileError {
    fn io(operation: &'static str, path: &Path, source: io::Error) -> io::Error {
        io::Error::new(
            source.kind(),
            Self {
                operation,
                path: path.to_path_buf(),
                source,
            },
        )
    }
}

/// The size rule: the contract's ([`validate_file_size`]) unless the client was
/// configured with another limit.
fn check_size(size: u64, max_bytes: u64) -> Result<(), ValidationError> {
    if max_bytes == MAX_FILE_SIZE_BYTES {
        return validate_file_size(size);
    }
    if size > max_bytes {
        return Err(ValidationError::FileTooLarge {
            size_bytes: size,
            max_bytes,
        });
    }
    Ok(())
}

/// Checks the filename and MIME type; returns the MIME type to send.
fn check_name(params: &UploadParams, filename: &str) -> Result<String, Error> {
    validate_filename(filename)?;
    let mime_type = params.resolve_mime_type(filename);
    validate_mime_type(&mime_type)?;
    Ok(mime_type)
}

async fn file_size(path: &Path) -> Result<u64, Error> {
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|e| Error::io("cannot read", path, e))?;
    if !meta.is_file() {
        return Err(Error::io(
            "cannot upload",
            path,
            io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"),
        ));
    }
    Ok(meta.len())
}

/// Streams a batch file through the JSONL check, in bounded memory.
async fn check_batch_file(path: &Path) -> Result<(), Error> {
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| Error::io("cannot open", path, e))?;
    let mut check = BatchJsonlValidator::new();
    let mut buffer = vec![0; CHUNK];
    loop {
        let n = file
            .read(&mut buffer)
            .await
            .map_err(|e| Error::io("cannot read", path, e))?;
        if n == 0 {
            break;
        }
        check.feed(&buffer[..n])?;
    }
    check.finish()?;
    Ok(())
}

/// The file at `path`, read ahead by a blocking task into a small bounded queue,
/// so that reading the disk overlaps sending: at most [`READ_AHEAD`] chunks of
/// [`CHUNK`] bytes wait in memory. Opened when first polled (once per attempt).
fn open_chunks(path: PathBuf) -> impl Stream<Item = io::Result<Bytes>> + Send {
    let (sender, receiver) = tokio::sync::mpsc::channel::<io::Result<Bytes>>(READ_AHEAD);
    let mut reader = Some((path, sender));
    futures_util::stream::unfold(receiver, move |mut receiver| {
        if let Some((path, sender)) = reader.take() {
            // Dropped with the stream, the receiver stops the reader at its next send.
            tokio::task::spawn_blocking(move || read_ahead(&path, &sender));
        }
        async move { receiver.recv().await.map(|chunk| (chunk, receiver)) }
    })
}

fn read_ahead(path: &Path, sender: &tokio::sync::mpsc::Sender<io::Result<Bytes>>) {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) => {
            let _ = sender.blocking_send(Err(LocalFileError::io("cannot open", path, e)));
            return;
        }
    };
    loop {
        // `read_to_end` on `take` reads straight into the spare capacity: no
        // zeroing of each chunk first, and short reads are retried until it is full.
        let mut chunk = Vec::with_capacity(CHUNK);
        if let Err(e) = (&mut file).take(CHUNK as u64).read_to_end(&mut chunk) {
            let _ = sender.blocking_send(Err(LocalFileError::io("cannot read", path, e)));
            return;
        }
        let full = chunk.len() == CHUNK;
        if chunk.is_empty() {
            return;
        }
        if sender.blocking_send(Ok(Bytes::from(chunk))).is_err() {
            return; // the request was dropped
        }
        if !full {
            return;
        }
    }
}

/// A stream checked as it goes: the client's size limit, and the batch JSONL rule.
fn checked_stream(
    stream: BodyStream,
    batch: bool,
    max_bytes: u64,
) -> impl Stream<Item = io::Result<Bytes>> + Send {
    let mut size: u64 = 0;
    let mut check = batch.then(BatchJsonlValidator::new);
    let mut finished = false;
    stream
        .map(Some)
        .chain(futures_util::stream::once(async { None }))
        .filter_map(move |item| {
            let result = match item {
                Some(Ok(chunk)) => {
                    size += chunk.len() as u64;
                    match (check_size(size, max_bytes), check.as_mut()) {
                        (Err(err), _) => Some(Err(invalid(err))),
                        (Ok(()), Some(check)) => {
                            Some(check.feed(&chunk).map(|()| chunk).map_err(invalid))
                        }
                        (Ok(()), None) => Some(Ok(chunk)),
                    }
                }
                Some(Err(err)) => Some(Err(err)),
                None if !finished => {
                    finished = true;
                    match check.take().map(BatchJsonlValidator::finish) {
                        Some(Err(err)) => Some(Err(invalid(err))),
                        _ => None,
                    }
                }
                None => None,
            };
            std::future::ready(result)
        })
}

fn invalid(err: ValidationError) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, err)
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

/// The multipart framing around the file's bytes.
#[derive(Clone)]
struct Framing {
    boundary: String,
    head: Bytes,
    tail: Bytes,
}

impl Framing {
    fn new(filename: &str, mime_type: &str, expires_in_seconds: Option<u64>) -> Self {
        let boundary = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        let mut head = String::new();
        if let Some(seconds) = expires_in_seconds {
            head.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"expires_in_seconds\"\r\n\r\n{seconds}\r\n"
            ));
        }
        // The filename passed validate_filename: no '"', '\\' or control characters
        // can break out of the quoted string.
        head.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {mime_type}\r\n\r\n"
        ));
        let tail = format!("\r\n--{boundary}--\r\n");
        Self {
            boundary,
            head: Bytes::from(head),
            tail: Bytes::from(tail),
        }
    }

    fn length(&self, content: u64) -> u64 {
        self.head.len() as u64 + content + self.tail.len() as u64
    }

    fn wrap(&self, content: BodyStream) -> BodyStream {
        futures_util::stream::iter([Ok(self.head.clone())])
            .chain(content)
            .chain(futures_util::stream::iter([Ok(self.tail.clone())]))
            .boxed()
    }
}

fn framing_content_type(boundary: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(&format!("multipart/form-data; boundary={boundary}"))
        .map_err(|_| Error::config("invalid multipart boundary"))
}
