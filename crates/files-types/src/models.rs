//! Hand-written helpers on the generated wire models.

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
