//! Free space on the data directory's disk. Uploads are refused before the disk
//! is full (while less than the reserve would be left), and a small ballast file
//! is kept so that a delete, which SQLite must journal, works even on a disk
//! that something else has filled: the ballast is given up to let it through,
//! and made again once there is room.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The ballast's name in the data directory.
const BALLAST_FILE: &str = "reserve.ballast";

/// The ballast's size: room for SQLite to journal many deletes.
pub(crate) const BALLAST_BYTES: u64 = 1024 * 1024;

/// The data directory's disk.
#[derive(Debug)]
pub(crate) struct Disk {
    dir: PathBuf,
    /// Uploads are refused while less than this would stay free.
    min_free: AtomicU64,
    /// Tests: the free space to report instead of the disk's.
    #[cfg(test)]
    pub(crate) fake_free: std::sync::Mutex<Option<u64>>,
}

/// The disk has too little room for an upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DiskFull {
    /// Bytes free (as far as the server could tell).
    pub free: u64,
    /// Bytes that must stay free.
    pub min_free: u64,
}

impl Disk {
    pub(crate) fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            min_free: AtomicU64::new(crate::DEFAULT_MIN_FREE_SPACE),
            #[cfg(test)]
            fake_free: std::sync::Mutex::new(None),
        }
    }

    /// Sets the bytes that must stay free.
    pub(crate) fn set_min_free(&self, bytes: u64) {
        self.min_free.store(bytes, Ordering::Relaxed);
    }

    /// Bytes an unprivileged writer may still use, when the platform says.
    pub(crate) fn free(&self) -> Option<u64> {
        #[cfg(test)]
        if let Some(free) = *self
            .fake_free
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
        {
            return Some(free);
        }
        #[cfg(unix)]
        {
            rustix::fs::statvfs(&self.dir)
                .ok()
                .map(|s| s.f_bavail.saturating_mul(s.f_frsize))
        }
        #[cfg(not(unix))]
        None
    }

    /// Whether `more` bytes can be written and the reserve still be left.
    pub(crate) fn check(&self, more: u64) -> Result<(), DiskFull> {
        let min_free = self.min_free.load(Ordering::Relaxed);
        match self.free() {
            Some(free) if free < min_free.saturating_add(more) => Err(DiskFull { free, min_free }),
            _ => Ok(()),
        }
    }

    fn ballast(&self) -> PathBuf {
        self.dir.join(BALLAST_FILE)
    }

    /// Makes the ballast when it is missing and the disk has room for it twice
    /// over (it is part of the reserve, not in addition to it). Failing is
    /// logged: the ballast is a help, not a requirement.
    pub(crate) fn ensure_ballast(&self) {
        let path = self.ballast();
        if path.metadata().is_ok_and(|m| m.len() >= BALLAST_BYTES) {
            return;
        }
        if self.free().is_some_and(|free| free < 2 * BALLAST_BYTES) {
            return;
        }
        let written = std::fs::File::create(&path).and_then(|mut file| {
            // Real bytes: a sparse file would hold no room at all.
            let zeros = vec![0u8; 64 * 1024];
            let mut left = BALLAST_BYTES;
            while left > 0 {
                let n = usize::try_from(left.min(zeros.len() as u64)).unwrap_or(zeros.len());
                file.write_all(&zeros[..n])?;
                left -= n as u64;
            }
            file.sync_all()
        });
        if let Err(err) = written {
            let _ = std::fs::remove_file(&path);
            tracing::warn!(path = %path.display(), error = %err, "cannot make the disk reserve's ballast");
        }
    }

    /// Gives up the ballast so that a delete can be journaled; whether there was one.
    pub(crate) fn release_ballast(&self) -> bool {
        let released = std::fs::remove_file(self.ballast()).is_ok();
        if released {
            tracing::warn!(
                "the disk is full: gave up the reserve's ballast to let a delete through"
            );
        }
        released
    }
}

/// Whether an I/O error says the disk (or the user's disk quota) is full.
pub(crate) fn is_full(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}

/// Whether a SQLite error says the disk is full.
pub(crate) fn is_db_full(err: &rusqlite::Error) -> bool {
    matches!(
        err,
        rusqlite::Error::SqliteFailure(e, _) if e.code == rusqlite::ErrorCode::DiskFull
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writing_to_a_full_device_is_recognised_as_a_full_disk() {
        #[cfg(target_os = "linux")]
        {
            let mut full = std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap();
            let err = full
                .write_all(b"x")
                .and_then(|()| full.flush())
                .unwrap_err();
            assert!(is_full(&err), "{err:?}");
        }
        assert!(!is_full(&std::io::Error::other("x")));
    }

    #[test]
    fn uploads_are_refused_while_the_reserve_would_not_stay_free() {
        let dir = tempfile::tempdir().unwrap();
        let disk = Disk::new(dir.path());
        disk.set_min_free(100);
        *disk.fake_free.lock().unwrap() = Some(150);
        assert_eq!(disk.check(50), Ok(()));
        assert_eq!(
            disk.check(51),
            Err(DiskFull {
                free: 150,
                min_free: 100
            })
        );
        *disk.fake_free.lock().unwrap() = Some(2 * BALLAST_BYTES);
        disk.ensure_ballast();
        assert_eq!(
            std::fs::metadata(disk.ballast()).unwrap().len(),
            BALLAST_BYTES
        );
        assert!(disk.release_ballast());
        assert!(!disk.release_ballast());
        *disk.fake_free.lock().unwrap() = Some(2 * BALLAST_BYTES - 1);
        disk.ensure_ballast();
        assert!(
            !disk.ballast().exists(),
            "no ballast fills a nearly full disk"
        );
    }
}
