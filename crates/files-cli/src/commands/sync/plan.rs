//! The plan of a sync, from the local files, the manifest and the API's
//! listing: what to upload, what is unchanged, what an earlier sync uploaded
//! that is no longer current, and which remote files are duplicates left by
//! lost answers.

use std::collections::{HashMap, HashSet};

use super::manifest::{Manifest, Orphan};
use super::scan::{LocalEntry, Scan};

/// A remote file, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// Its filename.
    pub filename: String,
    /// Its size.
    pub size: u64,
}

/// The API's files, by id.
pub type Listing = HashMap<String, Remote>;

/// Why a file is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Not in the manifest.
    New,
    /// Its content changed since the last sync.
    Changed,
    /// Unchanged, but its remote copy is gone or differs.
    Missing,
}

impl Reason {
    /// The reason's name in results.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Changed => "changed",
            Self::Missing => "missing remotely",
        }
    }
}

/// A file to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The local file.
    pub local: LocalEntry,
    /// Why.
    pub reason: Reason,
}

/// What a sync will do.
#[derive(Debug, Default)]
pub struct Plan {
    /// Files to upload.
    pub uploads: Vec<Upload>,
    /// Files unchanged (nothing to send).
    pub unchanged: usize,
}

/// Plans the sync of `scan` and updates `manifest` for what needs no request:
/// files gone locally become orphans, orphans and entries whose remote copy is
/// gone are forgotten.
pub fn plan(scan: &Scan, manifest: &mut Manifest, listing: &Listing) -> Plan {
    let mut plan = Plan::default();
    let local: HashSet<&str> = scan.files.iter().map(|f| f.rel.as_str()).collect();
    let unreadable: HashSet<&str> = scan.failed.iter().map(|(rel, _)| rel.as_str()).collect();
    // Tracked files gone locally (and not merely unreadable) are no longer current.
    let gone: Vec<String> = manifest
        .files
        .keys()
        .filter(|rel| !local.contains(rel.as_str()) && !unreadable.contains(rel.as_str()))
        .cloned()
        .collect();
    for rel in gone {
        if let Some(entry) = manifest.files.remove(&rel) {
            manifest.orphans.push(Orphan {
                file_id: entry.file_id,
                path: rel,
                reason: "removed locally".to_owned(),
            });
        }
    }
    manifest
        .orphans
        .retain(|orphan| listing.contains_key(&orphan.file_id));
    for file in &scan.files {
        let reason = match manifest.files.get(&file.rel) {
            None => Reason::New,
            Some(entry) if entry.sha256 != file.sha256 || entry.size != file.size => {
                Reason::Changed
            }
            Some(entry) => match listing.get(&entry.file_id) {
                Some(remote) if remote.size == entry.size && remote.filename == entry.filename => {
                    plan.unchanged += 1;
                    continue;
                }
                _ => Reason::Missing,
            },
        };
        plan.uploads.push(Upload {
            local: file.clone(),
            reason,
        });
    }
    plan
}

/// Remote files with the filename and size of a file the manifest tracks (or
/// of a file about to be uploaded) whose id the manifest does not know: copies
/// stored by uploads whose answer was lost. Sorted by id.
pub fn duplicates(manifest: &Manifest, uploads: &[Upload], listing: &Listing) -> Vec<Orphan> {
    let known: HashSet<&str> = manifest
        .files
        .values()
        .map(|e| e.file_id.as_str())
        .chain(manifest.orphans.iter().map(|o| o.file_id.as_str()))
        .collect();
    let mut tracked: HashMap<(&str, u64), &str> = HashMap::new();
    for (rel, entry) in &manifest.files {
        tracked.insert((entry.filename.as_str(), entry.size), rel.as_str());
    }
    for upload in uploads {
        let local = &upload.local;
        tracked.insert((local.filename.as_str(), local.size), local.rel.as_str());
    }
    let mut found: Vec<Orphan> = listing
        .iter()
        .filter(|(id, _)| !known.contains(id.as_str()))
        .filter_map(|(id, remote)| {
            tracked
                .get(&(remote.filename.as_str(), remote.size))
                .map(|rel| Orphan {
                    file_id: id.clone(),
                    path: (*rel).to_owned(),
                    reason: "duplicate".to_owned(),
                })
        })
        .collect();
    found.sort_by(|a, b| a.file_id.cmp(&b.file_id));
    found
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::super::manifest::Entry;
    use super::*;

    fn local(rel: &str, content: &str) -> LocalEntry {
        LocalEntry {
            rel: rel.to_owned(),
            path: PathBuf::from(rel),
            size: content.len() as u64,
            sha256: format!("sha-{content}"),
            filename: rel.rsplit('/').next().unwrap().to_owned(),
        }
    }

    fn entry(file: &LocalEntry, id: &str) -> Entry {
        Entry {
            sha256: file.sha256.clone(),
            size: file.size,
            file_id: id.to_owned(),
            filename: file.filename.clone(),
        }
    }

    fn remote(file: &LocalEntry) -> Remote {
        Remote {
            filename: file.filename.clone(),
            size: file.size,
        }
    }

    #[test]
    fn new_changed_missing_unchanged_and_gone() {
        let same = local("same.txt", "s");
        let changed_old = local("d/changed.txt", "old");
        let changed = local("d/changed.txt", "new!");
        let missing = local("missing.txt", "m");
        let gone = local("gone.txt", "g");
        let fresh = local("fresh.txt", "f");
        let mut manifest = Manifest::new("o", None, Path::new("/r"));
        for (file, id) in [
            (&same, "f1"),
            (&changed_old, "f2"),
            (&missing, "f3"),
            (&gone, "f4"),
        ] {
            manifest.files.insert(file.rel.clone(), entry(file, id));
        }
        manifest.orphans.push(Orphan {
            file_id: "deleted-elsewhere".into(),
            path: "x".into(),
            reason: "removed locally".into(),
        });
        let listing: Listing = [
            ("f1", remote(&same)),
            ("f2", remote(&changed_old)),
            ("f4", remote(&gone)),
            ("dup", remote(&fresh)),
            (
                "unrelated",
                Remote {
                    filename: "other".into(),
                    size: 1,
                },
            ),
        ]
        .into_iter()
        .map(|(id, r)| (id.to_owned(), r))
        .collect();
        let scan = Scan {
            files: vec![same, changed, missing, fresh],
            ..Scan::default()
        };
        let plan = plan(&scan, &mut manifest, &listing);
        assert_eq!(plan.unchanged, 1);
        let uploads: Vec<(&str, Reason)> = plan
            .uploads
            .iter()
            .map(|u| (u.local.rel.as_str(), u.reason))
            .collect();
        assert_eq!(
            uploads,
            [
                ("d/changed.txt", Reason::Changed),
                ("missing.txt", Reason::Missing),
                ("fresh.txt", Reason::New)
            ]
        );
        assert_eq!(
            manifest.orphans,
            [Orphan {
                file_id: "f4".into(),
                path: "gone.txt".into(),
                reason: "removed locally".into()
            }]
        );
        let dups = duplicates(&manifest, &plan.uploads, &listing);
        assert_eq!(dups.len(), 1);
        assert_eq!(
            (dups[0].file_id.as_str(), dups[0].path.as_str()),
            ("dup", "fresh.txt")
        );
    }

    #[test]
    fn an_unreadable_file_keeps_its_entry() {
        let file = local("locked.txt", "l");
        let mut manifest = Manifest::new("o", None, Path::new("/r"));
        manifest.files.insert(file.rel.clone(), entry(&file, "f1"));
        let scan = Scan {
            files: Vec::new(),
            failed: vec![(
                "locked.txt".into(),
                crate::failure::Failure::Usage("x".into()),
            )],
            ..Scan::default()
        };
        let listing: Listing = [("f1".to_owned(), remote(&file))].into_iter().collect();
        let plan = plan(&scan, &mut manifest, &listing);
        assert!(plan.uploads.is_empty());
        assert!(manifest.orphans.is_empty());
        assert!(manifest.files.contains_key("locked.txt"));
    }
}
