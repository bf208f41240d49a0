//! `retrieve-metadata`: prints a file's metadata.

use crate::cli::FileIdArgs;
use crate::commands::context::Context;
use crate::failure::Failure;
use crate::output::document;

/// Runs `retrieve-metadata`.
///
/// # Errors
/// The API refused, or it could not be reached.
pub async fn run(args: &FileIdArgs, cx: Context<'_>) -> Result<(), Failure> {
    let Context { files, output, .. } = cx;
    let metadata = files.retrieve_metadata(args.id()).await?;
    output.value(&document::from_model(&metadata)?)
}
