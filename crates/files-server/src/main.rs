//! `files-server`: the local Files API server as a program.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use files_server::{Auth, FilesServer, KeyTable, ServerConfig};

/// A faithful local Anthropic Files API server (both API generations).
#[derive(Debug, Parser)]
#[command(name = "files-server", version)]
struct Args {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// Directory of the store (created if missing). Without it, a temporary store
    /// is used and removed on exit.
    #[arg(long, env = "FILES_SERVER_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Accept only this key, for this workspace: KEY=WORKSPACE[,WORKSPACE...].
    /// Repeatable. Without --key or --keys-file any non-empty key is accepted
    /// and all keys share one workspace.
    #[arg(long = "key", value_name = "KEY=WORKSPACE")]
    keys: Vec<String>,
    /// A file of KEY=WORKSPACE[,WORKSPACE...] lines (# comments allowed).
    #[arg(long)]
    keys_file: Option<PathBuf>,
    /// Largest file accepted, in bytes.
    #[arg(long, default_value_t = files_server::DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,
    /// Bytes each workspace may store.
    #[arg(long, default_value_t = files_server::DEFAULT_STORAGE_QUOTA)]
    storage_quota: u64,
    /// Development: make uploaded files downloadable too.
    #[arg(long)]
    uploads_downloadable: bool,
    /// Serve the admin routes under /_admin/v1/ (generated files, faults, clock).
    #[arg(long)]
    admin: bool,
    /// Log each request to stderr.
    #[arg(long)]
    log: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.log {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_max_level(tracing::Level::INFO)
            .init();
    }
    let config = match config(&args) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("files-server: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("files-server: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async {
        let server = match FilesServer::start(config, args.listen).await {
            Ok(server) => server,
            Err(err) => {
                eprintln!("files-server: {err}");
                return ExitCode::FAILURE;
            }
        };
        println!("listening on {}", server.base_url());
        let _ = std::io::stdout().flush();
        wait_for_signal().await;
        eprintln!("files-server: shutting down");
        server.shutdown().await;
        ExitCode::SUCCESS
    })
}

fn config(args: &Args) -> Result<ServerConfig, String> {
    let mut config = ServerConfig::new()
        .max_file_size(args.max_file_size)
        .storage_quota(args.storage_quota)
        .uploads_downloadable(args.uploads_downloadable)
        .admin(args.admin);
    match &args.data_dir {
        Some(dir) => config = config.data_dir(dir),
        None => eprintln!("files-server: no --data-dir: using a temporary store, removed on exit"),
    }
    if !args.keys.is_empty() || args.keys_file.is_some() {
        let mut table = match &args.keys_file {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                KeyTable::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => KeyTable::new(),
        };
        for entry in &args.keys {
            table
                .add_entry(entry)
                .map_err(|problem| format!("--key: {problem}"))?;
        }
        config = config.auth(Auth::Keys(table));
    }
    Ok(config)
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
