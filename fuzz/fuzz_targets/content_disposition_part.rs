//! A multipart part's `Content-Disposition`, as the server's upload handler
//! reads it (multer frames the part; the server's own parser reads the value):
//! on any value, and on the client's own framing of an upload.
//!
//! Properties: no panic on any value; a part whose header the framing carries
//! is read exactly as the parser reads the value (as a header carries it:
//! without surrounding spaces and tabs); a filename and MIME type the client's
//! validators accept, framed by the client, reach the server as exactly that
//! filename and content, and the server stores the upload under that name in
//! both generations.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use bytes::Bytes;
use files_client::__fuzz::{check_upload_name, multipart_framing};
use files_server::__fuzz::{parse_part_disposition, part_disposition, read_parts, stored_filename};
use files_types::ApiGeneration;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    filename: String,
    mime_type: String,
    expires_in_seconds: Option<u64>,
    content: Vec<u8>,
}

fuzz_target!(|data: &[u8]| {
    // A header value, a NUL, then an upload for the client to frame.
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let value: Vec<u8> = data[..split]
        .iter()
        .copied()
        .filter(|b| *b != b'\r' && *b != b'\n')
        .collect();
    // The parser on the value as it is, then as a header carries it.
    let _ = parse_part_disposition(&String::from_utf8_lossy(&value));
    if let Some(read) = part_disposition(&value) {
        let blank = |b: &u8| *b == b' ' || *b == b'\t';
        let start = value.iter().position(|b| !blank(b)).unwrap_or(value.len());
        let end = value
            .iter()
            .rposition(|b| !blank(b))
            .map_or(start, |i| i + 1);
        let carried = String::from_utf8_lossy(&value[start..end]);
        assert_eq!(
            read,
            parse_part_disposition(&carried),
            "{:?}",
            String::from_utf8_lossy(&value)
        );
    }
    let Ok(input) =
        Input::arbitrary_take_rest(Unstructured::new(data.get(split + 1..).unwrap_or_default()))
    else {
        return;
    };

    // The client's framing of a valid upload.
    if check_upload_name(&input.filename, Some(&input.mime_type)).is_err() {
        return;
    }
    let Some((content_type, head, tail)) =
        multipart_framing(&input.filename, &input.mime_type, input.expires_in_seconds)
    else {
        panic!("no framing for a valid filename and MIME type");
    };
    let outcome = read_parts(
        &content_type,
        vec![head, Bytes::from(input.content.clone()), tail],
        8 * 1024,
    );
    assert!(outcome.error.is_none(), "{outcome:?}");
    let file = outcome
        .parts
        .iter()
        .find(|p| p.name.as_deref() == Some("file"))
        .unwrap_or_else(|| panic!("no file part: {outcome:?}"));
    assert_eq!(file.filename.as_deref(), Some(input.filename.as_str()));
    assert_eq!(file.data_len, input.content.len() as u64);
    for generation in [ApiGeneration::Beta, ApiGeneration::Ga] {
        assert_eq!(
            stored_filename(file.filename.as_deref(), Some(&input.mime_type), generation),
            Ok(input.filename.clone()),
            "{generation:?}"
        );
    }
});
