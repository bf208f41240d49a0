//! Fault injection: script the next answers of a route, for client tests.
//!
//! Faults are taken in the order they were pushed, the first one whose route
//! matches the request. The queue is reachable from the library
//! ([`FilesServer::faults`](crate::FilesServer::faults)) and, when the admin
//! routes are on, over HTTP: `POST /_admin/v1/faults` with
//! `{"route": "download", "fault": {"kind": "short_body"}, "times": 1}`.
//! Only requests that pass authentication (and the rate limit) take a fault.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// Which requests a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FaultRoute {
    /// `POST /v1/files`.
    Upload,
    /// `GET /v1/files`.
    List,
    /// `GET /v1/files/{id}`.
    Retrieve,
    /// `GET /v1/files/{id}/content`.
    Download,
    /// `DELETE /v1/files/{id}`.
    Delete,
    /// Any of the above.
    Any,
}

/// What a scripted answer does.
///
/// ```
/// use files_server::Fault;
///
/// let fault: Fault = serde_json::from_str(r#"{"kind":"status","status":429,"retry_after_ms":20}"#).unwrap();
/// assert_eq!(fault, Fault::status(429).retry_after_ms(20));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fault {
    /// An error answer with this status (its error type follows the status unless
    /// given), and optional retry headers.
    Status {
        /// The HTTP status.
        status: u16,
        /// `error.type`; by default the type the API uses for the status.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error_type: Option<String>,
        /// `retry-after-ms`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after_ms: Option<u64>,
        /// `retry-after`, as sent (seconds or an HTTP date).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<String>,
        /// `x-should-retry`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        should_retry: Option<bool>,
    },
    /// The connection is dropped: before any answer, or for a download, halfway
    /// through the body.
    DropConnection,
    /// The answer is slow: this delay before it, and before each body chunk of a download.
    SlowBody {
        /// Milliseconds of each delay.
        delay_ms: u64,
    },
    /// The body is cut short: `Content-Length` announces every byte, half are sent.
    ShortBody,
    /// The request is carried out (an upload stored, a file deleted), then the
    /// connection is dropped before the answer: the client cannot know it succeeded.
    DropAfterCommit,
}

impl Fault {
    /// An error answer with `status` and no retry header.
    pub fn status(status: u16) -> Self {
        Self::Status {
            status,
            error_type: None,
            retry_after_ms: None,
            retry_after: None,
            should_retry: None,
        }
    }

    /// Adds `retry-after-ms` to a status fault.
    pub fn retry_after_ms(mut self, ms: u64) -> Self {
        if let Self::Status { retry_after_ms, .. } = &mut self {
            *retry_after_ms = Some(ms);
        }
        self
    }

    /// Adds `retry-after` (seconds or an HTTP date) to a status fault.
    pub fn retry_after(mut self, value: impl Into<String>) -> Self {
        if let Self::Status { retry_after, .. } = &mut self {
            *retry_after = Some(value.into());
        }
        self
    }

    /// Adds `x-should-retry` to a status fault.
    pub fn should_retry(mut self, yes: bool) -> Self {
        if let Self::Status { should_retry, .. } = &mut self {
            *should_retry = Some(yes);
        }
        self
    }
}

/// The scripted faults, in order.
#[derive(Debug, Default)]
pub struct FaultQueue {
    queue: Mutex<VecDeque<(FaultRoute, Fault)>>,
}

impl FaultQueue {
    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<(FaultRoute, Fault)>> {
        self.queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Scripts the next answer of `route`.
    pub fn push(&self, route: FaultRoute, fault: Fault) {
        self.lock().push_back((route, fault));
    }

    /// Scripts the next `times` answers of `route`.
    pub fn push_times(&self, route: FaultRoute, fault: Fault, times: usize) {
        let mut queue = self.lock();
        for _ in 0..times {
            queue.push_back((route, fault.clone()));
        }
    }

    /// Forgets every scripted fault.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// How many faults are waiting.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no fault is waiting.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    /// Takes the first fault for `route`.
    pub(crate) fn take(&self, route: FaultRoute) -> Option<Fault> {
        let mut queue = self.lock();
        let index = queue
            .iter()
            .position(|(r, _)| *r == route || *r == FaultRoute::Any)?;
        queue.remove(index).map(|(_, fault)| fault)
    }
}
