//! The CLI's `--transform` (a GJSON path over the JSON the server sent).
//!
//! Properties: any path over any JSON gives JSON (a value, or `null` when
//! nothing is there); `@this` gives the document itself; a plain key gives
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
        serde_json::from_str::<serde_json::Value>(&out).is_ok(),
        "{:?} over {:?} gave {out:?}",
        input.path,
        input.json
    );
    let this = transform(&input.json, "@this").expect("the document parsed once");
    let original: serde_json::Value = serde_json::from_str(&input.json).expect("JSON");
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
