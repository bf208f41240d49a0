//! Saving a download to a path atomically: a temporary file next to the target,
//! created with the mode `File::create` would give, then renamed over the target
//! (or moved to it only if nothing is there yet).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use tempfile::{NamedTempFile, TempPath};

use crate::Error;

/// The longest file name most file systems accept (`NAME_MAX`), in bytes.
const NAME_MAX: usize = 255;

/// What the temporary name adds around the target's name: `.` before it, then
/// `.`, [`RANDOM_CHARS`] random characters and [`SUFFIX`].
const RANDOM_CHARS: usize = 6;
const SUFFIX: &str = ".part";
const NAME_OVERHEAD: usize = 1 + 1 + RANDOM_CHARS + SUFFIX.len();

/// How the finished file takes its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Persist {
    /// Replaces whatever is at the path (as `File::create` would).
    Overwrite,
    /// Fails with [`std::io::ErrorKind::AlreadyExists`] if anything is at the path,
    /// atomically (`renameat2(RENAME_NOREPLACE)`, else a hard link).
    NoClobber,
    /// As `NoClobber`, trying `stem (1).ext`, `stem (2).ext`, … while the
    /// name is taken.
    UniqueName,
}

/// The most alternative names [`Persist::UniqueName`] tries.
const MAX_ALTERNATIVES: u32 = 999;

/// `stem (n).ext` next to `path`.
fn alternative(path: &Path, n: u32) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or_else(|| "download".into(), OsStr::to_string_lossy);
    let name = match path.extension() {
        Some(ext) => format!("{stem} ({n}).{}", ext.to_string_lossy()),
        None => format!("{stem} ({n})"),
    };
    let name = truncate_keeping_end(&name, NAME_MAX);
    parent_dir(path).join(name)
}

/// `text` cut at the front, at a character boundary, to at most `max` bytes.
fn truncate_keeping_end(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    text[start..].to_owned()
}

/// The directory a file at `path` lives in (`.` for a bare name).
pub(crate) fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A new temporary file in `dir` for a download to be saved as `name`:
/// `.NAME.XXXXXX.part`, with `NAME` cut (at a character boundary) so that the
/// whole name fits in [`NAME_MAX`] bytes. On Unix it is created with mode 0666
/// and the process umask applies, as for `File::create`, so the saved file gets
/// the permissions any newly created file would.
pub(crate) fn temp_file(dir: &Path, name: Option<&OsStr>) -> Result<NamedTempFile, Error> {
    let name = name.map_or_else(|| "download".into(), OsStr::to_string_lossy);
    let name = truncate(&name, NAME_MAX - NAME_OVERHEAD);
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder
        .prefix(&prefix)
        .suffix(SUFFIX)
        .rand_bytes(RANDOM_CHARS);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // The mode goes to open(2), which applies the umask (as File::create does).
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder
        .tempfile_in(dir)
        .map_err(|e| Error::io("cannot create a temporary file in", dir, e))
}

/// Moves the finished temporary file to `path` (or, for
/// [`Persist::UniqueName`], the first free alternative), then makes the rename
/// durable; returns where it went. On failure the temporary file is removed.
pub(crate) fn persist(temp: TempPath, path: &Path, mode: Persist) -> Result<PathBuf, Error> {
    if mode == Persist::UniqueName {
        return persist_unique(temp, path);
    }
    let persisted = match mode {
        Persist::Overwrite => temp.persist(path),
        _ => temp.persist_noclobber(path),
    };
    // On an error, the returned TempPath is dropped here: the temporary file goes.
    persisted.map_err(|e| match mode {
        Persist::Overwrite => Error::io("cannot rename a download to", path, e.error),
        _ => Error::io("cannot save a download as", path, e.error),
    })?;
    sync_dir(&parent_dir(path));
    Ok(path.to_path_buf())
}

fn persist_unique(mut temp: TempPath, path: &Path) -> Result<PathBuf, Error> {
    let mut candidate = path.to_path_buf();
    for n in 1..=MAX_ALTERNATIVES + 1 {
        match temp.persist_noclobber(&candidate) {
            Ok(()) => {
                sync_dir(&parent_dir(&candidate));
                return Ok(candidate);
            }
            Err(err)
                if err.error.kind() == std::io::ErrorKind::AlreadyExists
                    && n <= MAX_ALTERNATIVES =>
            {
                temp = err.path;
                candidate = alternative(path, n);
            }
            Err(err) => {
                return Err(Error::io(
                    "cannot save a download as",
                    &candidate,
                    err.error,
                ));
            }
        }
    }
    Err(Error::io(
        "cannot save a download as",
        path,
        std::io::ErrorKind::AlreadyExists.into(),
    ))
}

/// The longest prefix of `text` of at most `max` bytes that ends at a character
/// boundary.
fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Makes the rename durable (best effort: not every platform can sync a directory).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = std::fs::File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cut_at_a_character_boundary() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 3), "abc");
        assert_eq!(truncate("aé", 2), "a"); // é is 2 bytes: never split
        assert_eq!(truncate("ééé", 5), "éé");
    }

    #[test]
    fn temporary_names_fit_name_max_whatever_the_target() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["x".repeat(255), "é".repeat(127), "a".into()] {
            let temp = temp_file(dir.path(), Some(OsStr::new(&name))).unwrap();
            let temp_name = temp.path().file_name().unwrap().len();
            assert!(temp_name <= NAME_MAX, "{temp_name} bytes");
        }
        let unnamed = temp_file(dir.path(), None).unwrap();
        let unnamed = unnamed.path().file_name().unwrap().to_string_lossy();
        assert!(
            unnamed.starts_with(".download.") && unnamed.ends_with(".part"),
            "{unnamed}"
        );
    }
}
