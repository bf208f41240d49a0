//! [`SendProgress`]: what a request body has done so far, shared by the body
//! (which reports it) and the timeout watchdog (which reads it), so neither
//! module imports the other.

use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::task::Waker;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::TimeoutPhase;

const WAITING: u8 = 0;
const SENDING: u8 = 1;
const SENT: u8 = 2;

/// What the request body has done so far, written by the body as the HTTP
/// stack pulls it and read by the watchdog of [`send_with_timeouts`](crate::send_with_timeouts).
pub(crate) struct SendProgress {
    base: Instant,
    state: AtomicU8,
    /// Nanoseconds from `base` to the last progress.
    last: AtomicU64,
    /// The watchdog of [`send_with_timeouts`](crate::send_with_timeouts), woken when the phase changes:
    /// the HTTP stack may pull the body on another task (hyper's connection
    /// task) while the send future sleeps, and the next phase's limit may be
    /// shorter than the current one's.
    watchdog: Mutex<Option<Waker>>,
}

impl SendProgress {
    pub(crate) fn new(body_is_empty: bool) -> Self {
        Self {
            base: Instant::now(),
            state: AtomicU8::new(if body_is_empty { SENT } else { WAITING }),
            last: AtomicU64::new(0),
            watchdog: Mutex::new(None),
        }
    }

    /// Wakes `waker` on the next phase change.
    pub(crate) fn register(&self, waker: &Waker) {
        let mut slot = self.watchdog.lock().unwrap_or_else(PoisonError::into_inner);
        if !slot
            .as_ref()
            .is_some_and(|current| current.will_wake(waker))
        {
            *slot = Some(waker.clone());
        }
    }

    fn wake_watchdog(&self) {
        let waker = self
            .watchdog
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn touch(&self) {
        let nanos = u64::try_from(self.base.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.last.store(nanos, Ordering::Release);
    }

    /// The HTTP stack asked for body data: a connection is ours.
    pub(crate) fn body_polled(&self) {
        if self
            .state
            .compare_exchange(WAITING, SENDING, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            self.touch();
            self.wake_watchdog();
        }
    }

    /// A slice of the body went to the HTTP stack.
    pub(crate) fn body_sent_data(&self) {
        self.touch();
    }

    /// The body ended (or failed): from now on the answer is awaited.
    pub(crate) fn body_ended(&self) {
        self.state.store(SENT, Ordering::Release);
        self.touch();
        self.wake_watchdog();
    }

    /// The phase under way: [`Pool`](TimeoutPhase::Pool) until the body is
    /// first pulled, [`Write`](TimeoutPhase::Write) while it is sent, then
    /// [`Read`](TimeoutPhase::Read).
    pub(crate) fn phase(&self) -> TimeoutPhase {
        match self.state.load(Ordering::Acquire) {
            WAITING => TimeoutPhase::Pool,
            SENDING => TimeoutPhase::Write,
            _ => TimeoutPhase::Read,
        }
    }

    /// When the last progress happened.
    pub(crate) fn since(&self) -> Instant {
        self.base + Duration::from_nanos(self.last.load(Ordering::Acquire))
    }
}
