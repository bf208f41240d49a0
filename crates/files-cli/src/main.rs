//! `anthropic-files`: the command-line tool for the Anthropic Files API.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use files_cli::Cli;

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
            eprintln!("anthropic-files: error: cannot start the async runtime: {err}");
            return ExitCode::from(files_cli::exit_code::LOCAL_IO);
        }
    };
    let code = runtime.block_on(files_cli::run(cli));
    // The result is printed: a blocking task still running must not keep the
    // process alive.
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    code
}
