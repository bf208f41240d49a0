//! `delete`: one file (prints the deletion), several (one result each), or
//! `--all` of them, narrowed by age and name, after a confirmation.

use std::time::SystemTime;

use files_client::{Files, ListParams};
use futures_util::TryStreamExt;

use crate::bulk::results::BulkResults;
use crate::bulk::run::BulkRun;
use crate::cli::DeleteArgs;
use crate::commands::context::Context;
use crate::failure::Failure;
use crate::output::Output;
use crate::output::document;
use crate::ui::Ui;

/// Runs `delete`.
///
/// # Errors
/// The API refused, or it could not be reached; `--all` unconfirmed; with
/// several files, any of them failing.
pub async fn run(args: &DeleteArgs, cx: Context<'_>) -> Result<(), Failure> {
    let Context {
        files, output, ui, ..
    } = cx;
    let ids = if args.all {
        let ids = matching(files, args, ui).await?;
        if ids.is_empty() {
            ui.notice("no file matches: nothing to delete");
            return output.list(&[]);
        }
        confirm(args, ui, &format!("delete {} files?", ids.len()))?;
        ids
    } else {
        let ids = args.ids();
        if let [id] = ids.as_slice() {
            let deleted = files.delete(id).await?;
            return output.value(&document::from_model(&deleted)?);
        }
        confirm(args, ui, &format!("delete {} files?", ids.len()))?;
        ids
    };
    delete_all(files, ids, args.concurrency, output, ui).await
}

/// Asks before deleting on a terminal (unless `--yes`); refuses `--all` without
/// `--yes` elsewhere.
fn confirm(args: &DeleteArgs, ui: Ui, question: &str) -> Result<(), Failure> {
    if args.yes {
        return Ok(());
    }
    if ui.interactive() {
        return if ui.confirm(question) {
            Ok(())
        } else {
            Err(Failure::Usage("not confirmed: nothing deleted".to_owned()))
        };
    }
    if args.all {
        return Err(Failure::Usage(
            "delete --all needs --yes when not run on a terminal: nothing deleted".to_owned(),
        ));
    }
    Ok(())
}

/// The ids of every file that passes `--older-than` and `--name`.
async fn matching(files: &Files, args: &DeleteArgs, ui: Ui) -> Result<Vec<String>, Failure> {
    let cutoff =
        match args.older_than {
            Some(age) => Some(SystemTime::now().checked_sub(age).ok_or_else(|| {
                Failure::Usage("--older-than reaches before the epoch".to_owned())
            })?),
            None => None,
        };
    let mut items = files.list_items(ListParams::new().limit(1000));
    let mut ids = Vec::new();
    while let Some(file) = items.try_next().await? {
        if let Some(pattern) = &args.name
            && !pattern.matches(&file.filename)
        {
            continue;
        }
        if let Some(cutoff) = cutoff {
            match file.created_at_time() {
                Ok(created) if created < cutoff => {}
                Ok(_) => continue,
                Err(_) => {
                    ui.notice(&format!(
                        "skipping {}: cannot read its created_at {:?}",
                        file.id, file.created_at
                    ));
                    continue;
                }
            }
        }
        ids.push(file.id);
    }
    Ok(ids)
}

/// Deletes `ids`, `concurrency` at a time, one result each.
async fn delete_all(
    files: &Files,
    ids: Vec<String>,
    concurrency: usize,
    output: &mut Output,
    ui: Ui,
) -> Result<(), Failure> {
    let started = std::time::Instant::now();
    let mut run = BulkRun::new(
        ui,
        BulkResults::new(output),
        "delete",
        ids.len(),
        None,
        started,
    );
    let stream = files
        .delete_many(ids.clone())
        .concurrency(concurrency)
        .on_progress(run.display().observer(files.client()));
    run.record_all(stream, "id", &ids, |deleted, _| {
        Ok((document::from_model(&deleted)?, 0))
    })
    .await?;
    run.finish("deleted", None)
}
