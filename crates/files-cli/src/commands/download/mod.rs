//! `download`: one file with [`one`], or `--all-downloadable` with [`all`].

pub mod all;
pub mod one;

use std::path::Path;

use crate::cli::DownloadArgs;
use crate::commands::context::Context;
use crate::failure::Failure;

/// Runs `download`.
///
/// # Errors
/// The file is not downloadable or not found (API errors), the connection failed
/// or the body ended early, or the destination cannot be written; with
/// `--all-downloadable`, the listing or any file failing.
pub async fn run(args: &DownloadArgs, cx: Context<'_>) -> Result<(), Failure> {
    let Context {
        files, output, ui, ..
    } = cx;
    if args.all_downloadable {
        let dir = args.output.as_deref().unwrap_or(Path::new("."));
        return all::run(files, dir, args.concurrency, output, ui).await;
    }
    one::run(files, args, ui).await
}
