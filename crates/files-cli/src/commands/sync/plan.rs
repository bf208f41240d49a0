//! The plan of a sync, from the local files, the manifest and the API's
//! listing: what to upload, what is unchanged, what an earlier sync uploaded
//! that is no longer current, and which remote files are duplicates left by
//! lost answers.

use std::collections::{HashMap, HashSet};

use super::manifest::{Entry, Manifest, Orphan};
use super::scan::{LocalEntry, Scan};

/// A remote file, as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// Its filename.
    pub filename: String,
    /// Its size.
    pub size: u64,
    /// When it was created, if the server's timestamp parses.
    pub created: Option<std::time::SystemTime>,
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
    /// Files adopted: already in the API, now in the manifest (path, id).
    pub adopted: Vec<(String, String)>,
}

/// Plans the sync of `scan` and updates `manifest` for what needs no request:
/// files gone locally become orphans, orphans and entries whose remote copy is
/// gone are forgotten, and (with `adopt`) a local file the manifest does not
/// know is adopted when the API already holds it ([`adoptable`]).
pub fn plan(scan: &Scan, manifest: &mut Manifest, listing: &Listing, adopt: bool) -> Plan {
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
    let mut taken: HashSet<String> = manifest
        .files
        .values()
        .map(|e| e.file_id.clone())
        .chain(manifest.orphans.iter().map(|o| o.file_id.clone()))
        .collect();
    for file in &scan.files {
        let reason = match manifest.files.get(&file.rel) {
            None if adopt => match adoptable(file, listing, &taken) {
                Some(id) => {
                    taken.insert(id.clone());
                    manifest.files.insert(
                        file.rel.clone(),
                        Entry {
                            sha256: file.sha256.clone(),
                            size: file.size,
                            file_id: id.clone(),
                            filename: file.filename.clone(),
                        },
                    );
                    plan.adopted.push((file.rel.clone(), id));
                    continue;
                }
                None => Reason::New,
            },
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

/// How much earlier than a local file's modification time a remote file may
/// be created and still count as its upload: timestamps differ in precision
/// (the API's milliseconds, the file system's nanoseconds), as rclone's
/// `--modify-window` allows for.
pub const MODIFY_WINDOW: std::time::Duration = std::time::Duration::from_secs(1);

/// The remote file a local file with no manifest entry can adopt, the way
/// `aws s3 sync` and rclone compare without content: the same filename, the
/// same size, and created no earlier than the local file was last modified,
/// within [`MODIFY_WINDOW`] (uploaded files cannot be downloaded, so nothing
/// stronger can be checked).
/// Of several, the newest; the others are then duplicates. Ids already in the
/// manifest or adopted by another path are never adopted again.
pub fn adoptable(file: &LocalEntry, listing: &Listing, taken: &HashSet<String>) -> Option<String> {
    let modified = file.modified?;
    listing
        .iter()
        .filter(|(id, remote)| {
            remote.filename == file.filename
                && remote.size == file.size
                && remote
                    .created
                    .is_some_and(|created| created + MODIFY_WINDOW >= modified)
                && !taken.contains(id.as_str())
        })
        .max_by(|(a_id, a), (b_id, b)| a.created.cmp(&b.created).then_with(|| a_id.cmp(b_id)))
        .map(|(id, _)| id.clone())
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
            modified: Some(at(1_000)),
        }
    }

    fn at(seconds: u64) -> std::time::SystemTime {
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(seconds)
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
            created: Some(at(2_000)),
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
                    created: None,
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
        let plan = plan(&scan, &mut manifest, &listing, false);
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
        let plan = plan(&scan, &mut manifest, &listing, true);
        assert!(plan.uploads.is_empty());
        assert!(manifest.orphans.is_empty());
        assert!(manifest.files.contains_key("locked.txt"));
    }

    #[test]
    fn a_file_the_api_already_holds_is_adopted_not_uploaded() {
        let kept = local("docs/a.txt", "same");
        let listing: Listing = [("file_a".to_owned(), remote(&kept))].into_iter().collect();
        let scan = Scan {
            files: vec![kept.clone()],
            ..Scan::default()
        };
        let mut manifest = Manifest::new("o", None, Path::new("/r"));
        let adopted = plan(&scan, &mut manifest, &listing, true);
        assert!(adopted.uploads.is_empty());
        assert_eq!(
            adopted.adopted,
            [("docs/a.txt".to_owned(), "file_a".to_owned())]
        );
        assert_eq!(manifest.files["docs/a.txt"], entry(&kept, "file_a"));

        // Turned off, it is uploaded.
        let mut manifest = Manifest::new("o", None, Path::new("/r"));
        let off = plan(&scan, &mut manifest, &listing, false);
        assert_eq!(off.uploads.len(), 1);
        assert!(off.adopted.is_empty());
    }

    #[test]
    fn a_changed_file_of_the_same_size_modified_after_the_upload_is_uploaded() {
        let mut edited = local("a.txt", "new!");
        edited.modified = Some(at(3_000));
        let old = Remote {
            size: edited.size, // the same size: only the time tells
            ..remote(&edited)
        };
        let listing: Listing = [("file_old".to_owned(), old)].into_iter().collect();
        let scan = Scan {
            files: vec![edited],
            ..Scan::default()
        };
        let mut manifest = Manifest::new("o", None, Path::new("/r"));
        let plan = plan(&scan, &mut manifest, &listing, true);
        assert!(plan.adopted.is_empty());
        assert_eq!(plan.uploads[0].reason, Reason::New);
        // The older remote copy is then a duplicate of it.
        let dups = duplicates(&manifest, &plan.uploads, &listing);
        assert_eq!(dups[0].file_id, "file_old");
    }

    #[test]
    fn of_two_candidates_the_newest_is_adopted_and_the_other_is_a_duplicate() {
        let file = local("a.txt", "x");
        let mut newer = remote(&file);
        newer.created = Some(at(5_000));
        let listing: Listing = [
            ("file_older".to_owned(), remote(&file)),
            ("file_newer".to_owned(), newer),
        ]
        .into_iter()
        .collect();
        let scan = Scan {
            files: vec![file],
            ..Scan::default()
        };
        let mut manifest = Manifest::new("o", None, Path::new("/r"));
        let plan = plan(&scan, &mut manifest, &listing, true);
        assert_eq!(plan.adopted[0].1, "file_newer");
        let dups = duplicates(&manifest, &plan.uploads, &listing);
        assert_eq!(dups.len(), 1);
        assert_eq!(dups[0].file_id, "file_older");
    }

    #[test]
    fn one_remote_file_is_adopted_by_one_path_only() {
        let a = local("a/readme.md", "r");
        let b = local("b/readme.md", "r");
        let listing: Listing = [("file_r".to_owned(), remote(&a))].into_iter().collect();
        let scan = Scan {
            files: vec![a, b],
            ..Scan::default()
        };
        let mut manifest = Manifest::new("o", None, Path::new("/r"));
        let plan = plan(&scan, &mut manifest, &listing, true);
        assert_eq!(plan.adopted.len(), 1);
        assert_eq!(plan.uploads.len(), 1);
    }
}
