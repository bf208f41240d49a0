//! The command line: global options, commands and their arguments (clap derive).

mod args;

use crate::serve::ServeArgs;
use clap::{Args, Parser, Subcommand};

use crate::output::format::FormatChoice;

pub use args::{DeleteArgs, DownloadArgs, ListArgs, PurposeChoice, SyncArgs, UploadArgs};

/// What `--help` says after the options: environment, the local store, exit codes.
const AFTER_HELP: &str = concat!(
    "\
Environment:
  ANTHROPIC_API_KEY      API key (same as --api-key)
  ANTHROPIC_AUTH_TOKEN   bearer token (same as --auth-token)
  ANTHROPIC_BASE_URL     API base URL (same as --base-url; default https://api.anthropic.com)
  ANTHROPIC_FILES_STORE  directory of the local store (default: the user's data
                         directory + anthropic-files/store, e.g. ~/.local/share/anthropic-files/store)
  ANTHROPIC_LOG          info: log retries and error answers with request ids on stderr;
                         debug: also every attempt and success (same as --debug)

The local store (the embedded default):
  With neither an API key, an auth token nor a base URL configured, commands work
  offline against a local store, served by an in-process files-server for the
  duration of the command. One notice says so on stderr (not with --quiet). Files
  persist across invocations. As with the API, uploaded files are not downloadable.

",
    "\
Exit codes:
  0  success
  1  API error: the API answered with an error status (e.g. 404 not_found_error)
  2  usage error or invalid input (bad flag, forbidden filename character, ...)
  3  network error: connection refused or lost, timeout, download cut short
  4  local I/O error: a file or directory could not be read or written
  130, 143  interrupted by Ctrl-C (SIGINT) or SIGTERM; partial files removed

Documentation: docs/CLI.md"
);

/// Upload, list, inspect, download and delete files with the Anthropic Files API,
/// or with a local store when no API key is configured.
#[derive(Debug, Parser)]
#[command(name = "anthropic-files", version, after_help = AFTER_HELP)]
pub struct Cli {
    /// Options every command takes.
    #[command(flatten)]
    pub global: GlobalArgs,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes (before or after the command's name).
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Output format. auto: pretty on a terminal, else json.
    #[arg(long, global = true, value_enum, default_value_t = FormatChoice::Auto, value_name = "FORMAT")]
    pub format: FormatChoice,
    /// Reshape the output with a GJSON path (applied to each file of a listing),
    /// e.g. `id`, `{id,filename}`, `scope.id`.
    #[arg(long, global = true, value_name = "GJSONPATH")]
    pub transform: Option<String>,
    /// Print string results without quotes (a listing: one result per line).
    #[arg(short = 'r', long, global = true)]
    pub raw_output: bool,
    /// Format of the error JSON printed on stderr when a command fails.
    #[arg(long, global = true, value_enum, default_value_t = FormatChoice::Json, value_name = "FORMAT")]
    pub format_error: FormatChoice,
    /// Reshape the error JSON with a GJSON path, e.g. `error.type`.
    #[arg(long, global = true, value_name = "GJSONPATH")]
    pub transform_error: Option<String>,
    /// API base URL.
    #[arg(
        long,
        global = true,
        env = "ANTHROPIC_BASE_URL",
        hide_env_values = true,
        value_name = "URL"
    )]
    pub base_url: Option<String>,
    /// API key (x-api-key in beta, authorization: Bearer with --ga; never printed).
    #[arg(
        long,
        global = true,
        env = "ANTHROPIC_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub api_key: Option<Secret>,
    /// Bearer token, used when no API key is given (never printed).
    #[arg(
        long,
        global = true,
        env = "ANTHROPIC_AUTH_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN"
    )]
    pub auth_token: Option<Secret>,
    /// Add an anthropic-beta value (repeatable). The beta generation always sends
    /// files-api-2025-04-14.
    #[arg(long = "beta", global = true, value_name = "BETA")]
    pub betas: Vec<String>,
    /// Send anthropic-workspace-id with every request.
    #[arg(long, global = true, value_name = "ID")]
    pub workspace_id: Option<String>,
    /// Use the generally available (GA) API generation instead of the beta.
    #[arg(long, global = true)]
    pub ga: bool,
    /// Seconds a request may go without progress in any phase: waiting for a
    /// connection, sending the body, the answer (default 600; connecting has
    /// its own 5 s). A steady transfer of any length never times out.
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Also trust the certificates in this PEM file, like curl's --cacert: a
    /// CA, or the server's own self-signed certificate (host names are still
    /// checked).
    #[arg(long, global = true, value_name = "PATH")]
    pub cacert: Option<std::path::PathBuf>,
    /// Send at most N requests a minute, shared by every transfer (the API
    /// allows about 100 file requests a minute during the beta).
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_requests_per_minute: Option<u32>,
    /// Retries of a failed request (default 2).
    #[arg(long, global = true, value_name = "N")]
    pub max_retries: Option<u32>,
    /// The client-side size check of uploads, in bytes (default 500 MiB): raise it
    /// for a server configured with a larger limit; the server decides anyway.
    #[arg(long, global = true, value_name = "BYTES")]
    pub max_upload_bytes: Option<u64>,
    /// Log requests, retries, request ids and the configuration on stderr (secrets
    /// redacted); ANTHROPIC_LOG=debug does the same, ANTHROPIC_LOG=info less.
    #[arg(long, global = true)]
    pub debug: bool,
    /// No notices or progress bars on stderr (errors are still printed).
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    // The files commands come first in `--help`, as they always have.
    #[command(flatten)]
    Files(FilesCommand),
    /// Run the local Files API server (files-server) until ctrl-c or SIGTERM.
    Serve(ServeArgs),
    /// Print a shell completion script.
    Completions(CompletionsArgs),
}

/// The commands that talk to the files API (the configured API or the local
/// store).
#[derive(Debug, Subcommand)]
pub enum FilesCommand {
    /// Upload a file (prints its metadata), or many files and directories
    /// (one result per file).
    Upload(UploadArgs),
    /// List files, newest first, across pages.
    List(ListArgs),
    /// Print a file's metadata.
    RetrieveMetadata(FileIdArgs),
    /// Download a file's content, or every downloadable file (only downloadable
    /// files: those the platform made).
    Download(DownloadArgs),
    /// Delete a file (prints the deletion), several, or all of them.
    Delete(DeleteArgs),
    /// Keep the API's copy of a directory current: upload new and changed files.
    Sync(SyncArgs),
}

/// A file, by id: positional or `--file-id`.
#[derive(Debug, Clone, Args)]
pub struct FileIdArgs {
    /// The file's id.
    #[arg(
        value_name = "FILE_ID",
        required_unless_present = "file_id",
        conflicts_with = "file_id"
    )]
    pub id: Option<String>,
    /// The file's id (the same as the positional FILE_ID).
    #[arg(long = "file-id", value_name = "FILE_ID")]
    pub file_id: Option<String>,
}

impl FileIdArgs {
    /// The id given, either way.
    pub fn id(&self) -> &str {
        args::either_id(self.id.as_deref(), self.file_id.as_deref())
    }
}

/// `completions`.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn debug_never_shows_credentials() {
        let cli = Cli::try_parse_from([
            "anthropic-files",
            "--api-key",
            "sk-very-secret",
            "--auth-token",
            "tok-very-secret",
            "list",
        ])
        .unwrap();
        let shown = format!("{cli:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("<redacted>"));
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn ids_are_positional_or_flags_and_globals_go_anywhere() {
        let cli = Cli::try_parse_from([
            "anthropic-files",
            "delete",
            "--file-id",
            "file_1",
            "--format",
            "yaml",
        ])
        .unwrap();
        let Command::Files(FilesCommand::Delete(args)) = cli.command else {
            panic!("not delete")
        };
        assert_eq!(args.ids(), ["file_1"]);
        assert_eq!(cli.global.format, FormatChoice::Yaml);
        let cli = Cli::try_parse_from(["anthropic-files", "--ga", "retrieve-metadata", "file_2"])
            .unwrap();
        assert!(cli.global.ga);
        assert!(Cli::try_parse_from(["anthropic-files", "delete"]).is_err());
        assert!(Cli::try_parse_from(["anthropic-files", "delete", "a", "--file-id", "b"]).is_err());
    }

    #[test]
    fn ids_split_on_commas() {
        let cli =
            Cli::try_parse_from(["anthropic-files", "list", "--ids", "a,b", "--ids", "c"]).unwrap();
        let Command::Files(FilesCommand::List(args)) = cli.command else {
            panic!("not list")
        };
        assert_eq!(args.ids, ["a", "b", "c"]);
    }
}

/// A credential from the command line or the environment: `Debug` never shows it.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The credential itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self(value.to_owned()))
    }
}
