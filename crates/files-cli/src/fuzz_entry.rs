//! Entry points for the fuzz targets in `fuzz/`: the sync manifest reader and
//! planner, and `--transform`. Compiled only with `--cfg fuzzing` (cargo-fuzz
//! sets it); hidden, unstable, and not for any other use.

use std::collections::HashMap;
use std::path::PathBuf;

pub use crate::commands::sync::manifest::{Entry, Manifest, Orphan};
pub use crate::commands::sync::plan::{Reason, Remote};

use crate::commands::sync::{manifest, plan, scan};
use crate::failure::Failure;

/// A manifest file's bytes read as `sync` reads them; the error's text when
/// they are not a manifest.
pub fn read_manifest(text: &[u8]) -> Result<Manifest, String> {
    manifest::parse(text).map_err(|err| err.to_string())
}

/// A manifest as `sync` writes it.
pub fn write_manifest(manifest: &Manifest) -> Vec<u8> {
    serde_json::to_vec_pretty(manifest).unwrap_or_default()
}

/// A local file as the scan found it: `(relative path, size, sha256, filename)`.
pub type Local = (String, u64, String, String);

/// What [`plan`] decided.
#[derive(Debug, Clone, Default)]
pub struct Planned {
    /// Files to upload, with why.
    pub uploads: Vec<(String, Reason)>,
    /// Files unchanged.
    pub unchanged: usize,
    /// Files adopted: `(path, file id)`.
    pub adopted: Vec<(String, String)>,
}

/// Plans a sync of `local` files (and `unreadable` paths) against `manifest`
/// and the remote `listing` (file id → remote file), updating `manifest` as
/// `sync` does before it sends anything.
pub fn plan(
    local: &[Local],
    unreadable: &[String],
    manifest: &mut Manifest,
    listing: &HashMap<String, Remote>,
    adopt: bool,
) -> Planned {
    let scan = scan::Scan {
        files: local
            .iter()
            .map(|(rel, size, sha256, filename)| scan::LocalEntry {
                rel: rel.clone(),
                path: PathBuf::from(rel),
                size: *size,
                sha256: sha256.clone(),
                filename: filename.clone(),
                modified: None,
            })
            .collect(),
        failed: unreadable
            .iter()
            .map(|rel| (rel.clone(), Failure::Store("unreadable".to_owned())))
            .collect(),
        skipped: Vec::new(),
    };
    let planned = plan::plan(&scan, manifest, listing, adopt);
    Planned {
        uploads: planned
            .uploads
            .into_iter()
            .map(|u| (u.local.rel, u.reason))
            .collect(),
        unchanged: planned.unchanged,
        adopted: planned.adopted,
    }
}

/// `--transform PATH` applied to the JSON text `json`, as compact JSON text;
/// `None` when `json` is not JSON.
pub fn transform(json: &str, path: &str) -> Option<String> {
    let document = crate::output::document::from_json_text(json)?;
    Some(crate::output::document::to_json_text(
        &crate::output::transform::apply(&document, path),
    ))
}
