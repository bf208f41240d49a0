//! Shedding at the connection cap: when every slot is taken, the oldest
//! connection that has not completed a request (a half-sent header, a body
//! trickling in) is closed to make room, so a well-behaved client never waits
//! behind connections that have given the server nothing.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Notify;

/// One connection as the shedder sees it.
#[derive(Debug, Default)]
pub(crate) struct Standing {
    /// It has completed a request (an answer was made): never shed.
    proven: AtomicBool,
    /// It has ended on its own.
    ended: AtomicBool,
    /// Told to close.
    shed: Notify,
}

impl Standing {
    /// The connection completed a request.
    pub(crate) fn prove(&self) {
        self.proven.store(true, Ordering::Relaxed);
    }

    /// The connection ended.
    pub(crate) fn end(&self) {
        self.ended.store(true, Ordering::Relaxed);
    }

    /// Resolves when the connection is to close.
    pub(crate) async fn shed(&self) {
        self.shed.notified().await;
    }

    fn sheddable(&self) -> bool {
        !self.proven.load(Ordering::Relaxed) && !self.ended.load(Ordering::Relaxed)
    }
}

/// The connections that may be shed, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Shedder {
    queue: Mutex<VecDeque<Arc<Standing>>>,
}

impl Shedder {
    /// Registers a new connection (at most `cap` are open, so the queue is
    /// kept within twice that by dropping those no longer sheddable).
    pub(crate) fn register(&self, cap: usize) -> Arc<Standing> {
        let standing = Arc::new(Standing::default());
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        if queue.len() >= cap.saturating_mul(2).max(16) {
            queue.retain(|s| s.sheddable());
        }
        queue.push_back(Arc::clone(&standing));
        standing
    }

    /// Closes the oldest connection that has not completed a request; whether
    /// there was one.
    pub(crate) fn shed_oldest(&self) -> bool {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(standing) = queue.pop_front() {
            if standing.sheddable() {
                standing.end();
                standing.shed.notify_one();
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_unproven_connection_goes_first_and_proven_ones_never() {
        let shedder = Shedder::default();
        let proven = shedder.register(4);
        let old = shedder.register(4);
        let young = shedder.register(4);
        proven.prove();
        assert!(shedder.shed_oldest());
        assert!(!old.sheddable(), "the oldest unproven one went");
        assert!(young.sheddable());
        young.end();
        assert!(!shedder.shed_oldest(), "only a proven one is left");
        for _ in 0..100 {
            shedder.register(4).end();
        }
        assert!(
            shedder.queue.lock().unwrap().len() <= 16,
            "the queue stays bounded"
        );
    }
}
