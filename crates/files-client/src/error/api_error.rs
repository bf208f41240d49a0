//! [`ApiError`]: an error answer from the API, read from its envelope.

use files_types::{ErrorCode, ErrorResponse, ErrorType};
use http::{HeaderMap, HeaderValue, StatusCode};

use super::not_retried::{NotRetried, Suffix};

/// An error answer from the API (any non-2xx status).
///
/// ```
/// use files_client::{ApiError, Error};
///
/// let body = br#"{"type":"error","error":{"type":"not_found_error","message":"File not found: file_x"},"request_id":"req_1"}"#;
/// let err = Error::from(ApiError::from_response(http::StatusCode::NOT_FOUND, None, body));
/// assert!(err.is_not_found());
/// assert_eq!(err.request_id(), Some("req_1"));
/// assert_eq!(err.to_string(), "404 Not Found not_found_error: File not found: file_x (request id req_1)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// `error.type`, when the body said.
    pub error_type: Option<ErrorType>,
    /// `error.message` (at most [`MAX_ERROR_MESSAGE_BYTES`], else cut with a
    /// note saying so), or a short snippet of a body that was not the error
    /// envelope.
    pub message: String,
    /// The request id: the `request-id` header, else the body's `request_id`.
    pub request_id: Option<String>,
    /// GA: `error.details.error_code`.
    pub error_code: Option<ErrorCode>,
    /// Set when the retry policy would have retried this answer but could not.
    pub not_retried: Option<NotRetried>,
}

impl ApiError {
    /// Reads an error answer: the envelope when the body is one, else a snippet.
    pub fn from_response(status: StatusCode, header_request_id: Option<&str>, body: &[u8]) -> Self {
        match serde_json::from_slice::<ErrorResponse>(body) {
            Ok(envelope) => Self {
                status,
                error_code: envelope.error_code().cloned(),
                error_type: Some(envelope.error.error_type),
                message: bounded_message(envelope.error.message, false),
                request_id: header_request_id.map(str::to_owned).or(envelope.request_id),
                not_retried: None,
            },
            Err(_) => Self {
                status,
                error_type: None,
                message: snippet(body),
                request_id: header_request_id.map(str::to_owned),
                error_code: None,
                not_retried: None,
            },
        }
    }

    /// Reads an error answer from its status, headers and body, as
    /// [`from_response`](Self::from_response) does, with one addition: a
    /// redirect (3xx) is an error whose message names where it pointed. The
    /// Files API never redirects, and nothing of this crate follows one, so
    /// no credential reaches another origin.
    ///
    /// ```
    /// use files_client::ApiError;
    ///
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("location", "https://elsewhere.example:8443/v1/files?key=k".parse().unwrap());
    /// let err = ApiError::from_parts(http::StatusCode::FOUND, &headers, b"");
    /// assert_eq!(
    ///     err.message,
    ///     "the server redirected to https://elsewhere.example:8443/v1/files; \
    ///      redirects are not followed, so credentials stay with the configured origin"
    /// );
    /// ```
    #[must_use]
    pub fn from_parts(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        Self::from_cut_parts(status, headers, body, false)
    }

    /// [`from_parts`](Self::from_parts) of a body of which only a prefix
    /// was read when `body_cut`.
    pub(crate) fn from_cut_parts(
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
        body_cut: bool,
    ) -> Self {
        let request_id = headers.get("request-id").and_then(|v| v.to_str().ok());
        let mut api = Self::from_response(status, request_id, body);
        if body_cut {
            api.message = bounded_message(std::mem::take(&mut api.message), true);
        }
        if status.is_redirection() {
            let target = headers.get(http::header::LOCATION).map_or_else(
                || "nowhere (no Location header)".to_owned(),
                redirect_target,
            );
            api.message = format!(
                "the server redirected to {target}; redirects are not followed, \
                 so credentials stay with the configured origin"
            );
        }
        api
    }
}

/// Where a `Location` header points: scheme, host, port and path, without
/// userinfo or query (either may hold a secret), or the path alone when the
/// target is on the same origin. At most 200 characters of it.
fn redirect_target(location: &HeaderValue) -> String {
    let text = String::from_utf8_lossy(location.as_bytes());
    let shown = match text.parse::<http::Uri>() {
        Ok(uri) => {
            let origin = match (uri.scheme_str(), uri.host()) {
                (Some(scheme), Some(host)) => match uri.port_u16() {
                    Some(port) => format!("{scheme}://{host}:{port}"),
                    None => format!("{scheme}://{host}"),
                },
                _ => String::new(),
            };
            let same = if origin.is_empty() {
                " (same origin)"
            } else {
                ""
            };
            format!("{origin}{}{same}", uri.path())
        }
        Err(_) => format!("an unreadable Location ({})", snippet(text.as_bytes())),
    };
    snippet(shown.as_bytes())
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.status)?;
        if let Some(kind) = &self.error_type {
            write!(f, " {kind}")?;
        }
        if let Some(code) = &self.error_code {
            write!(f, " ({code})")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        write!(f, "{}", Suffix(self.not_retried))
    }
}

/// The most of an error answer's body read: enough for any real error
/// envelope; a longer one is cut here and its message says so.
pub(crate) const MAX_ERROR_BODY_BYTES: usize = 1024 * 1024;

/// The longest [`ApiError::message`] kept, in bytes; a longer message is cut
/// at a character boundary and ends with a note saying how long it was.
pub const MAX_ERROR_MESSAGE_BYTES: usize = 4096;

/// Reads at most [`MAX_ERROR_BODY_BYTES`] of an error answer's body, and
/// whether there was more. A body that fails midway keeps what arrived.
pub(crate) async fn read_error_body(mut body: files_transport::ResponseBody) -> (Vec<u8>, bool) {
    use http_body_util::BodyExt as _;
    let mut bytes = Vec::new();
    while let Some(Ok(frame)) = body.frame().await {
        let Ok(chunk) = frame.into_data() else {
            continue;
        };
        let room = MAX_ERROR_BODY_BYTES - bytes.len();
        if chunk.len() > room {
            bytes.extend_from_slice(&chunk[..room]);
            return (bytes, true);
        }
        bytes.extend_from_slice(&chunk);
    }
    (bytes, false)
}

/// `message` cut to [`MAX_ERROR_MESSAGE_BYTES`], saying so when it was.
fn bounded_message(message: String, body_cut: bool) -> String {
    if message.len() <= MAX_ERROR_MESSAGE_BYTES && !body_cut {
        return message;
    }
    let mut cut = message.len().min(MAX_ERROR_MESSAGE_BYTES);
    while !message.is_char_boundary(cut) {
        cut -= 1;
    }
    let whole = if body_cut {
        format!("the error body was over {MAX_ERROR_BODY_BYTES} bytes")
    } else {
        format!("the message was {} bytes", message.len())
    };
    format!("{}… [cut: {whole}]", &message[..cut])
}

/// At most 200 characters of a body, for messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
