//! The arguments of the file commands.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// What a file is for (only selects client-side checks of the content).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum PurposeChoice {
    /// Files for messages: no check.
    UserData,
    /// Batch requests: the content must be JSONL of batch requests.
    Batch,
}

/// `upload`.
#[derive(Debug, Clone, Args)]
pub struct UploadArgs {
    /// Files or directories to upload; `-` reads standard input (then
    /// --filename is required). One file prints its metadata; several paths or
    /// a directory print one result per file.
    #[arg(
        value_name = "PATH",
        required_unless_present = "file",
        conflicts_with = "file"
    )]
    pub paths: Vec<PathBuf>,
    /// The file to upload (the same as one positional PATH).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// Descend into directories (a directory without it is an error for that path).
    #[arg(short = 'R', long)]
    pub recursive: bool,
    /// Below a directory, follow symbolic links wherever they point. Without
    /// it, a link is followed only to a regular file inside the directory;
    /// others are skipped and reported.
    #[arg(short = 'L', long)]
    pub follow_links: bool,
    /// Files uploaded at once, when uploading several.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY, value_parser = concurrency)]
    pub concurrency: usize,
    /// The filename to send (default: the path's last component; one file only).
    #[arg(long)]
    pub filename: Option<String>,
    /// The MIME type to send (default: guessed from the filename's extension).
    #[arg(long)]
    pub mime_type: Option<String>,
    /// GA: the file expires this many seconds after upload (3600 to 7776000).
    #[arg(long, value_name = "SECONDS")]
    pub expires_in_seconds: Option<u64>,
    /// What the file is for; `batch` checks the content is JSONL of batch requests.
    #[arg(long, value_enum)]
    pub purpose: Option<PurposeChoice>,
}

impl UploadArgs {
    /// The paths given, either way.
    pub fn paths(&self) -> Vec<PathBuf> {
        match &self.file {
            Some(file) => vec![file.clone()],
            None => self.paths.clone(),
        }
    }
}

/// `list`.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Files per page (1 to 1000); every page is fetched unless --max-items says otherwise.
    #[arg(long, value_name = "N")]
    pub limit: Option<u32>,
    /// Beta: start after this file id (older files).
    #[arg(long, value_name = "FILE_ID")]
    pub after_id: Option<String>,
    /// Beta: start before this file id (newer files, walking backwards).
    #[arg(long, value_name = "FILE_ID")]
    pub before_id: Option<String>,
    /// Start at this `next_page` token (as an answer of either generation carries it).
    #[arg(long, value_name = "TOKEN", conflicts_with_all = ["after_id", "before_id"])]
    pub page: Option<String>,
    /// GA: only these file ids (comma-separated or repeated; one page).
    #[arg(long, value_name = "FILE_ID", value_delimiter = ',')]
    pub ids: Vec<String>,
    /// Only files of this scope (e.g. a session id).
    #[arg(long, value_name = "ID")]
    pub scope_id: Option<String>,
    /// Stop after this many files.
    #[arg(long, value_name = "N")]
    pub max_items: Option<usize>,
}

/// `download`.
#[derive(Debug, Clone, Args)]
pub struct DownloadArgs {
    /// The file's id.
    #[arg(
        value_name = "FILE_ID",
        required_unless_present_any = ["file_id", "all_downloadable"],
        conflicts_with_all = ["file_id", "all_downloadable"]
    )]
    pub id: Option<String>,
    /// The file's id (the same as the positional FILE_ID).
    #[arg(
        long = "file-id",
        value_name = "FILE_ID",
        conflicts_with = "all_downloadable"
    )]
    pub file_id: Option<String>,
    /// Download every downloadable file into the directory given with -o
    /// (created if missing; existing files are never overwritten: `name (1).ext`).
    #[arg(long, requires = "output")]
    pub all_downloadable: bool,
    /// Files downloaded at once, with --all-downloadable.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY, value_parser = concurrency)]
    pub concurrency: usize,
    /// Where to write: a path (an existing directory: the file's name inside it),
    /// or `-` for stdout. Default: stdout when it is not a terminal, else a file in
    /// the current directory named from Content-Disposition (never overwritten).
    #[arg(short = 'o', long, value_name = "PATH|-")]
    pub output: Option<PathBuf>,
}

impl DownloadArgs {
    /// The id given, either way.
    pub fn id(&self) -> &str {
        either_id(self.id.as_deref(), self.file_id.as_deref())
    }
}

/// The id given as a positional `FILE_ID` or as `--file-id` (clap makes them
/// exclusive); empty when neither was.
pub(super) fn either_id<'a>(positional: Option<&'a str>, flag: Option<&'a str>) -> &'a str {
    positional.or(flag).unwrap_or_default()
}

/// `delete`.
#[derive(Debug, Clone, Args)]
pub struct DeleteArgs {
    /// The files' ids. One id prints the deletion; several print one result each.
    #[arg(
        value_name = "FILE_ID",
        required_unless_present_any = ["file_id", "all"],
        conflicts_with_all = ["file_id", "all"]
    )]
    pub ids: Vec<String>,
    /// The file's id (the same as one positional FILE_ID).
    #[arg(long = "file-id", value_name = "FILE_ID", conflicts_with = "all")]
    pub file_id: Option<String>,
    /// Delete every file (narrowed by --older-than and --name). Asks first on a
    /// terminal; elsewhere it needs --yes.
    #[arg(long)]
    pub all: bool,
    /// With --all: only files created longer ago than this, e.g. `7d`, `12h 30m`.
    #[arg(long, value_name = "DURATION", requires = "all", value_parser = humantime::parse_duration)]
    pub older_than: Option<std::time::Duration>,
    /// With --all: only files whose filename matches this glob, e.g. `*.pdf`.
    #[arg(long, value_name = "GLOB", requires = "all", value_parser = glob_pattern)]
    pub name: Option<glob::Pattern>,
    /// Do not ask for confirmation.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Files deleted at once.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY, value_parser = concurrency)]
    pub concurrency: usize,
}

impl DeleteArgs {
    /// The ids given, either way.
    pub fn ids(&self) -> Vec<String> {
        match &self.file_id {
            Some(id) => vec![id.clone()],
            None => self.ids.clone(),
        }
    }
}

/// `sync`.
#[derive(Debug, Clone, Args)]
pub struct SyncArgs {
    /// The directory to keep current in the API (descends into subdirectories).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Also delete what this directory no longer has: files uploaded by an
    /// earlier sync whose local file is gone, previous versions of changed
    /// files, and duplicates left by lost answers.
    #[arg(long)]
    pub delete: bool,
    /// Print the plan; change nothing (neither the API nor the manifest).
    #[arg(short = 'n', long)]
    pub dry_run: bool,
    /// Never adopt: upload every file the manifest does not know, even when
    /// the API already holds a file of the same name and size created after
    /// it was last modified (see docs/CLI.md).
    #[arg(long)]
    pub no_adopt: bool,
    /// Follow symbolic links wherever they point. Without it, a link is
    /// followed only to a regular file inside DIR; others are skipped and
    /// reported.
    #[arg(short = 'L', long)]
    pub follow_links: bool,
    /// The manifest file (default: in the user's data directory, keyed by the
    /// base URL, the workspace and the directory; see docs/CLI.md).
    #[arg(long, value_name = "PATH")]
    pub manifest: Option<PathBuf>,
    /// Files uploaded or deleted at once.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY, value_parser = concurrency)]
    pub concurrency: usize,
}

/// The default of every `--concurrency`.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// The largest `--concurrency`.
pub const MAX_CONCURRENCY: usize = 256;

/// Parses `--concurrency`: 1 to [`MAX_CONCURRENCY`].
fn concurrency(value: &str) -> Result<usize, String> {
    match value.parse::<usize>() {
        Ok(n) if (1..=MAX_CONCURRENCY).contains(&n) => Ok(n),
        _ => Err(format!("expected a number from 1 to {MAX_CONCURRENCY}")),
    }
}

/// Parses `--name`.
fn glob_pattern(value: &str) -> Result<glob::Pattern, String> {
    glob::Pattern::new(value).map_err(|err| err.to_string())
}
