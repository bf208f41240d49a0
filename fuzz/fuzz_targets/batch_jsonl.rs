//! The batch JSONL validator, whole and streamed in arbitrary chunks.
//!
//! Properties: streaming in any chunks gives exactly the answer of the whole
//! file; a file it accepts has as many requests as non-blank lines, each a
//! JSON object with a valid, unique `custom_id` and an object `params`; a
//! refusal names a line that exists.
#![no_main]

use std::collections::HashSet;

use files_types::{BatchJsonlValidator, ValidationError, is_valid_custom_id, validate_batch_jsonl};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte is the size of the chunks the rest is streamed in.
    let Some((&step, content)) = data.split_first() else {
        return;
    };
    let step = usize::from(step).max(1);
    let whole = validate_batch_jsonl(content);

    let mut streamed = BatchJsonlValidator::new();
    let mut rest = content;
    let mut result = Ok(());
    while !rest.is_empty() && result.is_ok() {
        let (chunk, tail) = rest.split_at(step.min(rest.len()));
        result = streamed.feed(chunk);
        rest = tail;
    }
    let streamed = result.and_then(|()| streamed.finish());
    assert_eq!(streamed, whole);

    let lines: Vec<&[u8]> = content.split(|&b| b == b'\n').collect();
    match whole {
        Ok(count) => {
            let mut ids = HashSet::new();
            let mut requests = 0;
            for line in &lines {
                let text = std::str::from_utf8(line).expect("accepted lines are UTF-8");
                if text.trim().is_empty() {
                    continue;
                }
                requests += 1;
                let value: serde_json::Value = serde_json::from_str(text).expect("JSON");
                let id = value["custom_id"].as_str().expect("a string custom_id");
                assert!(is_valid_custom_id(id));
                assert!(ids.insert(id.to_owned()), "duplicate {id}");
                assert!(value["params"].is_object());
            }
            assert_eq!(count, requests);
        }
        Err(ValidationError::BatchLine { line, .. }) => {
            assert!(
                line >= 1 && line <= lines.len(),
                "line {line} of {}",
                lines.len()
            );
        }
        Err(ValidationError::BatchEmpty) => {}
        Err(other) => panic!("unexpected error {other:?}"),
    }
});
