//! [`NotRetried`]: why a failure the retry policy would retry was returned,
//! and how a message says so.

/// Why a failure that the retry policy would retry was returned instead.
///
/// ```
/// use files_client::NotRetried;
///
/// assert!(NotRetried::OneShotBodySent.to_string().contains("one-shot"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NotRetried {
    /// The upload body is a one-shot stream (a reader or a stream) that had
    /// already started sending: it cannot be sent again.
    OneShotBodySent,
    /// The request was throttled (`429`) for longer than the client's
    /// throttle budget ([`ClientBuilder::throttle_budget`](crate::ClientBuilder::throttle_budget)).
    ThrottleBudgetSpent,
}

impl std::fmt::Display for NotRetried {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::OneShotBodySent => f.write_str(
                "not retried: the upload body is a one-shot stream that had already started sending",
            ),
            Self::ThrottleBudgetSpent => {
                f.write_str("not retried: throttled for longer than the client's throttle budget")
            }
        }
    }
}

/// `"; {reason}"` when there is one, for messages.
pub(super) struct Suffix(pub(super) Option<NotRetried>);

impl std::fmt::Display for Suffix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(reason) => write!(f, "; {reason}"),
            None => Ok(()),
        }
    }
}
