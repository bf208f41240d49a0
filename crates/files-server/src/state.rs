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
