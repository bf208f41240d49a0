//! A files-server on a Tokio runtime of its own, for tests whose own thread
//! stays outside any runtime.

use std::future::Future;
use std::io;

use crate::{FilesServer, ServerConfig};

/// A [`FilesServer`] on a Tokio runtime of its own (two worker threads): the
/// test's thread stays outside any runtime, as a blocking client requires,
/// and can run the server's async calls with [`block_on`](Self::block_on).
/// Dropping it shuts the server down (requests in flight finish first).
///
/// ```
/// use files_server::test_util::BackgroundServer;
/// use files_server::{GeneratedFile, ServerConfig};
///
/// let server = BackgroundServer::start(ServerConfig::new())?;
/// let report = server
///     .block_on(server.server().create_generated_file(GeneratedFile::new("report.csv", "a,b\n")))
///     .map_err(std::io::Error::other)?;
/// assert!(report.downloadable);
/// assert!(server.base_url().starts_with("http://127.0.0.1:"));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct BackgroundServer {
    runtime: tokio::runtime::Runtime,
    server: Option<FilesServer>,
    base_url: String,
}

impl BackgroundServer {
    /// Starts a runtime and, on it, a server configured by `config`.
    ///
    /// # Errors
    /// The runtime cannot start, or the server cannot (its
    /// [`ServerError`](crate::ServerError) is the error's source).
    pub fn start(config: ServerConfig) -> io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?;
        let server = runtime
            .block_on(FilesServer::start(config))
            .map_err(io::Error::other)?;
        Ok(Self {
            base_url: server.base_url().to_owned(),
            server: Some(server),
            runtime,
        })
    }

    /// The server, whose async calls [`block_on`](Self::block_on) runs.
    pub fn server(&self) -> &FilesServer {
        // Set from `start` until `drop`: never absent while `self` is reachable.
        match &self.server {
            Some(server) => server,
            None => unreachable!("the server is taken only when dropped"),
        }
    }

    /// The server's base URL ([`FilesServer::base_url`]).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Runs `future` to completion on the server's runtime. Must not be
    /// called from within a runtime.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

impl Drop for BackgroundServer {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            self.runtime.block_on(server.shutdown());
        }
    }
}
