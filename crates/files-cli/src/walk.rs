//! Finding the files under paths: files as they are, directories descended
//! (following symbolic links, loops reported), in name order.

use std::path::{Path, PathBuf};

use crate::failure::Failure;

/// A regular file found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    /// Its path (under the path given).
    pub path: PathBuf,
    /// Its size when found.
    pub size: u64,
}

/// What a path gave: a file, or a failure for that path.
#[derive(Debug)]
pub enum Found {
    /// A regular file.
    File(LocalFile),
    /// A path that could not be used.
    Failed(PathBuf, Failure),
}

/// The files under `paths`: a file is itself; a directory is an error unless
/// `recursive`, then every regular file below it.
pub fn collect(paths: &[PathBuf], recursive: bool) -> Vec<Found> {
    let mut found = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(err) => found.push(Found::Failed(
                path.clone(),
                Failure::io("cannot read", path, err),
            )),
            Ok(meta) if meta.is_dir() && !recursive => found.push(Found::Failed(
                path.clone(),
                Failure::Usage(format!(
                    "{} is a directory (use --recursive to upload the files in it)",
                    path.display()
                )),
            )),
            Ok(meta) if meta.is_dir() => descend(path, &mut found),
            Ok(meta) if meta.is_file() => found.push(Found::File(LocalFile {
                path: path.clone(),
                size: meta.len(),
            })),
            Ok(_) => found.push(Found::Failed(
                path.clone(),
                Failure::Usage(format!("{} is not a regular file", path.display())),
            )),
        }
    }
    found
}

/// Every regular file below `dir`, in name order.
pub fn descend(dir: &Path, found: &mut Vec<Found>) {
    let entries = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name();
    for entry in entries {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let path = entry.into_path();
                match std::fs::metadata(&path) {
                    Ok(meta) => found.push(Found::File(LocalFile {
                        path,
                        size: meta.len(),
                    })),
                    Err(err) => {
                        let failure = Failure::io("cannot read", &path, err);
                        found.push(Found::Failed(path, failure));
                    }
                }
            }
            Ok(_) => {}
            Err(err) => {
                let path = err.path().unwrap_or(dir).to_path_buf();
                let failure = Failure::io("cannot read", &path, std::io::Error::other(err));
                found.push(Found::Failed(path, failure));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_need_recursive_and_are_walked_in_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("b.txt"), "bb").unwrap();
        std::fs::write(dir.path().join("sub/a.txt"), "a").unwrap();
        let paths = [dir.path().to_path_buf(), dir.path().join("missing")];
        let flat = collect(&paths, false);
        assert!(matches!(&flat[0], Found::Failed(_, Failure::Usage(_))));
        assert!(matches!(
            &flat[1],
            Found::Failed(_, Failure::LocalIo { .. })
        ));
        let deep = collect(&paths, true);
        let files: Vec<(PathBuf, u64)> = deep
            .iter()
            .filter_map(|f| match f {
                Found::File(f) => Some((f.path.clone(), f.size)),
                Found::Failed(..) => None,
            })
            .collect();
        assert_eq!(
            files,
            [
                (dir.path().join("b.txt"), 2),
                (dir.path().join("sub/a.txt"), 1)
            ]
        );
        assert_eq!(deep.len(), 3);
    }
}
