//! Property tests of typed timestamps: any instant in range formats and parses
//! back exactly; the server's format (humantime's RFC 3339 with microseconds,
//! as files-server writes it) parses, and the wire string survives a model's
//! round trip; offsets are applied.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use files_types::{FileMetadata, format_timestamp, parse_timestamp};
use proptest::prelude::*;

/// The last second of year 9999.
const MAX_SECS: u64 = 253_402_300_799;

fn instant() -> impl Strategy<Value = SystemTime> {
    (0..=MAX_SECS, 0..1_000_000_000u32).prop_map(|(s, n)| UNIX_EPOCH + Duration::new(s, n))
}

proptest! {
    #[test]
    fn any_instant_in_range_formats_and_parses_back(at in instant()) {
        let text = format_timestamp(at).unwrap();
        prop_assert_eq!(parse_timestamp(&text).unwrap(), at, "{}", text);
    }

    #[test]
    fn the_servers_format_parses_and_round_trips_in_a_model(at in instant(), expires in proptest::option::of(instant())) {
        // files-server writes humantime::format_rfc3339_micros.
        let created = humantime::format_rfc3339_micros(at).to_string();
        let micros = |t: SystemTime| {
            let since = t.duration_since(UNIX_EPOCH).unwrap();
            UNIX_EPOCH + Duration::new(since.as_secs(), since.subsec_micros() * 1000)
        };
        let mut file = FileMetadata::new("file_1", "a.txt", "text/plain", 1, created.clone());
        file.expires_at = expires.map(|t| humantime::format_rfc3339_micros(t).to_string());
        let json = serde_json::to_string(&file).unwrap();
        let back: FileMetadata = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(&back.created_at, &created, "the wire string is kept exactly");
        prop_assert_eq!(back.created_at_time().unwrap(), micros(at));
        prop_assert_eq!(back.expires_at_time().unwrap(), expires.map(micros));
    }

    #[test]
    fn offsets_are_applied(at in instant(), offset_minutes in -1439i64..=1439) {
        let shift = Duration::from_secs(offset_minutes.unsigned_abs() * 60);
        let local = if offset_minutes >= 0 { at.checked_add(shift) } else { at.checked_sub(shift) };
        let local = local.filter(|l| *l >= UNIX_EPOCH && l.duration_since(UNIX_EPOCH).unwrap().as_secs() <= MAX_SECS);
        prop_assume!(local.is_some());
        let text = format_timestamp(local.unwrap()).unwrap();
        let sign = if offset_minutes >= 0 { '+' } else { '-' };
        let (hours, minutes) = (offset_minutes.abs() / 60, offset_minutes.abs() % 60);
        let with_offset = format!("{}{sign}{hours:02}:{minutes:02}", text.strip_suffix('Z').unwrap());
        prop_assert_eq!(parse_timestamp(&with_offset).unwrap(), at, "{}", with_offset);
    }

    #[test]
    fn any_string_is_an_error_or_an_instant_never_a_panic(text in prop_oneof![
        "\\PC{0,40}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9x]{0,25})?([Zz]|[+-][0-9]{2}:[0-9]{2}|\\PC)?",
    ]) {
        let _ = parse_timestamp(&text);
    }
}

#[test]
fn the_contracts_example_parses() {
    let file: FileMetadata = serde_json::from_str(
        r#"{"id":"file_011CNha8iCJcU1wXNR6q4V8w","type":"file","filename":"report.pdf","mime_type":"application/pdf","size_bytes":102400,"created_at":"2025-04-15T18:37:24.100435Z","expires_at":"2025-04-16T18:37:24.100435Z","downloadable":false}"#,
    )
    .unwrap();
    let created = file.created_at_time().unwrap();
    let expires = file.expires_at_time().unwrap().unwrap();
    assert_eq!(
        expires.duration_since(created).unwrap(),
        Duration::from_secs(86_400)
    );
    assert_eq!(
        serde_json::to_value(&file).unwrap()["created_at"],
        "2025-04-15T18:37:24.100435Z"
    );
}
