//! One benchmark run of our client, in a process of its own, so its memory and
//! time are its own. Run by `cargo xtask bench`; prints one JSON line.
//!
//! ```text
//! bench-client [--cacert CA_PEM] BASE_URL async|blocking OP ARGS...
//!
//! bench-client BASE_URL async|blocking|reqwest noop
//! bench-client BASE_URL async|blocking upload PATH
//! bench-client BASE_URL async|blocking download FILE_ID OUT
//! bench-client BASE_URL async|blocking metadata FILE_ID COUNT
//! bench-client BASE_URL async|blocking list LIMIT
//! bench-client BASE_URL async|blocking concurrent PATH COUNT
//! bench-client BASE_URL async metadata-concurrent FILE_ID COUNT CONCURRENCY
//! bench-client BASE_URL async upload-many DIR CONCURRENCY
//! ```
//!
//! `--cacert` trusts a CA (PEM) besides the built-in roots, for an HTTPS server.

use std::process::ExitCode;
use std::time::Instant;

use files_client::{ApiGeneration, FileUpload, ListParams};
use futures_util::{StreamExt, TryStreamExt};

const MAX_UPLOAD: u64 = 4 * 1024 * 1024 * 1024;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("bench-client: {err}");
            ExitCode::FAILURE
        }
    }
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn run(args: &[String]) -> Result<String> {
    let (cacert, args) = match args {
        [flag, ca, rest @ ..] if flag == "--cacert" => (Some(std::fs::read(ca)?), rest),
        _ => (None, args),
    };
    let [base, mode, op, rest @ ..] = args else {
        return Err(
            "usage: bench-client [--cacert CA_PEM] BASE_URL async|blocking OP ARGS...".into(),
        );
    };
    let mut builder = files_client::Client::builder()
        .api_key("sk-bench")
        .base_url(base)
        .generation(ApiGeneration::Ga)
        .max_upload_bytes(MAX_UPLOAD)
        .max_retries(0);
    if let Some(pem) = &cacert {
        builder = builder.add_root_certificates_pem(pem.clone());
    }
    match mode.as_str() {
        "async" => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            let client = runtime.block_on(async { builder.build() })?;
            runtime.block_on(run_async(client, op, rest))
        }
        "blocking" => {
            let mut blocking = files_blocking::Client::builder()
                .api_key("sk-bench")
                .base_url(base)
                .generation(ApiGeneration::Ga)
                .max_upload_bytes(MAX_UPLOAD)
                .max_retries(0);
            if let Some(pem) = &cacert {
                blocking = blocking.add_root_certificates_pem(pem.clone());
            }
            let client = blocking.build()?;
            run_blocking(&client, op, rest)
        }
        "reqwest" => {
            // The async client over a plain reqwest::Client (issue 13's row).
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            let http = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()?;
            let client = builder
                .transport(files_transport::ReqwestTransport::new(http))
                .build()?;
            runtime.block_on(run_async(client, op, rest))
        }
        other => Err(format!("unknown mode {other}").into()),
    }
}

fn arg(rest: &[String], i: usize) -> Result<&str> {
    rest.get(i)
        .map(String::as_str)
        .ok_or_else(|| "missing argument".into())
}

fn report(started: Instant, pages: Option<u64>) -> String {
    let seconds = started.elapsed().as_secs_f64();
    match pages {
        Some(pages) => format!("{{\"seconds\":{seconds},\"pages\":{pages}}}"),
        None => format!("{{\"seconds\":{seconds}}}"),
    }
}

async fn run_async(client: files_client::Client, op: &str, rest: &[String]) -> Result<String> {
    let files = client.files();
    let started = Instant::now();
    match op {
        "noop" => Ok(report(started, None)),
        "upload" => {
            files.upload(FileUpload::path(arg(rest, 0)?)).await?;
            Ok(report(started, None))
        }
        "download" => {
            files
                .download(arg(rest, 0)?)
                .await?
                .write_to(arg(rest, 1)?)
                .await?;
            Ok(report(started, None))
        }
        "metadata" => {
            let id = arg(rest, 0)?;
            let count: u64 = arg(rest, 1)?.parse()?;
            files.retrieve_metadata(id).await?; // warm the connection
            let started = Instant::now();
            for _ in 0..count {
                files.retrieve_metadata(id).await?;
            }
            Ok(report(started, None))
        }
        "metadata-concurrent" => {
            let id = arg(rest, 0)?.to_owned();
            let count: usize = arg(rest, 1)?.parse()?;
            let concurrency: usize = arg(rest, 2)?.parse()?;
            let calls = (0..count).map(|_| files.retrieve_metadata(&id));
            let mut results = futures_util::stream::iter(calls).buffer_unordered(concurrency);
            while let Some(result) = results.next().await {
                result?;
            }
            Ok(report(started, None))
        }
        "upload-many" => {
            let mut paths: Vec<_> = std::fs::read_dir(arg(rest, 0)?)?
                .map(|e| e.map(|e| e.path()))
                .collect::<std::io::Result<_>>()?;
            paths.sort();
            let concurrency: usize = arg(rest, 1)?.parse()?;
            let count = paths.len();
            let mut results = files
                .upload_many(paths.into_iter().map(FileUpload::path))
                .concurrency(concurrency);
            let mut stored = 0;
            while let Some(item) = results.next().await {
                item.result?;
                stored += 1;
            }
            if stored != count {
                return Err(format!("stored {stored} of {count}").into());
            }
            Ok(report(started, None))
        }
        "list" => {
            let limit: u32 = arg(rest, 0)?.parse()?;
            let pages: Vec<_> = files
                .list_pages(ListParams::new().limit(limit))
                .try_collect()
                .await?;
            Ok(report(started, Some(pages.len() as u64)))
        }
        "concurrent" => {
            let path = arg(rest, 0)?.to_owned();
            let count: usize = arg(rest, 1)?.parse()?;
            let uploads = (0..count).map(|_| files.upload(FileUpload::path(path.clone())));
            let results: Vec<_> = futures_util::stream::iter(uploads)
                .buffer_unordered(count)
                .collect()
                .await;
            for result in results {
                result?;
            }
            Ok(report(started, None))
        }
        other => Err(format!("unknown op {other}").into()),
    }
}

fn run_blocking(client: &files_blocking::Client, op: &str, rest: &[String]) -> Result<String> {
    let files = client.files();
    let started = Instant::now();
    match op {
        "noop" => Ok(report(started, None)),
        "upload" => {
            files.upload(FileUpload::path(arg(rest, 0)?))?;
            Ok(report(started, None))
        }
        "download" => {
            files.download(arg(rest, 0)?)?.write_to(arg(rest, 1)?)?;
            Ok(report(started, None))
        }
        "metadata" => {
            let id = arg(rest, 0)?;
            let count: u64 = arg(rest, 1)?.parse()?;
            files.retrieve_metadata(id)?;
            let started = Instant::now();
            for _ in 0..count {
                files.retrieve_metadata(id)?;
            }
            Ok(report(started, None))
        }
        "list" => {
            let limit: u32 = arg(rest, 0)?.parse()?;
            let mut pages = 0;
            for page in files.list_pages(ListParams::new().limit(limit)) {
                page?;
                pages += 1;
            }
            Ok(report(started, Some(pages)))
        }
        "concurrent" => {
            let path = arg(rest, 0)?.to_owned();
            let count: usize = arg(rest, 1)?.parse()?;
            std::thread::scope(|scope| -> Result<()> {
                let handles: Vec<_> = (0..count)
                    .map(|_| {
                        let files = files.clone();
                        let path = path.clone();
                        scope.spawn(move || files.upload(FileUpload::path(path)))
                    })
                    .collect();
                for handle in handles {
                    handle.join().map_err(|_| "an upload thread panicked")??;
                }
                Ok(())
            })?;
            Ok(report(started, None))
        }
        other => Err(format!("unknown op {other}").into()),
    }
}
