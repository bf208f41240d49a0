//! RFC 3339 timestamps as the client reads `created_at` and `expires_at`.
//!
//! Properties: whatever parses lies within 1970 to 9999 and survives
//! format-then-parse exactly; every instant in that range formats and parses
//! back to itself; an offset of +hh:mm is exactly that many seconds east.
#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use arbitrary::Arbitrary;
use files_types::{format_timestamp, parse_timestamp};
use libfuzzer_sys::fuzz_target;

/// The last second of year 9999.
const MAX_SECS: u64 = 253_402_300_799;

#[derive(Arbitrary, Debug)]
struct Input {
    secs: u64,
    nanos: u32,
    offset_minutes: u16,
    east: bool,
    /// Last, so it takes the rest of the input: a seed is 15 bytes and a text.
    text: String,
}

fuzz_target!(|input: Input| {
    if let Ok(at) = parse_timestamp(&input.text) {
        assert!(at >= UNIX_EPOCH);
        let text = format_timestamp(at)
            .unwrap_or_else(|e| panic!("{:?} parsed to {at:?}: {e}", input.text));
        assert_eq!(parse_timestamp(&text).ok(), Some(at), "{text}");
    }

    let at = UNIX_EPOCH + Duration::new(input.secs % (MAX_SECS + 1), input.nanos % 1_000_000_000);
    let text = format_timestamp(at).expect("in range");
    assert_eq!(parse_timestamp(&text).ok(), Some(at), "{text}");
    assert!(text.ends_with('Z'));

    // The same instant written with an offset.
    let minutes = u64::from(input.offset_minutes % (24 * 60));
    let shift = Duration::from_secs(minutes * 60);
    let local = if input.east {
        at.checked_add(shift)
    } else {
        at.checked_sub(shift)
    };
    if let Some(local) = local
        && let Ok(local_text) = format_timestamp(local)
    {
        let sign = if input.east { '+' } else { '-' };
        let offset = format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60);
        let with_offset = format!("{}{offset}", local_text.trim_end_matches('Z'));
        assert_eq!(
            parse_timestamp(&with_offset).ok(),
            Some(at),
            "{with_offset}"
        );
    }
});
