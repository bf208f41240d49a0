//! Many files at once through `anthropic-files` against an in-process
//! files-server: `upload` of directories, `delete` of several and `--all`,
//! `download --all-downloadable`, and a rate-limited server.

use std::path::Path;

use crate::support::{TestServer, json, text};
use files_server::ServerConfig;
use serde_json::Value;

/// The JSONL lines of stdout.
fn lines(stdout: &[u8]) -> Vec<Value> {
    text(stdout).lines().map(|l| json(l.as_bytes())).collect()
}

fn write_files(dir: &Path, count: usize, prefix: &str) {
    for i in 0..count {
        std::fs::write(
            dir.join(format!("{prefix}{i:03}.txt")),
            format!("content {i}"),
        )
        .unwrap();
    }
}

#[test]
fn a_directory_is_uploaded_recursively_once_per_file_with_a_line_each() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    write_files(dir.path(), 12, "top-");
    write_files(&dir.path().join("sub"), 8, "deep-");

    // Without -R the directory is an error for that path.
    let out = server
        .cmd()
        .args(["upload", "--format", "jsonl"])
        .arg(dir.path())
        .assert()
        .code(2);
    let results = lines(&out.get_output().stdout);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["error"]["type"], "invalid_request_error");
    assert_eq!(server.file_count(), 0);

    let out = server
        .cmd()
        .args(["upload", "-R", "--concurrency", "6", "--format", "jsonl"])
        .arg(dir.path())
        .assert()
        .success();
    let results = lines(&out.get_output().stdout);
    assert_eq!(results.len(), 20);
    let mut paths: Vec<&str> = results
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths.len(), 20, "one line per file");
    for result in &results {
        assert!(
            result["id"].as_str().unwrap().starts_with("file_"),
            "{result}"
        );
        assert!(result.get("error").is_none());
    }
    assert!(
        text(&out.get_output().stderr).contains("uploaded 20 of 20 files"),
        "a one-line summary"
    );
    let counts = server.filename_counts();
    assert_eq!(counts.len(), 20);
    assert!(
        counts.values().all(|n| *n == 1),
        "each stored once: {counts:?}"
    );

    // One file keeps the single-file output: its metadata.
    let out = server
        .cmd()
        .arg("upload")
        .arg(dir.path().join("top-000.txt"))
        .assert()
        .success();
    assert_eq!(json(&out.get_output().stdout)["filename"], "top-000.txt");
}

#[test]
fn a_failing_file_is_listed_and_the_exit_code_is_not_zero() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), 3, "ok-");
    // A forbidden filename character: refused before sending.
    std::fs::write(dir.path().join("bad:name.txt"), "x").unwrap();
    let out = server
        .cmd()
        .args(["upload", "-R", "--format", "json"])
        .arg(dir.path())
        .arg(dir.path().join("missing.txt"))
        .assert()
        .failure();
    let results = json(&out.get_output().stdout);
    let results = results.as_array().unwrap();
    assert_eq!(results.len(), 5);
    let failed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("error").is_some())
        .collect();
    assert_eq!(failed.len(), 2, "{results:?}");
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains("failed: ") && stderr.contains("bad:name.txt"),
        "{stderr}"
    );
    assert!(stderr.contains("missing.txt"), "{stderr}");
    assert!(stderr.contains("error: 2 of 5 files failed"), "{stderr}");
    assert_eq!(server.file_count(), 3);
}

#[test]
fn a_rate_limited_server_stores_every_file_exactly_once_with_no_flag() {
    // Issue 16: 150 files against --rate-limit 120, default flags. The client
    // learns the limit from the 429s and paces itself; none fails.
    let server = TestServer::with_config(ServerConfig::new().rate_limit(120));
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), 150, "f");
    let out = server
        .cmd()
        .args(["upload", "-R", "--format", "jsonl"])
        .arg(dir.path())
        .timeout(std::time::Duration::from_secs(120))
        .assert()
        .success();
    let results = lines(&out.get_output().stdout);
    assert_eq!(results.len(), 150);
    assert!(
        results.iter().all(|r| r.get("error").is_none()),
        "{results:?}"
    );
    assert_eq!(server.file_count(), 150);
    // The listing is rate limited too, and paces itself the same way.
    let counts = server.filename_counts();
    assert_eq!(counts.len(), 150);
    assert!(counts.values().all(|n| *n == 1));
}

#[test]
fn delete_several_and_all_with_filters() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let a = server.upload(dir.path(), "a.pdf", b"a");
    let b = server.upload(dir.path(), "b.pdf", b"b");
    let c = server.upload(dir.path(), "c.txt", b"c");
    let d = server.upload(dir.path(), "d.txt", b"d");

    // Several ids: one result each; an unknown one fails the command.
    let out = server
        .cmd()
        .args(["delete", &a, "file_nope", "--format", "jsonl"])
        .assert()
        .code(1);
    let results = lines(&out.get_output().stdout);
    assert_eq!(results.len(), 2);
    assert!(
        results
            .iter()
            .any(|r| r["id"] == a.as_str() && r["type"] == "file_deleted")
    );
    assert!(
        results
            .iter()
            .any(|r| r["id"] == "file_nope" && r["error"]["type"] == "not_found_error")
    );

    // --all off a terminal needs --yes, and deletes nothing without it.
    let out = server.cmd().args(["delete", "--all"]).assert().code(2);
    assert!(text(&out.get_output().stderr).contains("--yes"));
    assert_eq!(server.file_count(), 3);

    // --older-than: nothing is a day old.
    let out = server
        .cmd()
        .args([
            "delete",
            "--all",
            "--older-than",
            "1day",
            "--yes",
            "--format",
            "jsonl",
        ])
        .assert()
        .success();
    assert!(lines(&out.get_output().stdout).is_empty());
    assert_eq!(server.file_count(), 3);

    // --name narrows by glob.
    let out = server
        .cmd()
        .args([
            "delete", "--all", "--name", "*.pdf", "--yes", "--format", "jsonl",
        ])
        .assert()
        .success();
    let results = lines(&out.get_output().stdout);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["id"], b.as_str());

    // Everything older than a moment ago.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let out = server
        .cmd()
        .args([
            "delete",
            "--all",
            "--older-than",
            "1s",
            "--yes",
            "--concurrency",
            "2",
        ])
        .args(["--format", "jsonl"])
        .assert()
        .success();
    let mut deleted: Vec<String> = lines(&out.get_output().stdout)
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    deleted.sort();
    let mut expected = vec![c, d];
    expected.sort();
    assert_eq!(deleted, expected);
    assert_eq!(server.file_count(), 0);
}

#[test]
fn download_all_downloadable_fetches_every_downloadable_file() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    server.upload(dir.path(), "not-downloadable.txt", b"mine");
    let generated: Vec<(String, Vec<u8>)> = (0..5)
        .map(|i| (format!("chart-{i}.png"), vec![i as u8; 1000 + i]))
        .collect();
    for (name, content) in &generated {
        server.generated(name, content);
    }
    server.generated("chart-0.png", b"same name");
    let out_dir = dir.path().join("out");
    let out = server
        .cmd()
        .args([
            "download",
            "--all-downloadable",
            "--concurrency",
            "3",
            "--format",
            "jsonl",
            "-o",
        ])
        .arg(&out_dir)
        .assert()
        .success();
    assert_eq!(lines(&out.get_output().stdout).len(), 6);
    // Two files named chart-0.png: neither overwrites the other.
    let mut chart0 = vec![
        std::fs::read(out_dir.join("chart-0.png")).unwrap(),
        std::fs::read(out_dir.join("chart-0 (1).png")).unwrap(),
    ];
    chart0.sort();
    let mut expected = vec![generated[0].1.clone(), b"same name".to_vec()];
    expected.sort();
    assert_eq!(chart0, expected);
    for (name, content) in &generated[1..] {
        assert_eq!(&std::fs::read(out_dir.join(name)).unwrap(), content);
    }
    assert!(!out_dir.join("not-downloadable.txt").exists());
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), 6);
}
