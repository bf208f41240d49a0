//! The official SDKs' retry policy.
//!
//! - `x-should-retry: true|false` decides first;
//! - else 408, 409, 429 and every 5xx are retried, and so are connection errors
//!   and timeouts; no other status is;
//! - the delay is `retry-after-ms` (milliseconds), else `retry-after` (seconds, or
//!   an HTTP date), when it is more than 0 and at most 60 s; else
//!   `min(0.5 × 2^n, 8) × (1 − 0.25 × random)` seconds, `n` being the retries
//!   already made.

use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};

/// The first backoff delay.
pub(crate) const INITIAL_RETRY_DELAY: Duration = Duration::from_millis(500);
/// The longest backoff delay.
pub(crate) const MAX_RETRY_DELAY: Duration = Duration::from_secs(8);
/// A server-given delay above this is ignored in favour of the backoff.
const MAX_SERVER_DELAY: Duration = Duration::from_secs(60);

/// Whether an answer with `status` and `headers` should be retried.
pub(crate) fn should_retry(status: StatusCode, headers: &HeaderMap) -> bool {
    match headers.get("x-should-retry").and_then(|v| v.to_str().ok()) {
        Some("true") => return true,
        Some("false") => return false,
        _ => {}
    }
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// The delay the server asked for, if it asked for one the policy honours
/// (more than 0, at most 60 s).
pub(crate) fn server_delay(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let seconds = header("retry-after-ms")
        .and_then(|ms| ms.parse::<f64>().ok())
        .map(|ms| ms / 1000.0)
        .or_else(|| {
            let value = header("retry-after")?;
            value.parse::<f64>().ok().or_else(|| {
                let date = httpdate::parse_http_date(value).ok()?;
                Some(match date.duration_since(now) {
                    Ok(ahead) => ahead.as_secs_f64(),
                    Err(_) => 0.0,
                })
            })
        })?;
    // Judged as the delay it becomes: a value under a nanosecond (`1e-9` ms)
    // is no delay, so the backoff applies, as it does for `0`.
    let delay = Duration::try_from_secs_f64(seconds).ok()?;
    (delay > Duration::ZERO && delay <= MAX_SERVER_DELAY).then_some(delay)
}

/// The exponential backoff after `retries_made` retries, with `random` in `[0, 1)`.
pub(crate) fn backoff(retries_made: u32, random: f64) -> Duration {
    let base = INITIAL_RETRY_DELAY.as_secs_f64()
        * 2f64.powi(i32::try_from(retries_made.min(1000)).unwrap_or(1000));
    let capped = base.min(MAX_RETRY_DELAY.as_secs_f64());
    let jitter = 1.0 - 0.25 * random.clamp(0.0, 1.0);
    Duration::from_secs_f64((capped * jitter).max(0.0))
}

/// The delay before the next attempt: the server's, else the jittered backoff.
pub(crate) fn retry_delay(headers: Option<&HeaderMap>, retries_made: u32) -> Duration {
    headers
        .and_then(|h| server_delay(h, SystemTime::now()))
        .unwrap_or_else(|| backoff(retries_made, fastrand::f64()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn statuses() {
        for code in [408, 409, 429, 500, 502, 503, 504, 529, 599] {
            assert!(
                should_retry(StatusCode::from_u16(code).unwrap(), &HeaderMap::new()),
                "{code}"
            );
        }
        for code in [400, 401, 402, 403, 404, 405, 413, 422] {
            assert!(
                !should_retry(StatusCode::from_u16(code).unwrap(), &HeaderMap::new()),
                "{code}"
            );
        }
        assert!(should_retry(
            StatusCode::BAD_REQUEST,
            &headers(&[("x-should-retry", "true")])
        ));
        assert!(!should_retry(
            StatusCode::TOO_MANY_REQUESTS,
            &headers(&[("x-should-retry", "false")])
        ));
        assert!(should_retry(
            StatusCode::TOO_MANY_REQUESTS,
            &headers(&[("x-should-retry", "maybe")])
        ));
    }

    #[test]
    fn server_delays() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470);
        let at = |h: &[(&'static str, &str)]| server_delay(&headers(h), now);
        assert_eq!(
            at(&[("retry-after-ms", "250")]),
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            at(&[("retry-after-ms", "250"), ("retry-after", "9")]),
            Some(Duration::from_millis(250)),
            "ms first"
        );
        assert_eq!(
            at(&[("retry-after", "1.5")]),
            Some(Duration::from_millis(1500))
        );
        // 07:28:00 is 10 s after `now` (07:27:50).
        assert_eq!(
            at(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            at(&[("retry-after", "Wed, 21 Oct 2015 07:00:00 GMT")]),
            None,
            "a past date"
        );
        assert_eq!(
            at(&[("retry-after", "61")]),
            None,
            "over 60 s: back off instead"
        );
        assert_eq!(at(&[("retry-after", "0")]), None);
        assert_eq!(at(&[("retry-after", "-5")]), None);
        assert_eq!(at(&[("retry-after-ms", "NaN")]), None);
        assert_eq!(at(&[("retry-after-ms", "inf")]), None);
        assert_eq!(at(&[("retry-after", "soon")]), None);
        assert_eq!(at(&[]), None);
    }

    /// Found by the `retry_after` fuzz target: `1e-9` ms is more than 0 as a
    /// number but 0 as a delay, and was taken as a 0 s wait, skipping the backoff.
    #[test]
    fn a_delay_under_a_nanosecond_is_no_delay_and_the_backoff_applies() {
        let now = SystemTime::UNIX_EPOCH;
        // Under a nanosecond, in milliseconds and in seconds.
        for tiny in ["1e-9", "0.0000001", "4.9e-324"] {
            assert_eq!(
                server_delay(&headers(&[("retry-after-ms", tiny)]), now),
                None,
                "{tiny} ms"
            );
        }
        for tiny in ["1e-10", "0.0000000001", "4.9e-324"] {
            assert_eq!(
                server_delay(&headers(&[("retry-after", tiny)]), now),
                None,
                "{tiny} s"
            );
        }
        let microsecond = server_delay(&headers(&[("retry-after-ms", "0.001")]), now);
        assert!(
            microsecond.is_some_and(|d| d > Duration::ZERO && d <= Duration::from_micros(1)),
            "a microsecond is a delay: {microsecond:?}"
        );
    }

    proptest! {
        #[test]
        fn backoff_stays_within_its_jitter_bounds(retries in 0u32..40, random in 0.0f64..1.0) {
            let full = (0.5 * 2f64.powi(retries as i32)).min(8.0);
            let delay = backoff(retries, random).as_secs_f64();
            prop_assert!(delay <= full + 1e-9, "{delay} > {full}");
            prop_assert!(delay >= full * 0.75 - 1e-9, "{delay} < 0.75 × {full}");
        }

        #[test]
        fn retry_delay_is_jittered_within_bounds(retries in 0u32..10) {
            let full = (0.5 * 2f64.powi(retries as i32)).min(8.0);
            let delay = retry_delay(None, retries).as_secs_f64();
            prop_assert!(delay <= full && delay > full * 0.75 - 1e-9);
        }
    }
}
