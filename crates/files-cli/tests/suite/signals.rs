//! Real signals to a running `download -o FILE`: SIGTERM and SIGINT remove
//! the hidden `.part` file the download was writing and exit 143 and 130.
//! The peer is a raw HTTP server on 127.0.0.1 that announces 1 GiB and
//! sends it slowly enough never to finish.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{KEY, bare_std_cmd};

/// Serves one download that never ends: headers for 1 GiB, then 64 KiB
/// every 10 ms until the client goes away or 60 s pass.
fn endless_download() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let Ok((mut stream, _)) = listener.accept() else {
            return;
        };
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
            if stream.read(&mut byte).unwrap_or(0) == 0 {
                return;
            }
            head.push(byte[0]);
        }
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n\
              content-length: 1073741824\r\n\r\n",
        );
        let chunk = vec![b'x'; 64 * 1024];
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline && stream.write_all(&chunk).is_ok() {
            std::thread::sleep(Duration::from_millis(10));
        }
    });
    base_url
}

/// The names in `dir`.
fn names(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect()
}

/// Starts `download file_1 -o DIR/out.bin`, waits for its `.part` file to
/// hold data, sends `signal`, and returns the exit code and what is left.
fn interrupted_download(signal: &str) -> (Option<i32>, Vec<String>, String) {
    let store = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let base_url = endless_download();
    let mut child = bare_std_cmd(store.path())
        .args(["--base-url", &base_url, "--api-key", KEY, "--quiet"])
        .args(["download", "file_1", "-o"])
        .arg(dir.path().join("out.bin"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let writing = loop {
        let part = names(dir.path()).into_iter().find(|n| n.ends_with(".part"));
        if let Some(part) = part
            && std::fs::metadata(dir.path().join(&part)).is_ok_and(|m| m.len() > 0)
        {
            break true;
        }
        if started.elapsed() > Duration::from_secs(30) || child.try_wait().unwrap().is_some() {
            break false;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let sent = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    // Bounded: a process that does not exit is killed and fails the test.
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("the process did not exit after {signal}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(writing, "the download never started writing: {stderr}");
    (status.code(), names(dir.path()), stderr)
}

#[test]
fn sigterm_during_a_download_removes_the_part_file_and_exits_143() {
    let (code, left, stderr) = interrupted_download("-TERM");
    assert_eq!(code, Some(143), "{stderr}");
    assert!(left.is_empty(), "left behind: {left:?}");
    assert!(stderr.contains("interrupted by SIGTERM"), "{stderr}");
}

#[test]
fn sigint_during_a_download_removes_the_part_file_and_exits_130() {
    let (code, left, stderr) = interrupted_download("-INT");
    assert_eq!(code, Some(130), "{stderr}");
    assert!(left.is_empty(), "left behind: {left:?}");
}
