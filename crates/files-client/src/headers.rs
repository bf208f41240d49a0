//! The headers of each generation.

use files_types::ApiGeneration;
use http::{HeaderMap, HeaderName, HeaderValue};

use crate::config::{Config, Credentials};
use crate::options::RequestOptions;

/// The `anthropic-beta` list: the generation's files beta first (beta only), then
/// the client's and the request's betas, without duplicates, in order.
///
/// ```
/// use files_client::ApiGeneration;
/// use files_client::headers::merge_betas;
///
/// let betas = merge_betas(ApiGeneration::Beta, &["x-1".into(), "files-api-2025-04-14".into()], &["x-1".into(), "y-2".into()]);
/// assert_eq!(betas, ["files-api-2025-04-14", "x-1", "y-2"]);
/// assert!(merge_betas(ApiGeneration::Ga, &[], &[]).is_empty());
/// ```
pub fn merge_betas(
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

fn value(text: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(text).ok()
}

/// Every header of an attempt, but the body's.
pub(crate) fn request_headers(
    config: &Config,
    options: &RequestOptions,
    attempt: u32,
    accept: &'static str,
) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(http::header::USER_AGENT, config.user_agent.clone());
    headers.insert(http::header::ACCEPT, HeaderValue::from_static(accept));
    headers.insert(
        "anthropic-version",
        HeaderValue::from_static(config.generation.anthropic_version()),
    );
    let secret = config.credentials.secret();
    match (&config.credentials, config.generation) {
        (Credentials::ApiKey(_), ApiGeneration::Beta) => {
            if let Some(mut key) = value(secret) {
                key.set_sensitive(true);
                headers.insert("x-api-key", key);
            }
        }
        _ => {
            if let Some(mut bearer) = value(&format!("Bearer {secret}")) {
                bearer.set_sensitive(true);
                headers.insert(http::header::AUTHORIZATION, bearer);
            }
        }
    }
    let betas = merge_betas(config.generation, &config.betas, &options.betas);
    if let Some(joined) = (!betas.is_empty())
        .then(|| betas.join(","))
        .and_then(|b| value(&b))
    {
        headers.insert("anthropic-beta", joined);
    }
    if let Some(id) = config.workspace_id.as_deref().and_then(value) {
        headers.insert("anthropic-workspace-id", id);
    }
    headers.insert("x-stainless-retry-count", HeaderValue::from(attempt));
    for (name, value) in &config.default_headers {
        headers.insert(name.clone(), value.clone());
    }
    for (name, value) in &options.extra_headers {
        headers.insert(HeaderName::clone(name), value.clone());
    }
    headers
}
