//! The per-workspace rate limit: a token bucket per workspace (governor's keyed
//! GCRA limiter), holding `N` requests and refilled at `N` a minute.

use std::num::NonZeroU32;
use std::time::Duration;

use files_types::ErrorType;
use governor::clock::{Clock, DefaultClock};
use governor::{Quota, RateLimiter};
use http::{HeaderName, HeaderValue, StatusCode};

use crate::wire::ApiError;

type Keyed = RateLimiter<
    String,
    governor::state::keyed::HashMapStateStore<String>,
    DefaultClock,
    governor::middleware::NoOpMiddleware<<DefaultClock as Clock>::Instant>,
>;

/// The limiter of every workspace.
pub(crate) struct WorkspaceLimiter {
    limiter: Keyed,
    clock: DefaultClock,
    per_minute: NonZeroU32,
}

impl std::fmt::Debug for WorkspaceLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkspaceLimiter")
            .field("per_minute", &self.per_minute)
            .finish()
    }
}

impl WorkspaceLimiter {
    pub(crate) fn new(per_minute: NonZeroU32) -> Self {
        let clock = DefaultClock::default();
        Self {
            limiter: RateLimiter::hashmap_with_clock(Quota::per_minute(per_minute), clock.clone()),
            clock,
            per_minute,
        }
    }

    /// Takes one request from `workspace`'s bucket, or the 429 answer with how
    /// long to wait.
    pub(crate) fn check(&self, workspace: &str) -> Result<(), ApiError> {
        let key = workspace.to_owned();
        match self.limiter.check_key(&key) {
            Ok(()) => Ok(()),
            Err(not_until) => Err(limited(
                not_until.wait_time_from(self.clock.now()),
                self.per_minute,
            )),
        }
    }
}

/// The 429 answer: `rate_limit_error`, `retry-after` in whole seconds (rounded
/// up) and `retry-after-ms`.
fn limited(wait: Duration, per_minute: NonZeroU32) -> ApiError {
    let ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1);
    let seconds = ms.div_ceil(1000);
    let mut err = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorType::RateLimitError,
        format!(
            "Rate limit of {per_minute} requests per minute exceeded for this workspace; retry in {seconds} s"
        ),
    );
    err.headers.push((
        HeaderName::from_static("retry-after"),
        HeaderValue::from(seconds),
    ));
    err.headers.push((
        HeaderName::from_static("retry-after-ms"),
        HeaderValue::from(ms),
    ));
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_workspace_has_its_own_bucket() {
        let limiter = WorkspaceLimiter::new(NonZeroU32::new(3).unwrap());
        for _ in 0..3 {
            limiter.check("a").unwrap();
        }
        let err = limiter.check("a").unwrap_err();
        assert_eq!(err.status, 429);
        let ms: u64 = err.headers[1].1.to_str().unwrap().parse().unwrap();
        assert!(
            ms > 0 && ms <= 20_000,
            "one token comes back every 20 s: {ms}"
        );
        limiter.check("b").unwrap();
    }
}
