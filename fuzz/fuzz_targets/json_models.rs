//! Both generations' JSON models (file metadata with and without GA's
//! `expires_at`, beta and GA list pages, deletions, error bodies with and
//! without GA's `error_code`, content blocks), on any bytes a server may send.
//!
//! Properties: whatever parses serializes, parses back equal, and serializes
//! to the same text again (a round trip is exact); an unknown field added to a
//! parsed object is ignored, as a server's new field must be; the timestamp
//! accessors never panic.
#![no_main]

use files_types::{
    ApiErrorObject, DeletedFile, ErrorCode, ErrorResponse, ErrorType, FileContentBlock, FileList,
    FileMetadata,
};
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn round_trip<T>(data: &[u8]) -> Option<T>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let value: T = serde_json::from_slice(data).ok()?;
    let text = serde_json::to_vec(&value).expect("a parsed model serializes");
    let again: T = serde_json::from_slice(&text).unwrap_or_else(|err| {
        panic!(
            "{} does not parse back: {err}",
            String::from_utf8_lossy(&text)
        )
    });
    assert_eq!(again, value, "{}", String::from_utf8_lossy(&text));
    assert_eq!(serde_json::to_vec(&again).expect("serializes"), text);

    // A field this version does not know is ignored.
    if let Ok(serde_json::Value::Object(mut object)) = serde_json::from_slice(data) {
        object.insert(
            "x_field_from_the_future".to_owned(),
            serde_json::json!({"nested": [1, 2.5, null]}),
        );
        let widened: T = serde_json::from_value(serde_json::Value::Object(object))
            .expect("an unknown field is ignored");
        assert_eq!(widened, value);
    }
    Some(value)
}

fuzz_target!(|data: &[u8]| {
    if let Some(file) = round_trip::<FileMetadata>(data) {
        let _ = file.created_at_time();
        let _ = file.expires_at_time();
        let _ = file.content_block_kind();
    }
    if let Some(list) = round_trip::<FileList>(data) {
        for file in &list.data {
            let _ = file.created_at_time();
        }
    }
    round_trip::<DeletedFile>(data);
    if let Some(error) = round_trip::<ErrorResponse>(data) {
        let _ = error.error_code();
    }
    round_trip::<ApiErrorObject>(data);
    round_trip::<ErrorType>(data);
    round_trip::<ErrorCode>(data);
    round_trip::<FileContentBlock>(data);
});
