//! files-server's [`BackgroundServer`] (a server on a runtime of its own: the
//! test thread itself stays outside any runtime, as the blocking client
//! requires), with clients of it.

use std::ops::Deref;

use files_blocking::{ApiGeneration, Client, ClientBuilder};
use files_server::test_util::BackgroundServer;
use files_server::{GeneratedFile, ServerConfig};

/// A server on its own runtime; shut down on drop.
pub struct Server(BackgroundServer);

impl Deref for Server {
    type Target = BackgroundServer;

    fn deref(&self) -> &BackgroundServer {
        &self.0
    }
}

impl Server {
    pub fn start(config: ServerConfig) -> Self {
        Self(BackgroundServer::start(config).unwrap())
    }

    /// A downloadable (platform-generated) file; returns its id.
    pub fn generated(&self, name: &str, content: Vec<u8>) -> String {
        self.block_on(
            self.server()
                .create_generated_file(GeneratedFile::new(name, content)),
        )
        .unwrap()
        .id
    }

    /// A builder pointed at the server.
    pub fn builder(&self) -> ClientBuilder {
        Client::builder()
            .api_key("sk-blocking")
            .base_url(self.base_url())
    }

    /// A client of the server in `generation`.
    pub fn client(&self, generation: ApiGeneration) -> Client {
        self.builder().generation(generation).build().unwrap()
    }
}
