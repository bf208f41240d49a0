//! The store's tables, and what a store written by an older server needs before
//! it is used: the per-workspace usage counters and the sequence counters.

use rusqlite::{Connection, OptionalExtension, params};

use super::error::StoreError;

/// Creates what is missing: the files table and its indexes, the usage of each
/// workspace (the bytes of its stored files, expired or not, kept in the same
/// transaction as every commit, delete and purge) and the counters (the next
/// sequence number, never given twice, and the newest `created_ms`).
pub(super) fn create(conn: &mut Connection) -> Result<(), StoreError> {
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
        CREATE INDEX IF NOT EXISTS files_by_scope ON files(workspace, scope_id, seq);
        CREATE INDEX IF NOT EXISTS files_by_expiry ON files(expires_ms) WHERE expires_ms IS NOT NULL;
        CREATE TABLE IF NOT EXISTS usage (
            workspace TEXT PRIMARY KEY,
            bytes INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS counters (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;",
    )?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    if counter(&tx, NEXT_SEQ)?.is_none() {
        // A store from before the counters: what its rows say is all there is.
        tx.execute_batch(
            "DELETE FROM usage;
             INSERT INTO usage (workspace, bytes)
                 SELECT workspace, SUM(size_bytes) FROM files GROUP BY workspace;
             INSERT INTO counters (name, value)
                 SELECT 'next_seq', COALESCE(MAX(seq), 0) + 1 FROM files;
             INSERT OR REPLACE INTO counters (name, value)
                 SELECT 'last_created_ms', COALESCE(MAX(created_ms), 0) FROM files;",
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// The counter of the next sequence number.
pub(super) const NEXT_SEQ: &str = "next_seq";
/// The counter of the newest `created_ms` given.
pub(super) const LAST_CREATED_MS: &str = "last_created_ms";

pub(super) fn counter(conn: &Connection, name: &str) -> Result<Option<i64>, StoreError> {
    Ok(conn
        .query_row("SELECT value FROM counters WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?)
}

pub(super) fn set_counter(conn: &Connection, name: &str, value: i64) -> Result<(), StoreError> {
    conn.prepare_cached("INSERT OR REPLACE INTO counters (name, value) VALUES (?1, ?2)")?
        .execute(params![name, value])?;
    Ok(())
}

/// Adds `delta` bytes to the usage of `workspace`.
pub(super) fn add_usage(conn: &Connection, workspace: &str, delta: i64) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO usage (workspace, bytes) VALUES (?1, ?2)
         ON CONFLICT(workspace) DO UPDATE SET bytes = bytes + excluded.bytes",
    )?
    .execute(params![workspace, delta])?;
    Ok(())
}

/// Bytes stored by `workspace` in files that have not expired at `now_ms`: the
/// counter, less the expired files not purged yet (found by the expiry index;
/// the purge keeps them few).
pub(super) fn usage(conn: &Connection, workspace: &str, now_ms: i64) -> Result<u64, StoreError> {
    let total: i64 = conn
        .prepare_cached("SELECT bytes FROM usage WHERE workspace = ?1")?
        .query_row([workspace], |r| r.get(0))
        .optional()?
        .unwrap_or(0);
    let expired: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(size_bytes), 0) FROM files INDEXED BY files_by_expiry
             WHERE expires_ms IS NOT NULL AND expires_ms <= ?2 AND workspace = ?1",
        )?
        .query_row(params![workspace, now_ms], |r| r.get(0))?;
    Ok(total.saturating_sub(expired).max(0).cast_unsigned())
}
