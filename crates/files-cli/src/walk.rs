//! Finding the files under paths: files as they are, directories descended
//! in name order.
//!
//! Paths named on the command line are followed wherever they point. Below a
//! directory, symbolic links are followed only when they stay in the tree
//! and lead to a regular file, as `rsync --safe-links` and git keep a clone's
//! links from reaching outside it: a link out of the tree (a planted
//! `innocent.txt -> ~/.ssh/id_rsa`), to a directory or nowhere is skipped and
//! reported, unless [`Links::Follow`]. FIFOs, sockets and devices are skipped
//! and reported too.

use std::fs::FileType;
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

/// What a path gave: a file, a failure, or a path left out on purpose.
#[derive(Debug)]
pub enum Found {
    /// A regular file.
    File(LocalFile),
    /// A path that could not be used.
    Failed(PathBuf, Failure),
    /// A path below a directory that is not uploaded, and why.
    Skipped(PathBuf, String),
}

/// What to do with symbolic links below a directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Links {
    /// Follow a link only when it resolves to a regular file in the tree.
    InTree,
    /// Follow every link (`--follow-links`); loops are reported.
    Follow,
}

impl Links {
    /// `--follow-links` given or not.
    pub fn from_flag(follow: bool) -> Self {
        if follow { Self::Follow } else { Self::InTree }
    }
}

/// The files under `paths`: a file is itself; a directory is an error unless
/// `recursive`, then every regular file below it.
pub fn collect(paths: &[PathBuf], recursive: bool, links: Links) -> Vec<Found> {
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
            Ok(meta) if meta.is_dir() => descend(path, links, &mut found),
            Ok(meta) if meta.is_file() => found.push(Found::File(LocalFile {
                path: path.clone(),
                size: meta.len(),
            })),
            Ok(meta) => found.push(Found::Failed(
                path.clone(),
                Failure::Usage(format!(
                    "{} is {}, not a regular file",
                    path.display(),
                    kind(&meta.file_type())
                )),
            )),
        }
    }
    found
}

/// Every regular file below `dir`, in name order; links as `links` says.
pub fn descend(dir: &Path, links: Links, found: &mut Vec<Found>) {
    let root = match std::fs::canonicalize(dir) {
        Ok(root) => root,
        Err(err) => {
            found.push(Found::Failed(
                dir.to_path_buf(),
                Failure::io("cannot read", dir, err),
            ));
            return;
        }
    };
    let entries = walkdir::WalkDir::new(dir)
        .follow_links(links == Links::Follow)
        .sort_by_file_name();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(dir).to_path_buf();
                let failure = Failure::io("cannot read", &path, std::io::Error::other(err));
                found.push(Found::Failed(path, failure));
                continue;
            }
        };
        let file_type = entry.file_type();
        if file_type.is_dir() {
            continue;
        }
        let path = entry.into_path();
        if file_type.is_symlink() {
            found.push(in_tree_link(path, &root, dir));
        } else if file_type.is_file() {
            found.push(regular(path));
        } else {
            let why = format!("{}: not a regular file", kind(&file_type));
            found.push(Found::Skipped(path, why));
        }
    }
}

/// A link below the tree (never followed by the walk): the file it leads to
/// when that is a regular file inside `root`, else skipped.
fn in_tree_link(path: PathBuf, root: &Path, dir: &Path) -> Found {
    let not_followed = "not followed (--follow-links follows it)";
    let Ok(target) = std::fs::canonicalize(&path) else {
        return Found::Skipped(path, "a symbolic link to nothing".to_owned());
    };
    if !target.starts_with(root) {
        let why = format!("a symbolic link out of {}: {not_followed}", dir.display());
        return Found::Skipped(path, why);
    }
    match std::fs::metadata(&target) {
        Ok(meta) if meta.is_file() => regular(path),
        Ok(meta) if meta.is_dir() => Found::Skipped(
            path,
            format!("a symbolic link to a directory: {not_followed}"),
        ),
        Ok(meta) => Found::Skipped(
            path,
            format!(
                "a symbolic link to {}: not a regular file",
                kind(&meta.file_type())
            ),
        ),
        Err(err) => {
            let failure = Failure::io("cannot read", &path, err);
            Found::Failed(path, failure)
        }
    }
}

/// A regular file, with its size (of the file a link leads to).
fn regular(path: PathBuf) -> Found {
    match std::fs::metadata(&path) {
        Ok(meta) => Found::File(LocalFile {
            path,
            size: meta.len(),
        }),
        Err(err) => {
            let failure = Failure::io("cannot read", &path, err);
            Found::Failed(path, failure)
        }
    }
}

/// What a file type is, for messages ("a FIFO", "a socket", ...).
pub fn kind(file_type: &FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_block_device() || file_type.is_char_device() {
            return "a device";
        }
    }
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "a special file"
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
        let flat = collect(&paths, false, Links::InTree);
        assert!(matches!(&flat[0], Found::Failed(_, Failure::Usage(_))));
        assert!(matches!(
            &flat[1],
            Found::Failed(_, Failure::LocalIo { .. })
        ));
        let deep = collect(&paths, true, Links::InTree);
        let files: Vec<(PathBuf, u64)> = deep
            .iter()
            .filter_map(|f| match f {
                Found::File(f) => Some((f.path.clone(), f.size)),
                Found::Failed(..) | Found::Skipped(..) => None,
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

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_tree_fifos_and_sockets_are_skipped_unless_followed() {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("id_rsa"), "KEY").unwrap();
        let tree = tempfile::tempdir().unwrap();
        let dir = tree.path();
        std::fs::write(dir.join("real.txt"), "real").unwrap();
        symlink(outside.path().join("id_rsa"), dir.join("innocent.txt")).unwrap();
        symlink(outside.path(), dir.join("linked")).unwrap();
        symlink("real.txt", dir.join("alias.txt")).unwrap();
        symlink("missing", dir.join("broken")).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(dir.join("pipe"))
            .status()
            .unwrap();
        assert!(made.success());
        let _socket = std::os::unix::net::UnixListener::bind(dir.join("sock")).unwrap();

        let mut found = Vec::new();
        descend(dir, Links::InTree, &mut found);
        let mut files = Vec::new();
        let mut skipped = Vec::new();
        for item in found {
            match item {
                Found::File(f) => files.push(f.path.strip_prefix(dir).unwrap().to_path_buf()),
                Found::Skipped(p, why) => {
                    skipped.push((p.strip_prefix(dir).unwrap().display().to_string(), why));
                }
                Found::Failed(p, f) => panic!("{p:?}: {f:?}"),
            }
        }
        assert_eq!(
            files,
            [PathBuf::from("alias.txt"), PathBuf::from("real.txt")]
        );
        let names: Vec<&str> = skipped.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(names, ["broken", "innocent.txt", "linked", "pipe", "sock"]);
        assert!(skipped[1].1.contains("out of"), "{:?}", skipped[1]);
        assert!(skipped[3].1.contains("FIFO"), "{:?}", skipped[3]);
        assert!(skipped[4].1.contains("socket"), "{:?}", skipped[4]);

        let mut found = Vec::new();
        descend(dir, Links::Follow, &mut found);
        let files = found.iter().filter(|f| matches!(f, Found::File(_))).count();
        assert_eq!(
            files, 4,
            "alias, real, innocent and linked/id_rsa: {found:?}"
        );
    }
}
