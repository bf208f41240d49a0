//! A host application on **reqwest 0.12** (as most Rust SDKs for the
//! Anthropic API are) hands its own `reqwest::Client` to files-client: one
//! pool, one set of proxies and TLS roots, no second HTTP stack. It uploads,
//! reads back the request id of the upload, lists and deletes.
//!
//! ```text
//! cargo run -p files-client --features reqwest-0-12 --example embed_reqwest_0_12
//! ```
//!
//! In the host's own Cargo.toml the dependency is plain `reqwest = "0.12"`;
//! this workspace names it `reqwest012` because it also has reqwest 0.13.
//! Runs against files-server started in-process on 127.0.0.1 (this
//! example's reqwest has no TLS feature, so it speaks plain HTTP only).

use std::process::ExitCode;
use std::time::Duration;

use files_client::{Client, FileUpload, ListParams, RequestOptions, ResponseSlot};
use files_server::{FilesServer, ServerConfig};
use files_transport::Reqwest012Transport;
use futures_util::TryStreamExt;
use reqwest012 as reqwest;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("embed_reqwest_0_12 failed: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // The host's own reqwest 0.12 client settings. `from_builder` turns
    // redirects off: reqwest would otherwise follow one to another host with
    // the key.
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .user_agent("host-app-on-0.12/1.0");

    let server = FilesServer::start(ServerConfig::new()).await?;
    let answer = ResponseSlot::new();
    let files = Client::builder()
        .api_key("sk-local")
        .base_url(server.base_url())
        .transport(Reqwest012Transport::from_builder(http)?)
        .build()?
        .files()
        .with_options(RequestOptions::new().response_into(&answer));

    let file = files
        .upload(FileUpload::bytes(
            "embedded.txt",
            "uploaded through the host's reqwest 0.12 client",
        ))
        .await?;
    let request_id = answer
        .take()
        .and_then(|meta| meta.request_id().map(str::to_owned));
    println!("upload   {} (request id {request_id:?})", file.id);
    let listed: Vec<_> = files
        .list_items(ListParams::new().limit(100))
        .try_collect()
        .await?;
    println!(
        "list     {} file(s), ours among them: {}",
        listed.len(),
        listed.iter().any(|f| f.id == file.id)
    );
    let deleted = files.delete(&file.id).await?;
    println!("delete   {}", deleted.id);
    server.shutdown().await;
    Ok(())
}
