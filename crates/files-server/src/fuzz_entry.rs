//! Entry points for the fuzz targets in `fuzz/`: thin wrappers around the
//! server's private parsers, and the whole request path in-process
//! ([`InProcess`]). Compiled only with `--cfg fuzzing` (cargo-fuzz sets it);
//! hidden, unstable, and not for any other use.

#[path = "fuzz_entry/in_process.rs"]
mod in_process;
#[path = "fuzz_entry/parts.rs"]
mod parts;

pub use in_process::{Answer, Audit, InProcess};
pub use parts::{PartSeen, PartsOutcome, read_parts};

use files_types::ApiGeneration;

/// The `(name, filename)` the upload handler reads from a part whose
/// `Content-Disposition` is `value` (multer frames the part, the server's own
/// parser reads the value); `None` when the part cannot be read.
pub fn part_disposition(value: &[u8]) -> Option<(Option<String>, Option<String>)> {
    parts::disposition(value)
}

/// The `(name, filename)` the server's `Content-Disposition` parser reads
/// from the header value `value`.
pub fn parse_part_disposition(value: &str) -> (Option<String>, Option<String>) {
    let disposition = crate::routes::disposition::Disposition::parse(value);
    (disposition.name, disposition.filename)
}

/// The filename an upload is stored under when its part names `sent` (and has
/// the Content-Type `mime_type`); the error message when it is refused.
pub fn stored_filename(
    sent: Option<&str>,
    mime_type: Option<&str>,
    generation: ApiGeneration,
) -> Result<String, String> {
    crate::routes::upload::filename_of(sent, mime_type, generation).map_err(|e| e.message)
}

/// The `Content-Disposition` of a download of `filename`.
pub fn download_content_disposition(filename: &str) -> String {
    crate::wire::content_disposition(filename)
}

/// An id or cursor of `prefix` carrying `seq` and `salt`.
pub fn encode_id(prefix: &str, seq: u64, salt: u64) -> String {
    crate::ids::encode(prefix, seq, salt)
}

/// The sequence number a cursor of `prefix` carries, if it is one of ours.
pub fn cursor_seq(prefix: &str, value: &str) -> Option<u64> {
    crate::ids::decode_seq(prefix, value)
}

/// The query pairs of a request target, as the routes read them; `None` when
/// `target` is not a URI.
pub fn query_pairs(target: &str) -> Option<Vec<(String, String)>> {
    let uri: http::Uri = target.parse().ok()?;
    Some(crate::routes::query::query_pairs(&uri))
}
