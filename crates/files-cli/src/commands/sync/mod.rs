//! `sync DIR`: keeps the API's copy of a directory current. A manifest (see
//! [`manifest`]) remembers what was uploaded; each run hashes the local files,
//! lists the API's, uploads what is new, changed or missing remotely, and
//! with `--delete` deletes what is no longer current and duplicates left by
//! lost answers. The manifest is saved after uploads complete (at once when
//! the run is idle, at most every 200 ms when busy), so a run killed midway
//! loses at most the record of a few uploads, which the next run finds as
//! duplicates.

mod apply;
pub(crate) mod manifest;
pub(crate) mod plan;
pub(crate) mod scan;

use std::path::{Path, PathBuf};
use std::time::Instant;

use files_client::{Files, ListParams};
use futures_util::TryStreamExt;

use self::apply::Counts;
use self::manifest::{Locked, Manifest, Orphan};
use self::plan::{Listing, Remote};
use crate::bulk::results::{BulkResults, fields};
use crate::cli::SyncArgs;
use crate::commands::context::Context;
use crate::failure::Failure;

/// Where the directory is synced to: the manifest's key.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The API's base URL, or `local-store:DIR`.
    pub origin: &'a str,
    /// `--workspace-id`, if given.
    pub workspace: Option<&'a str>,
}

/// Runs `sync`.
///
/// # Errors
/// The directory or manifest cannot be used, another sync holds the manifest,
/// the listing failed, or any file failed (each is reported with its result).
pub async fn run(args: &SyncArgs, cx: Context<'_>) -> Result<(), Failure> {
    let Context {
        files,
        output,
        ui,
        origin,
        workspace,
    } = cx;
    let target = Target { origin, workspace };
    let started = Instant::now();
    let root = std::fs::canonicalize(&args.dir)
        .map_err(|err| Failure::io("cannot read", &args.dir, err))?;
    if !root.is_dir() {
        return Err(Failure::Usage(format!(
            "{} is not a directory",
            args.dir.display()
        )));
    }
    let manifest_path = match &args.manifest {
        Some(path) => absolute(path)?,
        None => manifest::default_path(target.origin, target.workspace, &root)?,
    };
    let locked = Locked::acquire(&manifest_path)?;
    let mut manifest = load(&locked, target, &root)?;
    let skip = vec![manifest_path.clone(), manifest::lock_path(&manifest_path)];
    let links = crate::walk::Links::from_flag(args.follow_links);
    let scan = scan::scan(root.clone(), skip, links).await?;
    for (rel, why) in &scan.skipped {
        ui.notice(&format!("skipped {rel}: {why}"));
    }
    let listing = list(files).await?;
    let plan = plan::plan(&scan, &mut manifest, &listing, !args.no_adopt);
    let mut results = BulkResults::new(output);
    for (rel, failure) in scan.failed {
        let item = fields([("action", "scan".to_owned()), ("path", rel.clone())]);
        results.failed(rel, item, failure)?;
    }
    let mut counts = Counts {
        unchanged: plan.unchanged,
        adopted: plan.adopted.len(),
        ..Counts::default()
    };
    for (rel, id) in &plan.adopted {
        results.ok(apply::adopted_item(rel, id))?;
    }
    let duplicates = plan::duplicates(&manifest, &plan.uploads, &listing);
    if args.dry_run {
        for upload in &plan.uploads {
            counts.count_upload(upload.reason);
            results.ok(apply::upload_item(upload, None))?;
        }
        report_removals(
            &manifest.orphans,
            &duplicates,
            args.delete,
            &mut counts,
            &mut results,
        )?;
        ui.notice(&counts.summary(&args.dir, true, started.elapsed()));
        return results.finish("files");
    }
    // Files gone locally are recorded as orphans before anything is sent.
    locked.save(&manifest)?;
    let duplicates = if plan.uploads.is_empty() {
        duplicates
    } else {
        let failed = apply::upload(
            files,
            &plan,
            &mut manifest,
            &locked,
            &listing,
            args.concurrency,
            &mut results,
            &mut counts,
            ui,
        )
        .await?;
        // A fresh listing finds copies stored by uploads of this run whose answer was lost.
        let listing = list(files).await?;
        manifest
            .orphans
            .retain(|o| listing.contains_key(&o.file_id));
        plan::duplicates(&manifest, &failed, &listing)
    };
    if args.delete {
        let doomed: Vec<Orphan> = manifest.orphans.iter().cloned().chain(duplicates).collect();
        apply::delete(
            files,
            doomed,
            &mut manifest,
            &locked,
            args.concurrency,
            &mut results,
            &mut counts,
        )
        .await?;
    } else {
        let orphans = manifest.orphans.clone();
        report_removals(&orphans, &duplicates, false, &mut counts, &mut results)?;
    }
    locked.save(&manifest)?;
    ui.notice(&counts.summary(&args.dir, false, started.elapsed()));
    results.finish("files")
}

/// Reports what `--delete` removes (or would): orphans and duplicates.
fn report_removals(
    orphans: &[Orphan],
    duplicates: &[Orphan],
    delete: bool,
    counts: &mut Counts,
    results: &mut BulkResults<'_>,
) -> Result<(), Failure> {
    for orphan in orphans {
        counts.stale += 1;
        let action = if delete { "delete" } else { "stale" };
        results.ok(apply::removal_item(action, orphan))?;
    }
    for duplicate in duplicates {
        counts.duplicates += 1;
        let action = if delete { "delete" } else { "duplicate" };
        results.ok(apply::removal_item(action, duplicate))?;
    }
    Ok(())
}

/// The manifest of `root` at `target`, or a new one.
fn load(locked: &Locked, target: Target<'_>, root: &Path) -> Result<Manifest, Failure> {
    let Some(mut manifest) = locked.load()? else {
        return Ok(Manifest::new(target.origin, target.workspace, root));
    };
    if manifest.origin != target.origin || manifest.workspace.as_deref() != target.workspace {
        return Err(Failure::Usage(format!(
            "the manifest {} belongs to {} (workspace {}), not to {} (workspace {})",
            locked.path().display(),
            manifest.origin,
            manifest.workspace.as_deref().unwrap_or("default"),
            target.origin,
            target.workspace.unwrap_or("default"),
        )));
    }
    manifest.root = root.display().to_string();
    Ok(manifest)
}

/// Every file of the API, by id.
async fn list(files: &Files) -> Result<Listing, Failure> {
    let mut items = files.list_items(ListParams::new().limit(1000));
    let mut listing = Listing::new();
    while let Some(file) = items.try_next().await? {
        let created = file.created_at_time().ok();
        listing.insert(
            file.id,
            Remote {
                created,
                filename: file.filename,
                size: file.size_bytes,
            },
        );
    }
    Ok(listing)
}

/// `path` made absolute against the current directory (it may not exist yet).
fn absolute(path: &Path) -> Result<PathBuf, Failure> {
    let path = std::path::absolute(path).map_err(|err| Failure::io("cannot read", path, err))?;
    // The directory's canonical form, so the scan can skip the manifest.
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => match std::fs::canonicalize(dir) {
            Ok(dir) => Ok(dir.join(name)),
            Err(_) => Ok(path),
        },
        _ => Ok(path),
    }
}
