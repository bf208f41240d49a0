//! [`CheckedStream`]: one send attempt's stream, as replayable and one-shot
//! bodies share it: checked against the declared length chunk by chunk, its
//! failures made [`RequestBody`](crate::TransportErrorKind::RequestBody)
//! errors, and ended for good once it ends or fails.

use std::io;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::stream::BoxStream;

use crate::error::{TransportError, TransportErrorKind};

/// A boxed stream of request body chunks, as produced by a replayable body's
/// factory.
pub type BodyStream = BoxStream<'static, io::Result<Bytes>>;

/// One send attempt's stream, checked against the declared length; once it
/// has ended or failed it yields nothing more.
pub(super) struct CheckedStream {
    /// Opened on the first poll; dropped once it ends or fails.
    stream: Option<BodyStream>,
    length: LengthCheck,
    finished: bool,
}

impl CheckedStream {
    pub(super) fn new(declared: Option<u64>) -> Self {
        Self {
            stream: None,
            length: LengthCheck::new(declared),
            finished: false,
        }
    }

    /// The declared length.
    pub(super) fn declared(&self) -> Option<u64> {
        self.length.declared
    }

    /// The bytes still to come, when a length is declared.
    pub(super) fn remaining(&self) -> Option<u64> {
        self.length.remaining()
    }

    /// Whether the stream has ended or failed.
    pub(super) fn is_finished(&self) -> bool {
        self.finished
    }

    /// The stream, when it is open: taken out, to be given back unsent.
    pub(super) fn take_stream(&mut self) -> Option<BodyStream> {
        self.stream.take()
    }

    /// The next non-empty chunk. On the first poll, `open` gives the stream,
    /// or the error this attempt fails with.
    pub(super) fn poll_next(
        &mut self,
        cx: &mut Context<'_>,
        open: impl FnOnce() -> Result<BodyStream, TransportError>,
    ) -> Poll<Option<Result<Bytes, TransportError>>> {
        if self.finished {
            return Poll::Ready(None);
        }
        if self.stream.is_none() {
            match open() {
                Ok(stream) => self.stream = Some(stream),
                Err(err) => {
                    self.finished = true;
                    return Poll::Ready(Some(Err(err)));
                }
            }
        }
        let Some(stream) = self.stream.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = poll_checked(stream, &mut self.length, cx);
        if matches!(polled, Poll::Ready(None | Some(Err(_)))) {
            // Ended or failed: the stream is spent either way.
            self.stream = None;
            self.finished = true;
        }
        polled
    }
}

/// Counts bytes against an optional declared length.
struct LengthCheck {
    declared: Option<u64>,
    seen: u64,
}

impl LengthCheck {
    fn new(declared: Option<u64>) -> Self {
        Self { declared, seen: 0 }
    }

    fn add(&mut self, len: usize) -> Result<(), TransportError> {
        self.seen = self.seen.saturating_add(len as u64);
        match self.declared {
            Some(declared) if self.seen > declared => Err(body_error(format!(
                "the request body stream yielded more bytes than its declared length of {declared} bytes"
            ))),
            _ => Ok(()),
        }
    }

    fn finish(&self) -> Result<(), TransportError> {
        match self.declared {
            Some(declared) if self.seen < declared => Err(body_error(format!(
                "the request body stream ended after {} bytes, short of its declared length of {declared} bytes",
                self.seen
            ))),
            _ => Ok(()),
        }
    }

    fn remaining(&self) -> Option<u64> {
        self.declared
            .map(|declared| declared.saturating_sub(self.seen))
    }
}

fn body_error(message: String) -> TransportError {
    TransportError::new(TransportErrorKind::RequestBody, message)
}

fn stream_error(err: io::Error) -> TransportError {
    TransportError::new(
        TransportErrorKind::RequestBody,
        "the request body stream failed",
    )
    .with_source(err)
}

/// Polls `stream` for its next non-empty chunk, checking the declared length.
fn poll_checked(
    stream: &mut BodyStream,
    length: &mut LengthCheck,
    cx: &mut Context<'_>,
) -> Poll<Option<Result<Bytes, TransportError>>> {
    loop {
        return match stream.as_mut().poll_next(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(None) => Poll::Ready(length.finish().err().map(Err)),
            Poll::Ready(Some(Err(err))) => Poll::Ready(Some(Err(stream_error(err)))),
            Poll::Ready(Some(Ok(chunk))) if chunk.is_empty() => continue,
            Poll::Ready(Some(Ok(chunk))) => {
                Poll::Ready(Some(length.add(chunk.len()).map(|()| chunk)))
            }
        };
    }
}
