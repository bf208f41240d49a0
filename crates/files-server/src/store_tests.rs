//! Unit tests of the store.

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

fn put(store: &Store, workspace: &str, bytes: &[u8], quota: u64) -> Result<FileRecord, StoreError> {
    let temp = store.temp_path();
    std::fs::write(&temp, bytes).unwrap();
    store.commit(
        &temp,
        new_file(workspace, bytes.len() as u64),
        quota,
        || 1_000,
    )
}

#[test]
fn committed_files_survive_reopening_and_orphans_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b);
    {
        let store = Store::open(dir.path(), false).unwrap();
        a = put(&store, "w", b"alpha", u64::MAX).unwrap();
        b = put(&store, "w", b"beta", u64::MAX).unwrap();
        // An upload in progress and a blob whose commit never happened.
        std::fs::write(store.temp_path(), b"partial").unwrap();
        std::fs::write(store.blob_path("file_orphan"), b"orphan").unwrap();
    }
    let store = Store::open(dir.path(), false).unwrap();
    assert_eq!(store.get("w", &a.id).unwrap(), Some(a.clone()));
    assert_eq!(std::fs::read(store.blob_path(&b.id)).unwrap(), b"beta");
    assert!(!store.blob_path("file_orphan").exists());
    assert_eq!(
        std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
        0
    );
    let c = put(&store, "w", b"c", u64::MAX).unwrap();
    assert!(c.seq > b.seq, "sequence numbers continue after a restart");
}

#[test]
fn quota_counts_live_bytes_of_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), false).unwrap();
    put(&store, "w", b"12345", 8).unwrap();
    assert!(matches!(
        put(&store, "w", b"1234", 8),
        Err(StoreError::QuotaExceeded { quota: 8, used: 5 })
    ));
    put(&store, "other", b"1234", 8).unwrap();
    assert_eq!(store.count().unwrap(), 2);
    assert_eq!(
        std::fs::read_dir(dir.path().join("blobs")).unwrap().count(),
        2,
        "a refused upload leaves no blob"
    );
}

#[test]
fn listing_walks_both_ways_and_deletes_remove_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), false).unwrap();
    let files: Vec<FileRecord> = (0..5)
        .map(|i| put(&store, "w", &[i], u64::MAX).unwrap())
        .collect();
    let ids = |v: Vec<FileRecord>| v.into_iter().map(|f| f.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.list("w", None, Start::Newest, 2, 0).unwrap()),
        [files[4].id.clone(), files[3].id.clone()]
    );
    assert_eq!(
        ids(store
            .list("w", None, Start::OlderThan(files[3].seq), 2, 0)
            .unwrap()),
        [files[2].id.clone(), files[1].id.clone()]
    );
    assert_eq!(
        ids(store
            .list("w", None, Start::NewerThan(files[1].seq), 2, 0)
            .unwrap()),
        [files[3].id.clone(), files[2].id.clone()]
    );
    assert!(store.delete("w", &files[2].id).unwrap());
    assert!(!store.blob_path(&files[2].id).exists());
    assert!(!store.delete("w", &files[2].id).unwrap());
    assert!(
        !store.delete("other", &files[1].id).unwrap(),
        "another workspace cannot delete it"
    );
    assert_eq!(
        ids(store
            .by_ids(
                "w",
                &[
                    files[0].id.clone(),
                    files[2].id.clone(),
                    files[4].id.clone()
                ],
                0
            )
            .unwrap()),
        [files[4].id.clone(), files[0].id.clone()]
    );
}

#[test]
fn one_owner_per_directory() {
    let dir = tempfile::tempdir().unwrap();
    let first = Store::open(dir.path(), false).unwrap();
    let err = Store::open(dir.path(), false).unwrap_err();
    assert!(matches!(err, StoreError::Locked { .. }), "{err}");
    assert!(
        err.to_string().contains(&dir.path().display().to_string()),
        "{err}"
    );
    drop(first);
    Store::open(dir.path(), false).unwrap();
}

#[test]
fn a_failed_directory_sync_leaves_no_orphan_blob() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), false).unwrap();
    writes::FAIL_DIR_SYNC.with(|f| f.set(true));
    let result = put(&store, "w", b"bytes", u64::MAX);
    writes::FAIL_DIR_SYNC.with(|f| f.set(false));
    assert!(matches!(result, Err(StoreError::Io { .. })), "{result:?}");
    assert_eq!(store.count().unwrap(), 0);
    assert_eq!(
        std::fs::read_dir(dir.path().join("blobs")).unwrap().count(),
        0
    );
}

#[test]
fn a_blob_that_cannot_be_removed_does_not_undo_a_committed_delete() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), false).unwrap();
    let file = put(&store, "w", b"bytes", u64::MAX).unwrap();
    // A directory where the blob was: unlink fails (whoever runs the test).
    let blob = store.blob_path(&file.id);
    std::fs::remove_file(&blob).unwrap();
    std::fs::create_dir(&blob).unwrap();
    std::fs::write(blob.join("x"), b"x").unwrap();
    assert!(store.delete("w", &file.id).unwrap());
    assert_eq!(store.get("w", &file.id).unwrap(), None);
}

#[test]
fn expired_files_are_purged_row_and_blob() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), false).unwrap();
    let mut expiring = Vec::new();
    for i in 0..3 {
        let temp = store.temp_path();
        std::fs::write(&temp, [i]).unwrap();
        let mut new = new_file("w", 1);
        new.expires_in_ms = Some(1_000);
        expiring.push(store.commit(&temp, new, u64::MAX, || 1_000).unwrap());
    }
    let kept = put(&store, "w", b"kept", u64::MAX).unwrap();
    assert_eq!(store.purge_expired(1_999).unwrap(), 0, "not expired yet");
    assert_eq!(store.purge_expired(2_000).unwrap(), 3);
    for file in &expiring {
        assert_eq!(store.get("w", &file.id).unwrap(), None);
        assert!(!store.blob_path(&file.id).exists());
    }
    assert!(store.blob_path(&kept.id).exists());
    assert_eq!(store.count().unwrap(), 1);
}

#[test]
fn out_of_range_timestamps_are_refused_when_made() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), false).unwrap();
    let temp = store.temp_path();
    std::fs::write(&temp, b"x").unwrap();
    let mut new = new_file("w", 1);
    new.expires_in_ms = Some(i64::MAX / 2);
    let err = store
        .commit(&temp, new, u64::MAX, || crate::clock::MAX_TIMESTAMP_MS - 10)
        .unwrap_err();
    assert!(
        matches!(err, StoreError::TimestampOutOfRange { .. }),
        "{err}"
    );
    assert_eq!(store.count().unwrap(), 0);
}

#[test]
fn a_delete_on_a_full_disk_gives_up_the_ballast_and_goes_through() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), false).unwrap();
    let file = put(&store, "w", b"bytes", u64::MAX).unwrap();
    let ballast = dir.path().join("reserve.ballast");
    assert!(ballast.exists(), "the ballast is made at start");
    writes::DELETE_DISK_FULL_ONCE.with(|f| f.set(true));
    assert!(store.delete("w", &file.id).unwrap());
    assert_eq!(store.get("w", &file.id).unwrap(), None);
    assert!(!ballast.exists(), "given up to let the delete through");
    store.disk().ensure_ballast();
    assert!(ballast.exists(), "made again once there is room");
}
