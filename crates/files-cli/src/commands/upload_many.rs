//! `upload PATH...` with several paths or a directory: every file uploaded,
//! `--concurrency` at a time, one result per file (`{"path", "id", ...}` or
//! `{"path", "error"}`), an overall progress display, and a summary.

use std::path::PathBuf;
use std::time::Instant;

use files_client::{FileUpload, Files};
use futures_util::StreamExt;

use crate::batch_output::{BatchResults, fields};
use crate::cli::UploadArgs;
use crate::document::{self, Document};
use crate::failure::Failure;
use crate::output::Output;
use crate::ui::Ui;
use crate::walk::{self, Found, LocalFile};

/// Uploads every file under `paths`.
///
/// # Errors
/// stdout cannot be written, `--filename` or `-` was given with several files,
/// or any file failed (each is reported with its result).
pub async fn run(
    files: &Files,
    args: &UploadArgs,
    paths: &[PathBuf],
    output: &mut Output,
    ui: Ui,
) -> Result<(), Failure> {
    if args.filename.is_some() {
        return Err(Failure::Usage(
            "--filename names one file; it cannot be used with several files".to_owned(),
        ));
    }
    if paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(Failure::Usage(
            "standard input (-) can only be uploaded alone".to_owned(),
        ));
    }
    let started = Instant::now();
    let mut results = BatchResults::new(output);
    let mut local = Vec::new();
    for found in walk::collect(paths, args.recursive) {
        match found {
            Found::File(file) => local.push(file),
            Found::Failed(path, failure) => {
                let path = path.display().to_string();
                results.failed(path.clone(), fields([("path", path)]), failure)?;
            }
        }
    }
    let total_bytes: u64 = local.iter().map(|f| f.size).sum();
    let display = ui.batch_display("upload", local.len(), Some(total_bytes));
    let uploads = {
        let local = local.clone();
        let display = display.clone();
        let args = args.clone();
        local.into_iter().enumerate().map(move |(index, file)| {
            let name = file.path.display().to_string();
            let report = display.start_item(index, &name, Some(file.size));
            super::upload::with_options(FileUpload::path(file.path), &args).on_progress(report)
        })
    };
    let mut stream = files
        .upload_many(uploads)
        .concurrency(args.concurrency)
        .expected_bytes(total_bytes)
        .on_progress(display.observer());
    let mut sent = 0u64;
    while let Some(item) = stream.next().await {
        display.end_item(item.index);
        let Some(LocalFile { path, .. }) = local.get(item.index) else {
            continue;
        };
        let path = path.display().to_string();
        match item.result {
            Ok(file) => {
                sent += file.size_bytes;
                let mut result =
                    fields([("path", path), ("id", file.id), ("filename", file.filename)]);
                result.insert(
                    document::string("size_bytes"),
                    Document::Number(file.size_bytes.into()),
                );
                results.ok(Document::Mapping(result))?;
            }
            Err(err) => results.failed(path.clone(), fields([("path", path)]), err.into())?,
        }
    }
    display.finish();
    let (total, failed) = results.counts();
    ui.notice(&format!(
        "uploaded {} of {total} files ({}) in {:.1?}{}",
        total - failed,
        indicatif::HumanBytes(sent),
        started.elapsed(),
        if failed > 0 {
            format!("; {failed} failed")
        } else {
            String::new()
        }
    ));
    results.finish("files")
}
