//! `GET /v1/files`: newest first; beta pages by `before_id`/`after_id`, GA by
//! `page` tokens or `ids`. Each page costs time in proportion to its size: a cursor
//! carries its place in the order, and the database walks an index from there.

use std::sync::Arc;

use files_types::{ApiGeneration, FileMetadata, MAX_IDS, validate_limit};
use http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use serde_json::json;

use crate::ids;
use crate::routes::query::query_pairs;
use crate::state::State;
use crate::store::{FileRecord, Start};
use crate::wire::{ApiError, Body, json_response, metadata};

const DEFAULT_LIMIT: usize = 20;

pub(crate) async fn list(
    state: &Arc<State>,
    request: &Request<Incoming>,
    generation: ApiGeneration,
    workspace: String,
) -> Result<Response<Body>, ApiError> {
    let mut limit = None;
    let mut after_id = None;
    let mut before_id = None;
    let mut page = None;
    let mut scope_id = None;
    let mut id_list: Vec<String> = Vec::new();
    // The shape of the answer: the request's own, or GA for every request when
    // the server answers as the live API has been seen doing.
    let shape = if state.config.ga_listings {
        ApiGeneration::Ga
    } else {
        generation
    };
    for (name, value) in query_pairs(request.uri()) {
        match name.as_str() {
            "limit" => {
                let n: u32 = value.parse().map_err(|_| {
                    ApiError::bad_request(format!("limit: {value:?} is not an integer"))
                })?;
                validate_limit(n).map_err(|e| ApiError::bad_request(e.to_string()))?;
                limit = Some(n as usize);
            }
            "after_id" | "before_id" if generation == ApiGeneration::Ga => {
                return Err(ApiError::bad_request(format!(
                    "{name}: not available in this API version (use page)"
                )));
            }
            "after_id" => after_id = Some(value),
            "before_id" => before_id = Some(value),
            "page" | "ids" | "ids[]" if shape != ApiGeneration::Ga => {
                return Err(ApiError::bad_request(format!(
                    "{name}: not available in this API version (use after_id or before_id)"
                )));
            }
            "page" => page = Some(value),
            "ids" | "ids[]" => id_list.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            ),
            "scope_id" => scope_id = Some(value),
            _ => {} // `beta=true` and anything else unknown is ignored
        }
    }
    let now_ms = state.clock.now_ms();

    if !id_list.is_empty() {
        if id_list.len() > MAX_IDS {
            return Err(ApiError::bad_request(format!(
                "ids: at most {MAX_IDS} ids are allowed, {} were given",
                id_list.len()
            )));
        }
        if page.is_some() || limit.is_some() {
            return Err(ApiError::bad_request(
                "ids cannot be combined with page or limit",
            ));
        }
        let files = state
            .store(move |s| s.by_ids(&workspace, &id_list, now_ms))
            .await?;
        return Ok(ga_page(&files, None));
    }

    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    let start = match (after_id, before_id, page) {
        (Some(_), Some(_), _) => {
            return Err(ApiError::bad_request(
                "after_id and before_id cannot be combined",
            ));
        }
        (Some(id), None, _) => Start::OlderThan(cursor(&id, "file_", "after_id")?),
        (None, Some(id), _) => Start::NewerThan(cursor(&id, "file_", "before_id")?),
        (None, None, Some(token)) => Start::OlderThan(cursor(&token, "page_", "page")?),
        (None, None, None) => Start::Newest,
    };
    let mut files = state
        .store(move |s| s.list(&workspace, scope_id.as_deref(), start, limit + 1, now_ms))
        .await?;
    let has_more = files.len() > limit;
    if has_more {
        match start {
            // Walking backwards, the extra file is the newest: first after reversal.
            Start::NewerThan(_) => {
                files.remove(0);
            }
            _ => files.truncate(limit),
        }
    }
    Ok(match shape {
        ApiGeneration::Ga => {
            let next = has_more
                .then(|| files.last().map(|f| ids::page_token(f.seq)))
                .flatten();
            ga_page(&files, next)
        }
        _ => {
            let data: Vec<FileMetadata> = files.iter().map(|f| metadata(f, generation)).collect();
            json_response(
                StatusCode::OK,
                &json!({
                    "data": data,
                    "first_id": files.first().map(|f| f.id.clone()),
                    "last_id": files.last().map(|f| f.id.clone()),
                    "has_more": has_more,
                }),
            )
        }
    })
}

fn ga_page(files: &[FileRecord], next_page: Option<String>) -> Response<Body> {
    let data: Vec<FileMetadata> = files
        .iter()
        .map(|f| metadata(f, ApiGeneration::Ga))
        .collect();
    json_response(
        StatusCode::OK,
        &json!({"data": data, "next_page": next_page}),
    )
}

/// The place in the order a cursor names.
fn cursor(value: &str, prefix: &str, parameter: &str) -> Result<u64, ApiError> {
    ids::decode_seq(prefix, value).ok_or_else(|| {
        ApiError::bad_request(format!("{parameter}: {value:?} is not a valid cursor"))
    })
}
