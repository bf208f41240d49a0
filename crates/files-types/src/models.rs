//! Hand-written helpers on the generated wire models.

use std::time::SystemTime;

use crate::timestamp::{TimestampError, parse_timestamp};
use crate::{ContentBlockKind, ErrorCode, ErrorResponse, ErrorType, FileMetadata};

impl FileMetadata {
    /// The content block this file goes in, by its MIME type.
    ///
    /// ```
    /// use files_types::{ContentBlockKind, FileMetadata};
    ///
    /// let file = FileMetadata::new("file_a", "a.png", "image/png", 3, "2026-01-01T00:00:00Z");
    /// assert_eq!(file.content_block_kind(), ContentBlockKind::Image);
    /// ```
    pub fn content_block_kind(&self) -> ContentBlockKind {
        ContentBlockKind::for_mime_type(&self.mime_type)
    }

    /// `created_at` as a [`SystemTime`]. The field keeps the wire string, which
    /// round-trips exactly; this parses it ([`parse_timestamp`](crate::parse_timestamp)).
    /// For a date-time crate's type, convert the `SystemTime`: chrono, time
    /// and jiff each implement `From` or `TryFrom` for it.
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use files_types::FileMetadata;
    ///
    /// let file = FileMetadata::new("file_a", "a.txt", "text/plain", 1, "2025-04-15T18:37:24.100435Z");
    /// assert_eq!(file.created_at_time()?, UNIX_EPOCH + Duration::new(1_744_742_244, 100_435_000));
    /// assert_eq!(file.expires_at_time()?, None);
    /// # Ok::<(), files_types::TimestampError>(())
    /// ```
    ///
    /// # Errors
    /// The server sent a value that is not RFC 3339, or before 1970.
    pub fn created_at_time(&self) -> Result<SystemTime, TimestampError> {
        parse_timestamp(&self.created_at)
    }

    /// `expires_at` as a [`SystemTime`]: `Ok(None)` when the file does not expire
    /// (the field is absent or null).
    ///
    /// # Errors
    /// The server sent a value that is not RFC 3339, or before 1970.
    pub fn expires_at_time(&self) -> Result<Option<SystemTime>, TimestampError> {
        self.expires_at.as_deref().map(parse_timestamp).transpose()
    }
}

impl ErrorResponse {
    /// An error body of `error_type` with `message`, as every non-2xx answer carries.
    ///
    /// ```
    /// use files_types::{ErrorResponse, ErrorType};
    ///
    /// let body = ErrorResponse::from_parts(ErrorType::NotFoundError, "File not found: file_x");
    /// assert_eq!(
    ///     serde_json::to_value(&body).unwrap(),
    ///     serde_json::json!({"type": "error", "error": {"type": "not_found_error", "message": "File not found: file_x"}})
    /// );
    /// ```
    pub fn from_parts(error_type: ErrorType, message: impl Into<String>) -> Self {
        Self::new(crate::ApiErrorObject::new(error_type, message))
    }

    /// The GA `error.details.error_code`, if any.
    ///
    /// ```
    /// use files_types::{ErrorCode, ErrorResponse};
    ///
    /// let body: ErrorResponse = serde_json::from_str(
    ///     r#"{"type":"error","error":{"type":"invalid_request_error","message":"no","details":{"error_code":"file_not_downloadable"}}}"#,
    /// ).unwrap();
    /// assert_eq!(body.error_code(), Some(&ErrorCode::FileNotDownloadable));
    /// ```
    pub fn error_code(&self) -> Option<&ErrorCode> {
        self.error.details.as_ref()?.error_code.as_ref()
    }
}
