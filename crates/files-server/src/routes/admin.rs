//! Admin routes under `/_admin/v1/`, served only when the config has an admin
//! token, and only to requests whose `x-admin-token` matches it (compared in
//! constant time). Every input is bounded: the fault body (64 KiB), `times`
//! (1000), a fault's delay (30 s), a clock move (about 100 years in all), a
//! generated file (the per-file limit).
//!
//!
//! - `POST /_admin/v1/generated_files?filename=F&mime_type=M[&workspace=W][&scope_id=S]`
//!   with the raw bytes as the body: stores a platform-generated (downloadable)
//!   file, as skills and code execution produce, and answers its metadata.
//! - `POST /_admin/v1/faults` with `{"route": ..., "fault": {...}, "times": N}`;
//!   `DELETE /_admin/v1/faults` forgets them.
//! - `POST /_admin/v1/clock/advance?seconds=N`: moves the server's clock forward
//!   (expiry tests).
//! - `GET /_admin/v1/stats`: `{"connections_accepted": N, "files": N}` (benchmarks).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use files_types::{ApiGeneration, validate_filename, validate_mime_type};
use http::{Method, Request, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use serde::Deserialize;
use serde_json::json;

use crate::auth::DEFAULT_WORKSPACE;
use crate::routes::query::query_pairs;
use crate::routes::upload::commit;
use crate::state::State;
use crate::store::{FileRecord, NewFile};
use crate::temp_file::{TempFile, WriteError, write_stream};
use crate::wire::{ApiError, Body, json_response, metadata};
use crate::{AdminToken, Fault, FaultRoute};

/// A platform-generated file to create (what skills and code execution produce).
///
/// ```
/// use files_server::GeneratedFile;
///
/// let file = GeneratedFile::new("chart.png", b"\x89PNG...".to_vec())
///     .mime_type("image/png")
///     .workspace("team-a")
///     .scope_id("sesn_1");
/// assert!(format!("{file:?}").contains("chart.png"));
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GeneratedFile {
    /// Its filename.
    pub(crate) filename: String,
    /// Its MIME type; guessed from the filename when `None`.
    pub(crate) mime_type: Option<String>,
    /// The workspace that owns it (`default` unless set).
    pub(crate) workspace: String,
    /// The scope (e.g. session) it belongs to.
    pub(crate) scope_id: Option<String>,
    /// Its bytes.
    pub(crate) content: Bytes,
}

impl GeneratedFile {
    /// A generated file named `filename` holding `content`, in the default workspace.
    pub fn new(filename: impl Into<String>, content: impl Into<Bytes>) -> Self {
        Self {
            filename: filename.into(),
            mime_type: None,
            workspace: DEFAULT_WORKSPACE.to_owned(),
            scope_id: None,
            content: content.into(),
        }
    }

    /// Sets the MIME type.
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.mime_type = Some(mime_type.into());
        self
    }

    /// Sets the owning workspace.
    pub fn workspace(mut self, workspace: impl Into<String>) -> Self {
        self.workspace = workspace.into();
        self
    }

    /// Sets the scope.
    pub fn scope_id(mut self, scope_id: impl Into<String>) -> Self {
        self.scope_id = Some(scope_id.into());
        self
    }
}

/// Stores a generated file from a stream of its bytes.
pub(crate) async fn create_generated<S, E>(
    state: &Arc<State>,
    filename: String,
    mime_type: Option<String>,
    workspace: String,
    scope_id: Option<String>,
    content: S,
) -> Result<FileRecord, ApiError>
where
    S: futures_util::Stream<Item = Result<Bytes, E>> + Unpin,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    validate_filename(&filename).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let mime_type = mime_type.unwrap_or_else(|| files_types::guess_mime_type(&filename));
    validate_mime_type(&mime_type).map_err(|e| ApiError::bad_request(e.to_string()))?;
    let temp = TempFile::new(state.store.temp_path());
    let size = write_stream(
        &temp,
        content,
        state.config.max_file_size,
        u64::MAX,
        state.store.disk(),
    )
    .await
    .map_err(|err| match err {
        WriteError::TooLarge => ApiError::too_large(state.config.max_file_size),
        WriteError::QuotaExceeded => ApiError::internal("unreachable quota"),
        WriteError::Body(err) => ApiError::bad_request(err.to_string()),
        WriteError::DiskFull => ApiError::disk_full(),
        WriteError::Io(err) => ApiError::internal(err.to_string()),
    })?;
    let new = NewFile {
        workspace,
        filename,
        mime_type,
        size_bytes: size,
        downloadable: true,
        scope_id,
        expires_in_ms: None,
    };
    commit(state, temp, new, ApiGeneration::Ga).await
}

#[derive(Deserialize)]
struct FaultRequest {
    route: FaultRoute,
    fault: Fault,
    #[serde(default = "one")]
    times: usize,
}

fn one() -> usize {
    1
}

/// The largest fault-script body.
const MAX_FAULT_BODY: usize = 64 * 1024;

/// The most answers one fault request may script.
pub(crate) const MAX_FAULT_TIMES: usize = 1000;

/// The most faults waiting at once.
const MAX_QUEUED_FAULTS: usize = 10_000;

/// The longest delay a fault may script.
const MAX_FAULT_DELAY_MS: u64 = 30_000;

/// The longest scripted `retry-after` or `error_type`.
const MAX_FAULT_TEXT: usize = 128;

/// Lets the request through when its `x-admin-token` is the token, compared in
/// constant time; else 401.
pub(crate) fn authorize(token: &AdminToken, headers: &http::HeaderMap) -> Result<(), ApiError> {
    use subtle::ConstantTimeEq;
    let sent = headers
        .get("x-admin-token")
        .map(http::HeaderValue::as_bytes)
        .unwrap_or_default();
    if bool::from(sent.ct_eq(token.expose().as_bytes())) {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            files_types::ErrorType::AuthenticationError,
            "the admin routes need the server's admin token in x-admin-token",
        ))
    }
}

/// Refuses a fault whose inputs are out of bounds.
fn check_fault(request: &FaultRequest) -> Result<(), ApiError> {
    if request.times == 0 || request.times > MAX_FAULT_TIMES {
        return Err(ApiError::bad_request(format!(
            "times: must be 1..={MAX_FAULT_TIMES}"
        )));
    }
    match &request.fault {
        Fault::SlowBody { delay_ms } if *delay_ms > MAX_FAULT_DELAY_MS => Err(
            ApiError::bad_request(format!("delay_ms: at most {MAX_FAULT_DELAY_MS}")),
        ),
        Fault::Status {
            status,
            error_type,
            retry_after,
            ..
        } => {
            if !(400..=599).contains(status) {
                return Err(ApiError::bad_request("status: must be 400..=599"));
            }
            let too_long =
                |v: &Option<String>| v.as_ref().is_some_and(|v| v.len() > MAX_FAULT_TEXT);
            if too_long(error_type) || too_long(retry_after) {
                return Err(ApiError::bad_request(format!(
                    "error_type and retry_after: at most {MAX_FAULT_TEXT} bytes"
                )));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

pub(crate) async fn admin(
    state: &Arc<State>,
    request: Request<Incoming>,
    path: &str,
) -> Result<Response<Body>, ApiError> {
    let query = query_pairs(request.uri());
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    match (request.method().clone(), path) {
        (Method::POST, "generated_files") => {
            let filename = param("filename")
                .ok_or_else(|| ApiError::bad_request("filename: query parameter required"))?;
            let workspace = param("workspace").unwrap_or_else(|| DEFAULT_WORKSPACE.to_owned());
            let record = create_generated(
                state,
                filename,
                param("mime_type"),
                workspace,
                param("scope_id"),
                request.into_body().into_data_stream(),
            )
            .await?;
            Ok(json_response(
                StatusCode::OK,
                &metadata(&record, ApiGeneration::Ga),
            ))
        }
        (Method::POST, "faults") => {
            let body = http_body_util::Limited::new(request.into_body(), MAX_FAULT_BODY)
                .collect()
                .await
                .map_err(|e| {
                    ApiError::bad_request(format!(
                        "fault: the body cannot be read or exceeds {MAX_FAULT_BODY} bytes: {e}"
                    ))
                })?
                .to_bytes();
            let fault: FaultRequest = serde_json::from_slice(&body)
                .map_err(|e| ApiError::bad_request(format!("fault: {e}")))?;
            check_fault(&fault)?;
            if state.faults.len() + fault.times > MAX_QUEUED_FAULTS {
                return Err(ApiError::bad_request(format!(
                    "at most {MAX_QUEUED_FAULTS} faults may wait at once"
                )));
            }
            state
                .faults
                .push_times(fault.route, fault.fault, fault.times);
            Ok(json_response(
                StatusCode::OK,
                &json!({"queued": state.faults.len()}),
            ))
        }
        (Method::DELETE, "faults") => {
            state.faults.clear();
            Ok(json_response(StatusCode::OK, &json!({"queued": 0})))
        }
        (Method::POST, "clock/advance") => {
            let seconds: u64 = param("seconds")
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| ApiError::bad_request("seconds: an integer is required"))?;
            state
                .clock
                .advance(Duration::from_secs(seconds))
                .map_err(|e| ApiError::bad_request(format!("seconds: {e}")))?;
            Ok(json_response(
                StatusCode::OK,
                &json!({"advanced_seconds": seconds}),
            ))
        }
        (Method::GET, "stats") => {
            let files = state.store(|s| s.count()).await?;
            let connections = state.connections.load(std::sync::atomic::Ordering::Relaxed);
            Ok(json_response(
                StatusCode::OK,
                &json!({"connections_accepted": connections, "files": files}),
            ))
        }
        _ => Err(ApiError::not_found(format!("No admin route {path}"))),
    }
}
