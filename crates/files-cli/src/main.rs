//! `anthropic-files`: the command-line tool for the Anthropic Files API.

use std::process::ExitCode;

use clap::Parser;
use files_cli::Cli;

#[tokio::main]
async fn main() -> ExitCode {
    files_cli::run(Cli::parse()).await
}
