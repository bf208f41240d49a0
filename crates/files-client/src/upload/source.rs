//! Where an upload's bytes come from, turned into one shape: a default
//! filename, a length when known, and the content body (a factory per attempt,
//! or a stream sent once), checked as far as can be before sending.

use std::io;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use files_transport::BodyStream;
use files_types::{BatchJsonlValidator, validate_batch_jsonl};
use futures_util::StreamExt;

use super::file_reader::{check_batch_file, file_snapshot, read_ahead};
use super::limits::check_size;
use crate::Error;
use crate::local_failure::LocalFailure;

/// An upload's source, as the caller gave it.
pub(super) enum Source {
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

/// The file's bytes for each attempt.
pub(super) enum ContentBody {
    /// A fresh stream per attempt.
    Replayable(Box<dyn Fn() -> BodyStream + Send + Sync>),
    /// One stream, sent at most once.
    OneShot(BodyStream),
}

/// A source, opened and checked.
pub(super) struct Content {
    /// The name the source suggests (a path's last component).
    pub default_filename: Option<String>,
    pub length: Option<u64>,
    pub body: ContentBody,
}

/// What the checks need to know.
pub(super) struct Rules {
    pub max_bytes: u64,
    pub batch: bool,
}

impl Source {
    /// A one-line description for `Debug` (never the bytes).
    pub(super) fn describe(&self) -> String {
        match self {
            Self::Path(path) => format!("path {}", path.display()),
            Self::Bytes { filename, bytes } => format!("{} bytes named {filename}", bytes.len()),
            Self::Stream { filename, .. } => format!("a stream named {filename}"),
        }
    }

    /// Checks what can be checked before sending and yields the content.
    /// Failures found while streaming are recorded in `failure`.
    pub(super) async fn open(
        self,
        rules: &Rules,
        failure: &LocalFailure,
    ) -> Result<Content, Error> {
        match self {
            Self::Path(path) => {
                let snapshot = file_snapshot(&path).await?;
                let length = snapshot.len;
                check_size(length, rules.max_bytes)?;
                if rules.batch {
                    check_batch_file(&path).await?;
                }
                let default_filename = path
                    .file_name()
                    .map(|name| name.to_string_lossy().into_owned());
                let failure = failure.clone();
                Ok(Content {
                    default_filename,
                    length: Some(length),
                    body: ContentBody::Replayable(Box::new(move || {
                        read_ahead(path.clone(), snapshot, failure.clone()).boxed()
                    })),
                })
            }
            Self::Bytes { filename, bytes } => {
                check_size(bytes.len() as u64, rules.max_bytes)?;
                if rules.batch {
                    validate_batch_jsonl(&bytes)?;
                }
                Ok(Content {
                    default_filename: Some(filename),
                    length: Some(bytes.len() as u64),
                    body: ContentBody::Replayable(Box::new(move || {
                        futures_util::stream::iter([Ok(bytes.clone())]).boxed()
                    })),
                })
            }
            Self::Stream {
                filename,
                stream,
                length,
            } => {
                if let Some(length) = length {
                    check_size(length, rules.max_bytes)?;
                }
                let checked = CheckedStream::new(stream, filename.clone(), rules, failure.clone());
                Ok(Content {
                    default_filename: Some(filename),
                    length,
                    body: ContentBody::OneShot(checked.boxed()),
                })
            }
        }
    }
}

/// A caller's stream checked as it goes (the size limit, and the batch JSONL
/// rule); a broken rule or a failing stream is recorded in `failure`, and the
/// stream ends with a plain error.
struct CheckedStream {
    inner: BodyStream,
    name: String,
    size: u64,
    max_bytes: u64,
    check: Option<BatchJsonlValidator>,
    failure: LocalFailure,
    done: bool,
}

impl CheckedStream {
    fn new(inner: BodyStream, name: String, rules: &Rules, failure: LocalFailure) -> Self {
        Self {
            inner,
            name,
            size: 0,
            max_bytes: rules.max_bytes,
            check: rules.batch.then(BatchJsonlValidator::new),
            failure,
            done: false,
        }
    }

    fn fail(&mut self, error: Error) -> Poll<Option<io::Result<Bytes>>> {
        self.done = true;
        Poll::Ready(Some(Err(self.failure.record(error))))
    }
}

impl futures_util::Stream for CheckedStream {
    type Item = io::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match self.inner.as_mut().poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(chunk))) => {
                self.size = self.size.saturating_add(chunk.len() as u64);
                if let Err(rule) = check_size(self.size, self.max_bytes) {
                    return self.fail(Error::InvalidInput(rule));
                }
                if let Some(Err(rule)) = self.check.as_mut().map(|check| check.feed(&chunk)) {
                    return self.fail(Error::InvalidInput(rule));
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(err))) => {
                let path = PathBuf::from(self.name.clone());
                self.fail(Error::io("cannot read the stream of", path, err))
            }
            Poll::Ready(None) => match self.check.take().map(BatchJsonlValidator::finish) {
                Some(Err(rule)) => self.fail(Error::InvalidInput(rule)),
                _ => {
                    self.done = true;
                    Poll::Ready(None)
                }
            },
        }
    }
}
