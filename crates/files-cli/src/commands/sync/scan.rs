//! The local side of a sync: every regular file under the directory, with its
//! path relative to it, its size and its SHA-256.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use super::manifest::hex;
use crate::failure::Failure;
use crate::walk::{self, Found, Links};

/// A local file of the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalEntry {
    /// Its path relative to the directory, `/`-separated.
    pub rel: String,
    /// Its path.
    pub path: PathBuf,
    /// The size hashed.
    pub size: u64,
    /// The SHA-256 of the content, in hex.
    pub sha256: String,
    /// The filename it is uploaded with: its last path component.
    pub filename: String,
    /// Its modification time, when the platform reports one.
    pub modified: Option<std::time::SystemTime>,
}

/// What the scan found: the files, and the paths that could not be read
/// (relative path, failure).
#[derive(Debug, Default)]
pub struct Scan {
    /// Files read.
    pub files: Vec<LocalEntry>,
    /// Paths that could not be read; their remote copies are left alone.
    pub failed: Vec<(String, Failure)>,
    /// Paths left out on purpose (links out of the tree, FIFOs, ...), and
    /// why: they are not part of the directory.
    pub skipped: Vec<(String, String)>,
}

/// Reads every file under `root` (except the files in `skip`), on a blocking thread.
///
/// # Errors
/// The blocking thread could not run.
pub async fn scan(root: PathBuf, skip: Vec<PathBuf>, links: Links) -> Result<Scan, Failure> {
    tokio::task::spawn_blocking(move || scan_blocking(&root, &skip, links))
        .await
        .map_err(|err| Failure::Store(format!("the scan stopped: {err}")))
}

fn scan_blocking(root: &Path, skip: &[PathBuf], links: Links) -> Scan {
    let mut found = Vec::new();
    walk::descend(root, links, &mut found);
    let mut scan = Scan::default();
    for item in found {
        match item {
            Found::File(file) if skip.contains(&file.path) => {}
            Found::File(file) => {
                let rel = relative(root, &file.path);
                match (rel, hash(&file.path)) {
                    (Ok(rel), Ok((size, sha256))) => {
                        let filename = rel.rsplit('/').next().unwrap_or(&rel).to_owned();
                        let modified = std::fs::metadata(&file.path)
                            .and_then(|meta| meta.modified())
                            .ok();
                        scan.files.push(LocalEntry {
                            rel,
                            path: file.path,
                            size,
                            sha256,
                            filename,
                            modified,
                        });
                    }
                    (Err(failure), _) | (_, Err(failure)) => {
                        scan.failed.push((file.path.display().to_string(), failure));
                    }
                }
            }
            Found::Failed(path, failure) => {
                let rel = relative(root, &path).unwrap_or_else(|_| path.display().to_string());
                scan.failed.push((rel, failure));
            }
            Found::Skipped(path, why) => {
                let rel = relative(root, &path).unwrap_or_else(|_| path.display().to_string());
                scan.skipped.push((rel, why));
            }
        }
    }
    scan
}

/// `path` relative to `root`, `/`-separated; it must be UTF-8.
fn relative(root: &Path, path: &Path) -> Result<String, Failure> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut parts = Vec::new();
    for component in rel.components() {
        if let Component::Normal(part) = component {
            parts.push(part.to_str().ok_or_else(|| {
                Failure::Usage(format!(
                    "{} is not a UTF-8 path: it cannot be synced",
                    path.display()
                ))
            })?);
        }
    }
    Ok(parts.join("/"))
}

/// The size and SHA-256 of the file's content, read in 64 KiB pieces.
fn hash(path: &Path) -> Result<(u64, String), Failure> {
    let failed = |err| Failure::io("cannot read", path, err);
    // Never blocks: a path that became a FIFO since the walk fails here.
    let mut file = files_client::open_regular_file(path).map_err(failed)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(failed(err)),
        };
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    Ok((size, hex(&hasher.finalize())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_are_hashed_with_relative_paths_and_skips() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("sub/a.txt"), "abc").unwrap();
        std::fs::write(dir.path().join("skip.json"), "{}").unwrap();
        let scan = scan(
            dir.path().to_path_buf(),
            vec![dir.path().join("skip.json")],
            Links::InTree,
        )
        .await
        .unwrap();
        assert!(scan.failed.is_empty());
        assert_eq!(scan.files.len(), 1);
        let file = &scan.files[0];
        assert_eq!(
            (file.rel.as_str(), file.filename.as_str(), file.size),
            ("sub/a.txt", "a.txt", 3)
        );
        assert_eq!(
            file.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[cfg(unix)]
    #[test]
    fn hashing_a_fifo_fails_at_once_instead_of_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let (done, result) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = done.send(hash(&fifo).map_err(|f| format!("{f:?}")));
        });
        // Bounded: a blocked open would never answer (its thread is left behind).
        let result = result
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("hashing a FIFO returned");
        let err = result.unwrap_err();
        assert!(err.contains("FIFO"), "{err}");
    }
}
