//! `retry-after-ms`, `retry-after` (seconds or an HTTP date) and
//! `x-should-retry`, as the client's retry policy reads them.
//!
//! Properties: a delay the server asks for is honoured only when it is more
//! than 0 and at most 60 s as a delay, and then exactly (milliseconds decide
//! when they are a number); an HTTP
//! date k seconds ahead is a delay of k seconds; the delay before any retry is
//! at most 60 s; `x-should-retry` decides when it says `true` or `false`.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use arbitrary::Unstructured;
use files_client::__fuzz::{retry_delay, server_delay, should_retry};
use libfuzzer_sys::fuzz_target;

#[derive(Debug)]
struct Input {
    retry_after_ms: Option<Vec<u8>>,
    retry_after: Option<Vec<u8>>,
    now_secs: u32,
    ahead_secs: u8,
    status: u16,
    should_retry: Option<Vec<u8>>,
    retries_made: u32,
    random: f64,
}

/// 19 bytes of numbers, then `retry-after-ms`, `retry-after` and
/// `x-should-retry` separated by NULs (an empty one is absent).
fn input(data: &[u8]) -> Input {
    let mut u = Unstructured::new(data);
    let now_secs = u.arbitrary().unwrap_or_default();
    let ahead_secs = u.arbitrary().unwrap_or_default();
    let status = u.arbitrary().unwrap_or_default();
    let retries_made = u.arbitrary().unwrap_or_default();
    let random = u.arbitrary().unwrap_or_default();
    let mut values = u
        .take_rest()
        .split(|&b| b == 0)
        .map(|v| (!v.is_empty()).then(|| v.to_vec()));
    Input {
        retry_after_ms: values.next().flatten(),
        retry_after: values.next().flatten(),
        should_retry: values.next().flatten(),
        now_secs,
        ahead_secs,
        status,
        retries_made,
        random,
    }
}

fuzz_target!(|data: &[u8]| {
    let input = input(data);
    let now = UNIX_EPOCH + Duration::from_secs(u64::from(input.now_secs));
    let ms = input.retry_after_ms.as_deref();
    let seconds = input.retry_after.as_deref();

    let delay = server_delay(ms, seconds, now);
    if let Some(delay) = delay {
        assert!(
            delay > Duration::ZERO && delay <= Duration::from_secs(60),
            "{delay:?}"
        );
    }
    // Milliseconds decide when they are a number: their delay if the policy
    // honours it (more than 0 and at most 60 s as a delay), else none.
    if let Some(ms) = ms
        .and_then(|v| std::str::from_utf8(v).ok())
        .filter(|v| http::HeaderValue::from_str(v).is_ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
    {
        let expected = Duration::try_from_secs_f64(ms / 1000.0)
            .ok()
            .filter(|d| *d > Duration::ZERO && *d <= Duration::from_secs(60));
        assert_eq!(delay, expected, "retry-after-ms {ms}");
    }
    let any = retry_delay(ms, seconds, input.retries_made, input.random);
    assert!(any <= Duration::from_secs(60), "{any:?}");

    // An HTTP date ahead of now.
    let ahead = u64::from(input.ahead_secs % 60) + 1;
    let date = httpdate::fmt_http_date(now + Duration::from_secs(ahead));
    assert_eq!(
        server_delay(None, Some(date.as_bytes()), now),
        Some(Duration::from_secs(ahead)),
        "{date}"
    );
    // A date in the past is no delay.
    let past =
        httpdate::fmt_http_date(now - Duration::from_secs(ahead.min(u64::from(input.now_secs))));
    assert!(
        server_delay(None, Some(past.as_bytes()), now).is_none(),
        "{past}"
    );

    // x-should-retry decides first.
    if let Some(decided) = should_retry(input.status, input.should_retry.as_deref()) {
        match input.should_retry.as_deref() {
            Some(b"true") => assert!(decided),
            Some(b"false") => assert!(!decided),
            _ => assert_eq!(
                decided,
                matches!(input.status, 408 | 409 | 429 | 500..=599),
                "{}",
                input.status
            ),
        }
    }
});
