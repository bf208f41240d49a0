//! `download FILE_ID`: writes a file's content to a path or to stdout, with a progress
//! bar on a terminal.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use files_client::{Download, Error, Files, portable_file_name};
use futures_util::StreamExt;

use crate::cli::DownloadArgs;
use crate::failure::Failure;
use crate::output::stdout_failure;
use crate::ui::Ui;

/// Where the content goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Standard output.
    Stdout,
    /// A file.
    File {
        /// The file's path.
        path: PathBuf,
        /// Whether the name came from the download (then an existing file is
        /// never overwritten) rather than from `-o`.
        named_by_server: bool,
    },
}

/// Picks the destination: `-o -` is stdout; `-o DIR` (an existing directory) is
/// `DIR/NAME`; `-o PATH` is `PATH`; without `-o`, stdout unless it is a terminal,
/// then `./NAME`. `NAME` is `name`, already reduced to a last path component.
pub fn destination(output: Option<&Path>, stdout_is_terminal: bool, name: &str) -> Destination {
    match output {
        Some(path) if path.as_os_str() == "-" => Destination::Stdout,
        Some(dir) if dir.is_dir() => Destination::File {
            path: dir.join(name),
            named_by_server: true,
        },
        Some(path) => Destination::File {
            path: path.to_path_buf(),
            named_by_server: false,
        },
        None if !stdout_is_terminal => Destination::Stdout,
        None => Destination::File {
            path: PathBuf::from(name),
            named_by_server: true,
        },
    }
}

/// A safe local name for the download: the Content-Disposition filename
/// (already made portable by the client), else the file id made portable the
/// same way, else `download`.
pub fn local_name(header_name: Option<&str>, file_id: &str) -> String {
    header_name
        .and_then(portable_file_name)
        .or_else(|| portable_file_name(file_id))
        .unwrap_or_else(|| "download".to_owned())
}

/// Downloads the one file `args` names.
///
/// # Errors
/// The file is not downloadable or not found (API errors), the connection failed
/// or the body ended early, or the destination cannot be written.
pub async fn run(files: &Files, args: &DownloadArgs, ui: Ui) -> Result<(), Failure> {
    let file_id = args.id();
    let download = files.download(file_id).await?;
    let name = local_name(download.filename(), file_id);
    let target = destination(
        args.output.as_deref(),
        std::io::stdout().is_terminal(),
        &name,
    );
    let bar = ui.transfer_bar("download", download.content_length());
    let download = download.on_progress(bar.callback());
    let result = match &target {
        Destination::Stdout => to_stdout(download).await,
        Destination::File {
            path,
            named_by_server,
        } => to_file(download, path, *named_by_server).await,
    };
    bar.finish();
    let written = result?;
    if let Destination::File { path, .. } = &target {
        ui.notice(&format!("saved {} ({written} bytes)", path.display()));
    }
    Ok(())
}

async fn to_stdout(download: Download) -> Result<u64, Failure> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout());
    let mut chunks = download.into_stream();
    let mut written = 0u64;
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk?;
        stdout.write_all(&chunk).map_err(stdout_failure)?;
        written += chunk.len() as u64;
    }
    stdout.flush().map_err(stdout_failure)?;
    Ok(written)
}

/// Saves the download: a name the server chose never replaces an existing file
/// (an atomic no-clobber move, so two downloads racing for one name cannot both
/// win); `-o PATH` replaces, as `File::create` or `curl -o` would.
async fn to_file(download: Download, path: &Path, named_by_server: bool) -> Result<u64, Failure> {
    if !named_by_server {
        return Ok(download.write_to(path).await?);
    }
    match download.write_to_new(path).await {
        Err(Error::Io { source, .. }) if source.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(Failure::io(
                "refusing to overwrite",
                path,
                std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "the file exists; choose the destination with -o PATH",
                ),
            ))
        }
        other => Ok(other?),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_in_the_current_directory() {
        assert_eq!(local_name(Some("report.csv"), "file_1"), "report.csv");
        assert_eq!(local_name(Some("../../etc/passwd"), "file_1"), "passwd");
        assert_eq!(local_name(Some(".."), "file_1"), "file_1");
        assert_eq!(local_name(Some(""), "file_1"), "file_1");
        assert_eq!(local_name(None, "file_1"), "file_1");
        assert_eq!(
            local_name(Some("\u{1b}[31mgift\u{202E}fdp.exe"), "file_1"),
            "[31mgiftfdp.exe"
        );
        assert_eq!(local_name(Some("\u{202E}"), "file_1"), "file_1");
        assert_eq!(local_name(None, r"..\..\x"), "x");
        assert_eq!(local_name(Some("C:x.txt"), "file_1"), "C_x.txt");
        assert_eq!(local_name(None, ".."), "download");
    }

    #[test]
    fn the_destination_follows_output_and_the_terminal() {
        assert_eq!(
            destination(Some(Path::new("-")), true, "a.csv"),
            Destination::Stdout
        );
        assert_eq!(destination(None, false, "a.csv"), Destination::Stdout);
        assert_eq!(
            destination(None, true, "a.csv"),
            Destination::File {
                path: PathBuf::from("a.csv"),
                named_by_server: true
            }
        );
        assert_eq!(
            destination(Some(Path::new("out/x.bin")), false, "a.csv"),
            Destination::File {
                path: PathBuf::from("out/x.bin"),
                named_by_server: false
            }
        );
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            destination(Some(dir.path()), false, "a.csv"),
            Destination::File {
                path: dir.path().join("a.csv"),
                named_by_server: true
            }
        );
    }
}
