//! Starting, serving and stopping the server.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use files_types::{ApiGeneration, FILES_API_BETA, FileMetadata};
use http::{HeaderValue, Method, Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::faults::{Fault, FaultQueue, FaultRoute};
use crate::routes::{admin, file, list, upload};
use crate::state::State;
use crate::store::Store;
use crate::wire::{ApiError, Body};
use crate::{GeneratedFile, ServerConfig};

/// How long a graceful shutdown waits for requests in flight.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Why the server could not start, or an admin call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServerError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The data directory could not be opened or created.
    #[error("cannot open the store: {0}")]
    Store(String),
    /// A library call was refused, as the API would refuse it.
    #[error("{status}: {message}")]
    Refused {
        /// The HTTP status the API would answer.
        status: u16,
        /// Why.
        message: String,
    },
}

/// The local Files API server.
///
/// ```no_run
/// # async fn run() -> Result<(), files_server::ServerError> {
/// use files_server::{FilesServer, ServerConfig};
///
/// let server = FilesServer::start(ServerConfig::new(), "127.0.0.1:0".parse().unwrap()).await?;
/// println!("listening on {}", server.base_url());
/// server.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct FilesServer;

impl FilesServer {
    /// Opens the store and starts serving on `addr` (port 0 picks a free port).
    ///
    /// # Errors
    /// The store cannot be opened or the address cannot be bound.
    pub async fn start(
        config: ServerConfig,
        addr: SocketAddr,
    ) -> Result<ServerHandle, ServerError> {
        let (temp_dir, data_dir) = match &config.data_dir {
            Some(dir) => (None, dir.clone()),
            None => {
                let dir = tempfile::Builder::new()
                    .prefix("files-server-")
                    .tempdir()
                    .map_err(|e| ServerError::Store(e.to_string()))?;
                let path = dir.path().to_path_buf();
                (Some(dir), path)
            }
        };
        let store = {
            let dir = data_dir.clone();
            tokio::task::spawn_blocking(move || Store::open(&dir))
                .await
                .map_err(|e| ServerError::Store(e.to_string()))?
                .map_err(|e| ServerError::Store(e.to_string()))?
        };
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| ServerError::Bind { addr, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| ServerError::Bind { addr, source })?;
        let state = Arc::new(State {
            config,
            store: Arc::new(store),
            clock: Clock::default(),
            faults: FaultQueue::default(),
            connections: std::sync::atomic::AtomicU64::new(0),
        });
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(serve(listener, Arc::clone(&state), stopped));
        tracing::info!(%local_addr, data_dir = %data_dir.display(), "files-server started");
        Ok(ServerHandle {
            base_url: format!("http://{local_addr}"),
            local_addr,
            state,
            stop,
            task: Some(task),
            _temp_dir: temp_dir,
        })
    }
}

/// A running server. Dropping it stops accepting connections; [`ServerHandle::shutdown`]
/// also waits for requests in flight.
#[derive(Debug)]
pub struct ServerHandle {
    base_url: String,
    local_addr: SocketAddr,
    state: Arc<State>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    _temp_dir: Option<tempfile::TempDir>,
}

impl ServerHandle {
    /// `http://ADDR:PORT`, the base URL clients use.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The fault-injection queue.
    pub fn faults(&self) -> &FaultQueue {
        &self.state.faults
    }

    /// Moves the server's clock forward (expiry tests).
    pub fn advance_clock(&self, by: Duration) {
        self.state.clock.advance(by);
    }

    /// Stores a platform-generated, downloadable file and returns its metadata (GA shape).
    ///
    /// # Errors
    /// The filename or MIME type is invalid, or the store failed.
    pub async fn create_generated_file(
        &self,
        file: GeneratedFile,
    ) -> Result<FileMetadata, ServerError> {
        let content = futures_util::stream::iter([Ok::<_, Infallible>(file.content)]);
        let record = admin::create_generated(
            &self.state,
            file.filename,
            file.mime_type,
            file.workspace,
            file.scope_id,
            content,
        )
        .await
        .map_err(|err| ServerError::Refused {
            status: err.status.as_u16(),
            message: err.message,
        })?;
        Ok(crate::wire::metadata(&record, ApiGeneration::Ga))
    }

    /// How many connections the server has accepted since it started.
    pub fn connections_accepted(&self) -> u64 {
        self.state
            .connections
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many files the store holds, across workspaces.
    ///
    /// # Errors
    /// The store failed.
    pub async fn file_count(&self) -> Result<u64, ServerError> {
        self.state
            .store(|s| s.count())
            .await
            .map_err(|e| ServerError::Store(e.message))
    }

    /// Stops accepting connections, lets requests in flight finish (up to 30 s), and
    /// closes the store.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

async fn serve(listener: TcpListener, state: Arc<State>, mut stopped: watch::Receiver<bool>) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let builder = auto::Builder::new(TokioExecutor::new());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(conn) => conn,
                    Err(err) => {
                        tracing::warn!(error = %err, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                state.connections.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let state = Arc::clone(&state);
                let service = service_fn(move |request| handle(Arc::clone(&state), request));
                let connection = builder.serve_connection(TokioIo::new(stream), service).into_owned();
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    if let Err(err) = connection.await {
                        tracing::debug!(%peer, error = %err, "connection ended with an error");
                    }
                });
            }
            _ = stopped.changed() => break,
        }
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after the grace period were cut");
    }
}

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
struct Dropped;

async fn handle(state: Arc<State>, request: Request<Incoming>) -> Result<Response<Body>, Dropped> {
    let request_id = crate::ids::request_id();
    let generation = generation_of(&request);
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let mut response = match route(&state, request, generation).await {
        Ok(response) => response,
        Err(Outcome::Api(err)) => err.into_response(generation, &request_id),
        Err(Outcome::Drop) => {
            tracing::info!(%method, %path, "fault: dropping the connection");
            return Err(Dropped);
        }
    };
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("request-id", value);
    }
    tracing::info!(%method, %path, status = response.status().as_u16(), %request_id, "request");
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
        if state.config.admin {
            return Ok(admin::admin(state, request, admin_path).await?);
        }
        return Err(ApiError::not_found(format!("Not found: {path}")).into());
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let method = request.method().clone();
    let (fault_route, id) = match (method.clone(), segments.as_slice()) {
        (Method::POST, ["v1", "files"]) => (FaultRoute::Upload, None),
        (Method::GET, ["v1", "files"]) => (FaultRoute::List, None),
        (Method::GET, ["v1", "files", id]) => (FaultRoute::Retrieve, Some(*id)),
        (Method::DELETE, ["v1", "files", id]) => (FaultRoute::Delete, Some(*id)),
        (Method::GET, ["v1", "files", id, "content"]) => (FaultRoute::Download, Some(*id)),
        (_, ["v1", "files"] | ["v1", "files", _] | ["v1", "files", _, "content"]) => {
            return Err(ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                files_types::ErrorType::InvalidRequestError,
                format!("Method {method} is not allowed on {path}"),
            )
            .into());
        }
        _ => return Err(ApiError::not_found(format!("Not found: {path}")).into()),
    };
    let id = id.map(percent_decode);

    let fault = state.faults.take(fault_route);
    match &fault {
        Some(Fault::Status {
            status,
            error_type,
            retry_after_ms,
            retry_after,
            should_retry,
        }) => {
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
            if fault_route == FaultRoute::Upload {
                upload::discard_body(request.into_body()).await;
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

    let workspace = match state.config.auth.workspace(request.headers()) {
        Ok(workspace) => workspace,
        Err(err) => {
            if fault_route == FaultRoute::Upload {
                upload::discard_body(request.into_body()).await;
            }
            return Err(err.into());
        }
    };
    let response = match fault_route {
        FaultRoute::Upload => upload::upload(state, request, generation, workspace).await?,
        FaultRoute::List => list::list(state, &request, generation, workspace).await?,
        FaultRoute::Retrieve => {
            file::retrieve(state, &id.unwrap_or_default(), generation, workspace).await?
        }
        FaultRoute::Delete => file::delete(state, &id.unwrap_or_default(), workspace).await?,
        FaultRoute::Download | FaultRoute::Any => {
            let body_fault = file::BodyFault::from_fault(fault.as_ref());
            file::download(state, &id.unwrap_or_default(), workspace, body_fault).await?
        }
    };
    Ok(match fault {
        Some(Fault::ShortBody) if fault_route != FaultRoute::Download => {
            truncate_json(response).await
        }
        _ => response,
    })
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
