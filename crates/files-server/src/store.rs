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
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, OptionalExtension, params};

use crate::ids;

mod dir_lock;
pub(crate) mod disk;
mod readers;
mod reads;
mod records;
mod schema;

use dir_lock::lock_dir;
use disk::Disk;
use readers::Readers;
use records::COLUMNS;
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

impl StoreError {
    /// Whether the error says the disk is full (an answer of its own, not a 500).
    pub(crate) fn is_disk_full(&self) -> bool {
        match self {
            Self::Io { source, .. } => disk::is_full(source),
            Self::Db(err) => disk::is_db_full(err),
            _ => false,
        }
    }
}

fn io_err(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::Io { what, path, source }
}

pub(crate) struct Store {
    /// The exclusive lock on the data directory, held while the store lives
    /// (or until [`Store::release_lock`]).
    lock: Mutex<Option<std::fs::File>>,
    /// The one connection that writes, and the counters it keeps.
    writer: Mutex<Writer>,
    /// Connections that only read, so reads never wait for a commit.
    readers: Readers,
    disk: Disk,
    blobs: PathBuf,
    tmp: PathBuf,
}

/// The writing connection and, under the same lock, the counters as committed.
struct Writer {
    conn: Connection,
    /// The next sequence number: never given twice, even after the newest file
    /// was deleted and the server restarted.
    next_seq: u64,
    /// The newest `created_ms` given: a later file never gets an earlier one
    /// (while the process runs; at start it is at most the wall clock).
    last_created_ms: i64,
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

        let db = dir.join("files.sqlite3");
        let mut conn = Connection::open(&db)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        schema::create(&mut conn)?;
        let next_seq = schema::counter(&conn, schema::NEXT_SEQ)?
            .unwrap_or(1)
            .max(1);
        // A newest timestamp ahead of the wall clock (a clock that was wrong, a
        // test clock moved ahead) would hold every later one back: at most now.
        let last_created_ms = schema::counter(&conn, schema::LAST_CREATED_MS)?
            .unwrap_or(0)
            .min(crate::clock::to_ms(std::time::SystemTime::now()));
        let readers = Readers::open(&db)?;
        let store = Self {
            lock: Mutex::new(Some(lock)),
            writer: Mutex::new(Writer {
                conn,
                next_seq: next_seq.cast_unsigned(),
                last_created_ms,
            }),
            readers,
            disk: Disk::new(dir),
            blobs,
            tmp,
        };
        store.remove_orphan_blobs()?;
        store.disk.ensure_ballast();
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

    fn writer(&self) -> MutexGuard<'_, Writer> {
        // A panic while holding the lock cannot leave SQLite inconsistent (every
        // change is a transaction, and the counters change only after a commit),
        // so a poisoned lock is still usable.
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A read connection: reads never wait for the writer.
    fn reader(&self) -> MutexGuard<'_, Connection> {
        self.readers.get()
    }

    fn remove_orphan_blobs(&self) -> Result<(), StoreError> {
        let entries = std::fs::read_dir(&self.blobs).map_err(io_err("cannot read", &self.blobs))?;
        let writer = self.writer();
        let mut known = writer.conn.prepare("SELECT 1 FROM files WHERE id = ?1")?;
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

    /// The data directory's disk: free space, the reserve, the ballast.
    pub(crate) fn disk(&self) -> &Disk {
        &self.disk
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
        if tests::DELETE_DISK_FULL_ONCE.with(|f| f.replace(false)) {
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
        if tests::FAIL_DIR_SYNC.with(std::cell::Cell::get) {
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

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "store/counter_tests.rs"]
mod counter_tests;
