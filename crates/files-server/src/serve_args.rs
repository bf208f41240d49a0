//! The server's command-line options and the serve-until-a-signal loop, shared by
//! the `files-server` program and `anthropic-files serve`.
//!
//! ```
//! use clap::Parser;
//! use files_server::ServeArgs;
//!
//! #[derive(Parser)]
//! struct Program {
//!     #[command(flatten)]
//!     serve: ServeArgs,
//! }
//!
//! let program = Program::parse_from(["prog", "--listen", "127.0.0.1:0", "--key", "sk-1=ws_a"]);
//! let config = program.serve.config()?;
//! assert!(matches!(config.auth, files_server::Auth::Keys(_)));
//! # Ok::<(), String>(())
//! ```

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use crate::{Auth, FilesServer, KeyTable, ServerConfig, ServerError};

/// The server's options: where to listen, where the store is, which keys are
/// accepted, the limits, and logging.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:8787")]
    pub listen: SocketAddr,
    /// Directory of the store (created if missing). Without it, a temporary store
    /// is used and removed on exit.
    #[arg(long, env = "FILES_SERVER_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Accept only this key, for this workspace: KEY=WORKSPACE[,WORKSPACE...].
    /// Repeatable. Without --key or --keys-file any non-empty key is accepted
    /// and all keys share one workspace.
    #[arg(long = "key", value_name = "KEY=WORKSPACE")]
    pub keys: Vec<String>,
    /// A file of KEY=WORKSPACE[,WORKSPACE...] lines (# comments allowed).
    #[arg(long)]
    pub keys_file: Option<PathBuf>,
    /// Largest file accepted, in bytes.
    #[arg(long, default_value_t = crate::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Bytes each workspace may store.
    #[arg(long, default_value_t = crate::DEFAULT_STORAGE_QUOTA)]
    pub storage_quota: u64,
    /// Development: make uploaded files downloadable too.
    #[arg(long)]
    pub uploads_downloadable: bool,
    /// Serve the admin routes under /_admin/v1/ (generated files, faults, clock).
    #[arg(long)]
    pub admin: bool,
    /// Log each request to stderr.
    #[arg(long)]
    pub log: bool,
}

/// Why [`serve`] could not run the server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The options are unusable (an unreadable or malformed key file, a bad
    /// `--key`): a usage error.
    #[error("{0}")]
    Config(String),
    /// The store could not be opened or the address bound.
    #[error("{0}")]
    Start(#[from] ServerError),
}

impl ServeArgs {
    /// The server configuration these options describe. Reads `--keys-file`.
    ///
    /// # Errors
    /// The key file cannot be read or parsed, or a `--key` is malformed; the
    /// message names the file or the option.
    pub fn config(&self) -> Result<ServerConfig, String> {
        let mut config = ServerConfig::new()
            .max_file_size(self.max_file_size)
            .storage_quota(self.storage_quota)
            .uploads_downloadable(self.uploads_downloadable)
            .admin(self.admin);
        if let Some(dir) = &self.data_dir {
            config = config.data_dir(dir);
        }
        if !self.keys.is_empty() || self.keys_file.is_some() {
            let mut table = match &self.keys_file {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                    KeyTable::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?
                }
                None => KeyTable::new(),
            };
            for entry in &self.keys {
                table
                    .add_entry(entry)
                    .map_err(|problem| format!("--key: {problem}"))?;
            }
            config = config.auth(Auth::Keys(table));
        }
        Ok(config)
    }

    /// With `--log`, sends each request's log line to stderr (a `tracing`
    /// subscriber at level INFO). Does nothing if a subscriber is already set.
    pub fn init_logging(&self) {
        if self.log {
            let _ = tracing_subscriber::fmt()
                .with_writer(std::io::stderr)
                .with_max_level(tracing::Level::INFO)
                .try_init();
        }
    }
}

/// Runs the server these options describe until ctrl-c or SIGTERM: builds the
/// configuration (noting on stderr, as `PROGRAM: ...`, when the store is
/// temporary), starts the server, prints `listening on http://ADDR:PORT` on stdout
/// and flushes it, waits for the signal, then shuts down gracefully.
///
/// Logging (`--log`) is the caller's to start, with [`ServeArgs::init_logging`].
///
/// # Errors
/// [`ServeError::Config`] for unusable options, [`ServeError::Start`] when the
/// store cannot be opened or the address bound.
pub async fn serve(args: &ServeArgs, program: &str) -> Result<(), ServeError> {
    if args.data_dir.is_none() {
        eprintln!("{program}: no --data-dir: using a temporary store, removed on exit");
    }
    let config = args.config().map_err(ServeError::Config)?;
    let server = FilesServer::start(config, args.listen).await?;
    println!("listening on {}", server.base_url());
    let _ = std::io::stdout().flush();
    wait_for_shutdown_signal().await;
    eprintln!("{program}: shutting down");
    server.shutdown().await;
    Ok(())
}

/// Waits for ctrl-c (SIGINT) or, on Unix, SIGTERM.
pub async fn wait_for_shutdown_signal() {
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

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Program {
        #[command(flatten)]
        serve: ServeArgs,
    }

    fn parse(args: &[&str]) -> ServeArgs {
        Program::try_parse_from(std::iter::once("prog").chain(args.iter().copied()))
            .unwrap()
            .serve
    }

    #[test]
    fn defaults_are_the_servers() {
        let args = parse(&[]);
        assert_eq!(args.listen, "127.0.0.1:8787".parse().unwrap());
        let config = args.config().unwrap();
        assert_eq!(config.max_file_size, crate::DEFAULT_MAX_FILE_SIZE);
        assert_eq!(config.storage_quota, crate::DEFAULT_STORAGE_QUOTA);
        assert!(matches!(config.auth, Auth::Development));
        assert!(!config.admin && !config.uploads_downloadable);
    }

    #[test]
    fn options_reach_the_config() {
        let args = parse(&[
            "--data-dir",
            "/tmp/x",
            "--max-file-size",
            "10",
            "--storage-quota",
            "20",
            "--uploads-downloadable",
            "--admin",
            "--key",
            "k1=ws_a",
        ]);
        let config = args.config().unwrap();
        assert_eq!(config.data_dir, Some(PathBuf::from("/tmp/x")));
        assert_eq!((config.max_file_size, config.storage_quota), (10, 20));
        assert!(config.admin && config.uploads_downloadable);
        assert!(matches!(config.auth, Auth::Keys(_)));
    }

    #[test]
    fn bad_keys_say_where() {
        let err = parse(&["--key", "no-equals-sign"]).config().unwrap_err();
        assert!(err.starts_with("--key: "), "{err}");
        let err = parse(&["--keys-file", "/nonexistent/keys.txt"])
            .config()
            .unwrap_err();
        assert!(err.contains("/nonexistent/keys.txt"), "{err}");
    }
}
