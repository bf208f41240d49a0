//! A files-server on 127.0.0.1 with a client of its API, for the loopback tests
//! that need nothing more.

use files_client::{Client, Files};
use files_server::{FilesServer, GeneratedFile, ServerConfig};

/// A server with the default configuration, and its files API.
pub async fn start() -> (FilesServer, Files) {
    let server = FilesServer::start(ServerConfig::new()).await.unwrap();
    let files = Client::builder()
        .api_key("sk-loopback")
        .base_url(server.base_url())
        .build()
        .unwrap()
        .files();
    (server, files)
}

/// A downloadable (platform-generated) file on `server`; returns its id.
pub async fn generated(server: &FilesServer, name: &str, content: Vec<u8>) -> String {
    server
        .create_generated_file(GeneratedFile::new(name, content))
        .await
        .unwrap()
        .id
}
