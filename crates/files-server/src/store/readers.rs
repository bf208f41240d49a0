//! Read connections: a few SQLite connections of their own, so that in WAL mode
//! a listing or a lookup never waits for a commit (which holds the writer while
//! it renames, fsyncs and commits).

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, OpenFlags};

use super::error::StoreError;

/// How many read connections the store keeps (each holds three descriptors:
/// the database, its WAL and its shared memory).
pub(super) const READERS: usize = 4;

/// A fixed set of read-only connections.
pub(super) struct Readers {
    connections: Vec<Mutex<Connection>>,
}

impl Readers {
    pub(super) fn open(db: &Path) -> Result<Self, StoreError> {
        let mut connections = Vec::with_capacity(READERS);
        for _ in 0..READERS {
            let conn = Connection::open_with_flags(
                db,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            connections.push(Mutex::new(conn));
        }
        Ok(Self { connections })
    }

    /// A free connection, or (when all are busy) one to wait for.
    pub(super) fn get(&self) -> MutexGuard<'_, Connection> {
        for conn in &self.connections {
            if let Ok(guard) = conn.try_lock() {
                return guard;
            }
        }
        let pick = fastrand::usize(..self.connections.len());
        // A panic while reading cannot leave a read connection inconsistent.
        self.connections[pick]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
