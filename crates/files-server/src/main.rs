//! `files-server`: the local Files API server as a program.

use std::process::ExitCode;

use clap::Parser;
use files_server::{ServeArgs, ServeError};

/// A faithful local Anthropic Files API server (both API generations).
#[derive(Debug, Parser)]
#[command(name = "files-server", version)]
struct Args {
    #[command(flatten)]
    serve: ServeArgs,
}

fn main() -> ExitCode {
    let args = Args::parse();
    args.serve.init_logging();
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
    match runtime.block_on(files_server::serve_args::serve(&args.serve, "files-server")) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err @ ServeError::Config(_)) => {
            eprintln!("files-server: {err}");
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("files-server: {err}");
            ExitCode::FAILURE
        }
    }
}
