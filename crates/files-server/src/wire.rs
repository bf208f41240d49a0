//! What goes on the wire: error answers in each generation's shape, JSON answers,
//! and the models of stored files.

use bytes::Bytes;
use files_types::{
    ApiErrorObject, ApiGeneration, ErrorCode, ErrorDetails, ErrorResponse, ErrorType, FileMetadata,
    FileScope,
};
use http::{HeaderName, HeaderValue, Response, StatusCode};
use http_body_util::{BodyExt, Full, combinators::BoxBody};

use crate::clock::rfc3339_ms;
use crate::store::FileRecord;

/// The body of every answer.
pub(crate) type Body = BoxBody<Bytes, std::io::Error>;

pub(crate) fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed()
}

/// An error answer, before it is shaped for a generation.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub error_type: ErrorType,
    pub message: String,
    /// GA only: `error.details.error_code`.
    pub code: Option<ErrorCode>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        error_type: ErrorType,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            error_type,
            message: message.into(),
            code: None,
            headers: Vec::new(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            ErrorType::InvalidRequestError,
            message,
        )
    }

    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorType::NotFoundError, message)
    }

    pub(crate) fn file_not_found(id: &str) -> Self {
        Self::not_found(format!("File not found: {id}"))
    }

    pub(crate) fn too_large(max: u64) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorType::RequestTooLarge,
            format!("Request exceeds the maximum file size of {max} bytes"),
        )
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorType::ApiError,
            message,
        )
    }

    /// The disk has too little room: 507 `Insufficient Storage` with
    /// `x-should-retry: false`. 507 says exactly what happened (RFC 4918: the
    /// server cannot store the representation); the header stops the official
    /// clients (and this SDK) from re-sending the whole upload, which they would
    /// do for a bare 5xx, since space does not come back by waiting a second.
    pub(crate) fn disk_full() -> Self {
        let mut err = Self::new(
            StatusCode::INSUFFICIENT_STORAGE,
            ErrorType::ApiError,
            "The server's disk is full: uploads are refused until space is freed (deleting files works)",
        );
        err.headers.push((
            HeaderName::from_static("x-should-retry"),
            HeaderValue::from_static("false"),
        ));
        err
    }

    /// A limit of work in progress is reached: 503 with `retry-after: 1`, a
    /// transient condition worth retrying.
    pub(crate) fn overloaded(message: impl Into<String>) -> Self {
        let mut err = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorType::OverloadedError,
            message,
        );
        err.headers
            .push((http::header::RETRY_AFTER, HeaderValue::from_static("1")));
        err
    }

    /// A request body too slow to keep up the minimum rate: 408, and the
    /// connection closes (the rest of the body will not be read).
    pub(crate) fn body_too_slow(message: impl Into<String>) -> Self {
        let mut err = Self::new(
            StatusCode::REQUEST_TIMEOUT,
            ErrorType::TimeoutError,
            message,
        );
        err.headers
            .push((http::header::CONNECTION, HeaderValue::from_static("close")));
        err
    }

    pub(crate) fn with_code(mut self, code: ErrorCode) -> Self {
        self.code = Some(code);
        self
    }

    /// The error type the API uses for `status`.
    pub(crate) fn type_for_status(status: StatusCode) -> ErrorType {
        match status.as_u16() {
            400 => ErrorType::InvalidRequestError,
            401 => ErrorType::AuthenticationError,
            402 => ErrorType::BillingError,
            403 => ErrorType::PermissionError,
            404 => ErrorType::NotFoundError,
            408 | 504 => ErrorType::TimeoutError,
            409 => ErrorType::ConflictError,
            413 => ErrorType::RequestTooLarge,
            429 => ErrorType::RateLimitError,
            529 => ErrorType::OverloadedError,
            _ => ErrorType::ApiError,
        }
    }

    /// The answer in `generation`'s shape: GA adds `error.details.error_code`.
    pub(crate) fn into_response(
        self,
        generation: ApiGeneration,
        request_id: &str,
    ) -> Response<Body> {
        let mut error = ApiErrorObject::new(self.error_type, self.message);
        if generation == ApiGeneration::Ga
            && let Some(code) = self.code
        {
            let mut details = ErrorDetails::new();
            details.error_code = Some(code);
            error.details = Some(details);
        }
        let mut body = ErrorResponse::new(error);
        body.request_id = Some(request_id.to_owned());
        let mut response = json_response(self.status, &body);
        for (name, value) in self.headers {
            response.headers_mut().append(name, value);
        }
        response
    }
}

/// A JSON answer.
pub(crate) fn json_response(status: StatusCode, value: &impl serde::Serialize) -> Response<Body> {
    let bytes = serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = Response::new(full(bytes));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The metadata of a stored file in `generation`'s shape (GA adds `expires_at`).
pub(crate) fn metadata(file: &FileRecord, generation: ApiGeneration) -> FileMetadata {
    let mut meta = FileMetadata::new(
        file.id.clone(),
        file.filename.clone(),
        file.mime_type.clone(),
        file.size_bytes,
        rfc3339_ms(file.created_ms),
    );
    meta.downloadable = file.downloadable;
    meta.scope = file.scope_id.clone().map(FileScope::new);
    if generation == ApiGeneration::Ga {
        meta.expires_at = file.expires_ms.map(rfc3339_ms);
    }
    meta
}

/// `Content-Disposition` for a download: an ASCII fallback and the UTF-8 name.
pub(crate) fn content_disposition(filename: &str) -> String {
    let fallback: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for byte in filename.bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_disposition_has_a_safe_fallback_and_the_utf8_name() {
        assert_eq!(
            content_disposition("résumé 1.pdf"),
            "attachment; filename=\"r_sum_ 1.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%201.pdf"
        );
    }
}
