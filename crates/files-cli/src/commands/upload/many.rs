//! `upload PATH...` with several paths or a directory: every file uploaded,
//! `--concurrency` at a time, one result per file (`{"path", "id", ...}` or
//! `{"path", "error"}`), an overall progress display, and a summary.

use std::path::PathBuf;
use std::time::Instant;

use files_client::{FileUpload, Files};

use crate::bulk::results::{BulkResults, fields};
use crate::bulk::run::BulkRun;
use crate::cli::UploadArgs;
use crate::failure::Failure;
use crate::output::Output;
use crate::output::document::{self, Document};
use crate::ui::Ui;
use crate::walk::{self, Found};

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
    let mut results = BulkResults::new(output);
    let mut local = Vec::new();
    let links = walk::Links::from_flag(args.follow_links);
    for found in walk::collect(paths, args.recursive, links) {
        match found {
            Found::File(file) => local.push(file),
            Found::Skipped(path, why) => ui.notice(&format!("skipped {}: {why}", path.display())),
            Found::Failed(path, failure) => {
                let path = path.display().to_string();
                results.failed(path.clone(), fields([("path", path)]), failure)?;
            }
        }
    }
    let total_bytes: u64 = local.iter().map(|f| f.size).sum();
    let mut run = BulkRun::new(
        ui,
        results,
        "upload",
        local.len(),
        Some(total_bytes),
        started,
    );
    let names: Vec<String> = local.iter().map(|f| f.path.display().to_string()).collect();
    let uploads = {
        let display = run.display().clone();
        let args = args.clone();
        let named = local.into_iter().zip(names.clone()).enumerate();
        named.map(move |(index, (file, name))| {
            let report = display.start_item(index, &name, Some(file.size));
            super::one::with_options(FileUpload::path(file.path), &args).on_progress(report)
        })
    };
    let stream = files
        .upload_many(uploads)
        .concurrency(args.concurrency)
        .expected_bytes(total_bytes)
        .on_progress(run.display().observer(files.client()));
    run.record_all(stream, "path", &names, |file, path| {
        let mut result = fields([("path", path), ("id", file.id), ("filename", file.filename)]);
        result.insert(
            document::string("size_bytes"),
            Document::Number(file.size_bytes.into()),
        );
        Ok((Document::Mapping(result), file.size_bytes))
    })
    .await?;
    run.finish("uploaded", None)
}
