//! `anthropic-files serve`: the local Files API server's options, logging, the
//! open-file limit, and the serve-until-a-signal loop. The server itself is the
//! files-server library; this module is its only command line.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;

use files_server::{Auth, FilesServer, KeyTable, ServerConfig};

use crate::failure::Failure;
use crate::ui::PROGRAM;

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
    #[arg(long, default_value_t = files_server::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,
    /// Bytes each workspace may store.
    #[arg(long, default_value_t = files_server::DEFAULT_STORAGE_QUOTA)]
    pub storage_quota: u64,
    /// Development: make uploaded files downloadable too.
    #[arg(long)]
    pub uploads_downloadable: bool,
    /// Answer every listing in GA shapes (data, next_page), beta requests
    /// included, as the live API has been seen doing.
    #[arg(long)]
    pub ga_listings: bool,
    /// Serve the admin routes under /_admin/v1/ (generated files, faults, clock)
    /// to requests carrying `x-admin-token: TOKEN`. Without it they do not exist.
    #[arg(
        long,
        env = "FILES_SERVER_ADMIN_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub admin_token: Option<files_server::AdminToken>,
    /// Allow each workspace N requests per minute (a token bucket); above it,
    /// 429 rate_limit_error with retry-after. Off by default.
    #[arg(long, value_name = "N")]
    pub rate_limit: Option<u32>,
    /// Seconds a client may take to send a request header (also how long an idle
    /// HTTP/1 connection is kept); 0 turns it off; at most 86400.
    #[arg(long, value_name = "SECONDS", default_value_t = files_server::DEFAULT_HEADER_READ_TIMEOUT.as_secs(), value_parser = timeout_seconds())]
    pub header_read_timeout: u64,
    /// Seconds a connection may carry no byte either way; 0 turns it off; at
    /// most 86400.
    #[arg(long, value_name = "SECONDS", default_value_t = files_server::DEFAULT_IDLE_TIMEOUT.as_secs(), value_parser = timeout_seconds())]
    pub idle_timeout: u64,
    /// Connections served at once; more wait to be accepted.
    #[arg(long, value_name = "N", default_value_t = files_server::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,
    /// Largest request header in bytes (431 above it).
    #[arg(long, value_name = "BYTES", default_value_t = files_server::DEFAULT_MAX_HEADER_BYTES)]
    pub max_header_bytes: usize,
    /// Serve HTTPS with this certificate chain (PEM; needs --tls-key). HTTP/2 by ALPN.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert (PEM).
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Bytes that must stay free on the data directory's disk: uploads that
    /// would leave less get 507 (not retried); deletes always work.
    #[arg(long, value_name = "BYTES", default_value_t = files_server::DEFAULT_MIN_FREE_SPACE)]
    pub min_free_space: u64,
    /// HTTP/2 streams a connection may have open at once (more are refused).
    #[arg(long, value_name = "N", default_value_t = files_server::DEFAULT_MAX_STREAMS_PER_CONNECTION)]
    pub max_streams_per_connection: u32,
    /// Uploads received at once, in all; more get 503 with retry-after.
    #[arg(long, value_name = "N", default_value_t = files_server::DEFAULT_MAX_UPLOADS)]
    pub max_uploads: usize,
    /// Downloads sent at once, in all; more get 503 with retry-after.
    #[arg(long, value_name = "N", default_value_t = files_server::DEFAULT_MAX_DOWNLOADS)]
    pub max_downloads: usize,
    /// Bytes listing answers waiting to be sent may hold in all; more get 503.
    #[arg(long, value_name = "BYTES", default_value_t = files_server::DEFAULT_MAX_ANSWER_MEMORY)]
    pub max_answer_memory: usize,
    /// Seconds a request body may take before it must keep up --body-min-rate
    /// (408 otherwise); 0 turns it off; at most 86400.
    #[arg(long, value_name = "SECONDS", default_value_t = files_server::DEFAULT_BODY_TIMEOUT.as_secs(), value_parser = timeout_seconds())]
    pub body_timeout: u64,
    /// Bytes a second a request body must keep up once --body-timeout is spent.
    #[arg(long, value_name = "BYTES", default_value_t = files_server::DEFAULT_BODY_MIN_RATE)]
    pub body_min_rate: u64,
    /// Connections that may wait in the listen backlog.
    #[arg(long, value_name = "N", default_value_t = files_server::DEFAULT_LISTEN_BACKLOG)]
    pub listen_backlog: u32,
    /// Log each request to stderr (warnings and errors always go there).
    #[arg(long)]
    pub log: bool,
}

impl ServeArgs {
    /// The server configuration these options describe. Reads `--keys-file`.
    ///
    /// # Errors
    /// The key file cannot be read or parsed, or a `--key` is malformed; the
    /// message names the file or the option.
    pub fn config(&self) -> Result<ServerConfig, String> {
        let mut config = ServerConfig::new()
            .listen(self.listen)
            .max_file_size(self.max_file_size)
            .storage_quota(self.storage_quota)
            .uploads_downloadable(self.uploads_downloadable)
            .ga_listings(self.ga_listings)
            .rate_limit(self.rate_limit.unwrap_or(0))
            .header_read_timeout(seconds(self.header_read_timeout))
            .idle_timeout(seconds(self.idle_timeout))
            .max_connections(self.max_connections)
            .max_header_bytes(self.max_header_bytes)
            .min_free_space(self.min_free_space)
            .max_streams_per_connection(self.max_streams_per_connection)
            .max_uploads(self.max_uploads)
            .max_downloads(self.max_downloads)
            .max_answer_memory(self.max_answer_memory)
            .body_timeout(seconds(self.body_timeout), self.body_min_rate)
            .listen_backlog(self.listen_backlog);
        if let Some(token) = &self.admin_token {
            config = config.admin_token(token.expose());
        }
        if let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) {
            let tls = files_server::TlsConfig::from_pem_files(cert, key)
                .map_err(|e| format!("--tls-cert/--tls-key: {e}"))?;
            config = config.tls(tls);
        }
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

    /// Sends warnings and errors (a full disk, a failed commit) to stderr, and
    /// with `--log` each request's log line too (a `tracing` subscriber at level
    /// WARN, or INFO). Does nothing if a subscriber is already set.
    pub fn init_logging(&self) {
        let level = if self.log {
            tracing::Level::INFO
        } else {
            tracing::Level::WARN
        };
        let _ = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_max_level(level)
            .try_init();
    }
}

/// Whole seconds from 0 to [`MAX_CONNECTION_TIMEOUT`](files_server::MAX_CONNECTION_TIMEOUT).
fn timeout_seconds() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(0..=files_server::MAX_CONNECTION_TIMEOUT.as_secs())
}

/// `Some(seconds)`, or `None` for 0 (off).
fn seconds(value: u64) -> Option<std::time::Duration> {
    (value > 0).then(|| std::time::Duration::from_secs(value))
}

/// `anthropic-files serve`: starts logging ([`ServeArgs::init_logging`]),
/// builds the configuration (noting on stderr when the store is temporary),
/// raises the open-file limit, starts the server, prints
/// `listening on http://ADDR:PORT` on stdout and flushes it, waits for ctrl-c
/// or SIGTERM, then shuts down gracefully.
///
/// # Errors
/// [`Failure::Usage`] for unusable options (an unreadable or malformed key
/// file, a bad `--key`, an unusable certificate), [`Failure::Store`] when the
/// store cannot be opened or the address bound.
pub(crate) async fn run(args: &ServeArgs) -> Result<(), Failure> {
    args.init_logging();
    if args.data_dir.is_none() {
        eprintln!("{PROGRAM}: no --data-dir: using a temporary store, removed on exit");
    }
    let config = args.config().map_err(Failure::Usage)?;
    raise_open_file_limit(args);
    let server = FilesServer::start(config)
        .await
        .map_err(|err| Failure::Store(err.to_string()))?;
    println!("listening on {}", server.base_url());
    let _ = std::io::stdout().flush();
    wait_for_shutdown_signal().await;
    eprintln!("{PROGRAM}: shutting down");
    server.shutdown().await;
    Ok(())
}

/// Raises the soft limit of open files to the hard one (as Go programs and
/// nginx's `worker_rlimit_nofile` do): the default connection cap alone is
/// 1,024 descriptors, the common soft limit. Says on stderr when even the hard
/// limit is below what the configured limits may hold at once.
fn raise_open_file_limit(args: &ServeArgs) {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, getrlimit, setrlimit};
        let mut limit = getrlimit(Resource::Nofile);
        if let (Some(current), Some(maximum)) = (limit.current, limit.maximum)
            && current < maximum
        {
            limit.current = Some(maximum);
            let _ = setrlimit(Resource::Nofile, limit);
        }
        let need = [
            args.max_connections,
            args.max_uploads,
            args.max_downloads,
            64,
        ]
        .into_iter()
        .fold(0u64, |sum, n| sum.saturating_add(n as u64));
        if let Some(current) = getrlimit(Resource::Nofile).current
            && current < need
        {
            eprintln!(
                "{PROGRAM}: the open-file limit is {current}, below the {need} the connection, \
                 upload and download limits may hold at once; lower --max-connections or raise the limit"
            );
        }
    }
    #[cfg(not(unix))]
    let _ = args;
}

/// Waits for ctrl-c (SIGINT) or, on Unix, SIGTERM.
async fn wait_for_shutdown_signal() {
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
        // ServerConfig has no public fields: its Debug shows every one.
        let config = format!("{:?}", args.config().unwrap());
        let expected = ServerConfig::new().listen("127.0.0.1:8787".parse().unwrap());
        assert_eq!(config, format!("{expected:?}"));
    }

    #[test]
    fn connection_timeouts_are_refused_above_a_day() {
        let parse = |args: &[&str]| {
            Program::try_parse_from(std::iter::once("prog").chain(args.iter().copied()))
        };
        for flag in ["--idle-timeout", "--header-read-timeout"] {
            assert!(parse(&[flag, "86400"]).is_ok(), "{flag}");
            let Err(err) = parse(&[flag, "86401"]) else {
                panic!("{flag} 86401 was accepted")
            };
            let err = err.to_string();
            assert!(err.contains("0..=86400"), "{flag}: {err}");
            assert!(parse(&[flag, "18446744073709551615"]).is_err(), "{flag}");
        }
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
            "--admin-token",
            "t0ken",
            "--rate-limit",
            "100",
            "--header-read-timeout",
            "0",
            "--max-connections",
            "7",
            "--key",
            "k1=ws_a",
        ]);
        assert!(
            !format!("{args:?}").contains("t0ken"),
            "Debug hides the token"
        );
        assert_eq!(args.admin_token.as_ref().unwrap().expose(), "t0ken");
        let mut keys = KeyTable::new();
        keys.add_entry("k1=ws_a").unwrap();
        let expected = ServerConfig::new()
            .listen("127.0.0.1:8787".parse().unwrap())
            .data_dir("/tmp/x")
            .max_file_size(10)
            .storage_quota(20)
            .uploads_downloadable(true)
            .admin_token("t0ken")
            .rate_limit(100)
            .header_read_timeout(None)
            .max_connections(7)
            .auth(Auth::Keys(keys));
        let config = format!("{:?}", args.config().unwrap());
        assert_eq!(config, format!("{expected:?}"));
        for field in [
            "data_dir: Some(\"/tmp/x\")",
            "max_file_size: 10,",
            "storage_quota: 20,",
            "uploads_downloadable: true",
            "admin_token: Some(AdminToken(<redacted>))",
            "rate_limit: Some(100)",
            "header_read_timeout: None",
            "max_connections: 7,",
            "auth: Keys(",
        ] {
            assert!(config.contains(field), "{field} not in {config}");
        }
    }

    #[test]
    fn bad_keys_say_where() {
        let err = parse(&["--key", "no-equals-sign"]).config().unwrap_err();
        assert!(err.starts_with("--key: "), "{err}");
        let err = parse(&["--keys-file", "/nonexistent/keys.txt"])
            .config()
            .unwrap_err();
        assert!(err.contains("/nonexistent/keys.txt"), "{err}");
        let err = parse(&[
            "--tls-cert",
            "/nonexistent/c.pem",
            "--tls-key",
            "/nonexistent/k.pem",
        ])
        .config()
        .unwrap_err();
        assert!(err.contains("/nonexistent/c.pem"), "{err}");
        assert!(
            Program::try_parse_from(["prog", "--tls-cert", "c.pem"]).is_err(),
            "--tls-cert needs --tls-key"
        );
        assert!(Program::try_parse_from(["prog", "--admin-token", " "]).is_err());
    }
}
