//! `upload`: one file (or standard input) with [`one`], several paths or a
//! directory with [`many`].

pub mod many;
pub mod one;

use crate::cli::UploadArgs;
use crate::commands::context::Context;
use crate::failure::Failure;

/// Runs `upload`.
///
/// # Errors
/// No path, invalid input (a bad filename, MIME type or expiry), an unreadable
/// file, an API refusal, or the API could not be reached; with several files,
/// any of them failing.
pub async fn run(args: &UploadArgs, cx: Context<'_>) -> Result<(), Failure> {
    let Context {
        files, output, ui, ..
    } = cx;
    let paths = args.paths();
    match paths.as_slice() {
        [path] if path.as_os_str() == "-" || !path.is_dir() => {
            one::run(files, args, path, output, ui).await
        }
        _ => many::run(files, args, &paths, output, ui).await,
    }
}
