//! `retrieve-metadata`: prints a file's metadata.

use files_client::Files;

use crate::cli::FileIdArgs;
use crate::failure::Failure;
use crate::output::Output;

/// Runs `retrieve-metadata`.
///
/// # Errors
/// The API refused, or it could not be reached.
pub async fn run(files: &Files, args: &FileIdArgs, output: &mut Output) -> Result<(), Failure> {
    let metadata = files.retrieve_metadata(args.id()).await?;
    output.value(&super::to_json(&metadata)?)
}
