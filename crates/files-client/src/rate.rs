//! Rate awareness shared by every task of a client: a gate that a `429` with
//! `retry-after` closes for all of them (so a batch does not stampede), and an
//! optional requests-per-minute cap (a token bucket, `governor`) that paces
//! requests before they are sent.

use std::num::NonZeroU32;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::time::Instant;

/// The longest pause a server's `retry-after` can impose on the whole client.
const MAX_PAUSE: Duration = Duration::from_secs(60);

/// The rate state of one client and its clones.
pub(crate) struct RateControl {
    paused_until: Mutex<Option<Instant>>,
    limiter: Option<DefaultDirectRateLimiter>,
}

impl std::fmt::Debug for RateControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateControl")
            .field("capped", &self.limiter.is_some())
            .finish_non_exhaustive()
    }
}

impl RateControl {
    /// No cap unless `requests_per_minute` is given (a bucket of that many
    /// requests, refilled evenly over a minute).
    pub(crate) fn new(requests_per_minute: Option<NonZeroU32>) -> Self {
        Self {
            paused_until: Mutex::new(None),
            limiter: requests_per_minute.map(|n| RateLimiter::direct(Quota::per_minute(n))),
        }
    }

    /// Closes the gate for every task for `delay` (at most a minute), as a
    /// server's `retry-after` on a `429` asks.
    pub(crate) fn pause_for(&self, delay: Duration) {
        let until = Instant::now() + delay.min(MAX_PAUSE);
        let mut paused = self
            .paused_until
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if paused.is_none_or(|current| current < until) {
            *paused = Some(until);
        }
    }

    /// Waits until the gate is open and the cap allows one more request.
    pub(crate) async fn admit(&self) {
        loop {
            let until = *self
                .paused_until
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            match until {
                Some(until) if until > Instant::now() => tokio::time::sleep_until(until).await,
                _ => break,
            }
        }
        let Some(limiter) = &self.limiter else {
            return;
        };
        while let Err(not_until) = limiter.check() {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_every_waiter_until_it_ends() {
        let rate = std::sync::Arc::new(RateControl::new(None));
        rate.pause_for(Duration::from_secs(5));
        rate.pause_for(Duration::from_secs(2)); // a shorter pause never shortens it
        let started = Instant::now();
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let rate = std::sync::Arc::clone(&rate);
                tokio::spawn(async move {
                    rate.admit().await;
                    Instant::now()
                })
            })
            .collect();
        for waiter in waiters {
            assert_eq!(waiter.await.unwrap() - started, Duration::from_secs(5));
        }
    }

    #[tokio::test(start_paused = true)]
    async fn pauses_are_capped_at_a_minute() {
        let rate = RateControl::new(None);
        rate.pause_for(Duration::from_secs(3600));
        let started = Instant::now();
        rate.admit().await;
        assert_eq!(started.elapsed(), MAX_PAUSE);
    }

    #[tokio::test]
    async fn the_cap_lets_a_bucketful_through_then_paces() {
        // 600 a minute: 600 at once, then one every 100 ms.
        let rate = RateControl::new(NonZeroU32::new(600));
        for _ in 0..600 {
            rate.admit().await;
        }
        let started = std::time::Instant::now();
        for _ in 0..3 {
            rate.admit().await;
        }
        assert!(
            started.elapsed() >= Duration::from_millis(250),
            "paced: {:?}",
            started.elapsed()
        );
    }
}
