//! What the store reads: lookups, listings, usage and counts, each on a read
//! connection of its own (in WAL mode, never waiting for a commit).

use rusqlite::{OptionalExtension, params};

use super::error::StoreError;
use super::open::Store;
use super::records::{COLUMNS, FileRecord, Start, record};
use super::schema;

impl Store {
    /// Bytes stored by `workspace` in files that have not expired.
    pub(crate) fn usage(&self, workspace: &str, now_ms: i64) -> Result<u64, StoreError> {
        schema::usage(&self.reader(), workspace, now_ms)
    }

    /// The record of `id` in `workspace`, expired or not.
    pub(crate) fn get(&self, workspace: &str, id: &str) -> Result<Option<FileRecord>, StoreError> {
        Ok(self
            .reader()
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM files WHERE id = ?1 AND workspace = ?2"
            ))?
            .query_row(params![id, workspace], record)
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
        // Sequence numbers are below 2^63 (SQLite's integers are signed): a
        // cursor past them is newer than every file.
        let start = match start {
            Start::OlderThan(seq) if i64::try_from(seq).is_err() => Start::Newest,
            Start::NewerThan(seq) if i64::try_from(seq).is_err() => return Ok(Vec::new()),
            start => start,
        };
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
        let conn = self.reader();
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
        let conn = self.reader();
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

    /// How many files the store holds, in every workspace (for tests and logs).
    pub(crate) fn count(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .reader()
            .query_row("SELECT COUNT(*) FROM files", [], |r| r.get(0))?;
        Ok(n.cast_unsigned())
    }
}
