//! `anthropic-files sync` against an in-process files-server: nothing changed,
//! changes, `--delete`, `--dry-run`, a lost answer, a crash mid-sync, the
//! manifest's default place and its lock.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::support::{TestServer, json, text};
use files_server::{Fault, FaultRoute};
use serde_json::Value;

/// A directory to sync and a manifest path outside it.
struct Fixture {
    server: TestServer,
    work: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        let work = tempfile::tempdir().unwrap();
        std::fs::create_dir(work.path().join("docs")).unwrap();
        Self {
            server: TestServer::start(),
            work,
        }
    }

    fn dir(&self) -> PathBuf {
        self.work.path().join("docs")
    }

    fn manifest(&self) -> PathBuf {
        self.work.path().join("state/manifest.json")
    }

    fn write(&self, rel: &str, content: &str) {
        let path = self.dir().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }

    /// `sync DIR --manifest M --format jsonl ARGS`: the results and stderr.
    fn sync(&self, args: &[&str], code: i32) -> (Vec<Value>, String) {
        let out = self
            .server
            .cmd()
            .arg("sync")
            .arg(self.dir())
            .arg("--manifest")
            .arg(self.manifest())
            .args(["--format", "jsonl"])
            .args(args)
            .timeout(Duration::from_secs(120))
            .assert()
            .code(code);
        let output = out.get_output();
        let lines = text(&output.stdout)
            .lines()
            .map(|l| json(l.as_bytes()))
            .collect();
        (lines, text(&output.stderr))
    }

    fn manifest_json(&self) -> Value {
        json(&std::fs::read(self.manifest()).unwrap())
    }
}

/// The results with this action.
fn with_action<'a>(results: &'a [Value], action: &str) -> Vec<&'a Value> {
    results.iter().filter(|r| r["action"] == action).collect()
}

/// Every manifest entry names a stored file of its filename and size.
fn assert_manifest_matches_server(fixture: &Fixture, expected_files: usize) {
    let manifest = fixture.manifest_json();
    let files = manifest["files"].as_object().unwrap();
    assert_eq!(files.len(), expected_files);
    let listing: HashMap<String, Value> = fixture
        .server
        .listing()
        .into_iter()
        .map(|f| (f["id"].as_str().unwrap().to_owned(), f))
        .collect();
    for (rel, entry) in files {
        let stored = &listing[entry["file_id"].as_str().unwrap()];
        assert_eq!(stored["filename"], entry["filename"], "{rel}");
        assert_eq!(stored["size_bytes"], entry["size"], "{rel}");
        let local = std::fs::read(fixture.dir().join(rel)).unwrap();
        assert_eq!(entry["size"], local.len() as u64, "{rel}");
    }
}

/// Scripts a refusal of the next upload: if the command sends one, the fault
/// is taken (and the command fails).
fn trap_uploads(server: &TestServer) {
    server.faults().clear();
    server.faults().push(FaultRoute::Upload, Fault::status(400));
}

#[test]
fn a_second_sync_with_nothing_changed_sends_no_upload() {
    let fixture = Fixture::new();
    fixture.write("a.txt", "alpha");
    fixture.write("sub/b.md", "bravo!");
    let (results, stderr) = fixture.sync(&["--concurrency", "2"], 0);
    assert_eq!(with_action(&results, "upload").len(), 2, "{results:?}");
    assert!(stderr.contains("uploaded 2 (2 new)"), "{stderr}");
    assert_eq!(fixture.server.file_count(), 2);
    assert_manifest_matches_server(&fixture, 2);

    trap_uploads(&fixture.server);
    let (results, stderr) = fixture.sync(&[], 0);
    assert!(results.is_empty(), "{results:?}");
    assert!(stderr.contains("2 unchanged"), "{stderr}");
    assert_eq!(fixture.server.faults().len(), 1, "no upload was sent");
    assert_eq!(fixture.server.file_count(), 2);

    // A tracked file deleted behind sync's back is uploaded again.
    fixture.server.faults().clear();
    let id = fixture.manifest_json()["files"]["a.txt"]["file_id"]
        .as_str()
        .unwrap()
        .to_owned();
    fixture
        .server
        .cmd()
        .args(["delete", &id])
        .assert()
        .success();
    let (results, _) = fixture.sync(&[], 0);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["reason"], "missing remotely");
    assert_manifest_matches_server(&fixture, 2);
}

#[test]
fn changes_are_uploaded_and_delete_removes_what_is_no_longer_current() {
    let fixture = Fixture::new();
    fixture.write("keep.txt", "same");
    fixture.write("change.txt", "version one");
    fixture.write("remove.txt", "bye");
    fixture.sync(&[], 0);
    let before = fixture.manifest_json();

    fixture.write("change.txt", "version two, longer");
    fixture.write("new/added.txt", "hello");
    std::fs::remove_file(fixture.dir().join("remove.txt")).unwrap();

    // --dry-run prints the plan and changes nothing.
    let manifest_bytes = std::fs::read(fixture.manifest()).unwrap();
    let (plan, stderr) = fixture.sync(&["--dry-run", "--delete"], 0);
    assert!(stderr.contains("dry run"), "{stderr}");
    let uploads: Vec<&str> = with_action(&plan, "upload")
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(uploads, ["change.txt", "new/added.txt"]);
    let deletes = with_action(&plan, "delete");
    assert_eq!(deletes.len(), 1);
    assert_eq!(
        deletes[0]["file_id"],
        before["files"]["remove.txt"]["file_id"]
    );
    assert!(plan.iter().all(|r| r.get("id").is_none()));
    assert_eq!(std::fs::read(fixture.manifest()).unwrap(), manifest_bytes);
    assert_eq!(fixture.server.file_count(), 3);

    // Without --delete: uploaded, and what is no longer current is kept and reported.
    let (results, _) = fixture.sync(&[], 0);
    assert_eq!(with_action(&results, "upload").len(), 2);
    let stale = with_action(&results, "stale");
    let reasons: Vec<&str> = stale
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert_eq!(stale.len(), 2, "{results:?}");
    assert!(reasons.contains(&"removed locally") && reasons.contains(&"previous version"));
    assert_eq!(fixture.server.file_count(), 5);

    // --delete removes the previous version and the removed file's copy.
    let (results, _) = fixture.sync(&["--delete"], 0);
    let deleted: Vec<&str> = with_action(&results, "delete")
        .iter()
        .map(|r| r["file_id"].as_str().unwrap())
        .collect();
    assert_eq!(deleted.len(), 2);
    assert!(deleted.contains(&before["files"]["change.txt"]["file_id"].as_str().unwrap()));
    assert!(deleted.contains(&before["files"]["remove.txt"]["file_id"].as_str().unwrap()));
    assert_eq!(fixture.server.file_count(), 3);
    assert_manifest_matches_server(&fixture, 3);
    assert!(
        fixture.manifest_json()["orphans"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_lost_answer_leaves_a_duplicate_that_is_reported_then_deleted() {
    let fixture = Fixture::new();
    for name in ["a.txt", "b.txt", "c.txt"] {
        fixture.write(name, &format!("content of {name}"));
    }
    // The server stores the first upload, then drops the connection: the
    // client retries and a second copy is stored.
    fixture
        .server
        .faults()
        .push(FaultRoute::Upload, Fault::DropAfterCommit);
    let (results, stderr) = fixture.sync(&["--concurrency", "1"], 0);
    assert_eq!(fixture.server.faults().len(), 0, "the fault was taken");
    assert_eq!(fixture.server.file_count(), 4);
    let duplicates = with_action(&results, "duplicate");
    assert_eq!(duplicates.len(), 1, "{results:?}");
    assert_eq!(duplicates[0]["path"], "a.txt");
    assert!(stderr.contains("1 duplicates found"), "{stderr}");
    assert_manifest_matches_server(&fixture, 3);

    // The next run still finds it; --delete removes it and keeps the tracked copy.
    let (results, _) = fixture.sync(&["--delete"], 0);
    let deleted = with_action(&results, "delete");
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0]["reason"], "duplicate");
    assert_eq!(deleted[0]["file_id"], duplicates[0]["file_id"]);
    assert_eq!(fixture.server.file_count(), 3);
    assert!(fixture.server.filename_counts().values().all(|n| *n == 1));
    assert_manifest_matches_server(&fixture, 3);
}

#[test]
fn the_manifest_survives_a_crash_mid_sync() {
    let fixture = Fixture::new();
    let count = 40;
    for i in 0..count {
        fixture.write(&format!("f{i:02}.txt"), &format!("file number {i}"));
    }
    // Paced at 30 requests a minute: a burst, then one every 2 s, so the run
    // is killed midway.
    let mut child = fixture
        .server
        .std_cmd()
        .args(["--max-requests-per-minute", "30", "sync"])
        .arg(fixture.dir())
        .arg("--manifest")
        .arg(fixture.manifest())
        .args(["--quiet", "--format", "jsonl"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let recorded = std::fs::read(fixture.manifest())
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .map_or(0, |m| m["files"].as_object().map_or(0, |f| f.len()));
        if recorded >= 20 {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "sync ended before it was killed"
        );
        assert!(
            Instant::now() < deadline,
            "the manifest never reached 20 files"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let stored = fixture.server.file_count();
    assert!(stored < count, "killed midway: {stored} stored");

    // The rerun converges: every local file stored exactly once, the manifest right.
    let (results, _) = fixture.sync(&["--delete", "--concurrency", "8"], 0);
    assert!(!with_action(&results, "upload").is_empty());
    let counts = fixture.server.filename_counts();
    assert_eq!(counts.len(), count as usize);
    assert!(counts.values().all(|n| *n == 1), "{counts:?}");
    assert_manifest_matches_server(&fixture, count as usize);
    trap_uploads(&fixture.server);
    let (results, _) = fixture.sync(&[], 0);
    assert!(results.is_empty(), "{results:?}");
    assert_eq!(fixture.server.faults().len(), 1);
}

#[test]
fn the_default_manifest_lives_in_the_data_directory_and_is_locked() {
    let fixture = Fixture::new();
    fixture.write("a.txt", "alpha");
    let data = fixture.work.path().join("data");
    let run = || {
        fixture
            .server
            .cmd()
            .env("XDG_DATA_HOME", &data)
            .env("HOME", fixture.work.path())
            .arg("sync")
            .arg(fixture.dir())
            .assert()
    };
    run().success();
    let sync_dir = data.join("anthropic-files/sync");
    let manifests: Vec<PathBuf> = std::fs::read_dir(&sync_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(manifests.len(), 1);
    let manifest = json(&std::fs::read(&manifests[0]).unwrap());
    assert_eq!(manifest["version"], 1);
    assert_eq!(manifest["origin"], fixture.server.base_url.as_str());
    assert_eq!(
        Path::new(manifest["root"].as_str().unwrap()),
        std::fs::canonicalize(fixture.dir()).unwrap()
    );

    // Another sync holding the lock: refused at once, exit 4.
    let lock = std::fs::File::options()
        .write(true)
        .open(manifests[0].with_extension("json.lock"))
        .unwrap();
    lock.lock().unwrap();
    let out = run().code(4);
    assert!(
        text(&out.get_output().stderr).contains("another sync"),
        "{}",
        text(&out.get_output().stderr)
    );
    lock.unlock().unwrap();
    run().success();
}

#[test]
fn sync_after_a_plain_upload_adopts_what_is_there_and_deletes_what_went() {
    let fixture = Fixture::new();
    for i in 0..6 {
        fixture.write(&format!("d{}/f{i}.txt", i % 2), &format!("content {i}"));
    }
    fixture
        .server
        .cmd()
        .arg("upload")
        .arg(fixture.dir())
        .arg("-R")
        .assert()
        .success();
    assert_eq!(fixture.server.file_count(), 6);

    // The first sync uploads nothing: every file is adopted.
    let (results, stderr) = fixture.sync(&[], 0);
    assert!(with_action(&results, "upload").is_empty(), "{results:?}");
    assert_eq!(with_action(&results, "adopt").len(), 6, "{results:?}");
    assert!(stderr.contains("6 adopted"), "{stderr}");
    assert_eq!(fixture.server.file_count(), 6);

    // Then changes and removals are handled as for files it uploaded itself.
    std::fs::remove_file(fixture.dir().join("d0/f0.txt")).unwrap();
    fixture.write("d1/f1.txt", "content 1, changed");
    let (results, _) = fixture.sync(&["--delete"], 0);
    assert_eq!(with_action(&results, "upload").len(), 1, "{results:?}");
    assert_eq!(with_action(&results, "delete").len(), 2, "{results:?}");
    assert_eq!(fixture.server.file_count(), 5);
}

#[test]
fn no_adopt_uploads_every_file_the_manifest_does_not_know() {
    let fixture = Fixture::new();
    fixture.write("a.txt", "a");
    fixture
        .server
        .cmd()
        .arg("upload")
        .arg(fixture.dir().join("a.txt"))
        .assert()
        .success();
    let (results, _) = fixture.sync(&["--no-adopt"], 0);
    assert_eq!(with_action(&results, "upload").len(), 1, "{results:?}");
    assert_eq!(fixture.server.file_count(), 2);
}

/// A cloned repository with planted links: `sync` and `upload -R` upload
/// neither the private key a link points at nor the directory a link leads
/// to, say what they skipped (a FIFO too), and exit 0; `--follow-links`
/// follows them.
#[cfg(unix)]
#[test]
fn links_out_of_the_tree_are_skipped_and_reported_unless_followed() {
    use std::os::unix::fs::symlink;
    let fixture = Fixture::new();
    let private = fixture.work.path().join("private");
    std::fs::create_dir(&private).unwrap();
    std::fs::write(private.join("id_rsa"), "PRIVATE KEY").unwrap();
    fixture.write("readme.txt", "hello");
    symlink(private.join("id_rsa"), fixture.dir().join("innocent.txt")).unwrap();
    symlink(&private, fixture.dir().join("vendor")).unwrap();
    symlink("readme.txt", fixture.dir().join("alias.txt")).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(fixture.dir().join("pipe"))
        .status()
        .unwrap();
    assert!(made.success());

    let (_results, stderr) = fixture.sync(&[], 0);
    for skipped in ["innocent.txt", "vendor", "pipe"] {
        assert!(stderr.contains(&format!("skipped {skipped}: ")), "{stderr}");
    }
    assert!(stderr.contains("--follow-links"), "{stderr}");
    let counts = fixture.server.filename_counts();
    assert_eq!(counts.get("readme.txt"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("alias.txt"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("innocent.txt"), None, "{counts:?}");
    assert_eq!(counts.get("id_rsa"), None, "{counts:?}");

    let out = fixture
        .server
        .cmd()
        .args(["upload", "-R", "--format", "jsonl"])
        .arg(fixture.dir())
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains("innocent.txt: a symbolic link out of"),
        "{stderr}"
    );
    assert!(
        stderr.contains("pipe: a FIFO: not a regular file"),
        "{stderr}"
    );
    let counts = fixture.server.filename_counts();
    assert_eq!(counts.get("innocent.txt"), None, "{counts:?}");
    assert_eq!(counts.get("id_rsa"), None, "{counts:?}");

    // Asked for: followed (the FIFO is still skipped, never opened).
    fixture
        .server
        .cmd()
        .args(["upload", "-R", "--follow-links"])
        .arg(fixture.dir())
        .timeout(Duration::from_secs(120))
        .assert()
        .success();
    let counts = fixture.server.filename_counts();
    assert_eq!(counts.get("innocent.txt"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("id_rsa"), Some(&1), "{counts:?}");
}
