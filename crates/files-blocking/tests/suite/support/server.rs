//! A files-server on 127.0.0.1, on a runtime of its own: the test thread itself
//! stays outside any runtime, as the blocking client requires.

use files_blocking::{ApiGeneration, Client, ClientBuilder};
use files_server::{FilesServer, GeneratedFile, ServerConfig};

/// A server on its own runtime; shut down on drop.
pub struct Server {
    pub runtime: tokio::runtime::Runtime,
    handle: Option<FilesServer>,
}

impl Server {
    pub fn start(config: ServerConfig) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let handle = runtime.block_on(FilesServer::start(config)).unwrap();
        Self {
            runtime,
            handle: Some(handle),
        }
    }

    pub fn handle(&self) -> &FilesServer {
        self.handle.as_ref().unwrap()
    }

    /// A downloadable (platform-generated) file; returns its id.
    pub fn generated(&self, name: &str, content: Vec<u8>) -> String {
        self.runtime
            .block_on(
                self.handle()
                    .create_generated_file(GeneratedFile::new(name, content)),
            )
            .unwrap()
            .id
    }

    /// A builder pointed at the server.
    pub fn builder(&self) -> ClientBuilder {
        Client::builder()
            .api_key("sk-blocking")
            .base_url(self.handle().base_url())
    }

    /// A client of the server in `generation`.
    pub fn client(&self, generation: ApiGeneration) -> Client {
        self.builder().generation(generation).build().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            self.runtime.block_on(handle.shutdown());
        }
    }
}
