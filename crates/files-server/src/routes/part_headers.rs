//! A bound on multipart part headers. multer buffers a part's headers until it
//! finds their end (`\r\n\r\n`), limited only by the whole-stream limit; a body
//! that never ends its part headers would be held in memory up to the per-file
//! limit. [`HeaderBudget`] wraps the request body: while the upload handler waits
//! for the next part, the body is handed to multer one chunk per poll, and once
//! more than the budget has been handed over without multer finding the headers'
//! end, the body fails.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::Stream;

/// The bytes a part's headers may take (with the boundary line).
pub(crate) const PART_HEADER_LIMIT: u64 = 8 * 1024;

/// What the upload handler and the wrapped body share.
#[derive(Debug, Default)]
pub(crate) struct HeaderBudget {
    armed: AtomicBool,
    used: AtomicU64,
    exceeded: AtomicBool,
}

impl HeaderBudget {
    /// The handler is about to wait for the next part's headers.
    pub(crate) fn arm(&self) {
        self.used.store(0, Ordering::Relaxed);
        self.armed.store(true, Ordering::Relaxed);
    }

    /// The part's headers are read; its data streams unmetered.
    pub(crate) fn disarm(&self) {
        self.armed.store(false, Ordering::Relaxed);
    }

    /// Whether the body failed because part headers went over the budget.
    pub(crate) fn exceeded(&self) -> bool {
        self.exceeded.load(Ordering::Relaxed)
    }
}

/// A request body metered by a [`HeaderBudget`].
pub(crate) struct Metered<S> {
    inner: S,
    budget: Arc<HeaderBudget>,
    limit: u64,
    /// A chunk was just handed over: let multer look at it before the next.
    just_yielded: bool,
}

impl<S> Metered<S> {
    pub(crate) fn new(inner: S, budget: Arc<HeaderBudget>, limit: u64) -> Self {
        Self {
            inner,
            budget,
            limit,
            just_yielded: false,
        }
    }
}

impl<S, E> Stream for Metered<S>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let armed = this.budget.armed.load(Ordering::Relaxed);
        if armed {
            if this.just_yielded {
                // One chunk per round: multer parses what it has before it asks again.
                this.just_yielded = false;
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            if this.budget.used.load(Ordering::Relaxed) > this.limit {
                this.budget.exceeded.store(true, Ordering::Relaxed);
                return Poll::Ready(Some(Err(std::io::Error::other(format!(
                    "multipart part headers exceed {} bytes",
                    this.limit
                )))));
            }
        }
        match Pin::new(&mut this.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                if armed {
                    this.budget
                        .used
                        .fetch_add(chunk.len() as u64, Ordering::Relaxed);
                    this.just_yielded = true;
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(err))) => {
                Poll::Ready(Some(Err(std::io::Error::other(err.into()))))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}
