//! `delete`: deletes a file and prints the deletion.

use files_client::Files;

use crate::cli::FileIdArgs;
use crate::failure::Failure;
use crate::output::Output;

/// Runs `delete`.
///
/// # Errors
/// The API refused, or it could not be reached.
pub async fn run(files: &Files, args: &FileIdArgs, output: &mut Output) -> Result<(), Failure> {
    let deleted = files.delete(args.id()).await?;
    output.value(&super::to_json(&deleted)?)
}
