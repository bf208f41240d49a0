//! Reading a file to upload: its size, the batch JSONL check, and the
//! read-ahead stream that feeds each attempt's body. A failure of the local
//! file is recorded in the request's [`LocalFailure`] slot, never disguised
//! as a network error.

use std::io;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use files_types::BatchJsonlValidator;
use futures_util::Stream;
use tokio::io::AsyncReadExt;

use crate::Error;
use crate::config::CHUNK_SIZE;
use crate::local_failure::LocalFailure;
use crate::regular_file::{Snapshot, open_regular_file};

/// Chunks read ahead of the network.
const READ_AHEAD: usize = 2;

/// The size and modification time of the regular file at `path`.
pub(super) async fn file_snapshot(path: &Path) -> Result<Snapshot, Error> {
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|e| Error::io("cannot read", path, e))?;
    if !meta.is_file() {
        return Err(Error::io(
            "cannot upload",
            path,
            io::Error::new(io::ErrorKind::InvalidInput, "not a regular file"),
        ));
    }
    Ok(Snapshot::of(&meta))
}

/// Streams a batch file through the JSONL check, in bounded memory.
pub(super) async fn check_batch_file(path: &Path) -> Result<(), Error> {
    let file = open_regular_file(path).map_err(|e| Error::io("cannot open", path, e))?;
    let mut file = tokio::fs::File::from_std(file);
    let mut check = BatchJsonlValidator::new();
    let mut buffer = vec![0; CHUNK_SIZE];
    loop {
        let n = file
            .read(&mut buffer)
            .await
            .map_err(|e| Error::io("cannot read", path, e))?;
        if n == 0 {
            break;
        }
        check.feed(&buffer[..n])?;
    }
    check.finish()?;
    Ok(())
}

/// The file at `path`, read ahead by a blocking task into a small bounded queue,
/// so that reading the disk overlaps sending: at most [`READ_AHEAD`] chunks of
/// [`CHUNK_SIZE`] bytes wait in memory. Opened when first polled (once per
/// attempt), without blocking, and only if it is still the regular file of
/// `expected`'s size and time; a file that changes fails the upload as a
/// local error.
pub(super) fn read_ahead(
    path: PathBuf,
    expected: Snapshot,
    failure: LocalFailure,
) -> impl Stream<Item = io::Result<Bytes>> + Send {
    let (sender, receiver) = tokio::sync::mpsc::channel::<io::Result<Bytes>>(READ_AHEAD);
    let mut reader = Some((path, sender, failure));
    futures_util::stream::unfold(receiver, move |mut receiver| {
        if let Some((path, sender, failure)) = reader.take() {
            // Dropped with the stream, the receiver stops the reader at its next send.
            tokio::task::spawn_blocking(move || read_chunks(&path, expected, &sender, &failure));
        }
        async move { receiver.recv().await.map(|chunk| (chunk, receiver)) }
    })
}

fn read_chunks(
    path: &Path,
    expected: Snapshot,
    sender: &tokio::sync::mpsc::Sender<io::Result<Bytes>>,
    failure: &LocalFailure,
) {
    use std::io::Read;
    let fail = |operation, err| {
        let _ = sender.blocking_send(Err(failure.record(Error::io(operation, path, err))));
    };
    let mut file = match open_regular_file(path) {
        Ok(file) => file,
        Err(e) => return fail("cannot open", e),
    };
    match file.metadata() {
        Ok(meta) if Snapshot::of(&meta) == expected => {}
        Ok(meta) => return fail("cannot upload", expected.changed(meta.len())),
        Err(e) => return fail("cannot read", e),
    }
    let mut sent = 0u64;
    loop {
        // `read_to_end` on `take` reads straight into the spare capacity: no
        // zeroing of each chunk first, and short reads are retried until it is full.
        let mut chunk = Vec::with_capacity(CHUNK_SIZE);
        if let Err(e) = (&mut file).take(CHUNK_SIZE as u64).read_to_end(&mut chunk) {
            return fail("cannot read", e);
        }
        sent += chunk.len() as u64;
        if sent > expected.len || (chunk.is_empty() && sent < expected.len) {
            return fail("cannot upload", expected.changed(sent));
        }
        if chunk.is_empty() {
            return;
        }
        if sender.blocking_send(Ok(Bytes::from(chunk))).is_err() {
            return; // the request was dropped
        }
    }
}
