//! Unit tests of the store's counters: usage, sequence numbers, timestamps, and
//! the cost of a commit in a large store.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};

use rusqlite::{Connection, params};

use super::*;

fn new_file(workspace: &str, size: u64) -> NewFile {
    NewFile {
        workspace: workspace.into(),
        filename: "a.txt".into(),
        mime_type: "text/plain".into(),
        size_bytes: size,
        downloadable: false,
        scope_id: None,
        expires_in_ms: None,
    }
}

fn put_at(store: &Store, workspace: &str, bytes: &[u8], now_ms: i64) -> FileRecord {
    let temp = store.temp_path();
    std::fs::write(&temp, bytes).unwrap();
    store
        .commit(
            &temp,
            new_file(workspace, bytes.len() as u64),
            u64::MAX,
            || now_ms,
        )
        .unwrap()
}

/// The SQLite virtual machine's steps taken by one commit of a 1-byte file.
fn commit_steps(store: &Store) -> u64 {
    let steps = Arc::new(AtomicU64::new(0));
    let counted = Arc::clone(&steps);
    store
        .writer()
        .conn
        .progress_handler(
            1,
            Some(move || {
                counted.fetch_add(1, Ordering::Relaxed);
                false
            }),
        )
        .unwrap();
    put_at(store, "w", b"x", 5_000);
    store
        .writer()
        .conn
        .progress_handler(1, None::<fn() -> bool>)
        .unwrap();
    steps.load(Ordering::Relaxed)
}

/// Adds `count` files of `size` bytes to `workspace`, straight into the tables.
fn fill(dir: &Path, workspace: &str, count: i64, size: i64) {
    let conn = Connection::open(dir.join("files.sqlite3")).unwrap();
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
         INSERT INTO files (seq, id, workspace, filename, mime_type, size_bytes, created_ms, downloadable)
         SELECT i, 'file_bulk' || i, ?1, 'a.txt', 'text/plain', ?3, 1000, 0 FROM n",
        params![workspace, count, size],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO usage (workspace, bytes) VALUES (?1, ?2)
         ON CONFLICT(workspace) DO UPDATE SET bytes = bytes + excluded.bytes",
        params![workspace, count * size],
    )
    .unwrap();
    conn.execute(
        "UPDATE counters SET value = ?1 + 1 WHERE name = 'next_seq'",
        [count],
    )
    .unwrap();
}

#[test]
fn a_commit_costs_the_same_in_a_store_of_a_hundred_thousand_files() {
    let dir = tempfile::tempdir().unwrap();
    let empty = {
        let store = Store::open(dir.path(), false).unwrap();
        put_at(&store, "w", b"first", 1_000);
        commit_steps(&store)
    };
    // Drop the two files above, then 100,000 in the same workspace.
    std::fs::remove_dir_all(dir.path()).unwrap();
    {
        drop(Store::open(dir.path(), false).unwrap());
    }
    fill(dir.path(), "w", 100_000, 10);
    let store = Store::open(dir.path(), false).unwrap();
    let full = commit_steps(&store);
    eprintln!("steps of one commit: {empty} in an empty store, {full} at 100,000 files");
    assert!(
        full <= empty * 3 / 2,
        "a commit took {full} steps at 100,000 files, {empty} in an empty store"
    );
    assert_eq!(store.usage("w", 5_000).unwrap(), 1_000_000 + 1);
}

#[test]
fn usage_follows_commits_deletes_and_purges() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), false).unwrap();
    let a = put_at(&store, "w", b"12345", 1_000);
    put_at(&store, "w", b"123", 1_000);
    put_at(&store, "v", b"1", 1_000);
    let temp = store.temp_path();
    std::fs::write(&temp, b"1234567").unwrap();
    let mut expiring = new_file("w", 7);
    expiring.expires_in_ms = Some(1_000);
    store.commit(&temp, expiring, u64::MAX, || 1_000).unwrap();
    assert_eq!(store.usage("w", 1_999).unwrap(), 15);
    assert_eq!(
        store.usage("w", 2_000).unwrap(),
        8,
        "expired, not purged yet"
    );
    assert!(store.delete("w", &a.id).unwrap());
    assert_eq!(store.usage("w", 1_999).unwrap(), 10);
    assert_eq!(store.purge_expired(2_000).unwrap(), 1);
    assert_eq!(
        store.usage("w", 1_999).unwrap(),
        3,
        "purged bytes no longer count"
    );
    assert_eq!(store.usage("v", 1_999).unwrap(), 1);
    drop(store);
    let store = Store::open(dir.path(), false).unwrap();
    assert_eq!(
        store.usage("w", 0).unwrap(),
        3,
        "the counter survives a restart"
    );
}

#[test]
fn a_store_from_before_the_counters_gets_them_from_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    {
        let conn = Connection::open(dir.path().join("files.sqlite3")).unwrap();
        conn.execute_batch(
            "CREATE TABLE files (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
                workspace TEXT NOT NULL, filename TEXT NOT NULL, mime_type TEXT NOT NULL,
                size_bytes INTEGER NOT NULL, created_ms INTEGER NOT NULL,
                downloadable INTEGER NOT NULL, scope_id TEXT, expires_ms INTEGER);
             INSERT INTO files VALUES (7, 'file_a', 'w', 'a', 'text/plain', 40, 9000, 0, NULL, NULL);
             INSERT INTO files VALUES (3, 'file_b', 'w', 'b', 'text/plain', 2, 8000, 0, NULL, NULL);",
        )
        .unwrap();
    }
    let store = Store::open(dir.path(), false).unwrap();
    assert_eq!(store.usage("w", 0).unwrap(), 42);
    let next = put_at(&store, "w", b"x", 1_000);
    assert_eq!(next.seq, 8);
    assert_eq!(next.created_ms, 9000, "never before the newest file");
}

#[test]
fn ids_are_never_given_twice_even_after_the_newest_file_was_deleted_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let newest = {
        let store = Store::open(dir.path(), false).unwrap();
        put_at(&store, "w", b"a", 1_000);
        let newest = put_at(&store, "w", b"b", 1_000);
        assert!(store.delete("w", &newest.id).unwrap());
        newest
    };
    let store = Store::open(dir.path(), false).unwrap();
    let after = put_at(&store, "w", b"c", 1_000);
    assert!(after.seq > newest.seq, "{} reused", after.seq);
    let page = store
        .list("w", None, Start::NewerThan(newest.seq), 10, 0)
        .unwrap();
    assert_eq!(
        page.len(),
        1,
        "before_id of the deleted file shows the newer one"
    );
    assert_eq!(page[0].id, after.id);
}

#[test]
fn created_at_never_goes_back_in_the_listing_order() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), false).unwrap();
    // The clock read for the second commit is earlier (it was read before the
    // first commit finished, or the clock stepped back).
    let first = put_at(&store, "w", b"a", 2_000);
    let second = put_at(&store, "w", b"b", 1_000);
    assert!(second.seq > first.seq);
    assert!(
        second.created_ms >= first.created_ms,
        "{second:?} before {first:?}"
    );
    let listed = store.list("w", None, Start::Newest, 10, 0).unwrap();
    assert!(
        listed
            .windows(2)
            .all(|w| w[0].created_ms >= w[1].created_ms)
    );
}

#[test]
fn cursors_past_every_sequence_number_give_an_empty_page_or_the_newest() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), false).unwrap();
    let files: Vec<_> = (0..3).map(|i| put_at(&store, "w", &[i], 1_000)).collect();
    for seq in [1 << 63, u64::MAX, (1 << 63) + 5] {
        assert!(
            store
                .list("w", None, Start::NewerThan(seq), 10, 0)
                .unwrap()
                .is_empty(),
            "nothing is newer than {seq}"
        );
        let older = store.list("w", None, Start::OlderThan(seq), 2, 0).unwrap();
        assert_eq!(older[0].id, files[2].id, "everything is older than {seq}");
        assert_eq!(older.len(), 2);
    }
}

#[test]
fn reads_do_not_wait_for_a_commit() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), false).unwrap());
    let file = put_at(&store, "w", b"a", 1_000);
    // Hold the writer as a commit in progress does (rename, fsync, commit).
    let writer = store.writer();
    let (done, finished) = mpsc::channel();
    let reading = Arc::clone(&store);
    let id = file.id.clone();
    std::thread::spawn(move || {
        let got = reading.get("w", &id).unwrap().is_some();
        let listed = reading.list("w", None, Start::Newest, 5, 0).unwrap().len();
        let used = reading.usage("w", 0).unwrap();
        let _ = done.send((got, listed, used));
    });
    // Bounded: a reader queued behind the writer never answers while it is held.
    let answer = finished.recv_timeout(std::time::Duration::from_secs(20));
    drop(writer);
    assert_eq!(answer, Ok((true, 1, 1)), "a read waited for the writer");
}
