//! One-shot request bodies: a stream that can be sent once, shared by the
//! handles [`RequestBody::try_clone`](super::RequestBody::try_clone) gives
//! out until one of them starts sending it.

use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;

use super::checked_stream::{BodyStream, CheckedStream};
use crate::error::{TransportError, TransportErrorKind};

/// One handle on a one-shot stream. The first handle to poll takes the stream
/// out of the shared slot; if it is dropped before a byte went out, it puts
/// the stream back, so an attempt that failed early does not spend it.
pub(super) struct OneShotHandle {
    shared: Arc<Mutex<OneShotSlot>>,
    pub(super) attempt: CheckedStream,
    yielded: bool,
}

/// The stream the handles share.
pub(super) struct OneShotSlot {
    stream: Option<BodyStream>,
    /// A handle holds the stream, or has spent (part of) it.
    taken: bool,
}

impl OneShotSlot {
    /// Takes the stream for a handle, unless another handle took it first.
    fn take(shared: &Mutex<Self>) -> Result<BodyStream, TransportError> {
        let mut slot = shared.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.stream.take() {
            Some(stream) if !slot.taken => {
                slot.taken = true;
                Ok(stream)
            }
            other => {
                slot.stream = other;
                Err(consumed_error())
            }
        }
    }
}

fn consumed_error() -> TransportError {
    TransportError::new(
        TransportErrorKind::InvalidRequest,
        "one-shot request body was already consumed by an earlier send and cannot be sent again",
    )
}

impl OneShotHandle {
    /// The first handle on `stream`.
    pub(super) fn first(stream: BodyStream, declared: Option<u64>) -> Self {
        let slot = OneShotSlot {
            stream: Some(stream),
            taken: false,
        };
        Self::on(Arc::new(Mutex::new(slot)), declared)
    }

    /// A handle on the stream in `shared`, which it will try to take when
    /// first polled.
    pub(super) fn on(shared: Arc<Mutex<OneShotSlot>>, declared: Option<u64>) -> Self {
        Self {
            shared,
            attempt: CheckedStream::new(declared),
            yielded: false,
        }
    }

    /// The slot this handle shares with the others.
    #[cfg(test)]
    pub(super) fn shared(&self) -> Arc<Mutex<OneShotSlot>> {
        Arc::clone(&self.shared)
    }

    /// Another handle on the same stream, unless a handle holds it or has
    /// spent (part of) it.
    pub(super) fn try_clone(&self) -> Option<Self> {
        let slot = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
        (!slot.taken && slot.stream.is_some())
            .then(|| Self::on(Arc::clone(&self.shared), self.attempt.declared()))
    }

    /// The next chunk: the first poll takes the stream out of the slot, or
    /// fails if another handle took it first.
    pub(super) fn poll_chunk(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, TransportError>>> {
        let shared = &self.shared;
        let polled = self.attempt.poll_next(cx, || OneShotSlot::take(shared));
        if matches!(polled, Poll::Ready(Some(Ok(_)))) {
            self.yielded = true;
        }
        polled
    }
}

impl Drop for OneShotHandle {
    fn drop(&mut self) {
        if self.yielded {
            return;
        }
        if let Some(stream) = self.attempt.take_stream() {
            // Nothing went out: the next attempt may send the stream.
            let mut slot = self.shared.lock().unwrap_or_else(PoisonError::into_inner);
            slot.stream = Some(stream);
            slot.taken = false;
        }
    }
}
