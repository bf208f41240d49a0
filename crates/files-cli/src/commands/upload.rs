//! `upload`: one file from disk (streamed) or from stdin, with a progress bar
//! on a terminal, printing its metadata; several paths or a directory go to
//! [`super::upload_many`].

use std::path::Path;

use files_client::{FileUpload, Files, Purpose};

use crate::cli::{PurposeChoice, UploadArgs};
use crate::failure::Failure;
use crate::output::Output;
use crate::ui::Ui;

/// Runs `upload`.
///
/// # Errors
/// No path, invalid input (a bad filename, MIME type or expiry), an unreadable
/// file, an API refusal, or the API could not be reached; with several files,
/// any of them failing.
pub async fn run(
    files: &Files,
    args: &UploadArgs,
    output: &mut Output,
    ui: Ui,
) -> Result<(), Failure> {
    let paths = args.paths();
    let [path] = paths.as_slice() else {
        return super::upload_many::run(files, args, &paths, output, ui).await;
    };
    let from_stdin = path.as_os_str() == "-";
    if !from_stdin && path.is_dir() {
        return super::upload_many::run(files, args, &paths, output, ui).await;
    }
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
    output.value(&super::to_json(&result?)?)
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
