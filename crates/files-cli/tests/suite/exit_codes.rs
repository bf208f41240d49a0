//! The exit codes and the error JSON: API errors (1), usage errors and
//! invalid input (2), network errors (3), local I/O errors (4).

use crate::support::{KEY, TestServer, error_json, text};

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
