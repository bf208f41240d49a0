//! One owner per data directory: an exclusive `flock` on its lock file, held
//! for the store's lifetime.

use std::path::Path;

use super::error::{StoreError, io_err};

/// The lock file's name in the data directory.
const LOCK_FILE: &str = "files-server.lock";

/// Creates `dir` if missing and takes the exclusive lock on its lock file.
pub(super) fn lock_dir(dir: &Path, wait: bool) -> Result<std::fs::File, StoreError> {
    std::fs::create_dir_all(dir).map_err(io_err("cannot create", dir))?;
    let path = dir.join(LOCK_FILE);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io_err("cannot open the lock file", &path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) if wait => {
            file.lock().map_err(io_err("cannot lock", &path))?;
            Ok(file)
        }
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked {
            dir: dir.to_path_buf(),
            lock: path,
        }),
        Err(std::fs::TryLockError::Error(err)) => Err(io_err("cannot lock", &path)(err)),
    }
}
