//! The rows of the files table: what is stored about a file, what a commit
//! inserts, and where a listing starts.

/// What the server stores about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileRecord {
    pub seq: u64,
    pub id: String,
    pub workspace: String,
    pub filename: String,
    pub mime_type: String,
    pub size_bytes: u64,
    pub created_ms: i64,
    pub downloadable: bool,
    pub scope_id: Option<String>,
    pub expires_ms: Option<i64>,
}

impl FileRecord {
    pub(crate) fn is_expired(&self, now_ms: i64) -> bool {
        self.expires_ms.is_some_and(|at| at <= now_ms)
    }
}

/// A file about to be committed.
#[derive(Debug)]
pub(crate) struct NewFile {
    pub workspace: String,
    pub filename: String,
    pub mime_type: String,
    pub size_bytes: u64,
    pub downloadable: bool,
    pub scope_id: Option<String>,
    pub expires_in_ms: Option<i64>,
}

/// Where to start a listing, newest first.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Start {
    /// The newest files.
    Newest,
    /// Files older than this sequence number.
    OlderThan(u64),
    /// Files newer than this sequence number (the page just before it).
    NewerThan(u64),
}

pub(super) const COLUMNS: &str = "seq, id, workspace, filename, mime_type, size_bytes, created_ms, downloadable, scope_id, expires_ms";

pub(super) fn record(row: &rusqlite::Row<'_>) -> rusqlite::Result<FileRecord> {
    Ok(FileRecord {
        seq: row.get::<_, i64>(0)?.cast_unsigned(),
        id: row.get(1)?,
        workspace: row.get(2)?,
        filename: row.get(3)?,
        mime_type: row.get(4)?,
        size_bytes: row.get::<_, i64>(5)?.cast_unsigned(),
        created_ms: row.get(6)?,
        downloadable: row.get(7)?,
        scope_id: row.get(8)?,
        expires_ms: row.get(9)?,
    })
}
