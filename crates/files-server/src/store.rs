//! Durable storage: metadata in SQLite, bytes in files.
//!
//! Layout of the data directory:
//!
//! ```text
//! files-server.lock    held (flock) by the one process that owns the store
//! files.sqlite3        metadata (WAL, synchronous=FULL)
//! blobs/<file id>      the bytes of each stored file
//! tmp/                 uploads in progress; emptied at start
//! ```
//!
//! One process owns a data directory: [`Store::open`] takes an exclusive lock on
//! `files-server.lock` before it touches anything and holds it for the store's
//! lifetime, so a second server cannot clear the first one's uploads in progress
//! or reuse its sequence numbers.
//!
//! An upload is written to `tmp/`, fsynced, renamed into `blobs/` (and the directory
//! fsynced) inside the transaction that inserts its metadata. A crash before the
//! commit leaves at most an orphan blob, which is removed at the next start, so no
//! half-written or unlisted file is ever visible and every committed file survives a
//! restart. Deleting commits the metadata removal first, then removes the bytes.
//! Expired files are purged the same way (metadata, then bytes).

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::{Connection, OptionalExtension, params};

use crate::ids;

mod dir_lock;
mod records;

use dir_lock::lock_dir;
use records::{COLUMNS, record};
pub(crate) use records::{FileRecord, NewFile, Start};

/// Why storing failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    #[error("the data directory {dir} is in use by another files-server (its lock {lock} is held)")]
    Locked { dir: PathBuf, lock: PathBuf },
    #[error("timestamp {ms} ms is out of range (the clock is too far ahead)")]
    TimestampOutOfRange { ms: i64 },
    #[error("storage quota of {quota} bytes exceeded ({used} bytes used)")]
    QuotaExceeded { quota: u64, used: u64 },
    #[error("database: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("{what} {path}: {source}")]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io_err(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::Io { what, path, source }
}

pub(crate) struct Store {
    /// The exclusive lock on the data directory, held while the store lives
    /// (or until [`Store::release_lock`]).
    lock: Mutex<Option<std::fs::File>>,
    conn: Mutex<Connection>,
    blobs: PathBuf,
    tmp: PathBuf,
    next_seq: AtomicU64,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("blobs", &self.blobs).finish()
    }
}

impl Store {
    /// Opens (or creates) the store in `dir`, clears unfinished uploads and removes
    /// blobs whose metadata was never committed. Takes the directory's lock first:
    /// fails at once when another process holds it, unless `wait`.
    pub(crate) fn open(dir: &Path, wait: bool) -> Result<Self, StoreError> {
        let lock = lock_dir(dir, wait)?;
        let blobs = dir.join("blobs");
        let tmp = dir.join("tmp");
        std::fs::create_dir_all(&blobs).map_err(io_err("cannot create", &blobs))?;
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(io_err("cannot clear", &tmp))?;
        }
        std::fs::create_dir_all(&tmp).map_err(io_err("cannot create", &tmp))?;

        let conn = Connection::open(dir.join("files.sqlite3"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS files (
                seq INTEGER PRIMARY KEY,
                id TEXT NOT NULL UNIQUE,
                workspace TEXT NOT NULL,
                filename TEXT NOT NULL,
                mime_type TEXT NOT NULL,
                size_bytes INTEGER NOT NULL,
                created_ms INTEGER NOT NULL,
                downloadable INTEGER NOT NULL,
                scope_id TEXT,
                expires_ms INTEGER
            );
            CREATE INDEX IF NOT EXISTS files_by_workspace ON files(workspace, seq);
            CREATE INDEX IF NOT EXISTS files_by_scope ON files(workspace, scope_id, seq);",
        )?;
        let max_seq: Option<i64> =
            conn.query_row("SELECT MAX(seq) FROM files", [], |r| r.get(0))?;
        let store = Self {
            lock: Mutex::new(Some(lock)),
            conn: Mutex::new(conn),
            blobs,
            tmp,
            next_seq: AtomicU64::new(max_seq.map_or(1, |s| s.cast_unsigned() + 1)),
        };
        store.remove_orphan_blobs()?;
        Ok(store)
    }

    /// Lets another process own the directory: called once the server has
    /// stopped and nothing uses the store any more.
    pub(crate) fn release_lock(&self) {
        self.lock
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (every
        // change is a transaction), so a poisoned lock is still usable.
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn remove_orphan_blobs(&self) -> Result<(), StoreError> {
        let entries = std::fs::read_dir(&self.blobs).map_err(io_err("cannot read", &self.blobs))?;
        let conn = self.conn();
        let mut known = conn.prepare("SELECT 1 FROM files WHERE id = ?1")?;
        for entry in entries {
            let entry = entry.map_err(io_err("cannot read", &self.blobs))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !known.exists([&name])? {
                let path = entry.path();
                tracing::warn!(path = %path.display(), "removing a blob whose upload never committed");
                std::fs::remove_file(&path).map_err(io_err("cannot remove", &path))?;
            }
        }
        Ok(())
    }

    /// A fresh path for an upload in progress.
    pub(crate) fn temp_path(&self) -> PathBuf {
        self.tmp.join(format!(
            "{:016x}{:016x}.part",
            fastrand::u64(..),
            fastrand::u64(..)
        ))
    }

    /// The path of a stored file's bytes.
    pub(crate) fn blob_path(&self, id: &str) -> PathBuf {
        self.blobs.join(id)
    }

    /// Bytes stored by `workspace` in files that have not expired.
    pub(crate) fn usage(&self, workspace: &str, now_ms: i64) -> Result<u64, StoreError> {
        usage(&self.conn(), workspace, now_ms)
    }

    /// Moves a complete, fsynced temporary file into the store and commits its
    /// metadata, unless it would take `workspace` over `quota`.
    pub(crate) fn commit(
        &self,
        temp: &Path,
        file: NewFile,
        quota: u64,
        now_ms: i64,
    ) -> Result<FileRecord, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let used = usage(&tx, &file.workspace, now_ms)?;
        if used.saturating_add(file.size_bytes) > quota {
            return Err(StoreError::QuotaExceeded { quota, used });
        }
        let expires_ms = file.expires_in_ms.map(|ms| now_ms.saturating_add(ms));
        for ms in std::iter::once(now_ms).chain(expires_ms) {
            if !crate::clock::in_range(ms) {
                return Err(StoreError::TimestampOutOfRange { ms });
            }
        }
        let seq = self.next_seq.fetch_add(1, Ordering::Relaxed);
        let record = FileRecord {
            seq,
            id: ids::file_id(seq),
            workspace: file.workspace,
            filename: file.filename,
            mime_type: file.mime_type,
            size_bytes: file.size_bytes,
            created_ms: now_ms,
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
        let inserted = tx.execute(
            &format!(
                "INSERT INTO files ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
            ),
            params![
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
            ],
        );
        match inserted.and_then(|_| tx.commit()) {
            Ok(()) => Ok(record),
            Err(err) => {
                remove_blob(&blob);
                Err(err.into())
            }
        }
    }

    /// The record of `id` in `workspace`, expired or not.
    pub(crate) fn get(&self, workspace: &str, id: &str) -> Result<Option<FileRecord>, StoreError> {
        Ok(self
            .conn()
            .query_row(
                &format!("SELECT {COLUMNS} FROM files WHERE id = ?1 AND workspace = ?2"),
                params![id, workspace],
                record,
            )
            .optional()?)
    }

    /// Up to `limit` live files of `workspace` (and `scope_id`), newest first, from `start`.
    pub(crate) fn list(
        &self,
        workspace: &str,
        scope_id: Option<&str>,
        start: Start,
        limit: usize,
        now_ms: i64,
    ) -> Result<Vec<FileRecord>, StoreError> {
        let (bound, order, seq) = match start {
            Start::Newest => ("", "DESC", i64::MAX),
            Start::OlderThan(seq) => ("AND seq < ?3", "DESC", seq.cast_signed()),
            Start::NewerThan(seq) => ("AND seq > ?3", "ASC", seq.cast_signed()),
        };
        let sql = format!(
            "SELECT {COLUMNS} FROM files
             WHERE workspace = ?1 AND (?2 IS NULL OR scope_id = ?2) {bound}
               AND (expires_ms IS NULL OR expires_ms > ?4)
             ORDER BY seq {order} LIMIT ?5"
        );
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&sql)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // SQLite numbers parameters by their largest index: ?3 is bound even when
        // the query does not use it.
        let rows = stmt.query_map(params![workspace, scope_id, seq, now_ms, limit], record)?;
        let mut files = rows.collect::<Result<Vec<_>, _>>()?;
        if matches!(start, Start::NewerThan(_)) {
            files.reverse();
        }
        Ok(files)
    }

    /// The live files of `workspace` among `ids`, newest first; others are left out.
    pub(crate) fn by_ids(
        &self,
        workspace: &str,
        ids: &[String],
        now_ms: i64,
    ) -> Result<Vec<FileRecord>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM files WHERE id = ?1 AND workspace = ?2 AND (expires_ms IS NULL OR expires_ms > ?3)"
        ))?;
        let mut files = Vec::new();
        for id in ids {
            if let Some(file) = stmt
                .query_row(params![id, workspace, now_ms], record)
                .optional()?
                && !files.iter().any(|f: &FileRecord| f.seq == file.seq)
            {
                files.push(file);
            }
        }
        files.sort_by_key(|f| std::cmp::Reverse(f.seq));
        Ok(files)
    }

    /// Deletes `id` from `workspace`: the metadata is committed first, then the bytes
    /// go. Returns whether there was such a file. Once the metadata is gone the
    /// delete has happened: a blob that cannot be removed is logged (and removed
    /// as an orphan at the next start), not an error.
    pub(crate) fn delete(&self, workspace: &str, id: &str) -> Result<bool, StoreError> {
        let deleted = self.conn().execute(
            "DELETE FROM files WHERE id = ?1 AND workspace = ?2",
            params![id, workspace],
        )?;
        if deleted > 0 {
            remove_blob(&self.blob_path(id));
        }
        Ok(deleted > 0)
    }

    /// Removes every file expired at `now_ms`, in every workspace: metadata
    /// first (in batches), then bytes. Returns how many went.
    pub(crate) fn purge_expired(&self, now_ms: i64) -> Result<u64, StoreError> {
        const BATCH: i64 = 500;
        let mut purged = 0;
        loop {
            let ids: Vec<String> = {
                let mut conn = self.conn();
                let tx =
                    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let ids = {
                    let mut stmt = tx.prepare_cached(
                        "SELECT id FROM files WHERE expires_ms IS NOT NULL AND expires_ms <= ?1 LIMIT ?2",
                    )?;
                    stmt.query_map(params![now_ms, BATCH], |r| r.get::<_, String>(0))?
                        .collect::<Result<Vec<_>, _>>()?
                };
                {
                    let mut delete = tx.prepare_cached("DELETE FROM files WHERE id = ?1")?;
                    for id in &ids {
                        delete.execute([id])?;
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
        if tests::FAIL_DIR_SYNC.with(std::cell::Cell::get) {
            return Err(io_err("cannot sync", &self.blobs)(std::io::Error::other(
                "injected",
            )));
        }
        sync_dir(&self.blobs)
    }

    /// How many files the store holds, in every workspace (for tests and logs).
    pub(crate) fn count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn()
            .query_row("SELECT COUNT(*) FROM files", [], |r| r.get(0))?;
        Ok(n.cast_unsigned())
    }
}

fn usage(conn: &Connection, workspace: &str, now_ms: i64) -> Result<u64, StoreError> {
    let used: i64 = conn.query_row(
        "SELECT COALESCE(SUM(size_bytes), 0) FROM files WHERE workspace = ?1 AND (expires_ms IS NULL OR expires_ms > ?2)",
        params![workspace, now_ms],
        |r| r.get(0),
    )?;
    Ok(used.cast_unsigned())
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

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
