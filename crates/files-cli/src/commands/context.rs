//! [`Context`]: what every command runs with. Each command is
//! `run(&ItsArgs, Context) -> Result<(), Failure>`.

use files_client::Files;

use crate::output::Output;
use crate::ui::Ui;

/// What every command runs with.
#[derive(Debug)]
pub struct Context<'a> {
    /// The files resource: the configured API, or the local store.
    pub files: &'a Files,
    /// Where results go (stdout, shaped by `--transform` and `--format`).
    pub output: &'a mut Output,
    /// Notices, prompts and progress bars on stderr.
    pub ui: Ui,
    /// The API's base URL, or `local-store:DIR`.
    pub origin: &'a str,
    /// `--workspace-id`, if given.
    pub workspace: Option<&'a str>,
}
