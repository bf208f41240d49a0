//! [`SendProgress`]: what a request body has done so far, shared by the body
//! (which reports it) and the timeout watchdog (which reads it), so neither
//! module imports the other.

use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use crate::error::TimeoutPhase;

const WAITING: u8 = 0;
const SENDING: u8 = 1;
const SENT: u8 = 2;

/// What the request body has done so far, written by the body as the HTTP
/// stack pulls it and read by the watchdog of [`send_with_timeout`](crate::send_with_timeout).
pub(crate) struct SendProgress {
    base: Instant,
    state: AtomicU8,
    /// Nanoseconds from `base` to the last progress. Progress only moves
    /// the watchdog's deadline later, so the watchdog needs no wake-up: it
    /// reads this again when its timer fires.
    last: AtomicU64,
}

impl SendProgress {
    pub(crate) fn new(body_is_empty: bool) -> Self {
        Self {
            base: Instant::now(),
            state: AtomicU8::new(if body_is_empty { SENT } else { WAITING }),
            last: AtomicU64::new(0),
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
