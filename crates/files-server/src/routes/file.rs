//! `GET /v1/files/{id}`, `GET /v1/files/{id}/content` and `DELETE /v1/files/{id}`.

use std::sync::Arc;
use std::time::Duration;

use files_types::{ApiGeneration, DeletedFile, ErrorCode};
use futures_util::StreamExt;
use http::{HeaderValue, Response, StatusCode};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;

use crate::Fault;
use crate::state::State;
use crate::store::FileRecord;
use crate::wire::{ApiError, Body, content_disposition, json_response, metadata};

/// A live file of the workspace, or the 404 (GA: `file_expired` for an expired one).
async fn find(state: &Arc<State>, workspace: String, id: &str) -> Result<FileRecord, ApiError> {
    let key = id.to_owned();
    let file = state
        .store(move |s| s.get(&workspace, &key))
        .await?
        .ok_or_else(|| ApiError::file_not_found(id))?;
    if file.is_expired(state.clock.now_ms()) {
        return Err(ApiError::not_found(format!("File has expired: {id}"))
            .with_code(ErrorCode::FileExpired));
    }
    Ok(file)
}

pub(crate) async fn retrieve(
    state: &Arc<State>,
    id: &str,
    generation: ApiGeneration,
    workspace: String,
) -> Result<Response<Body>, ApiError> {
    let file = find(state, workspace, id).await?;
    Ok(json_response(StatusCode::OK, &metadata(&file, generation)))
}

pub(crate) async fn delete(
    state: &Arc<State>,
    id: &str,
    workspace: String,
) -> Result<Response<Body>, ApiError> {
    let key = id.to_owned();
    if !state.store(move |s| s.delete(&workspace, &key)).await? {
        return Err(ApiError::file_not_found(id));
    }
    let mut deleted = DeletedFile::new(id);
    deleted.object_type = Some("file_deleted".into());
    Ok(json_response(StatusCode::OK, &deleted))
}

/// How the body of a download misbehaves, if a fault says so.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct BodyFault {
    /// Stop (with an error, dropping the connection) after half the bytes.
    pub drop_halfway: bool,
    /// End cleanly after half the bytes, short of `Content-Length`.
    pub short: bool,
    /// Wait this long before each chunk.
    pub delay: Option<Duration>,
}

impl BodyFault {
    pub(crate) fn from_fault(fault: Option<&Fault>) -> Self {
        match fault {
            Some(Fault::DropConnection) => Self {
                drop_halfway: true,
                ..Self::default()
            },
            Some(Fault::ShortBody) => Self {
                short: true,
                ..Self::default()
            },
            Some(Fault::SlowBody { delay_ms }) => Self {
                delay: Some(Duration::from_millis(*delay_ms)),
                ..Self::default()
            },
            _ => Self::default(),
        }
    }
}

pub(crate) async fn download(
    state: &Arc<State>,
    id: &str,
    workspace: String,
    fault: BodyFault,
) -> Result<Response<Body>, ApiError> {
    let file = find(state, workspace, id).await?;
    if !file.downloadable {
        return Err(
            ApiError::bad_request(format!("File is not downloadable: {id}"))
                .with_code(ErrorCode::FileNotDownloadable),
        );
    }
    let permit = State::admit(&state.downloads, "downloads", state.config.max_downloads)?;
    let path = state.store.blob_path(&file.id);
    let handle = tokio::fs::File::open(&path).await.map_err(|err| {
        tracing::error!(error = %err, path = %path.display(), "cannot open a stored file");
        ApiError::internal("Internal server error")
    })?;

    let size = file.size_bytes;
    let cut = (fault.drop_halfway || fault.short).then_some(size / 2);
    let chunks = tokio_util::io::ReaderStream::with_capacity(handle, 64 * 1024);
    let frames =
        // The permit goes with the body: held until the last byte is sent (or the
        // body dropped).
        futures_util::stream::try_unfold((chunks, 0u64, permit), move |(mut chunks, sent, permit)| async move {
            if cut.is_some_and(|cut| sent >= cut) {
                // Pending for a moment makes hyper flush what was sent, so the client
                // sees the headers and the first half before the cut.
                tokio::time::sleep(Duration::from_millis(50)).await;
                return if fault.drop_halfway {
                    Err(std::io::Error::other("fault: connection dropped mid-body"))
                } else {
                    Ok(None)
                };
            }
            if let Some(delay) = fault.delay {
                tokio::time::sleep(delay).await;
            }
            let Some(mut chunk) = chunks.next().await.transpose()? else {
                return Ok(None);
            };
            if let Some(cut) = cut {
                let room = usize::try_from(cut - sent).unwrap_or(usize::MAX);
                chunk.truncate(room.min(chunk.len()));
            }
            let sent = sent + chunk.len() as u64;
            Ok(Some((Frame::data(chunk), (chunks, sent, permit))))
        });
    let body = BodyExt::boxed(StreamBody::new(frames));

    let mut response = Response::new(body);
    let headers = response.headers_mut();
    headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from(size));
    if let Ok(value) = HeaderValue::from_str(&file.mime_type) {
        headers.insert(http::header::CONTENT_TYPE, value);
    }
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&file.filename)) {
        headers.insert(http::header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
