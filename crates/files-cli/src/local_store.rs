//! The local store: where the embedded default keeps files, and the in-process
//! server that serves it for one command.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use files_server::{FilesServer, ServerConfig, ServerHandle};

use crate::failure::Failure;

/// The environment variable that names the local store's directory.
pub const STORE_ENV: &str = "ANTHROPIC_FILES_STORE";

/// The key the client sends to the embedded server (development auth accepts any).
pub const LOCAL_API_KEY: &str = "local-store";

/// The local store's directory: `$ANTHROPIC_FILES_STORE` when set and not empty,
/// else the user's data directory + `anthropic-files/store` (on Linux
/// `$XDG_DATA_HOME` or `~/.local/share`).
///
/// # Errors
/// Neither is known.
pub fn store_dir() -> Result<PathBuf, Failure> {
    if let Some(dir) = std::env::var_os(STORE_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir()
        .map(|dir| dir.join("anthropic-files").join("store"))
        .ok_or_else(|| {
            Failure::Store(format!(
                "cannot find the user's data directory for the local store: set {STORE_ENV}"
            ))
        })
}

/// Starts a files-server on 127.0.0.1 (a free port) over the store in `dir`,
/// with development auth.
///
/// # Errors
/// The store cannot be opened or created, or no port can be bound.
pub async fn start(dir: &Path) -> Result<ServerHandle, Failure> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    FilesServer::start(ServerConfig::new().data_dir(dir), addr)
        .await
        .map_err(|err| Failure::Store(format!("local store {}: {err}", dir.display())))
}

/// An exclusive hold on the local store, released when dropped. The server
/// clears unfinished uploads when it opens a store, so two commands must not
/// share one at the same time: each waits its turn.
#[derive(Debug)]
pub struct StoreLock {
    _file: std::fs::File,
}

/// The lock file's name inside the store's directory.
const LOCK_FILE: &str = ".anthropic-files.lock";

impl StoreLock {
    /// Takes the store's lock, waiting (with `on_wait` called once) while another
    /// command holds it. Creates the directory if missing.
    ///
    /// # Errors
    /// The directory or the lock file cannot be created, or locking failed.
    pub fn acquire(dir: &Path, on_wait: impl FnOnce()) -> Result<Self, Failure> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::io("cannot create the local store", dir, e))?;
        let path = dir.join(LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Failure::io("cannot open the lock file", &path, e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                on_wait();
                file.lock()
                    .map_err(|e| Failure::io("cannot lock", &path, e))?;
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Failure::io("cannot lock", &path, e));
            }
        }
        Ok(Self { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_waits() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("nested").join("store");
        let first = StoreLock::acquire(&store, || panic!("nobody holds it yet")).unwrap();
        let file = std::fs::File::open(store.join(LOCK_FILE)).unwrap();
        assert!(matches!(
            file.try_lock(),
            Err(std::fs::TryLockError::WouldBlock)
        ));
        drop(first);
        let _second = StoreLock::acquire(&store, || panic!("released")).unwrap();
    }
}
