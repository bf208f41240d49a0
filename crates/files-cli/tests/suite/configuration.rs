//! How the CLI is configured, and what it never prints: environment
//! variables, `ANTHROPIC_LOG` and `--debug`, the client-side upload limit,
//! secrets kept out of debug output and errors, a base URL with a password.

use crate::support::{KEY, TestServer, text};
use files_server::{Auth, KeyTable, ServerConfig};

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
