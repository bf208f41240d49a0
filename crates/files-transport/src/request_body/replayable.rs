//! Replayable request bodies: a factory yields a fresh stream per send
//! attempt.

use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;

use super::checked_stream::{BodyStream, CheckedStream};
use crate::error::TransportError;

/// A factory yielding a fresh [`BodyStream`] for each send attempt.
pub(super) type Factory = Arc<dyn Fn() -> BodyStream + Send + Sync + 'static>;

/// The state of one send attempt of a replayable body.
pub(super) struct ReplayableState {
    factory: Factory,
    pub(super) attempt: CheckedStream,
}

impl ReplayableState {
    /// A first attempt; `factory` is called when it is first polled.
    pub(super) fn new(factory: Factory, declared: Option<u64>) -> Self {
        Self {
            factory,
            attempt: CheckedStream::new(declared),
        }
    }

    /// A fresh attempt from the same factory.
    pub(super) fn restart(&self) -> Self {
        Self::new(Arc::clone(&self.factory), self.attempt.declared())
    }

    /// The next chunk of this attempt's stream.
    pub(super) fn poll_chunk(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, TransportError>>> {
        let factory = &self.factory;
        self.attempt.poll_next(cx, || Ok(factory()))
    }
}
