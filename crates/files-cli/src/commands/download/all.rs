//! `download --all-downloadable -o DIR`: every downloadable file into `DIR`,
//! `--concurrency` at a time, atomically, never over an existing file.

use std::path::Path;

use files_client::{Files, ListParams};
use futures_util::TryStreamExt;

use crate::bulk::results::{BulkResults, fields};
use crate::bulk::run::BulkRun;
use crate::failure::Failure;
use crate::output::Output;
use crate::output::document::{self, Document};
use crate::ui::Ui;

/// Downloads every downloadable file into `dir` (created if missing).
///
/// # Errors
/// The listing failed, `dir` cannot be created, or any file failed.
pub async fn run(
    files: &Files,
    dir: &Path,
    concurrency: usize,
    output: &mut Output,
    ui: Ui,
) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(|err| Failure::io("cannot create", dir, err))?;
    let mut ids = Vec::new();
    let mut total_bytes = 0u64;
    let mut items = files.list_items(ListParams::new().limit(1000));
    while let Some(file) = items.try_next().await? {
        if file.downloadable {
            total_bytes += file.size_bytes;
            ids.push(file.id);
        }
    }
    let started = std::time::Instant::now();
    let mut run = BulkRun::new(
        ui,
        BulkResults::new(output),
        "download",
        ids.len(),
        Some(total_bytes),
        started,
    );
    let stream = files
        .download_many(ids.clone(), dir)
        .concurrency(concurrency)
        .expected_bytes(total_bytes)
        .on_progress(run.display().observer(files.client()));
    run.record_all(stream, "id", &ids, |saved, _| {
        let mut result = fields([
            ("id", saved.file_id),
            ("path", saved.path.display().to_string()),
        ]);
        result.insert(
            document::string("bytes"),
            Document::Number(saved.bytes.into()),
        );
        Ok((Document::Mapping(result), saved.bytes))
    })
    .await?;
    run.finish("downloaded", Some(dir))
}
