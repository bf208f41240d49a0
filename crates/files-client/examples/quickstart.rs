//! The whole Files API lifecycle in one run.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! Without `ANTHROPIC_API_KEY` it starts files-server in-process on an ephemeral
//! port with a temporary store (no key, no network). With the key set it talks to
//! the real API (`ANTHROPIC_BASE_URL` is honoured).

use std::process::ExitCode;
use std::time::Instant;

use files_client::{Client, FileUpload, ListParams};
use files_server::{FilesServer, GeneratedFile, ServerConfig};
use futures_util::{StreamExt, TryStreamExt};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("quickstart failed: {err}");
            ExitCode::FAILURE
        }
    }
}

fn step(name: &str, result: impl std::fmt::Display) {
    println!("{name:<26} {result}");
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let started = Instant::now();
    let real = std::env::var("ANTHROPIC_API_KEY").is_ok_and(|k| !k.trim().is_empty());
    let (client, server): (Client, Option<FilesServer>) = if real {
        println!(
            "using the API at {} (ANTHROPIC_API_KEY is set)",
            std::env::var("ANTHROPIC_BASE_URL")
                .unwrap_or_else(|_| files_client::DEFAULT_BASE_URL.into())
        );
        (Client::from_env()?, None)
    } else {
        let server = FilesServer::start(ServerConfig::new()).await?;
        println!(
            "no ANTHROPIC_API_KEY: using a local files-server at {} with a temporary store",
            server.base_url()
        );
        let client = Client::builder()
            .api_key("local-quickstart")
            .base_url(server.base_url())
            .build()?;
        (client, Some(server))
    };
    let files = client.files();

    let note = "Quarterly numbers: revenue up, costs down.\n";
    let uploaded = files
        .upload(FileUpload::bytes("quickstart-notes.txt", note))
        .await?;
    step(
        "upload",
        format_args!(
            "{} ({}, {} bytes, {})",
            uploaded.id, uploaded.mime_type, uploaded.size_bytes, uploaded.filename
        ),
    );

    let first_page = files.list(ListParams::new().limit(10)).await?;
    let total: Vec<_> = files
        .list_items(ListParams::new().limit(100))
        .take(1000)
        .try_collect()
        .await?;
    step(
        "list",
        format_args!(
            "{} on the first page, {} in all (newest first)",
            first_page.data().len(),
            total.len()
        ),
    );

    let metadata = files.retrieve_metadata(&uploaded.id).await?;
    step(
        "retrieve_metadata",
        format_args!(
            "{} created {}, downloadable: {}",
            metadata.filename, metadata.created_at, metadata.downloadable
        ),
    );

    let report: Vec<u8> = (0..64 * 1024u32).map(|i| (i % 251) as u8).collect();
    let generated = match &server {
        Some(server) => Some(
            server
                .create_generated_file(GeneratedFile::new("generated-report.bin", report.clone()))
                .await?,
        ),
        None => None,
    };
    match generated {
        Some(generated) => {
            let dir = tempfile::tempdir()?;
            let target = dir.path().join("generated-report.bin");
            let written = files
                .download(&generated.id)
                .await?
                .write_to(&target)
                .await?;
            let same = std::fs::read(&target)? == report;
            step(
                "download",
                format_args!(
                    "{written} bytes of a platform-generated file to disk, bytes match: {same}"
                ),
            );
            if !same {
                return Err("the downloaded bytes differ from the generated file".into());
            }
        }
        None => step(
            "download",
            "skipped: on the real API only files made by skills or code execution are downloadable",
        ),
    }

    match files.download(&uploaded.id).await {
        Err(err) if err.is_file_not_downloadable() => step(
            "download (uploaded file)",
            format_args!("refused as expected: {err}"),
        ),
        Err(err) => return Err(err.into()),
        Ok(_) => return Err("an uploaded file was downloadable".into()),
    }

    let deleted = files.delete(&uploaded.id).await?;
    step("delete", &deleted.id);
    match files.retrieve_metadata(&uploaded.id).await {
        Err(err) if err.is_not_found() => step("retrieve after delete", "not found, as expected"),
        other => return Err(format!("the deleted file is still there: {other:?}").into()),
    }

    if let Some(server) = server {
        server.shutdown().await;
    }
    println!("done in {:.2?}", started.elapsed());
    Ok(())
}
