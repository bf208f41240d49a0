//! [`LocalFailure`]: where a request body's producer records a failure of its
//! own (a local file that cannot be read, a batch rule broken mid-stream), so
//! that the send loop reports it as what it is and never retries it. The
//! transport only ever sees a plain body error and says what the network did.

use std::sync::{Arc, Mutex, PoisonError};

use crate::Error;

/// A shared slot for the first local failure of one request's body.
#[derive(Clone, Default)]
pub(crate) struct LocalFailure(Arc<Mutex<Option<Error>>>);

impl LocalFailure {
    /// Records `error` (the first one wins) and returns the plain I/O error
    /// the body stream yields to the transport in its place.
    pub(crate) fn record(&self, error: Error) -> std::io::Error {
        let message = error.to_string();
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        slot.get_or_insert(error);
        std::io::Error::other(message)
    }

    /// The recorded failure, if any.
    pub(crate) fn take(&self) -> Option<Error> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_failure_wins_and_is_taken_once() {
        let slot = LocalFailure::default();
        let io = slot.record(Error::Config("first".into()));
        assert_eq!(io.to_string(), "configuration: first");
        let _ = slot.clone().record(Error::Config("second".into()));
        assert!(matches!(slot.take(), Some(Error::Config(m)) if m == "first"));
        assert!(slot.take().is_none());
    }
}
