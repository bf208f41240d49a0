//! `upload PATH` with one file from disk (streamed) or `-` (stdin), with a
//! progress bar on a terminal, printing its metadata.

use std::path::Path;

use files_client::{FileUpload, Files, Purpose};

use crate::cli::{PurposeChoice, UploadArgs};
use crate::failure::Failure;
use crate::output::Output;
use crate::output::document;
use crate::ui::Ui;

/// Uploads the file at `path`, or standard input when `path` is `-`.
///
/// # Errors
/// Invalid input (a bad filename, MIME type or expiry), an unreadable file, an
/// API refusal, or the API could not be reached.
pub async fn run(
    files: &Files,
    args: &UploadArgs,
    path: &Path,
    output: &mut Output,
    ui: Ui,
) -> Result<(), Failure> {
    let from_stdin = path.as_os_str() == "-";
    let (mut upload, total) = if from_stdin {
        let filename = args.filename.clone().ok_or_else(|| {
            Failure::Usage(
                "upload -: --filename is required when reading standard input".to_owned(),
            )
        })?;
        (FileUpload::reader(filename, tokio::io::stdin(), None), None)
    } else {
        (FileUpload::path(path), file_len(path))
    };
    if let Some(filename) = &args.filename {
        upload = upload.filename(filename);
    }
    let upload = with_options(upload, args);
    let bar = ui.transfer_bar("upload", total);
    let result = files.upload(upload.on_progress(bar.callback())).await;
    bar.finish();
    output.value(&document::from_model(&result?)?)
}

/// Applies the options every uploaded file takes: MIME type, expiry, purpose.
pub fn with_options(mut upload: FileUpload, args: &UploadArgs) -> FileUpload {
    if let Some(mime_type) = &args.mime_type {
        upload = upload.mime_type(mime_type);
    }
    if let Some(seconds) = args.expires_in_seconds {
        upload = upload.expires_in_seconds(seconds);
    }
    if let Some(purpose) = args.purpose {
        upload = upload.purpose(match purpose {
            PurposeChoice::UserData => Purpose::UserData,
            PurposeChoice::Batch => Purpose::Batch,
        });
    }
    upload
}

/// The file's size, when it can be read (for the progress bar's total).
fn file_len(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|m| m.len())
}
