//! The request handlers, one module per route family.

pub(crate) mod admin;
pub(crate) mod disposition;
mod extension;
pub(crate) mod file;
pub(crate) mod list;
mod min_rate;
pub(crate) mod part_headers;
mod refuse;
pub(crate) mod upload;

use files_types::{ApiGeneration, ErrorCode, ErrorType};
use http::StatusCode;

pub(crate) use refuse::refuse_unread;

use crate::wire::ApiError;

/// The storage-quota answer of each generation: 403 in beta, 400 with
/// `storage_quota_exceeded` in GA.
pub(crate) fn quota_exceeded(generation: ApiGeneration, quota: u64) -> ApiError {
    let message = format!("Storage quota of {quota} bytes exceeded for this workspace");
    match generation {
        ApiGeneration::Ga => {
            ApiError::bad_request(message).with_code(ErrorCode::StorageQuotaExceeded)
        }
        _ => ApiError::new(StatusCode::FORBIDDEN, ErrorType::PermissionError, message),
    }
}

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
