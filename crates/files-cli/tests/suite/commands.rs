//! The files commands end to end against an in-process files-server:
//! upload, retrieve, list (its paging and parameters), delete, download (to a
//! file, to stdout, into a closed pipe), the GA generation and stdin.

use crate::support::{KEY, TestServer, error_json, json, text};
use files_server::ServerConfig;

#[test]
fn upload_retrieve_list_delete_round_trip() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "meeting at noon").unwrap();

    let out = server.cmd().arg("upload").arg(&path).assert().success();
    let uploaded = json(&out.get_output().stdout);
    assert_eq!(uploaded["filename"], "notes.txt");
    assert_eq!(uploaded["size_bytes"], 15);
    assert_eq!(uploaded["mime_type"], "text/plain");
    let id = uploaded["id"].as_str().unwrap().to_owned();

    // --file, --filename and --mime-type.
    let out = server
        .cmd()
        .args(["upload", "--file"])
        .arg(&path)
        .args(["--filename", "renamed.csv", "--mime-type", "text/csv"])
        .assert()
        .success();
    let renamed = json(&out.get_output().stdout);
    assert_eq!(renamed["filename"], "renamed.csv");
    assert_eq!(renamed["mime_type"], "text/csv");

    // The id positional or with --file-id.
    for args in [
        vec!["retrieve-metadata", id.as_str()],
        vec!["retrieve-metadata", "--file-id", id.as_str()],
    ] {
        let out = server.cmd().args(&args).assert().success();
        assert_eq!(json(&out.get_output().stdout), uploaded);
    }

    let out = server.cmd().arg("list").assert().success();
    let listed = json(&out.get_output().stdout);
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [renamed["id"].as_str().unwrap(), id.as_str()],
        "newest first"
    );

    let out = server.cmd().args(["delete", &id]).assert().success();
    let deleted = json(&out.get_output().stdout);
    assert_eq!(deleted["id"], id.as_str());
    assert_eq!(deleted["type"], "file_deleted");
    server
        .cmd()
        .args(["retrieve-metadata", &id])
        .assert()
        .code(1);
}

#[test]
fn list_pages_automatically_and_takes_its_parameters() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (0..5)
        .map(|i| server.upload(dir.path(), &format!("f{i}.txt"), b"x"))
        .collect();
    let list = |args: &[&str]| -> Vec<String> {
        let out = server
            .cmd()
            .arg("list")
            .args(args)
            .args(["--transform", "id", "-r"])
            .assert()
            .success();
        text(&out.get_output().stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    };
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    assert_eq!(
        list(&["--limit", "2"]),
        newest_first,
        "every page is fetched"
    );
    assert_eq!(
        list(&["--limit", "2", "--max-items", "3"]),
        newest_first[..3]
    );
    assert_eq!(list(&["--after-id", &newest_first[1]]), newest_first[2..]);
    assert_eq!(list(&["--before-id", &newest_first[2]]), newest_first[..2]);

    // GA: --ids (comma-separated), and GA-only parameters refused on beta (exit 2).
    let picked = format!("{},{}", ids[0], ids[3]);
    let mut got = list(&["--ga", "--ids", &picked]);
    got.sort();
    let mut want = vec![ids[0].clone(), ids[3].clone()];
    want.sort();
    assert_eq!(got, want);
    server
        .cmd()
        .args(["list", "--ids", &ids[0]])
        .assert()
        .code(2);
    server.cmd().args(["list", "--limit", "0"]).assert().code(2);
}

#[test]
fn every_listing_command_follows_ga_cursors_sent_to_a_beta_request() {
    // The live API answers beta requests in GA shapes (next_page only).
    let server = TestServer::with_config(ServerConfig::new().ga_listings(true));
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (0..5)
        .map(|i| server.upload(dir.path(), &format!("f{i}.txt"), b"x"))
        .collect();
    let out = server
        .cmd()
        .args(["list", "--limit", "2", "--transform", "id", "-r"])
        .assert()
        .success();
    let listed: Vec<String> = text(&out.get_output().stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    let newest_first: Vec<String> = ids.iter().rev().cloned().collect();
    assert_eq!(listed, newest_first, "all three pages, in order");
    // A token the user copied from an answer goes back with a beta request too.
    let out = server
        .cmd()
        .args(["list", "--limit", "2", "--format", "json"])
        .args(["--max-items", "2"])
        .assert()
        .success();
    assert_eq!(json(&out.get_output().stdout).as_array().unwrap().len(), 2);
    // delete --all lists (1,000 a page) through the same pager.
    server
        .cmd()
        .args(["delete", "--all", "--yes"])
        .assert()
        .success();
    assert_eq!(server.file_count(), 0);
}

#[test]
fn download_writes_a_file_or_stdout() {
    let server = TestServer::start();
    let content: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let id = server.generated("report.bin", &content);
    let dir = tempfile::tempdir().unwrap();

    // -o PATH: the file, nothing on stdout.
    let target = dir.path().join("copy.bin");
    let out = server
        .cmd()
        .args(["download", &id, "-o"])
        .arg(&target)
        .assert()
        .success();
    assert!(out.get_output().stdout.is_empty());
    assert!(
        text(&out.get_output().stderr).contains("saved"),
        "a notice says where it went"
    );
    assert_eq!(std::fs::read(&target).unwrap(), content);

    // No -o and stdout is not a terminal: the bytes on stdout. `-o -` too.
    let out = server.cmd().args(["download", &id]).assert().success();
    assert_eq!(out.get_output().stdout, content);
    let out = server
        .cmd()
        .args(["download", "--file-id", &id, "-o", "-", "--quiet"])
        .assert()
        .success();
    assert_eq!(out.get_output().stdout, content);
    assert!(out.get_output().stderr.is_empty(), "--quiet: no notice");

    // -o DIR: the name from Content-Disposition inside it, never overwritten.
    server
        .cmd()
        .args(["download", &id, "-o"])
        .arg(dir.path())
        .assert()
        .success();
    assert_eq!(
        std::fs::read(dir.path().join("report.bin")).unwrap(),
        content
    );
    let out = server
        .cmd()
        .args(["download", &id, "-o"])
        .arg(dir.path())
        .assert()
        .code(4);
    assert!(text(&out.get_output().stderr).contains("refusing to overwrite"));

    // A missing directory: local I/O error, nothing left behind.
    let out = server
        .cmd()
        .args(["download", &id, "-o"])
        .arg(dir.path().join("missing").join("x.bin"))
        .assert()
        .code(4);
    let (_, error) = error_json(&out.get_output().stderr);
    assert_eq!(error["error"]["type"], "io_error");

    // An uploaded file is not downloadable: the API says so (exit 1).
    let uploaded = server.upload(dir.path(), "up.txt", b"x");
    let out = server.cmd().args(["download", &uploaded]).assert().code(1);
    let (summary, error) = error_json(&out.get_output().stderr);
    assert!(summary.contains("400"), "{summary}");
    assert_eq!(error["error"]["type"], "invalid_request_error");
}

#[test]
fn a_closed_pipe_ends_a_download_quietly() {
    let server = TestServer::start();
    let id = server.generated("big.bin", &vec![7u8; 4 * 1024 * 1024]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_anthropic-files"))
        .args([
            "--base-url",
            &server.base_url,
            "--api-key",
            KEY,
            "download",
            &id,
        ])
        .env("ANTHROPIC_FILES_STORE", server.store.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader goes away, like `| head -c0`
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).contains("error"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn ga_generation_and_uploads_from_stdin() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tmp.txt");
    std::fs::write(&path, "x").unwrap();
    let out = server
        .cmd()
        .args(["--ga", "upload"])
        .arg(&path)
        .args(["--expires-in-seconds", "3600"])
        .assert()
        .success();
    let file = json(&out.get_output().stdout);
    assert!(file["expires_at"].is_string(), "{file}");

    let out = server
        .cmd()
        .args(["upload", "-", "--filename", "stdin.txt"])
        .write_stdin("from standard input")
        .assert()
        .success();
    let file = json(&out.get_output().stdout);
    assert_eq!(file["filename"], "stdin.txt");
    assert_eq!(file["size_bytes"], 19);
    server
        .cmd()
        .args(["upload", "-"])
        .write_stdin("x")
        .assert()
        .code(2);

    // --purpose batch checks the content before sending.
    let batch = dir.path().join("requests.jsonl");
    std::fs::write(&batch, "not json\n").unwrap();
    server
        .cmd()
        .arg("upload")
        .arg(&batch)
        .args(["--purpose", "batch"])
        .assert()
        .code(2);
}
