//! Carrying out a sync's plan: the uploads (recording each in the manifest as
//! it completes) and the deletions, with their results and counts.

use std::path::Path;
use std::time::{Duration, Instant};

use files_client::{FileUpload, Files};
use futures_util::{FutureExt, StreamExt};

use super::manifest::{Entry, Locked, Manifest, Orphan};
use super::plan::{Listing, Plan, Reason, Upload};
use crate::bulk::display::BulkDisplay;
use crate::bulk::results::{BulkResults, fields};
use crate::failure::Failure;
use crate::output::document::Document;
use crate::ui::Ui;

/// How often, at most, a busy run saves the manifest.
const SAVE_EVERY: Duration = Duration::from_millis(200);

/// What a sync did (or would do), for its summary.
#[derive(Debug, Default)]
pub struct Counts {
    /// Files unchanged.
    pub unchanged: usize,
    /// Files already in the API, adopted into the manifest without an upload.
    pub adopted: usize,
    /// Files uploaded because they were new.
    pub new: usize,
    /// Files uploaded because they changed.
    pub changed: usize,
    /// Files uploaded because their remote copy was gone.
    pub missing: usize,
    /// Files no longer current kept (without `--delete`).
    pub stale: usize,
    /// Duplicates found (without `--delete`).
    pub duplicates: usize,
    /// Files deleted.
    pub deleted: usize,
    /// Items that failed.
    pub failed: usize,
}

impl Counts {
    /// Counts one upload.
    pub fn count_upload(&mut self, reason: Reason) {
        match reason {
            Reason::New => self.new += 1,
            Reason::Changed => self.changed += 1,
            Reason::Missing => self.missing += 1,
        }
    }

    /// The one-line summary.
    pub fn summary(&self, dir: &Path, dry_run: bool, elapsed: Duration) -> String {
        let uploads = self.new + self.changed + self.missing;
        let reasons: Vec<String> = [
            (self.new, "new"),
            (self.changed, "changed"),
            (self.missing, "missing remotely"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, reason)| format!("{n} {reason}"))
        .collect();
        let verb = if dry_run { "would upload" } else { "uploaded" };
        let mut parts = vec![if reasons.is_empty() {
            format!("{verb} {uploads}")
        } else {
            format!("{verb} {uploads} ({})", reasons.join(", "))
        }];
        parts.push(format!("{} unchanged", self.unchanged));
        if self.adopted > 0 {
            parts.push(format!("{} adopted", self.adopted));
        }
        if dry_run && (self.stale + self.duplicates) > 0 {
            parts.push(format!(
                "{} no longer current, {} duplicates",
                self.stale, self.duplicates
            ));
        } else {
            if self.deleted > 0 {
                parts.push(format!("{} deleted", self.deleted));
            }
            if self.stale > 0 {
                parts.push(format!(
                    "{} no longer current kept (--delete removes them)",
                    self.stale
                ));
            }
            if self.duplicates > 0 {
                parts.push(format!(
                    "{} duplicates found (--delete removes them)",
                    self.duplicates
                ));
            }
        }
        if self.failed > 0 {
            parts.push(format!("{} failed", self.failed));
        }
        let prefix = if dry_run {
            "dry run, nothing changed: "
        } else {
            ""
        };
        format!(
            "sync {}: {prefix}{} in {elapsed:.1?}",
            dir.display(),
            parts.join(", ")
        )
    }
}

/// The result of an upload: `{"action": "upload", "path", "reason", "id"?}`.
pub fn upload_item(upload: &Upload, id: Option<String>) -> Document {
    let mut item = fields([
        ("action", "upload".to_owned()),
        ("path", upload.local.rel.clone()),
        ("reason", upload.reason.as_str().to_owned()),
    ]);
    if let Some(id) = id {
        item.insert(
            crate::output::document::string("id"),
            crate::output::document::string(id),
        );
    }
    Document::Mapping(item)
}

/// The result of an adoption: `{"action": "adopt", "path", "id"}`.
pub fn adopted_item(rel: &str, id: &str) -> Document {
    Document::Mapping(fields([
        ("action", "adopt".to_owned()),
        ("path", rel.to_owned()),
        ("id", id.to_owned()),
    ]))
}

/// The result of a removal: `{"action", "file_id", "path", "reason"}`.
pub fn removal_item(action: &str, orphan: &Orphan) -> Document {
    Document::Mapping(removal_fields(action, orphan))
}

fn removal_fields(action: &str, orphan: &Orphan) -> crate::output::document::Object {
    fields([
        ("action", action.to_owned()),
        ("file_id", orphan.file_id.clone()),
        ("path", orphan.path.clone()),
        ("reason", orphan.reason.clone()),
    ])
}

/// Saves the manifest when due: at once when the run is idle, at most every
/// [`SAVE_EVERY`] while it is busy.
struct Saver<'a> {
    locked: &'a Locked,
    last: Instant,
    dirty: bool,
}

impl Saver<'_> {
    fn save(&mut self, manifest: &Manifest) -> Result<(), Failure> {
        if self.dirty {
            self.locked.save(manifest)?;
            self.dirty = false;
            self.last = Instant::now();
        }
        Ok(())
    }

    fn save_if_due(&mut self, manifest: &Manifest) -> Result<(), Failure> {
        if self.last.elapsed() >= SAVE_EVERY {
            self.save(manifest)?;
        }
        Ok(())
    }
}

/// Uploads the plan's files, recording each success in the manifest (a
/// replaced file's previous id becomes an orphan). Returns the uploads that failed.
///
/// # Errors
/// stdout or the manifest cannot be written.
#[allow(clippy::too_many_arguments)]
pub async fn upload(
    files: &Files,
    plan: &Plan,
    manifest: &mut Manifest,
    locked: &Locked,
    listing: &Listing,
    concurrency: usize,
    results: &mut BulkResults<'_>,
    counts: &mut Counts,
    ui: Ui,
) -> Result<Vec<Upload>, Failure> {
    let total: u64 = plan.uploads.iter().map(|u| u.local.size).sum();
    let display = BulkDisplay::for_ui(ui, "sync", plan.uploads.len(), Some(total));
    let uploads = {
        let planned = plan.uploads.clone();
        let display = display.clone();
        planned.into_iter().enumerate().map(move |(index, upload)| {
            let local = upload.local;
            let report = display.start_item(index, &local.rel, Some(local.size));
            FileUpload::path(local.path)
                .filename(local.filename)
                .on_progress(report)
        })
    };
    let mut stream = files
        .upload_many(uploads)
        .concurrency(concurrency)
        .expected_bytes(total)
        .on_progress(display.observer(files.client()));
    let mut saver = Saver {
        locked,
        last: Instant::now(),
        dirty: false,
    };
    let mut failed = Vec::new();
    loop {
        let next = match stream.next().now_or_never() {
            Some(next) => next,
            None => {
                saver.save(manifest)?;
                stream.next().await
            }
        };
        let Some(item) = next else { break };
        display.end_item(item.index);
        let Some(upload) = plan.uploads.get(item.index) else {
            continue;
        };
        let local = &upload.local;
        match item.result {
            Ok(file) => {
                counts.count_upload(upload.reason);
                let entry = Entry {
                    sha256: local.sha256.clone(),
                    size: local.size,
                    file_id: file.id.clone(),
                    filename: file.filename,
                };
                if let Some(previous) = manifest.files.insert(local.rel.clone(), entry)
                    && previous.file_id != file.id
                    && listing.contains_key(&previous.file_id)
                {
                    manifest.orphans.push(Orphan {
                        file_id: previous.file_id,
                        path: local.rel.clone(),
                        reason: "previous version".to_owned(),
                    });
                }
                saver.dirty = true;
                results.ok(upload_item(upload, Some(file.id)))?;
            }
            Err(err) => {
                counts.failed += 1;
                let item = match upload_item(upload, None) {
                    Document::Mapping(item) => item,
                    _ => crate::output::document::Object::new(),
                };
                results.failed(local.rel.clone(), item, err.into())?;
                failed.push(upload.clone());
            }
        }
        saver.save_if_due(manifest)?;
    }
    display.finish();
    saver.save(manifest)?;
    Ok(failed)
}

/// Deletes `doomed` (orphans and duplicates), forgetting each orphan once it
/// is gone (deleted now, or already).
///
/// # Errors
/// stdout or the manifest cannot be written.
pub async fn delete(
    files: &Files,
    doomed: Vec<Orphan>,
    manifest: &mut Manifest,
    locked: &Locked,
    concurrency: usize,
    results: &mut BulkResults<'_>,
    counts: &mut Counts,
) -> Result<(), Failure> {
    if doomed.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = doomed.iter().map(|o| o.file_id.clone()).collect();
    let mut stream = files.delete_many(ids).concurrency(concurrency);
    while let Some(item) = stream.next().await {
        let Some(orphan) = doomed.get(item.index) else {
            continue;
        };
        match item.result {
            Err(err) if !err.is_not_found() => {
                counts.failed += 1;
                let item = removal_fields("delete", orphan);
                results.failed(orphan.file_id.clone(), item, err.into())?;
            }
            _ => {
                counts.deleted += 1;
                manifest.orphans.retain(|o| o.file_id != orphan.file_id);
                results.ok(removal_item("delete", orphan))?;
            }
        }
    }
    locked.save(manifest)
}
