//! The bench's inputs and the server's state between runs: files of
//! pseudo-random bytes, cleaning up what a run uploaded, the server's counters.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result};
use files_client::{Files, ListParams};
use futures_util::StreamExt;
use tokio::runtime::Runtime;

/// Deletes the newest file (the one a run just uploaded), to keep the disk bounded.
pub(super) fn delete_newest(runtime: &Runtime, files: &Files) -> Result<()> {
    runtime.block_on(async {
        let page = files.list(ListParams::new().limit(1)).await?;
        if let Some(file) = page.data().first() {
            files.delete(&file.id).await?;
        }
        Ok::<(), files_client::Error>(())
    })?;
    Ok(())
}

/// The id of the newest file, if any: a mark for [`delete_newer_than`].
pub(super) fn newest(runtime: &Runtime, files: &Files) -> Result<Option<String>> {
    let page = runtime.block_on(files.list(ListParams::new().limit(1)))?;
    Ok(page.data().first().map(|f| f.id.clone()))
}

/// Deletes every file newer than `mark` (all of them without one): what a run
/// uploaded. Returns how many it deleted.
pub(super) fn delete_newer_than(
    runtime: &Runtime,
    files: &Files,
    mark: Option<&str>,
) -> Result<usize> {
    runtime
        .block_on(async {
            let mut ids = Vec::new();
            let mut pages = files.list_pages(ListParams::new().limit(1000));
            'pages: while let Some(page) = pages.next().await {
                for file in page?.data() {
                    if Some(file.id.as_str()) == mark {
                        break 'pages;
                    }
                    ids.push(file.id.clone());
                }
            }
            let count = ids.len();
            let mut deleted = files.delete_many(ids).concurrency(16);
            while let Some(item) = deleted.next().await {
                item.result?;
            }
            Ok::<usize, files_client::Error>(count)
        })
        .context("cannot delete what the run uploaded")
}

/// Connections the server accepted so far (its admin stats route).
pub(super) fn accepted(base: &str) -> Result<u64> {
    let output = Command::new("curl")
        .args(["-sS", "-H"])
        .arg(format!(
            "x-admin-token: {}",
            crate::conformance::ADMIN_TOKEN
        ))
        .arg(format!("{base}/_admin/v1/stats"))
        .output()?;
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    json["connections_accepted"]
        .as_u64()
        .context("no connections_accepted in the stats")
}

/// `size` bytes of pseudo-random content (nothing compresses or dedupes it);
/// `seed` makes files of the same size differ.
pub(super) fn write_file(path: &Path, size: u64, seed: u64) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ seed.wrapping_mul(0xA24B_AED4_963E_E407);
    if state == 0 {
        state = 1;
    }
    let mut block = vec![0u8; (1 << 20).min(size.max(8) as usize)];
    let mut left = size;
    while left > 0 {
        for chunk in block.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let bytes = state.to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        let n = left.min(block.len() as u64) as usize;
        out.write_all(&block[..n])?;
        left -= n as u64;
    }
    out.flush()?;
    Ok(())
}

/// Reads the server's request log (`--log`) from `offset` on and returns the
/// HTTP versions of the requests logged since (the server logs each request
/// with its version), advancing `offset`.
pub(super) fn versions_since(log: &Path, offset: &mut u64) -> Result<BTreeSet<String>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut file = std::fs::File::open(log)?;
    file.seek(SeekFrom::Start(*offset))?;
    let mut text = Vec::new();
    file.read_to_end(&mut text)?;
    *offset += text.len() as u64;
    Ok(String::from_utf8_lossy(&text)
        .lines()
        .flat_map(|line| {
            ["HTTP/1.0", "HTTP/1.1", "HTTP/2.0", "HTTP/3.0"]
                .into_iter()
                .filter(move |v| line.contains(v))
        })
        .map(|v| match v {
            "HTTP/2.0" => "HTTP/2".to_owned(),
            "HTTP/3.0" => "HTTP/3".to_owned(),
            other => other.to_owned(),
        })
        .collect())
}
