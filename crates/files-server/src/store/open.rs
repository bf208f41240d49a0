//! The store's handle, and how it is opened: the directory's lock taken
//! first, unfinished uploads cleared, the tables created, blobs whose metadata
//! was never committed removed.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::Connection;

use super::dir_lock::lock_dir;
use super::disk::Disk;
use super::error::{StoreError, io_err};
use super::readers::Readers;
use super::schema;

/// The store: the data directory's lock, one writing connection, a few
/// reading ones, and the disk it lives on.
pub(crate) struct Store {
    /// The exclusive lock on the data directory, held while the store lives
    /// (or until [`Store::release_lock`]).
    lock: Mutex<Option<std::fs::File>>,
    /// The one connection that writes, and the counters it keeps.
    writer: Mutex<Writer>,
    /// Connections that only read, so reads never wait for a commit.
    readers: Readers,
    pub(super) disk: Disk,
    pub(super) blobs: PathBuf,
    tmp: PathBuf,
}

/// The writing connection and, under the same lock, the counters as committed.
pub(super) struct Writer {
    pub(super) conn: Connection,
    /// The next sequence number: never given twice, even after the newest file
    /// was deleted and the server restarted.
    pub(super) next_seq: u64,
    /// The newest `created_ms` given: a later file never gets an earlier one
    /// (while the process runs; at start it is at most the wall clock).
    pub(super) last_created_ms: i64,
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

    pub(super) fn writer(&self) -> MutexGuard<'_, Writer> {
        // A panic while holding the lock cannot leave SQLite inconsistent (every
        // change is a transaction, and the counters change only after a commit),
        // so a poisoned lock is still usable.
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A read connection: reads never wait for the writer.
    pub(super) fn reader(&self) -> MutexGuard<'_, Connection> {
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
}
