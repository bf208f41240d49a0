//! Entry points for the fuzz targets in `fuzz/`: thin wrappers around private
//! parsers, so a target reaches the code a peer feeds without the crate making
//! those parsers public API. Hidden, unstable, and not for any other use.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};

use crate::cursor_guard::CursorGuard;
use crate::upload::multipart::Framing;

/// The download filename a `Content-Disposition` value names, as a download
/// saves it (see `Download::filename`).
pub fn filename_from_content_disposition(value: &str) -> Option<String> {
    crate::content_disposition::filename_from_content_disposition(value)
}

/// The delay the retry policy takes from `retry-after-ms` and `retry-after`
/// header values (raw bytes; a value that is not a valid header is left out).
pub fn server_delay(
    retry_after_ms: Option<&[u8]>,
    retry_after: Option<&[u8]>,
    now: SystemTime,
) -> Option<Duration> {
    crate::retry::server_delay(&headers(retry_after_ms, retry_after), now)
}

/// Whether an answer of `status` with an `x-should-retry` value is retried;
/// `None` when `status` is not a status code.
pub fn should_retry(status: u16, x_should_retry: Option<&[u8]>) -> Option<bool> {
    let status = StatusCode::from_u16(status).ok()?;
    let mut map = HeaderMap::new();
    if let Some(value) = x_should_retry.and_then(|v| HeaderValue::from_bytes(v).ok()) {
        map.insert("x-should-retry", value);
    }
    Some(crate::retry::should_retry(status, &map))
}

/// The delay before the next attempt, as a send loop computes it: the
/// server's when it gave one, else the jittered backoff.
pub fn retry_delay(
    retry_after_ms: Option<&[u8]>,
    retry_after: Option<&[u8]>,
    retries_made: u32,
    random: f64,
) -> Duration {
    crate::retry::server_delay(&headers(retry_after_ms, retry_after), SystemTime::now())
        .unwrap_or_else(|| crate::retry::backoff(retries_made, random))
}

fn headers(retry_after_ms: Option<&[u8]>, retry_after: Option<&[u8]>) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in [
        ("retry-after-ms", retry_after_ms),
        ("retry-after", retry_after),
    ] {
        if let Some(value) = value.and_then(|v| HeaderValue::from_bytes(v).ok()) {
            map.insert(name, value);
        }
    }
    map
}

/// The multipart framing of an upload: its `Content-Type` value, and the bytes
/// before and after the file's content. `filename` and `mime_type` must have
/// passed the upload's validation, as they have when an upload builds it.
pub fn multipart_framing(
    filename: &str,
    mime_type: &str,
    expires_in_seconds: Option<u64>,
) -> Option<(String, Bytes, Bytes)> {
    let framing = Framing::new(filename, mime_type, expires_in_seconds);
    let content_type = framing.content_type().ok()?.to_str().ok()?.to_owned();
    let (head, tail) = framing.parts();
    Some((content_type, head, tail))
}

/// Whether an upload of `filename` (with `mime_type`, or the guess) passes
/// the client's checks; the MIME type it would send, or the refusal's text.
pub fn check_upload_name(filename: &str, mime_type: Option<&str>) -> Result<String, String> {
    let mut params = files_types::UploadParams::new();
    if let Some(mime_type) = mime_type {
        params = params.mime_type(mime_type);
    }
    crate::upload::limits::check_name(&params, filename).map_err(|e| e.to_string())
}

/// A listing's paging guard.
#[derive(Debug)]
pub struct Cursors(CursorGuard);

impl Default for Cursors {
    fn default() -> Self {
        Self(CursorGuard::new())
    }
}

impl Cursors {
    /// Admits the cursor of the page at `depth`; the error's text when refused.
    pub fn admit(&self, cursor: &files_types::ListCursor, depth: u64) -> Result<(), String> {
        self.0.admit(cursor, depth).map_err(|err| err.to_string())
    }
}
