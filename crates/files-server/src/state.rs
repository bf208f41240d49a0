//! What every request handler shares.

use std::sync::Arc;

use crate::clock::Clock;
use crate::store::{Store, StoreError};
use crate::wire::ApiError;
use crate::{FaultQueue, ServerConfig};

#[derive(Debug)]
pub(crate) struct State {
    pub config: ServerConfig,
    pub store: Arc<Store>,
    pub clock: Clock,
    pub faults: FaultQueue,
    /// Connections accepted since start (benchmarks report connection reuse).
    pub connections: std::sync::atomic::AtomicU64,
    /// The per-workspace rate limit, when one is set.
    pub limiter: Option<crate::rate_limit::WorkspaceLimiter>,
    /// Uploads being received: one permit each.
    pub uploads: Arc<tokio::sync::Semaphore>,
    /// Downloads being sent: one permit each, held until the body is done.
    pub downloads: Arc<tokio::sync::Semaphore>,
    /// Listing answers waiting to be sent, in KiB: a permit per KiB, held
    /// until the body is sent or dropped.
    pub answer_kib: Arc<tokio::sync::Semaphore>,
}

impl State {
    /// The state of a server configured by `config` over `store`: no
    /// connection accepted yet, no fault scripted, the wall clock, and the
    /// limits of `config` (each semaphore at least one permit).
    pub(crate) fn new(config: ServerConfig, store: Store) -> Self {
        let permits = |n: usize| {
            Arc::new(tokio::sync::Semaphore::new(
                n.clamp(1, tokio::sync::Semaphore::MAX_PERMITS),
            ))
        };
        Self {
            uploads: permits(config.max_uploads),
            downloads: permits(config.max_downloads),
            answer_kib: permits(config.max_answer_memory / 1024),
            limiter: config
                .rate_limit
                .map(crate::rate_limit::WorkspaceLimiter::new),
            config,
            store: Arc::new(store),
            clock: Clock::default(),
            faults: FaultQueue::default(),
            connections: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Holds an answer built in memory (a listing) against the budget of
    /// answers waiting to be sent, until its body is sent or dropped; 503 when
    /// the budget is spent (clients that do not read their answers hold it).
    pub(crate) fn hold_answer(
        &self,
        response: http::Response<crate::wire::Body>,
    ) -> Result<http::Response<crate::wire::Body>, ApiError> {
        use http_body::Body as _;
        use http_body_util::BodyExt as _;
        let bytes = response.body().size_hint().exact().unwrap_or(0);
        let kib = u32::try_from(bytes.div_ceil(1024))
            .unwrap_or(u32::MAX)
            .max(1);
        let limit = self.config.max_answer_memory;
        let permit = Arc::clone(&self.answer_kib)
            .try_acquire_many_owned(kib)
            .map_err(|_| {
                tracing::warn!(limit, "refused: answers waiting to be sent fill their budget");
                ApiError::overloaded(format!(
                    "The server is busy: answers waiting to be sent hold {limit} bytes (its limit); retry shortly"
                ))
            })?;
        Ok(response.map(|body| {
            HeldBody {
                inner: body,
                _permit: permit,
            }
            .boxed()
        }))
    }

    /// A permit from `slots`, or 503 `overloaded_error` (with `retry-after: 1`)
    /// naming what is at its limit.
    pub(crate) fn admit(
        slots: &Arc<tokio::sync::Semaphore>,
        what: &str,
        limit: usize,
    ) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        Arc::clone(slots).try_acquire_owned().map_err(|_| {
            tracing::warn!(what, limit, "refused: at the limit of {what} in progress");
            ApiError::overloaded(format!(
                "The server is busy: {limit} {what} are in progress (its limit); retry shortly"
            ))
        })
    }
}

impl State {
    /// Runs a store operation on the blocking pool (SQLite and fsync block).
    pub(crate) async fn store<T, F>(&self, op: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        match tokio::task::spawn_blocking(move || op(&store)).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(err)) if err.is_disk_full() => {
                tracing::error!(error = %err, "store operation failed: the disk is full");
                Err(ApiError::disk_full())
            }
            Ok(Err(err)) => {
                tracing::error!(error = %err, "store operation failed");
                Err(ApiError::internal("Internal server error"))
            }
            Err(join) => {
                tracing::error!(error = %join, "store task failed");
                Err(ApiError::internal("Internal server error"))
            }
        }
    }
}

/// An answer's body holding its permit until it is sent or dropped. Its size
/// passes through, so the answer keeps its `Content-Length`.
struct HeldBody {
    inner: crate::wire::Body,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl http_body::Body for HeldBody {
    type Data = bytes::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        std::pin::Pin::new(&mut self.get_mut().inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
