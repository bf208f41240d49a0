//! The whole request path in-process: raw HTTP/1.1 bytes through hyper and the
//! server's own dispatch over an in-memory pipe (no socket), each answer the
//! server made captured as it made it, and an audit of the store after.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{HeaderMap, Response};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::auth::DEFAULT_WORKSPACE;
use crate::state::State;
use crate::store::{Start, Store};
use crate::{FaultQueue, ServerConfig};

/// The most bytes of answers read back from one exchange.
const MAX_WIRE_BYTES: u64 = 64 * 1024 * 1024;

/// An answer the server's dispatch made.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The request's method.
    pub method: String,
    /// The request's path.
    pub path: String,
    /// The status, or `None` when the connection was dropped (a scripted fault)
    /// or the body failed while it was read.
    pub status: Option<u16>,
    /// The answer's headers.
    pub headers: HeaderMap,
    /// The answer's body.
    pub body: Bytes,
}

/// What the store holds, checked for consistency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audit {
    /// `(id, filename, mime type, size)` of each live file, newest first.
    pub files: Vec<(String, String, String, u64)>,
    /// The workspace's usage as the quota counts it.
    pub usage: u64,
}

/// A server's state and store, without a listener.
#[derive(Debug)]
pub struct InProcess {
    state: Arc<State>,
    runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
}

impl InProcess {
    /// A server with `config` (its `data_dir` is ignored: a new temporary
    /// directory under `parent`, or the system's, is used).
    ///
    /// # Errors
    /// The directory, the store or the runtime cannot be made.
    pub fn new(config: ServerConfig, parent: Option<&Path>) -> Result<Self, String> {
        let dir = match parent {
            Some(parent) => tempfile::Builder::new()
                .prefix("files-server-fuzz-")
                .tempdir_in(parent),
            None => tempfile::Builder::new()
                .prefix("files-server-fuzz-")
                .tempdir(),
        }
        .map_err(|e| e.to_string())?;
        let store = Store::open(dir.path(), false).map_err(|e| e.to_string())?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        let state = Arc::new(State::new(config, store));
        Ok(Self {
            state,
            runtime,
            _dir: dir,
        })
    }

    /// The scripted faults.
    pub fn faults(&self) -> &FaultQueue {
        &self.state.faults
    }

    /// Serves one HTTP/1.1 connection whose client sends `raw` and then closes
    /// its side: the answers the dispatch made, and every byte sent back.
    pub fn exchange(&self, raw: Vec<u8>) -> (Vec<Answer>, Vec<u8>) {
        let answers = Arc::new(Mutex::new(Vec::new()));
        let state = Arc::clone(&self.state);
        let seen = Arc::clone(&answers);
        let wire = self.runtime.block_on(async move {
            let (client, server) = tokio::io::duplex(64 * 1024);
            let service = service_fn(move |request| {
                let state = Arc::clone(&state);
                let seen = Arc::clone(&seen);
                async move { capture(state, request, seen).await }
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .half_close(true)
                .max_headers(self.state.config.max_headers)
                .max_buf_size(self.state.config.max_header_bytes.max(8 * 1024));
            let connection = builder.serve_connection(TokioIo::new(server), service);
            let serving = tokio::spawn(async move {
                let _ = connection.await;
            });
            let (mut read, mut write) = tokio::io::split(client);
            let send = async move {
                let _ = write.write_all(&raw).await;
                let _ = write.shutdown().await;
            };
            let receive = async move {
                let mut wire = Vec::new();
                let _ = (&mut read)
                    .take(MAX_WIRE_BYTES)
                    .read_to_end(&mut wire)
                    .await;
                wire
            };
            let ((), wire) = tokio::join!(send, receive);
            let _ = serving.await;
            wire
        });
        let answers = std::mem::take(&mut *answers.lock().unwrap_or_else(|p| p.into_inner()));
        (answers, wire)
    }

    /// The store's live files, after checking that it is consistent: the
    /// usage is the sum of the sizes, each file's bytes are on disk at its
    /// size, no other bytes are, and no upload's temporary file was left.
    ///
    /// # Errors
    /// The first inconsistency found.
    pub fn audit(&self) -> Result<Audit, String> {
        let store = &self.state.store;
        let now = self.state.clock.now_ms();
        let records = store
            .list(DEFAULT_WORKSPACE, None, Start::Newest, usize::MAX, now)
            .map_err(|e| e.to_string())?;
        let count = store.count().map_err(|e| e.to_string())?;
        if count != records.len() as u64 {
            return Err(format!("{count} rows but {} live files", records.len()));
        }
        let usage = store
            .usage(DEFAULT_WORKSPACE, now)
            .map_err(|e| e.to_string())?;
        let sum: u64 = records.iter().map(|r| r.size_bytes).sum();
        if usage != sum {
            return Err(format!("usage {usage} but the files hold {sum} bytes"));
        }
        for record in &records {
            let blob = store.blob_path(&record.id);
            let len = std::fs::metadata(&blob)
                .map_err(|e| format!("{}: {e}", record.id))?
                .len();
            if len != record.size_bytes {
                return Err(format!(
                    "{}: {len} bytes on disk, {} recorded",
                    record.id, record.size_bytes
                ));
            }
        }
        let ids: BTreeSet<String> = records.iter().map(|r| r.id.clone()).collect();
        let blobs = names(&store.blob_path(""))?;
        if blobs != ids {
            return Err(format!("blobs {blobs:?} but files {ids:?}"));
        }
        let temp = store.temp_path();
        if let Some(tmp) = temp.parent() {
            let left = names(tmp)?;
            if !left.is_empty() {
                return Err(format!("temporary files left: {left:?}"));
            }
        }
        Ok(Audit {
            files: records
                .into_iter()
                .map(|r| (r.id, r.filename, r.mime_type, r.size_bytes))
                .collect(),
            usage,
        })
    }

    /// Deletes every file, so the next input starts from an empty store.
    ///
    /// # Errors
    /// The store failed.
    pub fn clear(&self) -> Result<(), String> {
        let store = &self.state.store;
        let now = self.state.clock.now_ms();
        let records = store
            .list(DEFAULT_WORKSPACE, None, Start::Newest, usize::MAX, now)
            .map_err(|e| e.to_string())?;
        for record in records {
            store
                .delete(DEFAULT_WORKSPACE, &record.id)
                .map_err(|e| e.to_string())?;
        }
        self.state.faults.clear();
        Ok(())
    }
}

/// Runs the dispatch and records its answer, body collected.
async fn capture(
    state: Arc<State>,
    request: http::Request<hyper::body::Incoming>,
    seen: Arc<Mutex<Vec<Answer>>>,
) -> Result<Response<Full<Bytes>>, std::io::Error> {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let mut answer = Answer {
        method,
        path,
        status: None,
        headers: HeaderMap::new(),
        body: Bytes::new(),
    };
    let result = match crate::dispatch::handle(state, request).await {
        Ok(response) => {
            let (parts, body) = response.into_parts();
            match body.collect().await {
                Ok(collected) => {
                    let body = collected.to_bytes();
                    answer.status = Some(parts.status.as_u16());
                    answer.headers = parts.headers.clone();
                    answer.body = body.clone();
                    Ok(Response::from_parts(parts, Full::new(body)))
                }
                Err(err) => Err(err),
            }
        }
        Err(dropped) => Err(std::io::Error::other(dropped)),
    };
    seen.lock().unwrap_or_else(|p| p.into_inner()).push(answer);
    result
}

/// The names in a directory.
fn names(dir: &Path) -> Result<BTreeSet<String>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut names = BTreeSet::new();
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        names.insert(entry.file_name().to_string_lossy().into_owned());
    }
    Ok(names)
}
