//! A host on reqwest 0.12 that builds its stack from tower, beside a
//! published SDK on reqwest 0.12 (anthropic-ai-sdk) that takes the same
//! `reqwest::Client`. Against the files-server at `FILES_BASE_URL`:
//!
//! * files-client, over that client, under the host's own layer (which
//!   counts attempts) and tower's concurrency limit, uploads a file; an
//!   injected 500 is retried, so the layer counts two attempts;
//! * anthropic-ai-sdk, over the same client, lists files and finds it;
//! * files-client deletes it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use anthropic_ai_sdk::client::AnthropicClient;
use anthropic_ai_sdk::files::FileClient as _;
use anthropic_ai_sdk::types::files::FileError;
use files_client::{Client, FileUpload, RequestOptions, ResponseSlot};
use files_transport::{RequestBody, Reqwest012Transport};
use tower::{Service, ServiceBuilder};

/// The host's own layer: counts attempts.
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

    fn call(&mut self, request: http::Request<RequestBody>) -> S::Future {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        self.inner.call(request)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::var("FILES_BASE_URL")?;
    // The host's one reqwest 0.12 client, handed to both SDKs.
    let host_client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;

    let attempts = Arc::new(AtomicUsize::new(0));
    let stack = {
        let attempts = Arc::clone(&attempts);
        ServiceBuilder::new()
            .concurrency_limit(4)
            .layer_fn(move |inner| CountAttempts {
                inner,
                attempts: Arc::clone(&attempts),
            })
    };
    let answer = ResponseSlot::new();
    let ours = Client::builder()
        .api_key("sk-embedder")
        .base_url(&base_url)
        .transport(Reqwest012Transport::new(host_client.clone()))
        .layer(stack)
        .build()?
        .files()
        .with_options(RequestOptions::new().response_into(&answer));
    let theirs = AnthropicClient::builder("sk-embedder", "2023-06-01")
        .with_api_base_url(format!("{base_url}/v1"))
        .with_http_client(host_client.clone())
        .build::<FileError>()?;

    // The server answers the next upload with a 500 (queued through its admin
    // route; `cargo xtask embedder` passes the token): the client retries it
    // through the stack.
    let admin = host_client
        .post(format!("{base_url}/_admin/v1/faults"))
        .header("x-admin-token", std::env::var("FILES_ADMIN_TOKEN")?)
        .header("content-type", "application/json")
        .body(r#"{"route":"upload","fault":{"kind":"status","status":500},"times":1}"#)
        .send()
        .await?;
    if !admin.status().is_success() {
        return Err(format!("cannot queue the fault: {}", admin.status()).into());
    }
    let file = ours
        .upload(FileUpload::bytes(
            "shared-client.txt",
            "one client, two SDKs",
        ))
        .await?;
    let seen = attempts.load(Ordering::SeqCst);
    if seen != 2 {
        return Err(
            format!("the layer saw {seen} attempts of the retried upload, expected 2").into(),
        );
    }
    let request_id = answer
        .take()
        .and_then(|meta| meta.request_id().map(str::to_owned))
        .ok_or("the upload reported no request id")?;

    let listed = theirs.list_files(None).await?;
    if !listed.data.iter().any(|f| f.id == file.id) {
        return Err(format!("anthropic-ai-sdk did not list {}", file.id).into());
    }
    ours.delete(&file.id).await?;
    println!(
        "embedder tower + anthropic-ai-sdk over one reqwest 0.12 client: ok ({}, {seen} attempts through the layer, request id {request_id})",
        file.id
    );
    Ok(())
}
