//! A host application that already has its own `reqwest::Client` (its pool,
//! proxies, TLS roots, middleware) uploads, lists and deletes through
//! files-client, with no second HTTP stack.
//!
//! ```text
//! cargo run -p files-client --features reqwest --example embed_reqwest
//! ```
//!
//! Without `ANTHROPIC_API_KEY` it runs against files-server started in-process
//! on 127.0.0.1 with a temporary store. With the key set it talks to the API
//! (`ANTHROPIC_BASE_URL` is honoured; the host's reqwest then needs a TLS
//! feature of its own: this example's reqwest has none, so only plain HTTP
//! works as built here).

use std::process::ExitCode;
use std::time::Duration;

use files_client::{Client, FileUpload, ListParams};
use files_server::{FilesServer, ServerConfig};
use files_transport::ReqwestTransport;
use futures_util::TryStreamExt;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("embed_reqwest failed: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // The host's own client settings. `from_builder` turns redirects off:
    // reqwest would otherwise follow one to another host with the key.
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .user_agent("host-app/1.0");
    let transport = ReqwestTransport::from_builder(http)?;

    let key = std::env::var("ANTHROPIC_API_KEY")
        .ok()
        .filter(|k| !k.trim().is_empty());
    let server = match key {
        Some(_) => None,
        None => Some(FilesServer::start(ServerConfig::new()).await?),
    };
    let mut builder = Client::builder().transport(transport);
    builder = match &server {
        Some(server) => {
            println!(
                "no ANTHROPIC_API_KEY: using a local files-server at {}",
                server.base_url()
            );
            builder.api_key("sk-local").base_url(server.base_url())
        }
        None => builder.from_env(),
    };
    let files = builder.build()?.files();

    let file = files
        .upload(FileUpload::bytes(
            "embedded.txt",
            "uploaded through the host's reqwest::Client",
        ))
        .await?;
    let created = file.created_at_time()?;
    println!(
        "upload   {} ({} bytes, created {:?} after the epoch)",
        file.id,
        file.size_bytes,
        created.duration_since(std::time::UNIX_EPOCH)?
    );
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
    if let Some(server) = server {
        server.shutdown().await;
    }
    Ok(())
}
