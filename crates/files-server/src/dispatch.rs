//! From a request to an answer: the route, authentication, the rate limit, a
//! scripted fault, then the handler.

use std::sync::Arc;
use std::time::Duration;

use files_types::{ApiGeneration, FILES_API_BETA};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use hyper::body::Incoming;

use crate::faults::{Fault, FaultRoute};
use crate::routes::{admin, file, list, upload};
use crate::state::State;
use crate::wire::{ApiError, Body};

/// The generation of a request: beta when `anthropic-beta` names the files beta.
fn generation_of(request: &Request<Incoming>) -> ApiGeneration {
    let beta = request
        .headers()
        .get_all("anthropic-beta")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|b| b.trim() == FILES_API_BETA);
    if beta {
        ApiGeneration::Beta
    } else {
        ApiGeneration::Ga
    }
}

/// An error that ends the connection instead of answering (a scripted drop).
#[derive(Debug, thiserror::Error)]
#[error("fault: connection dropped")]
pub(crate) struct Dropped;

pub(crate) async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Body>, Dropped> {
    let request_id = crate::ids::request_id();
    let generation = generation_of(&request);
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let version = request.version();
    let mut response = match route(&state, request, generation).await {
        Ok(response) => response,
        Err(Outcome::Api(err)) => {
            // The message says why (the response line below only has the status).
            tracing::info!(%method, %path, %request_id, error = %err.message.escape_debug(), "refused");
            err.into_response(generation, &request_id)
        }
        Err(Outcome::Drop) => {
            tracing::info!(%method, %path, "fault: dropping the connection");
            return Err(Dropped);
        }
    };
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("request-id", value);
    }
    tracing::info!(%method, %path, ?version, status = response.status().as_u16(), %request_id, "request");
    Ok(response)
}

enum Outcome {
    Api(ApiError),
    Drop,
}

impl From<ApiError> for Outcome {
    fn from(err: ApiError) -> Self {
        Self::Api(err)
    }
}

async fn route(
    state: &Arc<State>,
    request: Request<Incoming>,
    generation: ApiGeneration,
) -> Result<Response<Body>, Outcome> {
    let path = request.uri().path().to_owned();
    if let Some(admin_path) = path.strip_prefix("/_admin/v1/") {
        return match &state.config.admin_token {
            Some(token) => {
                admin::authorize(token, request.headers())?;
                Ok(admin::admin(state, request, admin_path).await?)
            }
            None => Err(ApiError::not_found(format!("Not found: {path}")).into()),
        };
    }
    let route = Route::parse(request.method(), &path)?;
    let fault_route = route.fault_route();

    // Authentication and the rate limit come first: faults are scripted answers
    // to requests that would otherwise be served.
    let admitted =
        state
            .config
            .auth
            .workspace(request.headers())
            .and_then(|workspace| match &state.limiter {
                Some(limiter) => limiter.check(&workspace).map(|()| workspace),
                None => Ok(workspace),
            });
    let workspace = match admitted {
        Ok(workspace) => workspace,
        Err(err) => {
            if fault_route == FaultRoute::Upload {
                return Err(crate::routes::refuse_unread(state, request, err)
                    .await
                    .into());
            }
            return Err(err.into());
        }
    };

    let fault = state.faults.take(fault_route);
    match &fault {
        Some(fault @ Fault::Status { .. }) => {
            let err = status_fault(fault);
            if fault_route == FaultRoute::Upload {
                return Err(crate::routes::refuse_unread(state, request, err)
                    .await
                    .into());
            }
            return Err(err.into());
        }
        Some(Fault::DropConnection) if fault_route != FaultRoute::Download => {
            return Err(Outcome::Drop);
        }
        Some(Fault::SlowBody { delay_ms }) if fault_route != FaultRoute::Download => {
            tokio::time::sleep(Duration::from_millis(*delay_ms)).await;
        }
        _ => {}
    }

    let response = match route {
        Route::Upload => upload::upload(state, request, generation, workspace).await?,
        Route::List => {
            let page = list::list(state, &request, generation, workspace).await?;
            state.hold_answer(page)?
        }
        Route::Retrieve(id) => file::retrieve(state, &id, generation, workspace).await?,
        Route::Delete(id) => file::delete(state, &id, workspace).await?,
        Route::Download(id) => {
            let body_fault = file::BodyFault::from_fault(fault.as_ref());
            file::download(state, &id, workspace, body_fault).await?
        }
    };
    match fault {
        // The work is done (an upload stored, a file deleted); the answer is lost.
        Some(Fault::DropAfterCommit) => Err(Outcome::Drop),
        Some(Fault::ShortBody) if fault_route != FaultRoute::Download => {
            Ok(truncate_json(response).await)
        }
        _ => Ok(response),
    }
}

/// What a request under `/v1/files` asks for, with the file id (percent-decoded)
/// where the path names one.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    /// `POST /v1/files`.
    Upload,
    /// `GET /v1/files`.
    List,
    /// `GET /v1/files/{id}`.
    Retrieve(String),
    /// `DELETE /v1/files/{id}`.
    Delete(String),
    /// `GET /v1/files/{id}/content`.
    Download(String),
}

impl Route {
    /// The route of `method` on `path`: 405 (with `Allow`) for a known path and
    /// another method, 404 for any other path.
    fn parse(method: &Method, path: &str) -> Result<Self, ApiError> {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        match (method, segments.as_slice()) {
            (&Method::POST, ["v1", "files"]) => Ok(Self::Upload),
            (&Method::GET, ["v1", "files"]) => Ok(Self::List),
            (&Method::GET, ["v1", "files", id]) => Ok(Self::Retrieve(percent_decode(id))),
            (&Method::DELETE, ["v1", "files", id]) => Ok(Self::Delete(percent_decode(id))),
            (&Method::GET, ["v1", "files", id, "content"]) => {
                Ok(Self::Download(percent_decode(id)))
            }
            (_, ["v1", "files"]) => Err(not_allowed(method, path, "GET, POST")),
            (_, ["v1", "files", _]) => Err(not_allowed(method, path, "GET, DELETE")),
            (_, ["v1", "files", _, "content"]) => Err(not_allowed(method, path, "GET")),
            _ => Err(ApiError::not_found(format!("Not found: {path}"))),
        }
    }

    /// The fault queue this route takes scripted faults from.
    fn fault_route(&self) -> FaultRoute {
        match self {
            Self::Upload => FaultRoute::Upload,
            Self::List => FaultRoute::List,
            Self::Retrieve(_) => FaultRoute::Retrieve,
            Self::Delete(_) => FaultRoute::Delete,
            Self::Download(_) => FaultRoute::Download,
        }
    }
}

/// 405, with the methods the path does allow in `Allow`.
fn not_allowed(method: &Method, path: &str, allow: &'static str) -> ApiError {
    let mut err = ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        files_types::ErrorType::InvalidRequestError,
        format!("Method {method} is not allowed on {path}"),
    );
    err.headers
        .push((http::header::ALLOW, HeaderValue::from_static(allow)));
    err
}

/// The error answer a status fault scripts.
fn status_fault(fault: &Fault) -> ApiError {
    let Fault::Status {
        status,
        error_type,
        retry_after_ms,
        retry_after,
        should_retry,
    } = fault
    else {
        return ApiError::internal("Injected fault");
    };
    let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let kind = error_type.as_deref().map_or_else(
        || ApiError::type_for_status(status),
        files_types::ErrorType::from,
    );
    let mut err = ApiError::new(status, kind, format!("Injected fault: {status}"));
    let mut header = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            err.headers
                .push((http::HeaderName::from_static(name), value));
        }
    };
    if let Some(ms) = retry_after_ms {
        header("retry-after-ms", ms.to_string());
    }
    if let Some(value) = retry_after {
        header("retry-after", value.clone());
    }
    if let Some(yes) = should_retry {
        header("x-should-retry", yes.to_string());
    }
    err
}

/// A JSON answer whose body stops halfway, short of its `Content-Length`.
async fn truncate_json(response: Response<Body>) -> Response<Body> {
    use futures_util::StreamExt;
    use http_body_util::BodyExt;
    let (mut parts, body) = response.into_parts();
    let bytes = body
        .collect()
        .await
        .map(|c| c.to_bytes())
        .unwrap_or_default();
    parts
        .headers
        .insert(http::header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let half = bytes.slice(..bytes.len() / 2);
    let frames =
        futures_util::stream::iter([Ok::<_, std::io::Error>(hyper::body::Frame::data(half))])
            .chain(futures_util::stream::once(async {
                // Let hyper flush the half before the body ends short.
                tokio::time::sleep(Duration::from_millis(50)).await;
                Err(std::io::Error::other("fault: body cut short"))
            }));
    Response::from_parts(
        parts,
        BodyExt::boxed(http_body_util::StreamBody::new(frames)),
    )
}

fn percent_decode(segment: &str) -> String {
    form_urlencoded::parse(format!("x={}", segment.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_carries_its_percent_decoded_file_id() {
        let route = Route::parse(&Method::GET, "/v1/files/file%5F01/content").unwrap();
        assert_eq!(route, Route::Download("file_01".into()));
        assert_eq!(route.fault_route(), FaultRoute::Download);
        let route = Route::parse(&Method::DELETE, "/v1/files/a+b").unwrap();
        assert_eq!(route, Route::Delete("a+b".into()));
        assert_eq!(
            Route::parse(&Method::POST, "/v1/files").unwrap(),
            Route::Upload
        );
    }

    #[test]
    fn a_known_path_with_another_method_is_405_and_any_other_path_404() {
        let err = Route::parse(&Method::PUT, "/v1/files/file_01").unwrap_err();
        assert_eq!(err.status, StatusCode::METHOD_NOT_ALLOWED);
        let err = Route::parse(&Method::GET, "/v1/files/file_01/other").unwrap_err();
        assert_eq!(err.status, StatusCode::NOT_FOUND);
    }
}
