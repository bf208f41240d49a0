use super::*;

fn api(status: u16, body: &str) -> Error {
    Error::from(ApiError::from_response(
        StatusCode::from_u16(status).unwrap(),
        Some("req_header"),
        body.as_bytes(),
    ))
}

type Predicate = fn(&Error) -> bool;

#[test]
fn every_status_class_has_its_predicate() {
    let cases: [(u16, Predicate); 11] = [
        (400, Error::is_bad_request),
        (401, Error::is_authentication),
        (403, Error::is_permission_denied),
        (404, Error::is_not_found),
        (409, Error::is_conflict),
        (413, Error::is_request_too_large),
        (422, Error::is_unprocessable),
        (429, Error::is_rate_limited),
        (500, Error::is_internal_server),
        (503, Error::is_internal_server),
        (529, Error::is_overloaded),
    ];
    for (status, predicate) in cases {
        let err = api(status, "{}");
        assert!(predicate(&err), "{status}");
        for (other, other_predicate) in cases {
            if other != status && !(other >= 500 && status >= 500) {
                assert!(!other_predicate(&err), "{status} is not {other}");
            }
        }
    }
    assert!(api(529, "{}").is_internal_server(), "529 is a 5xx too");
}

#[test]
fn ga_codes_and_beta_messages_name_the_file_errors() {
    let ga = api(
        400,
        r#"{"type":"error","error":{"type":"invalid_request_error","message":"x","details":{"error_code":"file_not_downloadable"}}}"#,
    );
    assert!(ga.is_file_not_downloadable());
    let beta = api(
        400,
        r#"{"type":"error","error":{"type":"invalid_request_error","message":"File is not downloadable: file_1"}}"#,
    );
    assert!(beta.is_file_not_downloadable());
    assert!(!beta.is_file_expired());
    let expired = api(
        404,
        r#"{"type":"error","error":{"type":"not_found_error","message":"gone","details":{"error_code":"file_expired"}}}"#,
    );
    assert!(expired.is_file_expired() && expired.is_not_found());
    let quota = api(
        400,
        r#"{"type":"error","error":{"type":"invalid_request_error","message":"q","details":{"error_code":"storage_quota_exceeded"}}}"#,
    );
    assert!(quota.is_storage_quota_exceeded());
    let beta_quota = api(
        403,
        r#"{"type":"error","error":{"type":"permission_error","message":"Storage quota exceeded"}}"#,
    );
    assert!(beta_quota.is_storage_quota_exceeded());
}

#[test]
fn request_ids_come_from_the_header_then_the_body() {
    let body =
        r#"{"type":"error","error":{"type":"api_error","message":"m"},"request_id":"req_body"}"#;
    assert_eq!(api(500, body).request_id(), Some("req_header"));
    let err = Error::from(ApiError::from_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        None,
        body.as_bytes(),
    ));
    assert_eq!(err.request_id(), Some("req_body"));
    let html = Error::from(ApiError::from_response(
        StatusCode::BAD_GATEWAY,
        None,
        b"<html>bad gateway</html>",
    ));
    assert_eq!(html.api().unwrap().message, "<html>bad gateway</html>");
    assert_eq!(html.error_type(), None);
}

#[test]
fn not_retried_keeps_the_class_and_says_why() {
    let err = api(503, "{}").not_retried_because(NotRetried::OneShotBodySent);
    assert!(err.is_internal_server(), "still an Api error");
    assert!(matches!(err, Error::Api(_)));
    assert_eq!(err.request_id(), Some("req_header"));
    assert_eq!(err.not_retried(), Some(NotRetried::OneShotBodySent));
    assert!(err.to_string().contains("one-shot stream"), "{err}");
}

#[test]
fn timeouts_name_their_phase_and_limit() {
    let transport = TransportError::timeout(TimeoutPhase::Write, Duration::from_secs(3));
    let err = Error::from_transport(&http::Method::POST, "/v1/files", transport);
    assert!(err.is_timeout() && err.is_connection());
    assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Write));
    assert_eq!(
        err.to_string(),
        "POST /v1/files timed out (write phase) after 3s"
    );
}
