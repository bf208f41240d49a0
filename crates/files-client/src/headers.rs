//! The headers of each generation, built from a validated configuration.

use files_types::ApiGeneration;
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::Error;
use crate::config::{Config, Credentials};
use crate::options::RequestOptions;

/// The credential's header for `generation`, marked sensitive.
pub(crate) fn auth_header(
    credentials: &Credentials,
    generation: ApiGeneration,
) -> Result<(HeaderName, HeaderValue), Error> {
    let secret = credentials.secret();
    if secret.trim().is_empty() {
        return Err(Error::config("the API key or token is empty"));
    }
    let (name, text) = match (credentials, generation) {
        (Credentials::ApiKey(_), ApiGeneration::Beta) => {
            (HeaderName::from_static("x-api-key"), secret.to_owned())
        }
        _ => (http::header::AUTHORIZATION, format!("Bearer {secret}")),
    };
    let mut value = HeaderValue::from_str(&text).map_err(|_| {
        Error::config("the API key or token contains characters not allowed in a header")
    })?;
    value.set_sensitive(true);
    Ok((name, value))
}

/// The `anthropic-beta` list: the generation's files beta first (beta only), then
/// the client's and the request's betas, without duplicates, in order.
pub(crate) fn merge_betas(
    generation: ApiGeneration,
    client: &[String],
    request: &[String],
) -> Vec<String> {
    let mut betas: Vec<String> = Vec::new();
    let all = generation
        .files_beta()
        .map(str::to_owned)
        .into_iter()
        .chain(client.iter().cloned())
        .chain(request.iter().cloned())
        .flat_map(|b| {
            b.split(',')
                .map(|s| s.trim().to_owned())
                .collect::<Vec<_>>()
        });
    for beta in all {
        if !beta.is_empty() && !betas.contains(&beta) {
            betas.push(beta);
        }
    }
    betas
}

/// The `anthropic-beta` header value for `betas`, or a configuration error
/// naming the value that cannot be a header.
pub(crate) fn beta_header(betas: &[String]) -> Result<Option<HeaderValue>, Error> {
    if let Some(bad) = betas.iter().find(|b| HeaderValue::from_str(b).is_err()) {
        return Err(Error::config(format!(
            "anthropic-beta value {bad:?} cannot be sent in a header"
        )));
    }
    if betas.is_empty() {
        return Ok(None);
    }
    HeaderValue::from_str(&betas.join(","))
        .map(Some)
        .map_err(|_| Error::config("the anthropic-beta list cannot be sent in a header"))
}

/// `name: value` as a header, or a configuration error naming what cannot be
/// one (the value is never quoted: it may be a secret).
pub(crate) fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), Error> {
    let header_name = HeaderName::try_from(name)
        .map_err(|_| Error::config(format!("invalid header name {name:?}")))?;
    let header_value = HeaderValue::try_from(value)
        .map_err(|_| Error::config(format!("invalid value for header {name}")))?;
    Ok((header_name, header_value))
}

/// Every header of a request but the body's and the attempt's.
pub(crate) fn request_headers(
    config: &Config,
    options: &RequestOptions,
    accept: &'static str,
) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::new();
    headers.insert(http::header::USER_AGENT, config.user_agent.clone());
    headers.insert(http::header::ACCEPT, HeaderValue::from_static(accept));
    headers.insert(
        "anthropic-version",
        HeaderValue::from_static(config.generation.anthropic_version()),
    );
    headers.insert(config.auth.0.clone(), config.auth.1.clone());
    let betas = merge_betas(config.generation, &config.betas, &options.betas);
    if let Some(value) = beta_header(&betas)? {
        headers.insert("anthropic-beta", value);
    }
    if let Some(id) = &config.workspace_id {
        headers.insert("anthropic-workspace-id", id.clone());
    }
    for (name, value) in &config.default_headers {
        headers.insert(name.clone(), value.clone());
    }
    for (name, value) in &options.extra_headers {
        let (name, value) = header_pair(name, value)?;
        headers.insert(name, value);
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn betas_merge_in_order_without_duplicates() {
        let betas = merge_betas(
            ApiGeneration::Beta,
            &["x-1".into(), "files-api-2025-04-14".into()],
            &["x-1".into(), "y-2".into()],
        );
        assert_eq!(betas, ["files-api-2025-04-14", "x-1", "y-2"]);
        assert!(merge_betas(ApiGeneration::Ga, &[], &[]).is_empty());
    }

    #[test]
    fn a_beta_that_cannot_be_a_header_is_an_error_not_a_dropped_header() {
        let err = beta_header(&["ok".into(), "bad\nvalue".into()]).unwrap_err();
        assert!(
            matches!(err, Error::Config(ref m) if m.contains("bad\\nvalue")),
            "{err}"
        );
        assert_eq!(beta_header(&[]).unwrap(), None);
    }
}
