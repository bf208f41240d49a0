//! Progress of an upload or a download, reported from the real body as it moves.

use std::fmt;
use std::sync::Arc;

/// How far a transfer has come.
///
/// ```
/// use files_client::Progress;
///
/// let progress = Progress::new(512, Some(1024));
/// assert_eq!(progress.fraction(), Some(0.5));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Bytes of the file sent (upload) or received (download) so far in this attempt.
    pub bytes: u64,
    /// The file's size, when known.
    pub total: Option<u64>,
}

impl Progress {
    /// Progress of `bytes` out of `total`.
    pub fn new(bytes: u64, total: Option<u64>) -> Self {
        Self { bytes, total }
    }

    /// `bytes / total`, when the total is known and not zero.
    pub fn fraction(&self) -> Option<f64> {
        match self.total {
            Some(total) if total > 0 => Some(self.bytes as f64 / total as f64),
            _ => None,
        }
    }
}

/// A progress callback: called after each chunk moves. It must be quick (it runs on
/// the transfer's task); an upload that is retried reports again from zero.
#[derive(Clone)]
pub(crate) struct ProgressFn(Arc<dyn Fn(Progress) + Send + Sync>);

impl ProgressFn {
    /// Wraps a closure.
    pub(crate) fn new(f: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    /// Reports `progress`.
    pub(crate) fn call(&self, progress: Progress) {
        (self.0)(progress);
    }
}

impl fmt::Debug for ProgressFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProgressFn(..)")
    }
}
