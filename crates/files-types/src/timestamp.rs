//! Typed timestamps: the API's RFC 3339 strings (`created_at`, `expires_at`) as
//! [`SystemTime`], which chrono, time and jiff each convert from.
//!
//! The models keep the wire string, so it round-trips exactly; the accessors on
//! [`FileMetadata`](crate::FileMetadata) parse it when asked.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The longest part of an unparsable value an error repeats.
const QUOTED_CHARS: usize = 64;

/// A timestamp that is not RFC 3339 (`2025-04-15T18:37:24.100435Z`), or is out of
/// the supported range (1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid RFC 3339 timestamp {value:?}: {reason}")]
#[non_exhaustive]
pub struct TimestampError {
    /// The value, cut to its first 64 characters.
    pub value: String,
    /// What is wrong with it.
    pub reason: String,
}

impl TimestampError {
    fn new(value: &str, reason: impl std::fmt::Display) -> Self {
        Self {
            value: value.chars().take(QUOTED_CHARS).collect(),
            reason: reason.to_string(),
        }
    }
}

/// Parses an RFC 3339 timestamp, as the API writes them
/// (`2025-04-15T18:37:24.100435Z`): any number of fractional digits, `Z` or a
/// numeric offset (`+02:00`), `T` or `t` between date and time.
///
/// Parsing is humantime's; offsets other than UTC are applied here. Instants
/// before 1970 or after year 9999 are refused.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use files_types::parse_timestamp;
///
/// let at = parse_timestamp("2025-04-15T18:37:24.100435Z")?;
/// assert_eq!(at, UNIX_EPOCH + Duration::new(1_744_742_244, 100_435_000));
/// assert_eq!(parse_timestamp("2025-04-15T20:37:24.100435+02:00")?, at);
/// assert!(parse_timestamp("yesterday").is_err());
/// # Ok::<(), files_types::TimestampError>(())
/// ```
///
/// # Errors
/// The value is not RFC 3339, or out of range.
pub fn parse_timestamp(value: &str) -> Result<SystemTime, TimestampError> {
    let (utc, offset) =
        split_offset(value).ok_or_else(|| TimestampError::new(value, "no time zone offset"))?;
    let date_time = utc.replacen('t', "T", 1);
    let parsed = humantime::parse_rfc3339(&format!("{date_time}Z"))
        .map_err(|err| TimestampError::new(value, err))?;
    let shifted = if offset >= 0 {
        parsed.checked_sub(Duration::from_secs(offset.unsigned_abs()))
    } else {
        parsed.checked_add(Duration::from_secs(offset.unsigned_abs()))
    };
    shifted
        .filter(|at| *at >= UNIX_EPOCH && *at <= max_timestamp())
        .ok_or_else(|| TimestampError::new(value, "out of range"))
}

/// Formats `time` as RFC 3339 in UTC with nanoseconds
/// (`2025-04-15T18:37:24.100435000Z`): [`parse_timestamp`] reads it back exactly.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use files_types::{format_timestamp, parse_timestamp};
///
/// let at = UNIX_EPOCH + Duration::new(1_744_742_244, 100_435_000);
/// assert_eq!(format_timestamp(at)?, "2025-04-15T18:37:24.100435000Z");
/// assert_eq!(parse_timestamp(&format_timestamp(at)?)?, at);
/// # Ok::<(), files_types::TimestampError>(())
/// ```
///
/// # Errors
/// `time` is before 1970 or after year 9999.
pub fn format_timestamp(time: SystemTime) -> Result<String, TimestampError> {
    if time < UNIX_EPOCH || time > max_timestamp() {
        return Err(TimestampError::new(
            &format!("{time:?}"),
            "out of range (1970 to 9999)",
        ));
    }
    Ok(humantime::format_rfc3339_nanos(time).to_string())
}

/// The last instant of year 9999.
fn max_timestamp() -> SystemTime {
    UNIX_EPOCH + Duration::new(253_402_300_799, 999_999_999)
}

/// `value` without its offset, and the offset in seconds east of UTC; `None`
/// when there is no offset.
fn split_offset(value: &str) -> Option<(&str, i64)> {
    if let Some(utc) = value.strip_suffix(['Z', 'z']) {
        return Some((utc, 0));
    }
    let split = value.len().checked_sub(6)?;
    let (date_time, offset) = (value.get(..split)?, value.get(split..)?.as_bytes());
    let sign = match offset[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digit = |b: u8| b.is_ascii_digit().then(|| i64::from(b - b'0'));
    if offset[3] != b':' {
        return None;
    }
    let hours = digit(offset[1])? * 10 + digit(offset[2])?;
    let minutes = digit(offset[4])? * 10 + digit(offset[5])?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some((date_time, sign * (hours * 3600 + minutes * 60)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64, nanos: u32) -> SystemTime {
        UNIX_EPOCH + Duration::new(secs, nanos)
    }

    #[test]
    fn the_api_format_and_its_variants_parse() {
        assert_eq!(
            parse_timestamp("2025-04-15T18:37:24.100435Z").unwrap(),
            at(1_744_742_244, 100_435_000)
        );
        assert_eq!(
            parse_timestamp("2025-04-15T18:37:24Z").unwrap(),
            at(1_744_742_244, 0)
        );
        assert_eq!(
            parse_timestamp("2025-04-15t18:37:24z").unwrap(),
            at(1_744_742_244, 0)
        );
        assert_eq!(
            parse_timestamp("2025-04-15T18:37:24+00:00").unwrap(),
            at(1_744_742_244, 0)
        );
        assert_eq!(
            parse_timestamp("2025-04-15T13:07:24.5-05:30").unwrap(),
            at(1_744_742_244, 500_000_000)
        );
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z").unwrap(), UNIX_EPOCH);
        assert_eq!(
            parse_timestamp("9999-12-31T23:59:59.999999999Z").unwrap(),
            max_timestamp()
        );
    }

    #[test]
    fn malformed_and_out_of_range_values_are_errors_that_quote_them_briefly() {
        for bad in [
            "",
            "2025-04-15",
            "2025-04-15T18:37:24",
            "2025-04-15 18:37:24Z",
            "2025-13-01T00:00:00Z",
            "2025-02-30T00:00:00Z",
            "2025-04-15T18:37:24+24:00",
            "2025-04-15T18:37:24+0200",
            "1969-12-31T23:59:59Z",
            "1970-01-01T00:00:00+01:00",
            "2025-04-15T18:37:24.x1Z",
            "２０２５-04-15T18:37:24Z",
        ] {
            let err = parse_timestamp(bad).unwrap_err();
            assert_eq!(err.value, bad, "{bad}: {err}");
        }
        let long = "x".repeat(10_000);
        let err = parse_timestamp(&long).unwrap_err();
        assert_eq!(err.value.len(), QUOTED_CHARS);
        assert!(format_timestamp(UNIX_EPOCH - Duration::from_secs(1)).is_err());
        assert!(format_timestamp(max_timestamp() + Duration::from_nanos(1)).is_err());
    }
}
