//! A request's query string, as the routes read it.

/// The query pairs of a request, percent-decoded. A parameter with an empty
/// value (`before_id=`) counts as absent, as the API treats it.
pub(crate) fn query_pairs(uri: &http::Uri) -> Vec<(String, String)> {
    uri.query()
        .map(|q| {
            form_urlencoded::parse(q.as_bytes())
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}
