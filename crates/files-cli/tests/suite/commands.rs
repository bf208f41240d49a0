//! End-to-end tests of `anthropic-files` against an in-process files-server:
//! every command, every format, transforms, downloads, exit codes.

use crate::support::{KEY, TestServer, error_json, json, text};
use files_server::{Auth, KeyTable, ServerConfig};
use predicates::str::contains;

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
fn every_format_prints_one_file() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let id = server.upload(dir.path(), "a.txt", b"abc");
    let run = |format: &str| {
        let out = server
            .cmd()
            .args(["retrieve-metadata", &id, "--format", format])
            .assert()
            .success();
        text(&out.get_output().stdout)
    };

    let pretty_json = run("json");
    assert!(
        pretty_json.starts_with("{\n  \"id\": \"file_"),
        "2-space JSON in the API's order: {pretty_json}"
    );
    assert_eq!(json(pretty_json.as_bytes())["filename"], "a.txt");
    assert_eq!(
        run("auto"),
        pretty_json,
        "auto is json when stdout is not a terminal"
    );

    let jsonl = run("jsonl");
    assert_eq!(jsonl.lines().count(), 1);
    assert!(jsonl.starts_with("{\"id\":\"file_"), "{jsonl}");
    assert_eq!(json(jsonl.as_bytes()), json(pretty_json.as_bytes()));
    assert_eq!(run("raw"), jsonl, "raw is compact JSON for an object");

    let yaml = run("yaml");
    assert!(yaml.starts_with("id: file_"), "{yaml}");
    assert!(
        yaml.contains("\nfilename: a.txt\n") && yaml.contains("\nsize_bytes: 3\n"),
        "{yaml}"
    );
    let parsed: serde_json::Value = serde_norway::from_str(&yaml).unwrap();
    assert_eq!(parsed, json(pretty_json.as_bytes()));

    let pretty = run("pretty");
    let first = pretty.lines().next().unwrap();
    assert!(first.starts_with("id:") && first.ends_with(&id), "{pretty}");
    assert!(
        pretty
            .lines()
            .any(|l| l.starts_with("filename:") && l.ends_with(" a.txt")),
        "{pretty}"
    );
}

#[test]
fn every_format_prints_a_listing() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = ["one.txt", "two.txt", "three.txt"]
        .iter()
        .map(|name| server.upload(dir.path(), name, name.as_bytes()))
        .collect();
    let newest_first: Vec<&str> = ids.iter().rev().map(String::as_str).collect();
    let run = |format: &str| {
        let out = server
            .cmd()
            .args(["list", "--format", format])
            .assert()
            .success();
        text(&out.get_output().stdout)
    };
    let ids_of = |value: &serde_json::Value| -> Vec<String> {
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_owned())
            .collect()
    };

    let array = run("json");
    assert!(array.starts_with("[\n  {\n    \"id\""), "{array}");
    assert_eq!(ids_of(&json(array.as_bytes())), newest_first);

    let jsonl = run("jsonl");
    let lines: Vec<serde_json::Value> = jsonl.lines().map(|l| json(l.as_bytes())).collect();
    assert_eq!(lines.len(), 3, "one line per file: {jsonl}");
    assert_eq!(lines[0]["id"], newest_first[0]);

    let raw = run("raw");
    assert_eq!(raw.lines().count(), 1, "one compact array: {raw}");
    assert_eq!(ids_of(&json(raw.as_bytes())), newest_first);

    let yaml = run("yaml");
    assert!(yaml.starts_with("- id: file_"), "{yaml}");
    let parsed: serde_json::Value = serde_norway::from_str(&yaml).unwrap();
    assert_eq!(ids_of(&parsed), newest_first);

    let pretty = run("pretty");
    let lines: Vec<&str> = pretty.lines().collect();
    assert_eq!(lines.len(), 4, "a header and a row per file: {pretty}");
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("FILENAME") && lines[0].contains("SIZE"),
        "{pretty}"
    );
    assert!(
        lines[1].starts_with(newest_first[0]) && lines[1].contains("three.txt"),
        "{pretty}"
    );

    // An empty listing.
    let empty = TestServer::start();
    let out = empty
        .cmd()
        .args(["list", "--format", "json"])
        .assert()
        .success();
    assert_eq!(text(&out.get_output().stdout), "[]\n");
    let out = empty
        .cmd()
        .args(["list", "--format", "pretty"])
        .assert()
        .success();
    assert_eq!(text(&out.get_output().stdout), "No files.\n");
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
fn transform_and_raw_output_shape_results() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let id = server.upload(dir.path(), "report.pdf", b"%PDF-1.4");
    let run = |args: &[&str]| {
        let out = server.cmd().args(args).assert().success();
        text(&out.get_output().stdout)
    };

    assert_eq!(
        run(&["retrieve-metadata", &id, "--transform", "filename"]),
        "\"report.pdf\"\n"
    );
    assert_eq!(
        run(&["retrieve-metadata", &id, "--transform", "filename", "-r"]),
        "report.pdf\n"
    );
    assert_eq!(
        run(&[
            "retrieve-metadata",
            &id,
            "--transform",
            "filename",
            "--raw-output"
        ]),
        "report.pdf\n"
    );
    assert_eq!(
        run(&[
            "retrieve-metadata",
            &id,
            "--transform",
            "size_bytes",
            "--format",
            "raw"
        ]),
        "8\n"
    );
    assert_eq!(
        run(&["retrieve-metadata", &id, "--transform", "no.such.field"]),
        "null\n"
    );
    assert_eq!(
        run(&[
            "retrieve-metadata",
            &id,
            "--transform",
            "{filename,size_bytes}",
            "--format",
            "jsonl"
        ]),
        "{\"filename\":\"report.pdf\",\"size_bytes\":8}\n"
    );
    // Lists: applied to each file.
    assert_eq!(run(&["list", "--transform", "id", "-r"]), format!("{id}\n"));
    assert_eq!(
        run(&["list", "--transform", "filename", "--format", "json"]),
        "[\n  \"report.pdf\"\n]\n"
    );
    assert_eq!(
        run(&["list", "--transform", "{id,mime_type}", "--format", "jsonl"]),
        format!("{{\"id\":\"{id}\",\"mime_type\":\"application/pdf\"}}\n")
    );
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
fn api_errors_exit_1_with_status_type_and_request_id() {
    let server = TestServer::start();
    let out = server
        .cmd()
        .args(["retrieve-metadata", "file_missing"])
        .assert()
        .code(1);
    let (summary, error) = error_json(&out.get_output().stderr);
    assert!(
        summary.starts_with("anthropic-files: error: 404"),
        "{summary}"
    );
    assert!(summary.contains("not_found_error"), "{summary}");
    let request_id = error["request_id"].as_str().unwrap();
    assert!(request_id.starts_with("req_"), "{error}");
    assert!(summary.contains(request_id), "{summary}");
    assert_eq!(error["type"], "error");
    assert_eq!(error["error"]["type"], "not_found_error");
    assert_eq!(error["status"], 404);
    assert!(out.get_output().stdout.is_empty());

    // --format-error and --transform-error shape it.
    let out = server
        .cmd()
        .args(["delete", "file_missing", "--format-error", "yaml"])
        .assert()
        .code(1);
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains("\ntype: error\nerror:\n  type: not_found_error\n"),
        "{stderr}"
    );
    let out = server
        .cmd()
        .args([
            "delete",
            "file_missing",
            "--transform-error",
            "error.type",
            "-r",
        ])
        .assert()
        .code(1);
    let stderr = text(&out.get_output().stderr);
    assert_eq!(stderr.lines().nth(1), Some("not_found_error"), "{stderr}");
    let out = server
        .cmd()
        .args(["delete", "file_missing", "--format-error", "jsonl"])
        .assert()
        .code(1);
    assert_eq!(text(&out.get_output().stderr).lines().count(), 2);
}

#[test]
fn usage_errors_and_invalid_input_exit_2() {
    let server = TestServer::start();
    let out = server
        .cmd()
        .args(["list", "--no-such-flag"])
        .assert()
        .code(2);
    assert!(text(&out.get_output().stderr).contains("--no-such-flag"));
    server.cmd().arg("delete").assert().code(2);
    server
        .cmd()
        .args(["list", "--format", "xml"])
        .assert()
        .code(2);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ok.txt");
    std::fs::write(&path, "x").unwrap();
    let out = server
        .cmd()
        .arg("upload")
        .arg(&path)
        .args(["--filename", "bad|name.txt"])
        .assert()
        .code(2);
    let (summary, error) = error_json(&out.get_output().stderr);
    assert!(summary.contains("forbidden character"), "{summary}");
    assert_eq!(error["error"]["type"], "invalid_request_error");
    assert_eq!(error["request_id"], serde_json::Value::Null);

    // GA-only options on the beta generation are refused before sending.
    server
        .cmd()
        .arg("upload")
        .arg(&path)
        .args(["--expires-in-seconds", "3600"])
        .assert()
        .code(2);
    // A key but an unusable base URL: a configuration error.
    let out = crate::support::bare_cmd(server.store.path())
        .args(["--base-url", "ftp://example", "--api-key", KEY, "list"])
        .assert()
        .code(2);
    let (_, error) = error_json(&out.get_output().stderr);
    assert_eq!(error["error"]["type"], "configuration_error");
}

#[test]
fn network_errors_exit_3() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    }; // closed again: nothing listens there
    let store = tempfile::tempdir().unwrap();
    let out = crate::support::bare_cmd(store.path())
        .args([
            "--base-url",
            &format!("http://127.0.0.1:{port}"),
            "--api-key",
            KEY,
        ])
        .args(["--max-retries", "0", "list"])
        .assert()
        .code(3);
    let (summary, error) = error_json(&out.get_output().stderr);
    assert!(summary.contains("connection error"), "{summary}");
    assert_eq!(error["error"]["type"], "connection_error");
    assert!(!text(&out.get_output().stderr).contains(KEY));
}

#[test]
fn local_io_errors_exit_4() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let out = server
        .cmd()
        .arg("upload")
        .arg(dir.path().join("missing.pdf"))
        .assert()
        .code(4);
    let (summary, error) = error_json(&out.get_output().stderr);
    assert!(
        summary.contains("missing.pdf"),
        "the path is named: {summary}"
    );
    assert_eq!(error["error"]["type"], "io_error");
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

#[test]
fn secrets_never_appear_in_debug_output_or_errors() {
    let mut keys = KeyTable::new();
    keys.insert("sk-ant-the-only-good-key", "ws_1");
    let server = TestServer::with_config(ServerConfig::new().auth(Auth::Keys(keys)));
    // A rejected key: 401, with --debug.
    let out = server.cmd().args(["--debug", "list"]).assert().code(1);
    let stderr = text(&out.get_output().stderr);
    assert!(stderr.contains("401"), "{stderr}");
    assert!(
        stderr.contains("files_request"),
        "--debug logs the requests: {stderr}"
    );
    assert!(!stderr.contains(KEY), "{stderr}");

    // An accepted key, and an auth token: never printed either.
    let out = crate::support::bare_cmd(server.store.path())
        .args([
            "--base-url",
            &server.base_url,
            "--api-key",
            "sk-ant-the-only-good-key",
            "--debug",
            "list",
        ])
        .assert()
        .success();
    assert!(!text(&out.get_output().stderr).contains("sk-ant-the-only-good-key"));
    let out = crate::support::bare_cmd(server.store.path())
        .env("ANTHROPIC_AUTH_TOKEN", "tok-secret-99")
        .args(["--base-url", &server.base_url, "--debug", "list"])
        .assert()
        .code(1);
    assert!(!text(&out.get_output().stderr).contains("tok-secret-99"));
    let help = crate::support::bare_cmd(server.store.path())
        .env("ANTHROPIC_API_KEY", "sk-env-secret")
        .arg("--help")
        .assert()
        .success();
    assert!(!text(&help.get_output().stdout).contains("sk-env-secret"));
}

/// `ANTHROPIC_LOG` beside `--debug`: `info` logs error answers with their
/// request ids but not each attempt; `debug` logs each success with its
/// request id too.
#[test]
fn anthropic_log_info_and_debug_log_request_ids_on_stderr() {
    let mut keys = KeyTable::new();
    keys.insert("sk-ant-the-only-good-key", "ws_1");
    let server = TestServer::with_config(ServerConfig::new().auth(Auth::Keys(keys)));
    let out = server
        .cmd()
        .env("ANTHROPIC_LOG", "info")
        .arg("list")
        .assert()
        .code(1);
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains("error answer") && stderr.contains("request_id=\"req_"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("sending"),
        "info leaves out each attempt: {stderr}"
    );

    let out = crate::support::bare_cmd(server.store.path())
        .env("ANTHROPIC_LOG", "debug")
        .args([
            "--base-url",
            &server.base_url,
            "--api-key",
            "sk-ant-the-only-good-key",
            "list",
        ])
        .assert()
        .success();
    let stderr = text(&out.get_output().stderr);
    assert!(
        stderr.contains("succeeded") && stderr.contains("request_id=\"req_"),
        "{stderr}"
    );
    assert!(!stderr.contains("sk-ant-the-only-good-key"), "{stderr}");
    assert_eq!(
        text(&out.get_output().stdout),
        "[]\n",
        "stdout stays the result"
    );
}

#[test]
fn environment_variables_configure_the_client() {
    let server = TestServer::start();
    let out = crate::support::bare_cmd(server.store.path())
        .env("ANTHROPIC_BASE_URL", &server.base_url)
        .env("ANTHROPIC_API_KEY", KEY)
        .arg("list")
        .assert()
        .success();
    assert_eq!(text(&out.get_output().stdout), "[]\n");
    assert!(out.get_output().stderr.is_empty(), "no local-store notice");
}

#[test]
fn help_documents_environment_local_store_and_exit_codes() {
    let store = tempfile::tempdir().unwrap();
    let out = crate::support::bare_cmd(store.path())
        .arg("--help")
        .assert()
        .success();
    let help = text(&out.get_output().stdout);
    for needle in [
        "ANTHROPIC_API_KEY",
        "ANTHROPIC_AUTH_TOKEN",
        "ANTHROPIC_BASE_URL",
        "ANTHROPIC_FILES_STORE",
        "local store",
        "Exit codes",
        "3  network error",
        "--transform",
        "--format-error",
    ] {
        assert!(help.contains(needle), "--help mentions {needle}");
    }
    crate::support::bare_cmd(store.path())
        .args(["download", "--help"])
        .assert()
        .success()
        .stdout(contains("Content-Disposition"));
}

#[test]
fn completions_are_generated() {
    let store = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        crate::support::bare_cmd(store.path())
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(contains("retrieve-metadata"));
    }
    crate::support::bare_cmd(store.path())
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[test]
fn the_client_side_upload_limit_is_a_flag() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ten.bin");
    std::fs::write(&path, [0u8; 10]).unwrap();
    let refused = server
        .cmd()
        .args(["upload", path.to_str().unwrap(), "--max-upload-bytes", "9"])
        .assert()
        .code(2);
    assert!(text(&refused.get_output().stderr).contains("at most 9 bytes"));
    server
        .cmd()
        .args(["upload", path.to_str().unwrap(), "--max-upload-bytes", "10"])
        .assert()
        .success();
}

/// A password in the base URL is refused before anything is sent or
/// written, and never printed, not even by --debug.
#[test]
fn a_base_url_with_a_password_is_refused_and_never_printed() {
    let store = tempfile::tempdir().unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://user:PASS-w0rd@{}", listener.local_addr().unwrap());
    let tree = tempfile::tempdir().unwrap();
    std::fs::write(tree.path().join("a.txt"), b"a").unwrap();
    let manifest = store.path().join("manifest.json");
    for args in [
        vec!["--debug", "list"],
        vec![
            "--debug",
            "sync",
            tree.path().to_str().unwrap(),
            "--manifest",
            manifest.to_str().unwrap(),
        ],
    ] {
        // Bounded even when the refusal is missing: the peer never answers.
        let out = crate::support::bare_cmd(store.path())
            .timeout(std::time::Duration::from_secs(30))
            .args([
                "--base-url",
                &url,
                "--api-key",
                KEY,
                "--timeout",
                "2",
                "--max-retries",
                "0",
            ])
            .args(&args)
            .assert()
            .code(2);
        let stderr = text(&out.get_output().stderr);
        assert!(!stderr.contains("PASS-w0rd"), "{stderr}");
        assert!(stderr.contains("http://***@127.0.0.1"), "{stderr}");
        assert!(stderr.contains("credentials"), "{stderr}");
    }
    let env = crate::support::bare_cmd(store.path())
        .env("ANTHROPIC_BASE_URL", &url)
        .timeout(std::time::Duration::from_secs(30))
        .args(["--api-key", KEY, "--timeout", "2", "--debug", "list"])
        .assert()
        .code(2);
    assert!(!text(&env.get_output().stderr).contains("PASS-w0rd"));
    assert!(!manifest.exists(), "no manifest written");
    assert!(listener.accept().is_err(), "nothing connected");
}
