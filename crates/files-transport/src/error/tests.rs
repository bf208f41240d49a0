use super::*;

#[test]
fn retryable_matrix_depends_on_kind_only() {
    use TransportErrorKind::*;
    for (kind, expected) in [
        (Connect, true),
        (Timeout, true),
        (Io, true),
        (RequestBody, false),
        (Tls, false),
        (InvalidRequest, false),
        (BodyTooLarge, false),
        (Other, false),
    ] {
        assert_eq!(kind.is_retryable(), expected, "{kind:?}");
        let err = TransportError::new(kind, "x").with_source(std::io::Error::other("y"));
        assert_eq!(err.is_retryable(), expected, "{kind:?}");
    }
}

#[test]
fn display_names_kind_message_and_host() {
    let err = TransportError::new(TransportErrorKind::Timeout, "no response headers after 5s")
        .with_host("127.0.0.1:8080");
    assert_eq!(
        err.to_string(),
        "timeout error: no response headers after 5s (host 127.0.0.1:8080)"
    );
    let bare = TransportError::new(TransportErrorKind::Other, "boom");
    assert_eq!(bare.to_string(), "transport error: boom");
    assert_eq!(bare.host(), None);
    assert!(StdError::source(&bare).is_none());
}

#[test]
fn host_of_strips_userinfo_path_and_query() {
    let uri: http::Uri = "https://user:secret@example.com:8443/v1/files?key=secret"
        .parse()
        .unwrap();
    assert_eq!(host_of(&uri).as_deref(), Some("example.com:8443"));
    let uri: http::Uri = "http://example.com/a?b=c".parse().unwrap();
    assert_eq!(host_of(&uri).as_deref(), Some("example.com"));
    let uri: http::Uri = "/relative".parse().unwrap();
    assert_eq!(host_of(&uri), None);
}

#[test]
fn has_source_of_type_sees_through_io_errors() {
    #[derive(Debug)]
    struct Inner;
    impl fmt::Display for Inner {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("inner")
        }
    }
    impl StdError for Inner {}
    let nested = std::io::Error::other(std::io::Error::new(std::io::ErrorKind::InvalidData, Inner));
    let err = TransportError::new(TransportErrorKind::Io, "x").with_source(nested);
    assert!(err.has_source_of_type::<Inner>());
    assert!(err.has_source_of_type::<std::io::Error>());
    assert!(!err.has_source_of_type::<std::fmt::Error>());
}

#[cfg(any(feature = "hyper", feature = "reqwest", feature = "reqwest-0-12"))]
#[test]
fn check_uri_requires_absolute_http_uris() {
    let uri: http::Uri = "/v1/files".parse().unwrap();
    assert_eq!(
        check_uri(&uri).unwrap_err().kind(),
        TransportErrorKind::InvalidRequest
    );
    let uri: http::Uri = "ftp://example.com/x".parse().unwrap();
    let err = check_uri(&uri).unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::InvalidRequest);
    assert_eq!(err.host(), Some("example.com"));
    let uri: http::Uri = "https://example.com:8443/v1?x=1".parse().unwrap();
    assert_eq!(check_uri(&uri).unwrap(), "example.com:8443");
}
