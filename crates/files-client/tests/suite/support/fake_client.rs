//! What the tests on the fake transport share: a file's metadata as the API
//! sends it, and a client configured for `https://files.test`.

use files_client::{ApiGeneration, Client, ClientBuilder};

/// The metadata of `file_1`, as the API sends it.
pub const META: &str = r#"{"id":"file_1","type":"file","filename":"a.txt","mime_type":"text/plain","size_bytes":1,"created_at":"2026-01-01T00:00:00Z"}"#;

/// A builder for `https://files.test` in `generation`; the caller gives the
/// fake transport.
pub fn builder(generation: ApiGeneration) -> ClientBuilder {
    Client::builder()
        .api_key("sk-secret-key")
        .base_url("https://files.test")
        .generation(generation)
}
