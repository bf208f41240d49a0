//! The base URL's rules: `http://` or `https://` with a host, nothing that
//! would never be sent (userinfo, query, fragment); credentials redacted in
//! every message.

use crate::Error;

/// `http://` or `https://` with a host; no userinfo, query or fragment;
/// trailing `/` removed. Messages show the URL with any userinfo redacted.
pub(super) fn validate_base_url(raw: &str) -> Result<String, Error> {
    let raw = raw.trim();
    let redacted = redact_userinfo(raw);
    let url = redacted.as_str();
    if url != raw {
        return Err(Error::config(format!(
            "base URL {url:?} holds credentials (user:password@): they are never \
             sent, so they are refused; give the key with --api-key or ANTHROPIC_API_KEY"
        )));
    }
    let uri: http::Uri = url
        .parse()
        .map_err(|_| Error::config(format!("base URL {url:?} is not a URL")))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => {
            return Err(Error::config(format!(
                "base URL {url:?} must start with http:// or https://"
            )));
        }
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(Error::config(format!("base URL {url:?} has no host")));
    }
    if uri.query().is_some() || url.contains('#') {
        return Err(Error::config(format!(
            "base URL {url:?} must not have a query or fragment"
        )));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

/// `url` with anything between `scheme://` and the last `@` of the
/// authority replaced by `***` (the URL is kept as it is when it has none).
pub(super) fn redact_userinfo(url: &str) -> String {
    let Some(start) = url.find("://").map(|at| at + 3) else {
        return url.to_owned();
    };
    let rest = &url[start..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &rest[at..]),
        None => url.to_owned(),
    }
}
