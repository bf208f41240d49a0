//! [`open_regular_file`]: opening a local file to read without ever
//! blocking on what is not a regular file, and [`Snapshot`]: what a file was
//! when an upload started, to notice it changing between attempts.

use std::fs::{File, Metadata};
use std::io;
use std::path::Path;
use std::time::SystemTime;

/// Opens `path` for reading, refusing anything but a regular file (after
/// following links).
///
/// On Unix the open is non-blocking (`O_NONBLOCK`), so a path that is (or
/// has just become) a FIFO or a device fails at once with
/// [`InvalidInput`](io::ErrorKind::InvalidInput) instead of waiting forever
/// for a writer; a regular file reads as usual.
///
/// ```
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("a.txt"), "a")?;
/// assert!(files_client::open_regular_file(&dir.path().join("a.txt")).is_ok());
/// let err = files_client::open_regular_file(dir.path()).unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// # Errors
///
/// The file cannot be opened, or it is not a regular file.
pub fn open_regular_file(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}, not a regular file", kind(&meta)),
        ));
    }
    Ok(file)
}

/// What a file type is, for messages.
fn kind(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let file_type = meta.file_type();
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
    if meta.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// A file's size and modification time when an upload started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Snapshot {
    /// The size in bytes.
    pub len: u64,
    modified: Option<SystemTime>,
}

impl Snapshot {
    /// The snapshot of `meta`.
    pub(crate) fn of(meta: &Metadata) -> Self {
        Self {
            len: meta.len(),
            modified: meta.modified().ok(),
        }
    }

    /// The error when the file is no longer what it was: `now` bytes.
    pub(crate) fn changed(self, now: u64) -> io::Error {
        io::Error::other(format!(
            "the file changed while it was being uploaded ({} bytes when the upload \
             started, {now} now): nothing more was sent",
            self.len
        ))
    }
}
