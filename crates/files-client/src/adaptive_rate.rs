//! The adaptive send rate: a token bucket whose rate follows the server's
//! throttling, after the AWS SDKs' adaptive retry mode (smithy-rs'
//! `client_rate_limiter`).
//!
//! - Until the first throttle (`429`, `529`) the bucket is off: requests go
//!   out as fast as the caller sends them.
//! - A throttle turns it on and cuts the rate to [`BETA`] of the rate being
//!   sent (never above the server's `retry-after` pace), with no burst left.
//!   Throttles of requests sent before the last cut are the same congestion
//!   event and cut nothing more (TCP's once-per-round-trip rule).
//! - While requests succeed, the rate climbs back along a cubic curve: to the
//!   rate of the last throttle in [`RECOVERY`], slowly near it, then faster
//!   past it, probing for more.
//! - Each request reserves the next slot of the bucket, so waiters released
//!   together (after a pause) go out spaced at the bucket's pace.
//!
//! Pure: every method takes the time, so tests need no clock.

use std::time::Duration;

use tokio::time::Instant;

/// The share of the rate kept after a throttle.
pub(crate) const BETA: f64 = 0.7;
/// How long the rate takes to climb back to the rate of the last throttle.
pub(crate) const RECOVERY: Duration = Duration::from_secs(6);
/// Past the old rate, the curve also grows by at least this many requests per
/// second per cubed second of probing (smithy-rs' scale constant), so a rate
/// cut far down climbs back in seconds, not minutes.
const PROBE_SCALE: f64 = 0.4;
/// The lowest rate, in requests per second.
pub(crate) const MIN_RATE: f64 = 0.5;
/// How the measured send rate is smoothed, per half-second bucket.
const SMOOTH: f64 = 0.8;
const MEASURE_BUCKET: Duration = Duration::from_millis(500);

/// What a throttle did to the rate, for logs and progress.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct RateCut {
    /// The rate before, in requests per second (the measured send rate the
    /// first time).
    pub from: f64,
    /// The rate now.
    pub to: f64,
}

/// The state of the adaptive bucket.
#[derive(Debug)]
pub(crate) struct AdaptiveRate {
    enabled: bool,
    /// Requests per second while enabled.
    fill_rate: f64,
    /// Tokens; negative when slots are reserved ahead.
    tokens: f64,
    last_refill: Option<Instant>,
    /// The rate at the last throttle, and the rate the cut left.
    w_max: f64,
    w_start: f64,
    /// When the cubic curve starts (the end of the server's pause).
    origin: Option<Instant>,
    /// When the rate was last cut.
    last_cut: Option<Instant>,
    measured: f64,
    bucket_start: Option<Instant>,
    bucket_count: u32,
}

impl Default for AdaptiveRate {
    fn default() -> Self {
        Self {
            enabled: false,
            fill_rate: 0.0,
            tokens: 0.0,
            last_refill: None,
            w_max: 0.0,
            w_start: 0.0,
            origin: None,
            last_cut: None,
            measured: 0.0,
            bucket_start: None,
            bucket_count: 0,
        }
    }
}

impl AdaptiveRate {
    /// The rate requests are paced at, or `None` before the first throttle.
    pub(crate) fn rate(&self) -> Option<f64> {
        self.enabled.then_some(self.fill_rate)
    }

    /// Reserves the next slot for a request sent at `now`: how long to wait
    /// before sending (zero when a token is there, or the bucket is off).
    pub(crate) fn reserve(&mut self, now: Instant) -> Duration {
        self.measure(now);
        if !self.enabled {
            return Duration::ZERO;
        }
        self.refill(now);
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / self.fill_rate)
        }
    }

    /// A request sent at `sent_at` was throttled at `now`; the server asked for
    /// `pause` when it said. Returns the cut, or `None` when the request was
    /// part of a congestion event already answered.
    pub(crate) fn throttled(
        &mut self,
        now: Instant,
        sent_at: Instant,
        pause: Option<Duration>,
    ) -> Option<RateCut> {
        if self.enabled && self.last_cut.is_some_and(|cut| sent_at < cut) {
            return None;
        }
        let sending = self.send_rate(now).max(MIN_RATE);
        let from = if self.enabled {
            self.fill_rate.min(sending)
        } else {
            sending
        };
        let mut to = from * BETA;
        if let Some(pause) = pause.filter(|p| !p.is_zero()) {
            to = to.min(1.0 / pause.as_secs_f64());
        }
        let to = to.max(MIN_RATE);
        self.refill(now);
        self.enabled = true;
        // The curve always has room to climb, however low the cut went.
        self.w_max = from.max(to / BETA);
        self.w_start = to;
        self.fill_rate = to;
        self.tokens = self.tokens.min(0.0);
        self.last_cut = Some(now);
        self.origin = Some(now + pause.unwrap_or_default());
        Some(RateCut { from, to })
    }

    /// A request succeeded at `now`: the rate climbs along the cubic curve.
    pub(crate) fn succeeded(&mut self, now: Instant) {
        if !self.enabled {
            return;
        }
        let Some(origin) = self.origin else { return };
        let Some(t) = now.checked_duration_since(origin) else {
            return;
        };
        let k = RECOVERY.as_secs_f64();
        let past = t.as_secs_f64() - k;
        let x = past / k;
        let mut curve = self.w_max + (self.w_max - self.w_start) * x * x * x;
        if past > 0.0 {
            curve = curve.max(self.w_max + PROBE_SCALE * past * past * past);
        }
        // Never far above what is actually being sent.
        let ceiling = (2.0 * self.measured).max(self.w_max);
        self.refill(now);
        self.fill_rate = curve.min(ceiling).max(MIN_RATE);
    }

    fn refill(&mut self, now: Instant) {
        if let Some(last) = self.last_refill {
            let elapsed = now.saturating_duration_since(last).as_secs_f64();
            let capacity = self.fill_rate.max(1.0);
            self.tokens = (self.tokens + elapsed * self.fill_rate).min(capacity);
        }
        self.last_refill = Some(now);
    }

    /// The send rate at `now`: the smoothed rate, or the current bucket's own
    /// when it is higher (a burst shorter than a bucket).
    fn send_rate(&self, now: Instant) -> f64 {
        let current = self.bucket_start.map_or(0.0, |start| {
            let elapsed = now.saturating_duration_since(start).as_secs_f64();
            f64::from(self.bucket_count) / elapsed.max(0.05)
        });
        self.measured.max(current)
    }

    /// Counts a send into the smoothed send rate.
    fn measure(&mut self, now: Instant) {
        let start = *self.bucket_start.get_or_insert(now);
        let elapsed = now.saturating_duration_since(start);
        if elapsed >= MEASURE_BUCKET {
            let rate = f64::from(self.bucket_count) / elapsed.as_secs_f64();
            self.measured = if self.measured == 0.0 {
                rate
            } else {
                SMOOTH * rate + (1.0 - SMOOTH) * self.measured
            };
            self.bucket_start = Some(now);
            self.bucket_count = 0;
        }
        self.bucket_count = self.bucket_count.saturating_add(1);
    }
}

#[cfg(test)]
mod tests;
