//! The sync manifest reader, and the sync plan made from what it read.
//!
//! Properties: a manifest that reads writes and reads back equal (and of the
//! current version); the plan accounts for every local file exactly once
//! (upload, unchanged or adopted); afterwards the manifest tracks only files
//! that exist locally (or could not be read), no file id twice, and every
//! orphan it keeps is still listed remotely.
#![no_main]

use std::collections::{HashMap, HashSet};

use arbitrary::{Arbitrary, Unstructured};
use files_cli::__fuzz::{Local, Remote, plan, read_manifest, write_manifest};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    local: Vec<(String, u8, u8, String)>,
    unreadable: Vec<String>,
    listing: Vec<(String, String, u8)>,
    adopt: bool,
}

fuzz_target!(|data: &[u8]| {
    // The manifest file, a NUL, then the local files and the remote listing.
    let split = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let Ok(mut manifest) = read_manifest(&data[..split]) else {
        return;
    };
    let Ok(input) =
        Input::arbitrary_take_rest(Unstructured::new(data.get(split + 1..).unwrap_or_default()))
    else {
        return;
    };
    let written = write_manifest(&manifest);
    let again = read_manifest(&written).expect("a written manifest reads");
    assert_eq!(again, manifest);

    // Local paths are unique (they come from one directory walk).
    let mut seen = HashSet::new();
    let local: Vec<Local> = input
        .local
        .iter()
        .filter(|(rel, ..)| seen.insert(rel.clone()))
        .map(|(rel, size, hash, filename)| {
            (
                rel.clone(),
                u64::from(*size),
                format!("{hash:064x}"),
                filename.clone(),
            )
        })
        .collect();
    let unreadable: Vec<String> = input
        .unreadable
        .iter()
        .filter(|rel| !seen.contains(*rel))
        .cloned()
        .collect();
    let listing: HashMap<String, Remote> = input
        .listing
        .iter()
        .map(|(id, filename, size)| {
            (
                id.clone(),
                Remote {
                    filename: filename.clone(),
                    size: u64::from(*size),
                    created: None,
                },
            )
        })
        .collect();
    let ids_before: HashSet<String> = manifest
        .files
        .values()
        .map(|e| e.file_id.clone())
        .chain(manifest.orphans.iter().map(|o| o.file_id.clone()))
        .collect();

    let planned = plan(&local, &unreadable, &mut manifest, &listing, input.adopt);

    let mut accounted: Vec<&str> = planned
        .uploads
        .iter()
        .map(|(rel, _)| rel.as_str())
        .collect();
    accounted.extend(planned.adopted.iter().map(|(rel, _)| rel.as_str()));
    assert_eq!(accounted.len() + planned.unchanged, local.len());
    let accounted_set: HashSet<&str> = accounted.iter().copied().collect();
    assert_eq!(accounted_set.len(), accounted.len(), "a file planned twice");
    let present: HashSet<&str> = local
        .iter()
        .map(|(rel, ..)| rel.as_str())
        .chain(unreadable.iter().map(String::as_str))
        .collect();
    for rel in manifest.files.keys() {
        assert!(present.contains(rel.as_str()), "{rel:?} tracked but gone");
    }
    for orphan in &manifest.orphans {
        assert!(
            listing.contains_key(&orphan.file_id),
            "orphan {} not listed",
            orphan.file_id
        );
    }
    for (_, id) in &planned.adopted {
        assert!(listing.contains_key(id), "adopted {id} not listed");
        assert!(
            !ids_before.contains(id),
            "adopted {id}, which the manifest already had"
        );
    }
    let adopted: Vec<&String> = planned.adopted.iter().map(|(_, id)| id).collect();
    let unique: HashSet<&String> = adopted.iter().copied().collect();
    assert_eq!(unique.len(), adopted.len(), "one remote file adopted twice");
    let _ = write_manifest(&manifest);
});
