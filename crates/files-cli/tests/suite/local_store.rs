//! The embedded default (the local store) and `serve`.

use std::io::BufRead;

use crate::support::{bare_cmd, json, text};

#[test]
fn without_configuration_the_local_store_is_used_and_persists() {
    let store = tempfile::tempdir().unwrap();
    let store_dir = store.path().join("store");
    let work = tempfile::tempdir().unwrap();
    let path = work.path().join("a.pdf");
    std::fs::write(&path, b"%PDF-1.4 local").unwrap();

    let out = bare_cmd(&store_dir)
        .arg("upload")
        .arg(&path)
        .assert()
        .success();
    let uploaded = json(&out.get_output().stdout);
    let stderr = text(&out.get_output().stderr);
    assert_eq!(stderr.lines().count(), 1, "exactly one notice: {stderr}");
    assert!(
        stderr.contains("local store") && stderr.contains(store_dir.to_str().unwrap()),
        "{stderr}"
    );
    assert!(
        store_dir.join("files.sqlite3").exists(),
        "the store is on disk"
    );

    // A second invocation (a new process, a new server) sees the file.
    let out = bare_cmd(&store_dir)
        .args(["list", "--quiet"])
        .assert()
        .success();
    let listed = json(&out.get_output().stdout);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], uploaded["id"]);
    assert!(
        out.get_output().stderr.is_empty(),
        "--quiet silences the notice"
    );

    let id = uploaded["id"].as_str().unwrap();
    let out = bare_cmd(&store_dir)
        .args([
            "-q",
            "retrieve-metadata",
            id,
            "--transform",
            "filename",
            "-r",
        ])
        .assert()
        .success();
    assert_eq!(text(&out.get_output().stdout), "a.pdf\n");
    // API errors are the local server's, with a request id.
    let out = bare_cmd(&store_dir)
        .args(["-q", "download", id])
        .assert()
        .code(1);
    assert!(text(&out.get_output().stderr).contains("request id req_"));
    bare_cmd(&store_dir)
        .args(["-q", "delete", id])
        .assert()
        .success();
    let out = bare_cmd(&store_dir).args(["-q", "list"]).assert().success();
    assert_eq!(text(&out.get_output().stdout), "[]\n");
}

#[test]
fn an_unusable_store_is_a_local_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-directory");
    std::fs::write(&file, "x").unwrap();
    let out = bare_cmd(&file).arg("list").assert().code(4);
    let stderr = text(&out.get_output().stderr);
    assert!(stderr.contains("not-a-directory"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn serve_runs_the_server_until_sigterm() {
    let store = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_anthropic-files"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data.path())
        .env("ANTHROPIC_FILES_STORE", store.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base_url = line.trim().strip_prefix("listening on ").map(str::to_owned);

    let listed = base_url.as_ref().map(|url| {
        bare_cmd(store.path())
            .args(["--base-url", url, "--api-key", "any", "list"])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone()
    });

    // A second server on the same directory exits at once, naming it.
    let second = bare_cmd(store.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(data.path())
        .timeout(std::time::Duration::from_secs(30))
        .assert()
        .code(4);
    let second_err = text(&second.get_output().stderr);
    assert!(
        second_err.contains(data.path().to_str().unwrap()) && second_err.contains("in use"),
        "{second_err}"
    );

    // Stop it as ctrl-c would (SIGTERM), waiting a bounded time.
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let mut status = None;
    for _ in 0..300 {
        if let Some(done) = child.try_wait().unwrap() {
            status = Some(done);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    if status.is_none() {
        let _ = child.kill();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        base_url.is_some(),
        "printed `listening on URL`: {line:?} {}",
        text(&out.stderr)
    );
    assert_eq!(text(&listed.unwrap()), "[]\n");
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(0),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stderr).contains("shutting down"));
}

#[test]
fn serve_refuses_bad_options_with_exit_2() {
    let store = tempfile::tempdir().unwrap();
    let out = bare_cmd(store.path())
        .args(["serve", "--listen", "127.0.0.1:0", "--key", "no-workspace"])
        .assert()
        .code(2);
    assert!(text(&out.get_output().stderr).contains("--key"));
    bare_cmd(store.path())
        .args(["serve", "--listen", "nowhere"])
        .assert()
        .code(2);
}
