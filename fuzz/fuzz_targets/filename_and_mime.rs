//! Filename and MIME type validation: the client's validators against the
//! server's rule for what it stores, and the MIME guess.
//!
//! Properties: the server stores a filename the client accepts as exactly that
//! name in both generations, and refuses in beta whatever the client refuses;
//! whatever the server stores (GA keeps the last path component, or names a
//! missing one) passes the client's validator; a MIME type the client accepts
//! fits in a header and its essence is `type/subtype`; every guessed MIME
//! type passes the validator; a refusal's message is never empty.
#![no_main]

use arbitrary::Arbitrary;
use files_server::__fuzz::stored_filename;
use files_types::{
    ApiGeneration, MAX_FILENAME_CHARS, MAX_MIME_TYPE_LEN, UploadParams, guess_mime_type,
    validate_filename, validate_mime_type,
};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    filename: String,
    mime_type: String,
    sent: bool,
}

fuzz_target!(|input: Input| {
    let filename = input.filename.as_str();
    let mime = input.mime_type.as_str();

    let client = validate_filename(filename);
    if let Err(err) = &client {
        assert!(!err.to_string().is_empty());
    } else {
        assert!(filename.chars().count() <= MAX_FILENAME_CHARS);
    }
    let sent = input.sent.then_some(filename);
    let part_mime = validate_mime_type(mime).is_ok().then_some(mime);
    for generation in [ApiGeneration::Beta, ApiGeneration::Ga] {
        let stored = stored_filename(sent, part_mime, generation);
        match (&stored, sent) {
            (Ok(name), _) => assert!(
                validate_filename(name).is_ok(),
                "{generation:?} stored {name:?}, which the client refuses"
            ),
            (Err(message), _) => assert!(!message.is_empty()),
        }
        if sent.is_some() && client.is_ok() {
            assert_eq!(stored.as_deref(), Ok(filename), "{generation:?}");
        }
        if generation == ApiGeneration::Beta && (sent.is_none() || client.is_err()) {
            assert!(stored.is_err(), "beta stored {stored:?} for {sent:?}");
        }
    }

    match validate_mime_type(mime) {
        Ok(()) => {
            assert!(mime.len() <= MAX_MIME_TYPE_LEN);
            assert!(http::HeaderValue::from_str(mime).is_ok(), "{mime:?}");
            let essence = mime.split(';').next().unwrap_or_default().trim();
            let (kind, subtype) = essence.split_once('/').expect("type/subtype");
            assert!(!kind.is_empty() && !subtype.is_empty());
        }
        Err(err) => assert!(!err.to_string().is_empty()),
    }
    let guessed = guess_mime_type(filename);
    assert!(
        validate_mime_type(&guessed).is_ok(),
        "guessed {guessed:?} for {filename:?}"
    );
    let params = UploadParams::new().filename(filename).mime_type(mime);
    for generation in [ApiGeneration::Beta, ApiGeneration::Ga] {
        assert_eq!(
            params.validate(generation).is_ok(),
            client.is_ok() && validate_mime_type(mime).is_ok()
        );
    }
});
