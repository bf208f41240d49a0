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
mod exit_code;
mod failure;
mod format;
mod local_store;
mod output;
mod pretty;
mod transform;
mod ui;
mod walk;

// Entry points for the fuzz targets (`fuzz/`, docs/FUZZING.md); cargo-fuzz
// builds with `--cfg fuzzing`, nothing else does.
#[cfg(fuzzing)]
#[doc(hidden)]
#[path = "fuzz_entry.rs"]
pub mod __fuzz;

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
    if global.debug {
        init_debug_logging();
    }
    let ui = Ui::new(global.quiet);
    let result = match &command {
        Command::Serve(args) => serve(args).await,
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
    let result = match command {
        Command::Upload(args) => commands::upload::run(files, args, &mut output, ui).await,
        Command::List(args) => commands::list::run(files, args, &mut output).await,
        Command::RetrieveMetadata(args) => {
            commands::retrieve_metadata::run(files, args, &mut output).await
        }
        Command::Download(args) => commands::download::run(files, args, &mut output, ui).await,
        Command::Delete(args) => commands::delete::run(files, args, &mut output, ui).await,
        Command::Sync(args) => {
            let target = commands::sync::Target {
                origin: backend.origin(),
                workspace: global.workspace_id.as_deref(),
            };
            commands::sync::run(files, target, args, &mut output, ui).await
        }
        Command::Serve(_) | Command::Completions(_) => Ok(()),
    };
    let flushed = output.finish();
    backend.close().await;
    result.and(flushed)
}

/// `serve`: the files-server program's own loop.
async fn serve(args: &files_server::ServeArgs) -> Result<(), Failure> {
    args.init_logging();
    files_server::serve_args::serve(args, PROGRAM)
        .await
        .map_err(|err| match err {
            files_server::ServeError::Config(message) => Failure::Usage(message),
            other => Failure::Store(other.to_string()),
        })
}

/// `completions SHELL`: the script on stdout.
fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout());
    clap_complete::generate(shell, &mut Cli::command(), PROGRAM, &mut stdout);
    stdout.flush().map_err(stdout_failure)
}

/// `--debug`: requests, retries and redacted headers of the client, the server's
/// log lines, on stderr.
fn init_debug_logging() {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let targets = Targets::new()
        .with_target("files_client", LevelFilter::TRACE)
        .with_target("files_cli", LevelFilter::DEBUG)
        .with_target("files_server", LevelFilter::INFO);
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(LevelFilter::TRACE)
        .finish()
        .with(targets)
        .try_init();
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
    let summary = failure.summary();
    let mut text = format!("{PROGRAM}: error: {}\n", escape::for_terminal(&summary)).into_bytes();
    if let Failure::Batch { .. } = failure {
        // Each item's error was reported with its result.
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
