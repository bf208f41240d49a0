//! `anthropic-files`, the command-line tool for the Anthropic Files API: upload,
//! list, inspect, download and delete files, shaped like the official `ant`
//! tool's `beta:files` commands (`--format`, `--transform` GJSON paths, `-r`,
//! `--format-error`, `--transform-error`).
//!
//! With no API key, auth token or base URL configured, every command works
//! offline against a local store served by an in-process files-server. Failures
//! exit with a code per class and print a one-line summary and the error JSON on
//! stderr.
//!
//! Text the server chose (error messages, filenames) is escaped before it reaches
//! a terminal; JSON output keeps exact values.
//!
//! The program is [`run`] over a parsed [`Cli`]; `docs/CLI.md` documents every
//! command and flag. This library exists for the binary: its
//! modules are private, as a binary's are, and [`Cli`] and [`run`] are the whole
//! public surface. Use `files-client` to embed the Files API.

mod backend;
mod batch_output;
mod batch_run;
mod batch_ui;
mod cli;
mod commands;
mod document;
mod escape;
pub mod exit_code;
mod failure;
mod format;
mod interrupt;
mod list_writer;
mod local_store;
mod log_writer;
mod output;
mod pretty;
mod serve;
mod transform;
mod ui;
mod walk;
mod yaml;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::CommandFactory;

pub use cli::Cli;

use crate::backend::Backend;
use crate::cli::{Command, GlobalArgs};
use crate::failure::Failure;
use crate::output::{Output, stdout_failure};
use crate::ui::{PROGRAM, Ui};

/// Runs the command line and returns the exit code. Results go to stdout;
/// notices, progress bars and errors to stderr.
pub async fn run(cli: Cli) -> ExitCode {
    let Cli { global, command } = cli;
    if let Some(level) = log_level(global.debug, std::env::var("ANTHROPIC_LOG").ok().as_deref()) {
        init_logging(level);
    }
    let ui = Ui::new(global.quiet);
    let result = match &command {
        Command::Serve(args) => serve::run(args).await,
        Command::Completions(args) => completions(args.shell),
        _ => run_against_backend(&global, &command, ui).await,
    };
    match result {
        Ok(()) => ExitCode::from(exit_code::SUCCESS),
        Err(failure) if failure.is_broken_pipe() => ExitCode::from(exit_code::SUCCESS),
        Err(failure) => {
            report(&global, &failure);
            ExitCode::from(failure.exit_code())
        }
    }
}

/// Connects, runs a files command, and always closes the backend (stopping the
/// embedded server gracefully) before returning.
async fn run_against_backend(
    global: &GlobalArgs,
    command: &Command,
    ui: Ui,
) -> Result<(), Failure> {
    let backend = Backend::connect(global, ui).await?;
    let mut output = Output::stdout(global.format, global.transform.clone(), global.raw_output);
    let files = backend.files();
    let interrupt = interrupt::Interrupt::listen();
    let result = interrupt.run(run_command(
        global,
        command,
        &backend,
        files,
        &mut output,
        ui,
    ));
    let result = result.await;
    let flushed = output.finish();
    backend.close().await;
    result.and(flushed)
}

/// Runs a files command against `files`.
async fn run_command(
    global: &GlobalArgs,
    command: &Command,
    backend: &Backend,
    files: &files_client::Files,
    output: &mut Output,
    ui: Ui,
) -> Result<(), Failure> {
    match command {
        Command::Upload(args) => commands::upload::run(files, args, output, ui).await,
        Command::List(args) => commands::list::run(files, args, output).await,
        Command::RetrieveMetadata(args) => {
            commands::retrieve_metadata::run(files, args, output).await
        }
        Command::Download(args) => commands::download::run(files, args, output, ui).await,
        Command::Delete(args) => commands::delete::run(files, args, output, ui).await,
        Command::Sync(args) => {
            let target = commands::sync::Target {
                origin: backend.origin(),
                workspace: global.workspace_id.as_deref(),
            };
            commands::sync::run(files, target, args, output, ui).await
        }
        Command::Serve(_) | Command::Completions(_) => Ok(()),
    }
}

/// `completions SHELL`: the script on stdout.
fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout());
    clap_complete::generate(shell, &mut Cli::command(), PROGRAM, &mut stdout);
    stdout.flush().map_err(stdout_failure)
}

/// How much the client logs on stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LogLevel {
    /// `ANTHROPIC_LOG=info`: retries, throttling, error answers (with their
    /// request ids), rate cuts.
    Info,
    /// `--debug` or `ANTHROPIC_LOG=debug`: also every attempt, each success
    /// with its status and request id, and the redacted request headers.
    Debug,
}

/// `--debug` wins; else `ANTHROPIC_LOG` is `debug` or `info` (any case), as
/// the official SDKs read it; any other value logs nothing, as there.
fn log_level(debug: bool, anthropic_log: Option<&str>) -> Option<LogLevel> {
    if debug {
        return Some(LogLevel::Debug);
    }
    match anthropic_log?.trim().to_ascii_lowercase().as_str() {
        "debug" => Some(LogLevel::Debug),
        "info" => Some(LogLevel::Info),
        _ => None,
    }
}

/// Logging on stderr: the client's requests and retries, the CLI's own
/// lines, the in-process server's (the local store) at `level`.
fn init_logging(level: LogLevel) {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let (client, cli, server) = match level {
        LogLevel::Debug => (LevelFilter::TRACE, LevelFilter::DEBUG, LevelFilter::INFO),
        LogLevel::Info => (LevelFilter::INFO, LevelFilter::INFO, LevelFilter::WARN),
    };
    let targets = Targets::new()
        .with_target("files_client", client)
        .with_target("files_cli", cli)
        .with_target("files_server", server);
    let _ = tracing_subscriber::fmt()
        .with_writer(|| log_writer::EscapingStderr)
        .with_ansi(false)
        .with_max_level(LevelFilter::TRACE)
        .finish()
        .with(targets)
        .try_init();
}

/// The longest summary line, in characters: a longer one is cut, and the
/// error JSON after it carries the whole (bounded) message, printed once.
const MAX_SUMMARY_CHARS: usize = 300;

/// `summary` cut to [`MAX_SUMMARY_CHARS`], saying where the rest is.
fn one_line_summary(summary: String) -> String {
    match summary.char_indices().nth(MAX_SUMMARY_CHARS) {
        Some((cut, _)) => format!(
            "{}… (cut here: the whole message is below)",
            &summary[..cut]
        ),
        None => summary,
    }
}

/// Prints the failure on stderr: `anthropic-files: error: SUMMARY`, then the
/// error JSON shaped by `--transform-error` and `--format-error`.
fn report(global: &GlobalArgs, failure: &Failure) {
    let stderr = std::io::stderr();
    let format = global.format_error.resolve(stderr.is_terminal());
    let mut json = failure.to_json();
    if let Some(path) = &global.transform_error {
        json = transform::apply(&json, path);
    }
    let summary = one_line_summary(failure.summary());
    let mut text = format!("{PROGRAM}: error: {}\n", escape::for_terminal(&summary)).into_bytes();
    if let Failure::Batch { .. } | Failure::Interrupted { .. } = failure {
        // Each item's error was reported with its result; an interruption
        // has nothing more to say.
        let _ = std::io::stderr().write_all(&text);
        return;
    }
    let strings = format::Strings {
        raw: global.raw_output,
        terminal: stderr.is_terminal(),
    };
    let _ = format.write_value(&mut text, &json, strings);
    let mut stderr = stderr.lock();
    let _ = stderr.write_all(&text);
    let _ = stderr.flush();
}

#[cfg(test)]
mod log_level_tests {
    use super::{LogLevel, log_level};

    #[test]
    fn debug_flag_wins_and_anthropic_log_is_read_as_the_official_sdks_read_it() {
        assert_eq!(log_level(true, None), Some(LogLevel::Debug));
        assert_eq!(log_level(true, Some("info")), Some(LogLevel::Debug));
        assert_eq!(log_level(false, Some("debug")), Some(LogLevel::Debug));
        assert_eq!(log_level(false, Some(" INFO ")), Some(LogLevel::Info));
        assert_eq!(log_level(false, Some("trace")), None);
        assert_eq!(log_level(false, Some("")), None);
        assert_eq!(log_level(false, None), None);
    }
}
