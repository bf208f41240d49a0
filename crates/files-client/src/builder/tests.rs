use super::*;

#[test]
fn values_that_cannot_be_headers_fail_the_build() {
    let base = || {
        Client::builder()
            .api_key("k")
            .base_url("http://127.0.0.1:1")
    };
    let err = base().workspace_id("wrk\nX-Evil: 1").build().unwrap_err();
    assert!(
        matches!(err, Error::Config(ref m) if m.contains("workspace id")),
        "{err}"
    );
    let err = base().beta("files\r\n").build().unwrap_err();
    assert!(
        matches!(err, Error::Config(ref m) if m.contains("anthropic-beta")),
        "{err}"
    );
    assert!(base().workspace_id("wrk_1").beta("b-1").build().is_ok());
}

#[test]
fn root_certificates_must_be_pem() {
    let err = Client::builder()
        .api_key("k")
        .add_root_certificates_pem("not a certificate")
        .build()
        .unwrap_err();
    assert!(
        matches!(err, Error::Config(ref m) if m.contains("CERTIFICATE")),
        "{err}"
    );
}

#[test]
fn base_urls_are_checked() {
    assert_eq!(
        validate_base_url("https://api.anthropic.com/").unwrap(),
        "https://api.anthropic.com"
    );
    assert_eq!(
        validate_base_url("http://127.0.0.1:8787/proxy").unwrap(),
        "http://127.0.0.1:8787/proxy"
    );
    for bad in [
        "ftp://x",
        "api.anthropic.com",
        "",
        "https://x/?a=1",
        "https://x/#f",
    ] {
        assert!(validate_base_url(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_base_url_with_credentials_is_refused_without_showing_them() {
    for url in [
        "http://user:PASS@127.0.0.1:8787",
        "https://PASS@api.example.com/v1",
        "http://user:PASS@host?query",
        "http://us@er:PASS@host/",
    ] {
        let err = validate_base_url(url).unwrap_err().to_string();
        assert!(err.contains("credentials"), "{err}");
        assert!(err.contains("***@"), "{err}");
        assert!(!err.contains("PASS"), "{err}");
    }
    assert_eq!(redact_userinfo("http://host/a@b"), "http://host/a@b");
    let debug = format!(
        "{:?}",
        crate::Client::builder().base_url("http://u:PASS@host")
    );
    assert!(!debug.contains("PASS"), "{debug}");
}
