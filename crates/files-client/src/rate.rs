//! Rate control shared by every task of a client and its clones:
//!
//! - a gate that a `429` with `retry-after` closes for all of them;
//! - the adaptive bucket ([`crate::adaptive_rate`]), on after the first
//!   throttle, which paces every request and spaces those a pause released;
//! - an optional hard cap of requests per minute (a token bucket, `governor`).

use std::num::NonZeroU32;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::time::Instant;

use crate::adaptive_rate::AdaptiveRate;

/// The longest pause a server's `retry-after` can impose on the whole client.
const MAX_PAUSE: Duration = Duration::from_secs(60);

/// The rate state of one client and its clones.
pub(crate) struct RateControl {
    paused_until: Mutex<Option<Instant>>,
    adaptive: Mutex<AdaptiveRate>,
    limiter: Option<DefaultDirectRateLimiter>,
}

impl std::fmt::Debug for RateControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateControl")
            .field("capped", &self.limiter.is_some())
            .field("adaptive_rate", &self.rate())
            .finish_non_exhaustive()
    }
}

impl RateControl {
    /// No cap unless `requests_per_minute` is given (a bucket of that many
    /// requests, refilled evenly over a minute).
    pub(crate) fn new(requests_per_minute: Option<NonZeroU32>) -> Self {
        Self {
            paused_until: Mutex::new(None),
            adaptive: Mutex::new(AdaptiveRate::default()),
            limiter: requests_per_minute.map(|n| RateLimiter::direct(Quota::per_minute(n))),
        }
    }

    fn adaptive(&self) -> std::sync::MutexGuard<'_, AdaptiveRate> {
        self.adaptive.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The adaptive rate in requests per second, or `None` before the first
    /// throttle.
    pub(crate) fn rate(&self) -> Option<f64> {
        self.adaptive().rate()
    }

    /// A request sent at `sent_at` was throttled (`429`, `529`); `server_delay`
    /// is the pause the server asked for, if any. A `429`'s pause closes the
    /// gate for every task (at most a minute), and the adaptive rate is cut.
    pub(crate) fn throttled(&self, sent_at: Instant, server_delay: Option<Duration>, pause: bool) {
        let delay = server_delay.map(|d| d.min(MAX_PAUSE));
        let now = Instant::now();
        if pause && let Some(delay) = delay {
            let until = now + delay;
            let mut paused = self
                .paused_until
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if paused.is_none_or(|current| current < until) {
                *paused = Some(until);
            }
            tracing::debug!(
                target: "files_client::rate",
                delay_ms = delay.as_millis() as u64,
                "pausing every task of this client"
            );
        }
        if let Some(cut) = self.adaptive().throttled(now, sent_at, delay) {
            tracing::info!(
                target: "files_client::rate",
                from_rps = cut.from,
                to_rps = cut.to,
                "throttled: send rate cut"
            );
        }
    }

    /// A request succeeded: the adaptive rate climbs.
    pub(crate) fn succeeded(&self) {
        self.adaptive().succeeded(Instant::now());
    }

    /// Waits until the gate is open, the adaptive bucket's slot for this
    /// request has come and the cap allows one more request; returns when
    /// the request may be sent.
    pub(crate) async fn admit(&self) -> Instant {
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
        let wait = self.adaptive().reserve(Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        if let Some(limiter) = &self.limiter {
            while let Err(not_until) = limiter.check() {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                tokio::time::sleep(wait.max(Duration::from_millis(1))).await;
            }
        }
        Instant::now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_every_waiter_until_it_ends() {
        let rate = std::sync::Arc::new(RateControl::new(None));
        let now = Instant::now();
        rate.throttled(now, Some(Duration::from_secs(5)), true);
        rate.throttled(now, Some(Duration::from_secs(2)), true); // a shorter pause never shortens it
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
        let mut released: Vec<Duration> = Vec::new();
        for waiter in waiters {
            released.push(waiter.await.unwrap() - started);
        }
        released.sort();
        assert_eq!(released[0], Duration::from_secs(5));
        // Then they go out one by one at the adaptive pace, not all at once.
        assert!(released.windows(2).all(|w| w[1] > w[0]), "{released:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn pauses_are_capped_at_a_minute() {
        let rate = RateControl::new(None);
        rate.throttled(Instant::now(), Some(Duration::from_secs(3600)), true);
        let started = Instant::now();
        rate.admit().await;
        assert!(started.elapsed() >= MAX_PAUSE, "{:?}", started.elapsed());
        assert!(
            started.elapsed() < MAX_PAUSE + Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
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
