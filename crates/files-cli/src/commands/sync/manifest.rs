//! The sync manifest: what an earlier `sync` of a directory uploaded (relative
//! path → sha256, size, file id, filename) and the files it uploaded that are
//! no longer current (to delete with `--delete`). One JSON file per base URL,
//! workspace and directory, written atomically (temporary file, fsync, rename,
//! fsync of the directory) and guarded by an exclusive lock on `FILE.lock`.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::failure::Failure;

/// The manifest format's version.
pub const VERSION: u32 = 1;

/// A file the manifest tracks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The content's SHA-256, in hex.
    pub sha256: String,
    /// The content's size.
    pub size: u64,
    /// The uploaded file's id.
    pub file_id: String,
    /// The filename it was uploaded with.
    pub filename: String,
}

/// A file an earlier sync uploaded that no longer matches a local file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Orphan {
    /// The uploaded file's id.
    pub file_id: String,
    /// The local path it was uploaded from.
    pub path: String,
    /// Why it is no longer current: `removed locally` or `previous version`.
    pub reason: String,
}

/// The manifest of one directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The format's version ([`VERSION`]).
    pub version: u32,
    /// The API's base URL (or `local-store:DIR`).
    pub origin: String,
    /// The workspace id given with --workspace-id, if any.
    pub workspace: Option<String>,
    /// The directory's canonical path.
    pub root: String,
    /// The tracked files, by path relative to `root` (`/`-separated).
    pub files: BTreeMap<String, Entry>,
    /// Uploaded files no longer current, deleted by `sync --delete`.
    #[serde(default)]
    pub orphans: Vec<Orphan>,
}

impl Manifest {
    /// An empty manifest.
    pub fn new(origin: &str, workspace: Option<&str>, root: &Path) -> Self {
        Self {
            version: VERSION,
            origin: origin.to_owned(),
            workspace: workspace.map(str::to_owned),
            root: root.display().to_string(),
            files: BTreeMap::new(),
            orphans: Vec::new(),
        }
    }
}

/// The default manifest path: the user's data directory +
/// `anthropic-files/sync/` + the first 32 hex digits of the SHA-256 of
/// `origin`, `workspace` and `root` (each ended by a NUL) + `.json`.
///
/// # Errors
/// The user's data directory is unknown.
pub fn default_path(
    origin: &str,
    workspace: Option<&str>,
    root: &Path,
) -> Result<PathBuf, Failure> {
    let data = dirs::data_dir().ok_or_else(|| {
        Failure::Store(
            "cannot find the user's data directory for the sync manifest: use --manifest PATH"
                .to_owned(),
        )
    })?;
    Ok(data
        .join("anthropic-files")
        .join("sync")
        .join(format!("{}.json", key(origin, workspace, root))))
}

/// The manifest's key: the first 32 hex digits of the SHA-256 of the three parts.
pub fn key(origin: &str, workspace: Option<&str>, root: &Path) -> String {
    let mut hash = Sha256::new();
    for part in [origin, workspace.unwrap_or(""), &root.display().to_string()] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let digest = hex(&hash.finalize());
    digest[..32].to_owned()
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The manifest file, locked for this process while it lives.
#[derive(Debug)]
pub struct Locked {
    path: PathBuf,
    _lock: File,
}

impl Locked {
    /// Takes the exclusive lock on `path.lock` (creating the directory), or
    /// fails at once when another sync holds it.
    ///
    /// # Errors
    /// The directory or lock file cannot be made, or the lock is held.
    pub fn acquire(path: &Path) -> Result<Self, Failure> {
        let dir = parent(path);
        std::fs::create_dir_all(dir).map_err(|err| Failure::io("cannot create", dir, err))?;
        let lock_path = lock_path(path);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|err| Failure::io("cannot open", &lock_path, err))?;
        match lock.try_lock() {
            Ok(()) => Ok(Self {
                path: path.to_path_buf(),
                _lock: lock,
            }),
            Err(std::fs::TryLockError::WouldBlock) => Err(Failure::io(
                "cannot lock",
                &lock_path,
                std::io::Error::new(
                    std::io::ErrorKind::WouldBlock,
                    "another sync is using this manifest",
                ),
            )),
            Err(std::fs::TryLockError::Error(err)) => {
                Err(Failure::io("cannot lock", &lock_path, err))
            }
        }
    }

    /// The manifest's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the manifest, or `None` when there is none yet.
    ///
    /// # Errors
    /// It cannot be read or is not a manifest of this format.
    pub fn load(&self) -> Result<Option<Manifest>, Failure> {
        let text = match std::fs::read(&self.path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => return Err(Failure::io("cannot read", &self.path, err)),
        };
        parse(&text)
            .map(Some)
            .map_err(|err| Failure::io("cannot read the manifest", &self.path, err))
    }

    /// Replaces the manifest atomically: a temporary file beside it, fsync,
    /// rename over it, fsync of the directory.
    ///
    /// # Errors
    /// It cannot be written.
    pub fn save(&self, manifest: &Manifest) -> Result<(), Failure> {
        let dir = parent(&self.path);
        let failed = |err| Failure::io("cannot write", &self.path, err);
        let mut temp = tempfile::Builder::new()
            .prefix(".manifest-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(failed)?;
        let text = serde_json::to_vec_pretty(manifest)
            .map_err(|err| failed(std::io::Error::other(err)))?;
        temp.write_all(&text).map_err(failed)?;
        temp.write_all(b"\n").map_err(failed)?;
        temp.as_file().sync_all().map_err(failed)?;
        temp.persist(&self.path).map_err(|err| failed(err.error))?;
        if let Ok(dir) = File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

/// A manifest's text read as a manifest of this format.
///
/// # Errors
/// It is not JSON of the manifest's shape, or of another version.
pub fn parse(text: &[u8]) -> Result<Manifest, std::io::Error> {
    let manifest: Manifest = serde_json::from_slice(text).map_err(std::io::Error::other)?;
    if manifest.version != VERSION {
        return Err(std::io::Error::other(format!(
            "unknown version {}",
            manifest.version
        )));
    }
    Ok(manifest)
}

/// The lock file of the manifest at `path`: `path` + `.lock`.
pub fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_atomically_and_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m/sync.json");
        let locked = Locked::acquire(&path).unwrap();
        assert_eq!(locked.load().unwrap(), None);
        let mut manifest = Manifest::new("http://x", Some("ws"), Path::new("/d"));
        manifest.files.insert(
            "a/b.txt".into(),
            Entry {
                sha256: "00".into(),
                size: 1,
                file_id: "file_1".into(),
                filename: "b.txt".into(),
            },
        );
        locked.save(&manifest).unwrap();
        assert_eq!(locked.load().unwrap(), Some(manifest));
        let names: Vec<_> = std::fs::read_dir(dir.path().join("m"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert_eq!(names.len(), 2, "no temporary file left: {names:?}");
    }

    #[test]
    fn a_second_sync_is_refused_while_the_first_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sync.json");
        let first = Locked::acquire(&path).unwrap();
        let second = Locked::acquire(&path).unwrap_err();
        assert!(
            second.summary().contains("another sync"),
            "{}",
            second.summary()
        );
        drop(first);
        Locked::acquire(&path).unwrap();
    }

    #[test]
    fn keys_differ_by_origin_workspace_and_directory() {
        let root = Path::new("/d");
        let a = key("http://x", None, root);
        assert_eq!(a.len(), 32);
        assert_ne!(a, key("http://y", None, root));
        assert_ne!(a, key("http://x", Some("ws"), root));
        assert_ne!(a, key("http://x", None, Path::new("/e")));
        assert_eq!(a, key("http://x", None, root));
    }
}
