//! The error JSON of a [`Failure`]: [`of`] on stderr after the summary line,
//! [`item`] inside a bulk command's result for the file that failed.

use files_client::files_types::{ApiErrorObject, ErrorDetails, ErrorResponse, ErrorType};

use crate::failure::Failure;
use crate::output::document::{self, Document, Object};

/// The error JSON: the API's error envelope ([`ErrorResponse`]) plus the HTTP
/// `status` of API errors, `{"type":"error","error":{"type":..,"message":..},"request_id":..,"status":..}`:
/// rebuilt from the API's answer for API errors (with `details.error_code` on
/// GA), the same shape for local failures (`request_id` null, no `status`).
pub fn of(failure: &Failure) -> Document {
    let mut error = ApiErrorObject::new(ErrorType::from(failure.error_type()), failure.message());
    let mut request_id = None;
    if let Failure::Client(err) = failure {
        if let Some(code) = err.error_code() {
            let mut details = ErrorDetails::new();
            details.error_code = Some(code.clone());
            error.details = Some(details);
        }
        request_id = err.request_id().map(str::to_owned);
    }
    let mut envelope = ErrorResponse::new(error);
    envelope.request_id = request_id;
    let mut body = match document::from_model(&envelope) {
        Ok(Document::Mapping(body)) => body,
        _ => Object::new(), // never: the model is an object of strings
    };
    // Always present, as in the API's own envelopes; null for local failures.
    if !body.contains_key("request_id") {
        body.insert(document::string("request_id"), Document::Null);
    }
    if let Some(status) = failure.status() {
        body.insert(document::string("status"), Document::Number(status.into()));
    }
    Document::Mapping(body)
}

/// The item-level error object of a bulk run's result: the error JSON's `error`
/// with its `request_id` and `status` inside.
pub fn item(failure: &Failure) -> Document {
    let Document::Mapping(mut envelope) = of(failure) else {
        return Document::Null;
    };
    let mut error = match envelope.remove(document::string("error")) {
        Some(Document::Mapping(error)) => error,
        _ => Object::new(),
    };
    for key in ["request_id", "status"] {
        if let Some(value) = envelope.remove(document::string(key))
            && value != Document::Null
        {
            error.insert(document::string(key), value);
        }
    }
    Document::Mapping(error)
}

#[cfg(test)]
mod tests {
    use files_client::{ApiError, Error};

    use super::*;

    fn http_status(code: u16) -> http::StatusCode {
        http::StatusCode::from_u16(code).unwrap()
    }

    #[test]
    fn api_errors_keep_status_type_message_and_request_id() {
        let body = br#"{"type":"error","error":{"type":"not_found_error","message":"File not found: file_x"},"request_id":"req_1"}"#;
        let failure = Failure::from(Error::from(ApiError::from_response(
            http_status(404),
            None,
            body,
        )));
        assert_eq!(
            document::to_json_text(&of(&failure)),
            r#"{"type":"error","error":{"type":"not_found_error","message":"File not found: file_x"},"request_id":"req_1","status":404}"#
        );
    }

    #[test]
    fn ga_error_codes_land_in_details_and_values_stay_exact() {
        let body = "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"no \\u001b[2J\",\"details\":{\"error_code\":\"file_not_downloadable\"}}}";
        let failure = Failure::from(Error::from(ApiError::from_response(
            http_status(400),
            Some("req_2"),
            body.as_bytes(),
        )));
        assert_eq!(
            document::to_json_text(&of(&failure)),
            r#"{"type":"error","error":{"type":"invalid_request_error","message":"no \u001b[2J","details":{"error_code":"file_not_downloadable"}},"request_id":"req_2","status":400}"#
        );
    }

    #[test]
    fn local_failures_have_a_null_request_id_and_items_carry_the_error_alone() {
        let io = Failure::io("cannot read", "x", std::io::Error::other("gone"));
        assert_eq!(of(&io).get("request_id"), Some(&Document::Null));
        assert_eq!(
            document::to_json_text(&item(&io)),
            r#"{"type":"io_error","message":"cannot read x: gone"}"#
        );
    }
}
