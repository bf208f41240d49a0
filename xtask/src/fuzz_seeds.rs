//! `cargo xtask fuzz-seeds`: writes the chosen seeds of the structure-aware
//! fuzz targets (`server_requests`, `multipart_part_headers`,
//! `cursors_and_queries`) into `fuzz/corpus/<target>/`.
//!
//! Their input is what `arbitrary` decodes from libFuzzer's bytes, so a seed
//! is the bytes that decode to a chosen value of the target's own input types
//! (`fuzz/fuzz_targets/inputs/`, compiled here too): [`encode`] lays them out,
//! and each seed is decoded back with `arbitrary` and compared with the value
//! before it is written.

mod cursors;
mod encode;
mod parts;
mod requests;

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use arbitrary::{Arbitrary, Unstructured};

/// Writes every seed; fails if one does not decode to its value.
pub fn run(root: &Path) -> Result<()> {
    let corpus = root.join("fuzz/corpus");
    for (name, steps) in requests::seeds() {
        let bytes = requests::encode(&steps);
        let decoded =
            Vec::<requests::server_requests::Step>::arbitrary_take_rest(Unstructured::new(&bytes));
        check(name, decoded.ok().as_ref(), &steps)?;
        write(&corpus, "server_requests", name, &bytes)?;
    }
    for (name, input) in parts::seeds() {
        let bytes = parts::encode(&input);
        let decoded =
            parts::multipart_part_headers::Input::arbitrary_take_rest(Unstructured::new(&bytes));
        check(name, decoded.ok().as_ref(), &input)?;
        write(&corpus, "multipart_part_headers", name, &bytes)?;
    }
    for (name, input) in cursors::seeds() {
        let bytes = cursors::encode(&input);
        let decoded =
            cursors::cursors_and_queries::Input::arbitrary_take_rest(Unstructured::new(&bytes));
        check(name, decoded.ok().as_ref(), &input)?;
        write(&corpus, "cursors_and_queries", name, &bytes)?;
    }
    Ok(())
}

fn check<T: PartialEq + std::fmt::Debug>(name: &str, decoded: Option<&T>, meant: &T) -> Result<()> {
    if decoded != Some(meant) {
        bail!("seed {name} decodes to {decoded:?}, not {meant:?}");
    }
    Ok(())
}

fn write(corpus: &Path, target: &str, name: &str, bytes: &[u8]) -> Result<()> {
    let dir = corpus.join(target);
    fs::create_dir_all(&dir)?;
    let path = dir.join(name);
    fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    println!("fuzz-seeds: {} ({} bytes)", path.display(), bytes.len());
    Ok(())
}
