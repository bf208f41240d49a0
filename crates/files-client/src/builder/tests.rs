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
