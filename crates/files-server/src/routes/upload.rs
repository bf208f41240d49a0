//! `POST /v1/files`: a streamed multipart upload, bounded by construction:
//! part headers by [`PART_HEADER_LIMIT`], the whole stream by multer's
//! whole-stream limit (the per-file limit plus framing), non-file fields by
//! multer's per-field limit, the file part by the per-file limit and the quota
//! as it streams to disk. Parts other than `file` and `expires_in_seconds` are
//! read past and ignored, whatever their names.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use files_types::{
    ApiGeneration, ErrorCode, ErrorType, validate_expires_in_seconds, validate_filename,
};
use futures_util::StreamExt;
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Incoming;

use crate::routes::disposition::Disposition;
use crate::routes::min_rate::MinRate;
use crate::routes::part_headers::{HeaderBudget, Metered, PART_HEADER_LIMIT};
use crate::routes::refuse::{DRAIN_LIMIT, body_timeout, refuse_unread};
use crate::state::State;
use crate::store::{NewFile, StoreError};
use crate::temp_file::{TempFile, WriteError, write_stream};
use crate::wire::{ApiError, Body, json_response, metadata};

/// The largest `expires_in_seconds` part (a few digits).
const FIELD_LIMIT: u64 = 64 * 1024;

/// Room for the multipart framing around the file's bytes (and small extra parts).
const FRAMING_SLACK: u64 = 1024 * 1024;

type Multipart = multer::Multipart<'static>;

pub(crate) async fn upload(
    state: &Arc<State>,
    request: Request<Incoming>,
    generation: ApiGeneration,
    workspace: String,
) -> Result<Response<Body>, ApiError> {
    let boundary = request
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| multer::parse_boundary(ct).ok())
        .ok_or_else(|| {
            ApiError::bad_request("Content-Type must be multipart/form-data with a boundary")
        })?;
    let declared = request
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let max = state.config.max_file_size;
    if declared.is_some_and(|len| len > max.saturating_add(FRAMING_SLACK)) {
        return Err(refuse_unread(state, request, ApiError::too_large(max)).await);
    }
    let _upload = match State::admit(&state.uploads, "uploads", state.config.max_uploads) {
        Ok(permit) => permit,
        Err(err) => return Err(refuse_unread(state, request, err).await),
    };
    if let Err(full) = state.store.disk().check(declared.unwrap_or(0)) {
        tracing::error!(
            free = full.free,
            min_free = full.min_free,
            "upload refused: the disk would keep less than its reserve"
        );
        return Err(refuse_unread(state, request, ApiError::disk_full()).await);
    }

    // The file part streams to disk and unknown parts are read past; only
    // `expires_in_seconds` is read into memory, so it gets a small limit.
    let limits = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(max.saturating_add(FRAMING_SLACK))
            .per_field(u64::MAX)
            .for_field("expires_in_seconds", FIELD_LIMIT),
    );
    let budget = Arc::new(HeaderBudget::default());
    let too_slow = Arc::new(AtomicBool::new(false));
    let body = MinRate::new(
        request.into_body().into_data_stream(),
        body_timeout(state),
        state.config.body_min_rate,
        Arc::clone(&too_slow),
    );
    let body = Metered::new(body, Arc::clone(&budget), PART_HEADER_LIMIT);
    let mut multipart = multer::Multipart::with_constraints(body, boundary, limits);
    match receive(state, &mut multipart, &budget, generation, workspace).await {
        Ok(response) => Ok(response),
        Err(_) if too_slow.load(Ordering::Relaxed) => {
            // Not drained: the rest would come as slowly.
            let min_rate = state.config.body_min_rate;
            tracing::warn!(min_rate, "upload cut: its body arrived too slowly");
            Err(ApiError::body_too_slow(format!(
                "The request body arrived too slowly (below {min_rate} bytes a second once its time was spent)"
            )))
        }
        Err(err) => {
            drain_multipart(&mut multipart, &budget).await;
            Err(err)
        }
    }
}

/// The next part, its headers read within the budget.
async fn next_part(
    multipart: &mut Multipart,
    budget: &HeaderBudget,
    max: u64,
) -> Result<Option<multer::Field<'static>>, ApiError> {
    budget.arm();
    let part = multipart.next_field().await;
    budget.disarm();
    part.map_err(|err| {
        if budget.exceeded() {
            ApiError::bad_request(format!(
                "The multipart body could not be read: part headers exceed {PART_HEADER_LIMIT} bytes"
            ))
        } else {
            body_error(err, max)
        }
    })
}

/// A multer error as an answer: too large for the stream limit is 413.
fn body_error(err: multer::Error, max: u64) -> ApiError {
    match err {
        multer::Error::StreamSizeExceeded { .. } => ApiError::too_large(max),
        other => bad_body(other),
    }
}

async fn receive(
    state: &Arc<State>,
    multipart: &mut Multipart,
    budget: &HeaderBudget,
    generation: ApiGeneration,
    workspace: String,
) -> Result<Response<Body>, ApiError> {
    let max = state.config.max_file_size;
    let now_ms = state.clock.now_ms();
    let ws = workspace.clone();
    let used = state.store(move |s| s.usage(&ws, now_ms)).await?;
    let quota = state.config.storage_quota;
    let quota_left = quota.saturating_sub(used);

    let mut stored: Option<(TempFile, String, String, u64)> = None;
    let mut expires_in_seconds = None;
    while let Some(field) = next_part(multipart, budget, max).await? {
        // Our own reading of Content-Disposition (RFC 7578), not multer's.
        let disposition = Disposition::of(field.headers());
        match disposition.name.as_deref() {
            Some("file") => {
                if stored.is_some() {
                    return Err(ApiError::bad_request(
                        "file: exactly one file part is allowed",
                    ));
                }
                let part_mime = part_content_type(&field)?;
                let filename = filename_of(
                    disposition.filename.as_deref(),
                    part_mime.as_deref(),
                    generation,
                )?;
                let mime_type =
                    part_mime.unwrap_or_else(|| files_types::guess_mime_type(&filename));
                let temp = TempFile::new(state.store.temp_path());
                let size = write_stream(&temp, field.boxed(), max, quota_left, state.store.disk())
                    .await
                    .map_err(|err| match err {
                        WriteError::TooLarge => ApiError::too_large(state.config.max_file_size),
                        WriteError::QuotaExceeded => quota_exceeded(generation, quota),
                        WriteError::Body(err) => match err.downcast::<multer::Error>() {
                            Ok(err) => body_error(*err, max),
                            Err(err) => bad_body(err),
                        },
                        WriteError::DiskFull => {
                            tracing::error!(
                                "upload cut: the disk would keep less than its reserve"
                            );
                            ApiError::disk_full()
                        }
                        WriteError::Io(err) => {
                            tracing::error!(error = %err, "cannot write an upload");
                            ApiError::internal("Internal server error")
                        }
                    })?;
                stored = Some((temp, filename, mime_type, size));
            }
            Some("expires_in_seconds") => {
                if generation != ApiGeneration::Ga {
                    return Err(ApiError::bad_request(
                        "expires_in_seconds: not available in this API version (use the GA generation)",
                    ));
                }
                let text = small_field(field, max).await?;
                let seconds: u64 = text.trim().parse().map_err(|_| {
                    ApiError::bad_request(format!("expires_in_seconds: {text:?} is not an integer"))
                })?;
                validate_expires_in_seconds(seconds)
                    .map_err(|e| ApiError::bad_request(e.to_string()))?;
                expires_in_seconds = Some(seconds);
            }
            _ => {
                // Unknown parts, whatever their names, are read past and ignored.
                let mut field = field;
                while field
                    .chunk()
                    .await
                    .map_err(|e| body_error(e, max))?
                    .is_some()
                {}
            }
        }
    }
    let Some((temp, filename, mime_type, size)) = stored else {
        return Err(ApiError::bad_request("file: Field required"));
    };

    let new = NewFile {
        workspace,
        filename,
        mime_type,
        size_bytes: size,
        downloadable: state.config.uploads_downloadable,
        scope_id: None,
        expires_in_ms: expires_in_seconds.map(|s| i64::try_from(s * 1000).unwrap_or(i64::MAX)),
    };
    let record = commit(state, temp, new, generation).await?;
    Ok(json_response(
        StatusCode::OK,
        &metadata(&record, generation),
    ))
}

/// Commits a complete temporary file; the quota is checked again inside the commit.
pub(crate) async fn commit(
    state: &Arc<State>,
    temp: TempFile,
    new: NewFile,
    generation: ApiGeneration,
) -> Result<crate::store::FileRecord, ApiError> {
    let quota = state.config.storage_quota;
    let shared = Arc::clone(state);
    let result = tokio::task::spawn_blocking(move || {
        let outcome = shared
            .store
            .commit(temp.path(), new, quota, || shared.clock.now_ms());
        if outcome.is_ok() {
            temp.keep();
        }
        outcome
    })
    .await;
    match result {
        Ok(Ok(record)) => Ok(record),
        Ok(Err(StoreError::QuotaExceeded { quota, .. })) => Err(quota_exceeded(generation, quota)),
        Ok(Err(err)) if err.is_disk_full() => {
            tracing::error!(error = %err, "cannot commit an upload: the disk is full");
            Err(ApiError::disk_full())
        }
        Ok(Err(err)) => {
            tracing::error!(error = %err, "cannot commit an upload");
            Err(ApiError::internal("Internal server error"))
        }
        Err(err) => {
            tracing::error!(error = %err, "commit task failed");
            Err(ApiError::internal("Internal server error"))
        }
    }
}

/// The stored filename. Beta checks the name as sent; GA keeps its last path
/// component and names a missing one `unnamed` plus the MIME type's extension.
pub(crate) fn filename_of(
    sent: Option<&str>,
    mime_type: Option<&str>,
    generation: ApiGeneration,
) -> Result<String, ApiError> {
    let name = match generation {
        ApiGeneration::Ga => {
            let last = sent
                .unwrap_or_default()
                .rsplit(['/', '\\'])
                .next()
                .unwrap_or_default();
            if last.is_empty() {
                let extension = mime_type
                    .and_then(crate::routes::extension::customary_extension)
                    .map(|ext| format!(".{ext}"))
                    .unwrap_or_default();
                format!("unnamed{extension}")
            } else {
                last.to_owned()
            }
        }
        _ => sent
            .ok_or_else(|| ApiError::bad_request("file: the part has no filename"))?
            .to_owned(),
    };
    validate_filename(&name).map_err(|e| ApiError::bad_request(format!("file: {e}")))?;
    Ok(name)
}

/// The file part's own `Content-Type`, checked as the client checks it
/// (`type/subtype`, at most 255 characters); `None` when the part has none.
fn part_content_type(field: &multer::Field<'static>) -> Result<Option<String>, ApiError> {
    let Some(value) = field.headers().get(http::header::CONTENT_TYPE) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::bad_request("file: the part's Content-Type is not ASCII"))?
        .trim();
    files_types::validate_mime_type(text)
        .map_err(|e| ApiError::bad_request(format!("file: {e}")))?;
    Ok(Some(text.to_owned()))
}

/// A small text part read whole, at most [`FIELD_LIMIT`] bytes (multer's
/// per-field limit goes by multer's reading of the name, which may differ).
async fn small_field(mut field: multer::Field<'static>, max: u64) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| body_error(e, max))? {
        if (bytes.len() + chunk.len()) as u64 > FIELD_LIMIT {
            return Err(ApiError::bad_request(format!(
                "expires_in_seconds: the part exceeds {FIELD_LIMIT} bytes"
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes)
        .map_err(|_| ApiError::bad_request("expires_in_seconds: the part is not UTF-8"))
}

fn bad_body(err: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(format!("The multipart body could not be read: {err}"))
}

async fn drain_multipart(multipart: &mut Multipart, budget: &HeaderBudget) {
    let mut drained: u64 = 0;
    while let Ok(Some(mut field)) = next_part(multipart, budget, u64::MAX).await {
        while let Ok(Some(chunk)) = field.chunk().await {
            drained += chunk.len() as u64;
            if drained > DRAIN_LIMIT {
                return;
            }
        }
    }
}

/// The storage-quota answer of each generation: 403 in beta, 400 with
/// `storage_quota_exceeded` in GA.
fn quota_exceeded(generation: ApiGeneration, quota: u64) -> ApiError {
    let message = format!("Storage quota of {quota} bytes exceeded for this workspace");
    match generation {
        ApiGeneration::Ga => {
            ApiError::bad_request(message).with_code(ErrorCode::StorageQuotaExceeded)
        }
        _ => ApiError::new(StatusCode::FORBIDDEN, ErrorType::PermissionError, message),
    }
}
