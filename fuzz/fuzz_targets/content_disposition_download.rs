//! A download's `Content-Disposition`: the client's parser on any header
//! value, and the round trip from the server's encoder to the client's parser.
//!
//! Properties: a name the client takes is a single safe path component (not
//! empty, `.` or `..`, no separator, no control character, no surrounding
//! space); the server's header is always a valid header value; and the client
//! reads from it exactly the name it would make of the stored filename.
#![no_main]

use files_client::__fuzz::filename_from_content_disposition;
use files_server::__fuzz::download_content_disposition;
use libfuzzer_sys::fuzz_target;

/// What the client saves a stored `filename` as: the one rule for names a
/// server chose, `files_client::portable_file_name`.
fn expected(filename: &str) -> Option<String> {
    files_client::portable_file_name(filename)
}

fn assert_safe(name: &str, from: &str) {
    assert!(
        !name.is_empty() && name != "." && name != "..",
        "{name:?} from {from:?}"
    );
    assert!(!name.contains(['/', '\\']), "{name:?} from {from:?}");
    assert!(
        !name.chars().any(char::is_control),
        "{name:?} from {from:?}"
    );
    assert_eq!(name, name.trim(), "{name:?} from {from:?}");
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);

    // Any header value a server may send.
    if let Some(name) = filename_from_content_disposition(&text) {
        assert_safe(&name, &text);
    }

    // The server's own header for a stored name, read back by the client.
    let header = download_content_disposition(&text);
    assert!(
        http::HeaderValue::from_str(&header).is_ok(),
        "not a header value: {header:?}"
    );
    let read = filename_from_content_disposition(&header);
    assert_eq!(read, expected(&text), "header {header:?}");
});
