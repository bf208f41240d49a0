//! The local store: where the embedded default keeps files, and the in-process
//! server that serves it for one command.

use std::path::{Path, PathBuf};

use files_server::{FilesServer, ServerConfig, ServerError};

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
/// with development auth. The server owns the store while it runs (it holds the
/// store's lock, as every files-server does): when another command or an
/// `anthropic-files serve` holds it, `on_wait` is called once and this waits its
/// turn.
///
/// # Errors
/// The store cannot be opened or created, or no port can be bound.
pub async fn start(dir: &Path, on_wait: impl FnOnce()) -> Result<FilesServer, Failure> {
    let failure =
        |err: ServerError| Failure::Store(format!("local store {}: {err}", dir.display()));
    match FilesServer::start(ServerConfig::new().data_dir(dir)).await {
        Ok(server) => Ok(server),
        Err(ServerError::DataDirInUse { .. }) => {
            on_wait();
            FilesServer::start(ServerConfig::new().data_dir(dir).wait_for_data_dir(true))
                .await
                .map_err(failure)
        }
        Err(err) => Err(failure(err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "current_thread")]
    async fn a_second_command_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join("nested").join("store");
        let first = start(&store, || panic!("nobody holds it yet"))
            .await
            .unwrap();
        let waited = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = std::sync::Arc::clone(&waited);
        let second = tokio::spawn({
            let store = store.clone();
            async move {
                start(&store, move || {
                    flag.store(true, std::sync::atomic::Ordering::SeqCst)
                })
                .await
                .unwrap()
            }
        });
        // Bounded: the second start reports that it waits, then gets the store
        // once the first server lets go.
        for _ in 0..200 {
            if waited.load(std::sync::atomic::Ordering::SeqCst) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert!(waited.load(std::sync::atomic::Ordering::SeqCst));
        assert!(!second.is_finished());
        first.shutdown().await;
        let second = tokio::time::timeout(std::time::Duration::from_secs(30), second)
            .await
            .unwrap()
            .unwrap();
        second.shutdown().await;
    }
}
