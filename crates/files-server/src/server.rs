//! Starting, serving and stopping the server.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use files_types::{ApiGeneration, FileMetadata};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::faults::FaultQueue;
use crate::routes::admin;
use crate::state::State;
use crate::store::{Store, StoreError};
use crate::{GeneratedFile, ServerConfig, TlsError};

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
    /// Another process (another server, another command) owns the data directory.
    #[error("the data directory {} is in use by another files-server", dir.display())]
    DataDirInUse {
        /// The directory.
        dir: PathBuf,
    },
    /// The TLS certificate or key cannot be used.
    #[error("cannot serve HTTPS: {0}")]
    Tls(#[from] TlsError),
    /// A library call was refused, as the API would refuse it.
    #[error("{status}: {message}")]
    Refused {
        /// The HTTP status the API would answer.
        status: u16,
        /// Why.
        message: String,
    },
}

/// The local Files API server, running: [`FilesServer::start`] opens the store
/// and starts serving; dropping the server stops accepting connections, and
/// [`FilesServer::shutdown`] also waits for requests in flight.
///
/// ```no_run
/// # async fn run() -> Result<(), files_server::ServerError> {
/// use files_server::{FilesServer, ServerConfig};
///
/// let server = FilesServer::start(ServerConfig::new()).await?;
/// println!("listening on {}", server.base_url());
/// server.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct FilesServer {
    base_url: String,
    local_addr: SocketAddr,
    state: Arc<State>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
    purge: Option<JoinHandle<()>>,
    _temp_dir: Option<tempfile::TempDir>,
}

impl FilesServer {
    /// Opens the store and starts serving on the configured address
    /// ([`ServerConfig::listen`]; `127.0.0.1` on a free port by default).
    ///
    /// # Errors
    /// The store cannot be opened or the address cannot be bound.
    pub async fn start(config: ServerConfig) -> Result<Self, ServerError> {
        let addr = config.listen;
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
        let tls = match &config.tls {
            Some(tls) => Some(tokio_rustls::TlsAcceptor::from(tls.rustls()?)),
            None => None,
        };
        let store = {
            let dir = data_dir.clone();
            let wait = config.wait_for_data_dir;
            let min_free = config.min_free_space;
            let clock_now = Clock::default().now_ms();
            tokio::task::spawn_blocking(move || {
                let store = Store::open(&dir, wait)?;
                store.disk().set_min_free(min_free);
                let purged = store.purge_expired(clock_now)?;
                if purged > 0 {
                    tracing::info!(purged, "purged expired files");
                }
                Ok::<_, StoreError>(store)
            })
            .await
            .map_err(|e| ServerError::Store(e.to_string()))?
            .map_err(|e| match e {
                StoreError::Locked { dir, .. } => ServerError::DataDirInUse { dir },
                other => ServerError::Store(other.to_string()),
            })?
        };
        let listener = crate::connection::listen(addr, config.listen_backlog)
            .map_err(|source| ServerError::Bind { addr, source })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| ServerError::Bind { addr, source })?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let state = Arc::new(State::new(config, store));
        let (stop, stopped) = watch::channel(false);
        let purge = tokio::spawn(purge_periodically(Arc::clone(&state), stopped.clone()));
        let task = tokio::spawn(crate::connection::serve(
            listener,
            Arc::clone(&state),
            tls,
            stopped,
        ));
        tracing::info!(%local_addr, data_dir = %data_dir.display(), "files-server started");
        Ok(Self {
            base_url: format!("{scheme}://{local_addr}"),
            local_addr,
            state,
            stop,
            task: Some(task),
            purge: Some(purge),
            _temp_dir: temp_dir,
        })
    }

    /// `http://ADDR:PORT` (`https://` when serving TLS), the base URL clients use.
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

    /// Moves the server's clock forward (expiry tests). The clock is never more
    /// than about 100 years ahead of the system clock: a move past that stops there.
    pub fn advance_clock(&self, by: Duration) {
        self.state.clock.advance_saturating(by);
    }

    /// Removes every expired file now (the server also does this at start and
    /// every [`ServerConfig::purge_interval`]); returns how many went.
    ///
    /// # Errors
    /// The store failed.
    pub async fn purge_expired(&self) -> Result<u64, ServerError> {
        let now_ms = self.state.clock.now_ms();
        self.state
            .store(move |s| s.purge_expired(now_ms))
            .await
            .map_err(|e| ServerError::Store(e.message))
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
    /// closes the store: once this returns, another server may open its directory.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for task in [self.task.take(), self.purge.take()].into_iter().flatten() {
            let _ = task.await;
        }
        self.state.store.release_lock();
    }
}

impl Drop for FilesServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Purges expired files every `purge_interval` until the server stops.
async fn purge_periodically(state: Arc<State>, mut stopped: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = tokio::time::sleep(state.config.purge_interval) => {}
            _ = stopped.changed() => return,
        }
        let now_ms = state.clock.now_ms();
        // Space may have come back: make the reserve's ballast again if it went.
        let _ = state
            .store(|s| {
                s.disk().ensure_ballast();
                Ok(())
            })
            .await;
        match state.store(move |s| s.purge_expired(now_ms)).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "purged expired files"),
            Err(_) => {} // logged by `State::store`
        }
    }
}
