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
//! A binary crate, its modules grouped by concern (docs/ARCHITECTURE.md):
//! [`cli`] (arguments), [`commands`] (one module per command), [`output`]
//! (formats, `--transform`, escaping, the error JSON), [`bulk`] (the
//! many-files runner and its display), [`backend`] (the API or the local
//! store), [`failure`] (why a command failed, exit codes), [`ui`] (notices,
//! progress bars, logging), [`walk`] (local input files) and [`interrupt`]
//! (ctrl-c). `docs/CLI.md` documents every command and flag. Use
//! `files-client` to embed the Files API.

mod backend;
mod bulk;
mod cli;
mod commands;
mod failure;
mod interrupt;
mod output;
mod serve;
mod ui;
mod walk;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use clap::{CommandFactory, Parser};

use crate::backend::Backend;
use crate::cli::{Cli, Command, FilesCommand, GlobalArgs};
use crate::commands::context::Context;
use crate::failure::Failure;
use crate::output::{Output, stdout_failure};
use crate::ui::{PROGRAM, Ui, logging};

/// How long the end of a run waits for blocking tasks it no longer needs (a
/// read of a standard input that never ends, say) before exiting anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(1);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("{PROGRAM}: error: cannot start the async runtime: {err}");
            return ExitCode::from(failure::exit_code::LOCAL_IO);
        }
    };
    let code = runtime.block_on(run(cli));
    // The result is printed: a blocking task still running must not keep the
    // process alive.
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    code
}

/// Runs the command line and returns the exit code. Results go to stdout;
/// notices, progress bars and errors to stderr.
async fn run(cli: Cli) -> ExitCode {
    let Cli { global, command } = cli;
    if let Some(level) =
        logging::log_level(global.debug, std::env::var("ANTHROPIC_LOG").ok().as_deref())
    {
        logging::init(level);
    }
    let ui = Ui::new(global.quiet);
    let result = match &command {
        Command::Serve(args) => serve::run(args).await,
        Command::Completions(args) => completions(args.shell),
        Command::Files(command) => run_against_backend(&global, command, ui).await,
    };
    match result {
        Ok(()) => ExitCode::from(failure::exit_code::SUCCESS),
        Err(failure) if failure.is_broken_pipe() => ExitCode::from(failure::exit_code::SUCCESS),
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
    command: &FilesCommand,
    ui: Ui,
) -> Result<(), Failure> {
    let backend = Backend::connect(global, ui).await?;
    let mut output = Output::stdout(global.format, global.transform.clone(), global.raw_output);
    let cx = Context {
        files: backend.files(),
        output: &mut output,
        ui,
        origin: backend.origin(),
        workspace: global.workspace_id.as_deref(),
    };
    let interrupt = interrupt::Interrupt::listen();
    let result = interrupt.run(run_command(command, cx)).await;
    let flushed = output.finish();
    backend.close().await;
    result.and(flushed)
}

/// Runs a files command: each has the one signature `run(&ItsArgs, Context)`.
async fn run_command(command: &FilesCommand, cx: Context<'_>) -> Result<(), Failure> {
    match command {
        FilesCommand::Upload(args) => commands::upload::run(args, cx).await,
        FilesCommand::List(args) => commands::list::run(args, cx).await,
        FilesCommand::RetrieveMetadata(args) => commands::retrieve_metadata::run(args, cx).await,
        FilesCommand::Download(args) => commands::download::run(args, cx).await,
        FilesCommand::Delete(args) => commands::delete::run(args, cx).await,
        FilesCommand::Sync(args) => commands::sync::run(args, cx).await,
    }
}

/// `completions SHELL`: the script on stdout.
fn completions(shell: clap_complete::Shell) -> Result<(), Failure> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout());
    clap_complete::generate(shell, &mut Cli::command(), PROGRAM, &mut stdout);
    stdout.flush().map_err(stdout_failure)
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
    let mut json = output::error_json::of(failure);
    if let Some(path) = &global.transform_error {
        json = output::transform::apply(&json, path);
    }
    let summary = one_line_summary(failure.summary());
    let mut text = format!(
        "{PROGRAM}: error: {}\n",
        output::escape::for_terminal(&summary)
    )
    .into_bytes();
    if let Failure::Bulk { .. } | Failure::Interrupted { .. } = failure {
        // Each item's error was reported with its result; an interruption
        // has nothing more to say.
        let _ = std::io::stderr().write_all(&text);
        return;
    }
    let strings = output::format::Strings {
        raw: global.raw_output,
        terminal: stderr.is_terminal(),
    };
    let _ = format.write_value(&mut text, &json, strings);
    let mut stderr = stderr.lock();
    let _ = stderr.write_all(&text);
    let _ = stderr.flush();
}
