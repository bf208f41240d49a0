//! The CLI's `--transform` (a GJSON path over the JSON the server sent).
//!
//! Properties: any path over any JSON gives JSON (a value, or `null` when
//! nothing is there); `@this` gives the document itself, every number exactly
//! as it was written (its text), and is its own `@this`; a plain key gives
//! that member of an object whose keys are plain.
#![no_main]

use files_cli::__fuzz::transform;
use libfuzzer_sys::fuzz_target;

struct Input {
    path: String,
    json: String,
}

fuzz_target!(|data: &[u8]| {
    // The path, a NUL, the JSON.
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let input = Input {
        path: String::from_utf8_lossy(&data[..split]).into_owned(),
        json: String::from_utf8_lossy(data.get(split + 1..).unwrap_or_default()).into_owned(),
    };
    let Some(out) = transform(&input.json, &input.path) else {
        return;
    };
    assert!(
        serde_json::from_str::<serde::de::IgnoredAny>(&out).is_ok(),
        "{:?} over {:?} gave {out:?}",
        input.path,
        input.json
    );
    let this = transform(&input.json, "@this").expect("the document parsed once");
    assert_eq!(
        numbers(&this),
        numbers(&input.json),
        "@this over {:?}",
        input.json
    );
    assert_eq!(transform(&this, "@this").as_deref(), Some(this.as_str()));
    // serde_json's own reading, where it has one (it refuses numbers beyond
    // an f64, which the CLI keeps).
    let Ok(original) = serde_json::from_str::<serde_json::Value>(&input.json) else {
        return;
    };
    let again: serde_json::Value = serde_json::from_str(&this).expect("JSON");
    assert_eq!(again, original, "@this over {:?}", input.json);

    if let serde_json::Value::Object(object) = &original {
        for (key, value) in object {
            if !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                let member = transform(&input.json, key).expect("JSON");
                let member: serde_json::Value = serde_json::from_str(&member).expect("JSON");
                assert_eq!(&member, value, "{key}");
            }
        }
    }
});

/// The numbers of JSON text, as written, in order.
fn numbers(json: &str) -> Vec<&str> {
    let bytes = json.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len() && b"0123456789+-.eE".contains(&bytes[i]) {
                    i += 1;
                }
                found.push(&json[start..i]);
            }
            _ => i += 1,
        }
    }
    found
}
