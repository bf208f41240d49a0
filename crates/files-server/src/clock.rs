//! The server's clock: the system clock plus an offset that tests can advance, so
//! expiry can be tested without waiting an hour. The offset is bounded, and every
//! timestamp the server writes is within what RFC 3339 can say.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The farthest the clock may be moved ahead, in all: about 100 years.
pub(crate) const MAX_CLOCK_OFFSET: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// The last instant a timestamp can name: 9999-12-31T23:59:59.999Z.
pub(crate) const MAX_TIMESTAMP_MS: i64 = 253_402_300_799_999;

/// The system clock, advanced by an offset.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_ms: AtomicU64,
}

impl Clock {
    /// Now, as the server sees it.
    pub(crate) fn now(&self) -> SystemTime {
        SystemTime::now() + Duration::from_millis(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Milliseconds since the Unix epoch, as the server sees it.
    pub(crate) fn now_ms(&self) -> i64 {
        to_ms(self.now())
    }

    /// Moves the clock forward, unless that would put it more than
    /// [`MAX_CLOCK_OFFSET`] ahead of the system clock.
    pub(crate) fn advance(&self, by: Duration) -> Result<(), String> {
        let max = u64::try_from(MAX_CLOCK_OFFSET.as_millis()).unwrap_or(u64::MAX);
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        self.offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                offset.checked_add(ms).filter(|total| *total <= max)
            })
            .map(drop)
            .map_err(|offset| {
                format!(
                    "the clock may be moved at most {} seconds ahead in all ({} already)",
                    MAX_CLOCK_OFFSET.as_secs(),
                    offset / 1000
                )
            })
    }
}

impl Clock {
    /// Moves the clock forward, at most to [`MAX_CLOCK_OFFSET`] ahead.
    pub(crate) fn advance_saturating(&self, by: Duration) {
        let max = u64::try_from(MAX_CLOCK_OFFSET.as_millis()).unwrap_or(u64::MAX);
        let ms = u64::try_from(by.as_millis()).unwrap_or(u64::MAX);
        let _ = self
            .offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |offset| {
                Some(offset.saturating_add(ms).min(max))
            });
    }
}

pub(crate) fn to_ms(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Whether `ms` is a timestamp the server can write.
pub(crate) fn in_range(ms: i64) -> bool {
    (0..=MAX_TIMESTAMP_MS).contains(&ms)
}

/// RFC 3339 with microseconds, as the API writes timestamps. Never panics: a
/// value out of range (only a store written by an older server can hold one) is
/// clamped to the range.
pub(crate) fn rfc3339_ms(ms: i64) -> String {
    let ms = u64::try_from(ms.clamp(0, MAX_TIMESTAMP_MS)).unwrap_or(0);
    let time = UNIX_EPOCH + Duration::from_millis(ms);
    humantime::format_rfc3339_micros(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_never_panic_and_the_clock_is_bounded() {
        assert_eq!(rfc3339_ms(i64::MAX), "9999-12-31T23:59:59.999000Z");
        assert_eq!(rfc3339_ms(-5), "1970-01-01T00:00:00.000000Z");
        let clock = Clock::default();
        clock.advance(MAX_CLOCK_OFFSET / 2).unwrap();
        assert!(clock.advance(MAX_CLOCK_OFFSET).is_err());
        assert!(clock.advance(Duration::from_secs(u64::MAX)).is_err());
        clock.advance(MAX_CLOCK_OFFSET / 2).unwrap();
        clock.advance_saturating(Duration::from_secs(u64::MAX));
        assert!(in_range(clock.now_ms()));
    }
}
