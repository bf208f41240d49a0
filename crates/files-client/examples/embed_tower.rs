//! A host that builds its HTTP stack from tower puts its own middleware under
//! files-client: here a layer of its own that counts attempts and tags each
//! with a header, beside tower's concurrency limit. The client runs the stack
//! once per attempt, inside its retries: an upload that meets one 500 passes
//! through it twice.
//!
//! ```text
//! cargo run -p files-client --features tower --example embed_tower
//! ```
//!
//! Runs against files-server started in-process on 127.0.0.1.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use files_client::files_transport::RequestBody;
use files_client::{Client, FileUpload};
use files_server::{Fault, FaultRoute, FilesServer, ServerConfig};
use tower::{Service, ServiceBuilder};

/// The host's own layer: counts attempts and tags each with the host's
/// trace header.
#[derive(Clone)]
struct CountAttempts<S> {
    inner: S,
    attempts: Arc<AtomicUsize>,
}

impl<S: Service<http::Request<RequestBody>>> Service<http::Request<RequestBody>>
    for CountAttempts<S>
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<RequestBody>) -> S::Future {
        let n = self.attempts.fetch_add(1, Ordering::SeqCst) + 1;
        request
            .headers_mut()
            .insert("x-host-attempt", http::HeaderValue::from(n));
        self.inner.call(request)
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("embed_tower failed: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let server = FilesServer::start(ServerConfig::new()).await?;
    let attempts = Arc::new(AtomicUsize::new(0));
    let stack = {
        let attempts = Arc::clone(&attempts);
        ServiceBuilder::new()
            .concurrency_limit(8)
            .layer_fn(move |inner| CountAttempts {
                inner,
                attempts: Arc::clone(&attempts),
            })
    };
    let files = Client::builder()
        .api_key("sk-local")
        .base_url(server.base_url())
        .layer(stack)
        .build()?
        .files();

    server.faults().push(FaultRoute::Upload, Fault::status(500));
    let file = files
        .upload(FileUpload::bytes(
            "tower.txt",
            "through the host's tower stack",
        ))
        .await?;
    let seen = attempts.load(Ordering::SeqCst);
    println!(
        "upload   {} after {seen} attempt(s) through the stack",
        file.id
    );
    if seen != 2 {
        return Err(format!("expected 2 attempts through the stack, saw {seen}").into());
    }
    files.delete(&file.id).await?;
    println!("delete   {}", file.id);
    server.shutdown().await;
    Ok(())
}
