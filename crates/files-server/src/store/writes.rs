//! What the store writes: commits, deletes and purges, the metadata and the
//! bytes in the order that keeps every committed file and no half-written one.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::error::{StoreError, io_err};
use super::open::{Store, Writer};
use super::records::{COLUMNS, FileRecord, NewFile};
use super::schema;
use crate::ids;

#[cfg(test)]
thread_local! {
    /// Makes the directory fsync after a rename fail, on this thread.
    pub(super) static FAIL_DIR_SYNC: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// Makes the next delete on this thread fail as on a full disk.
    pub(super) static DELETE_DISK_FULL_ONCE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

impl Store {
    /// Moves a complete, fsynced temporary file into the store and commits its
    /// metadata, unless it would take `workspace` over `quota`. The time (`now`)
    /// is read and the sequence number given inside the transaction, so a newer
    /// file never has an earlier `created_ms`.
    pub(crate) fn commit(
        &self,
        temp: &Path,
        file: NewFile,
        quota: u64,
        now: impl FnOnce() -> i64,
    ) -> Result<FileRecord, StoreError> {
        let mut writer = self.writer();
        let Writer {
            conn,
            next_seq,
            last_created_ms,
        } = &mut *writer;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let created_ms = now().max(*last_created_ms);
        let used = schema::usage(&tx, &file.workspace, created_ms)?;
        if used.saturating_add(file.size_bytes) > quota {
            return Err(StoreError::QuotaExceeded { quota, used });
        }
        let expires_ms = file.expires_in_ms.map(|ms| created_ms.saturating_add(ms));
        for ms in std::iter::once(created_ms).chain(expires_ms) {
            if !crate::clock::in_range(ms) {
                return Err(StoreError::TimestampOutOfRange { ms });
            }
        }
        let seq = *next_seq;
        let record = FileRecord {
            seq,
            id: ids::file_id(seq),
            workspace: file.workspace,
            filename: file.filename,
            mime_type: file.mime_type,
            size_bytes: file.size_bytes,
            created_ms,
            downloadable: file.downloadable,
            scope_id: file.scope_id,
            expires_ms,
        };
        let blob = self.blob_path(&record.id);
        std::fs::rename(temp, &blob).map_err(io_err("cannot move an upload to", &blob))?;
        if let Err(err) = self.sync_blobs() {
            // Not committed: the blob must not outlive the failed upload.
            remove_blob(&blob);
            return Err(err);
        }
        let inserted = insert(&tx, &record)
            .and_then(|()| {
                schema::add_usage(&tx, &record.workspace, record.size_bytes.cast_signed())
            })
            .and_then(|()| schema::set_counter(&tx, schema::NEXT_SEQ, (seq + 1).cast_signed()))
            .and_then(|()| schema::set_counter(&tx, schema::LAST_CREATED_MS, created_ms))
            .and_then(|()| tx.commit().map_err(StoreError::from));
        match inserted {
            Ok(()) => {
                *next_seq = seq + 1;
                *last_created_ms = created_ms;
                Ok(record)
            }
            Err(err) => {
                remove_blob(&blob);
                Err(err)
            }
        }
    }

    /// Deletes `id` from `workspace`: the metadata is committed first, then the bytes
    /// go. Returns whether there was such a file. Once the metadata is gone the
    /// delete has happened: a blob that cannot be removed is logged (and removed
    /// as an orphan at the next start), not an error.
    ///
    /// On a full disk the reserve's ballast is given up and the delete tried
    /// again, so that clients can always free space.
    pub(crate) fn delete(&self, workspace: &str, id: &str) -> Result<bool, StoreError> {
        let deleted = match self.delete_row(workspace, id) {
            Err(err) if err.is_disk_full() && self.disk.release_ballast() => {
                self.delete_row(workspace, id)?
            }
            other => other?,
        };
        if deleted {
            remove_blob(&self.blob_path(id));
        }
        Ok(deleted)
    }

    fn delete_row(&self, workspace: &str, id: &str) -> Result<bool, StoreError> {
        #[cfg(test)]
        if DELETE_DISK_FULL_ONCE.with(|f| f.replace(false)) {
            return Err(StoreError::Db(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
                None,
            )));
        }
        let mut writer = self.writer();
        let tx = writer
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let size: Option<i64> = tx
            .prepare_cached(
                "DELETE FROM files WHERE id = ?1 AND workspace = ?2 RETURNING size_bytes",
            )?
            .query_row(params![id, workspace], |r| r.get(0))
            .optional()?;
        if let Some(size) = size {
            schema::add_usage(&tx, workspace, -size)?;
        }
        tx.commit()?;
        Ok(size.is_some())
    }

    /// Removes every file expired at `now_ms`, in every workspace: metadata
    /// first (in batches), then bytes. Returns how many went.
    pub(crate) fn purge_expired(&self, now_ms: i64) -> Result<u64, StoreError> {
        const BATCH: i64 = 500;
        let mut purged = 0;
        loop {
            let ids: Vec<String> = {
                let mut writer = self.writer();
                let tx = writer
                    .conn
                    .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let ids = {
                    let mut stmt = tx.prepare_cached(
                        "SELECT id FROM files WHERE expires_ms IS NOT NULL AND expires_ms <= ?1 LIMIT ?2",
                    )?;
                    stmt.query_map(params![now_ms, BATCH], |r| r.get::<_, String>(0))?
                        .collect::<Result<Vec<_>, _>>()?
                };
                {
                    let mut delete = tx.prepare_cached(
                        "DELETE FROM files WHERE id = ?1 RETURNING workspace, size_bytes",
                    )?;
                    for id in &ids {
                        let (workspace, size): (String, i64) =
                            delete.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                        schema::add_usage(&tx, &workspace, -size)?;
                    }
                }
                tx.commit()?;
                ids
            };
            for id in &ids {
                remove_blob(&self.blob_path(id));
            }
            purged += ids.len() as u64;
            if (ids.len() as i64) < BATCH {
                return Ok(purged);
            }
        }
    }

    /// Makes a rename in `blobs/` durable.
    fn sync_blobs(&self) -> Result<(), StoreError> {
        #[cfg(test)]
        if FAIL_DIR_SYNC.with(std::cell::Cell::get) {
            return Err(io_err("cannot sync", &self.blobs)(std::io::Error::other(
                "injected",
            )));
        }
        sync_dir(&self.blobs)
    }
}

fn insert(conn: &Connection, record: &FileRecord) -> Result<(), StoreError> {
    conn.prepare_cached(&format!(
        "INSERT INTO files ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
    ))?
    .execute(params![
        record.seq.cast_signed(),
        record.id,
        record.workspace,
        record.filename,
        record.mime_type,
        record.size_bytes.cast_signed(),
        record.created_ms,
        record.downloadable,
        record.scope_id,
        record.expires_ms,
    ])?;
    Ok(())
}

/// Removes a blob whose metadata is gone; a failure is logged, never an error
/// (an orphan is removed at the next start).
fn remove_blob(blob: &Path) {
    match std::fs::remove_file(blob) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => {
            tracing::warn!(path = %blob.display(), error = %err, "cannot remove a blob; it will be removed at the next start");
        }
    }
}

/// Makes a rename in `dir` durable.
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(io_err("cannot sync", dir))?;
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
