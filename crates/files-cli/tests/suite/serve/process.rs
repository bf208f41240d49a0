//! `anthropic-files serve` as a child process: one owner per data directory,
//! and memory that stays flat under a malformed upload (measured from the
//! child's /proc status). Every child is killed when its guard drops.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{BOUND, command, spawn, status_kib};

fn get_files(addr: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(BOUND)).unwrap();
    stream
        .write_all(
            b"GET /v1/files HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

#[test]
fn a_second_server_on_the_same_directory_exits_at_once_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("store");
    let data_arg = data.to_str().unwrap();
    let mut first = spawn(&["--data-dir", data_arg]);
    assert!(get_files(&first.addr).starts_with("HTTP/1.1 200"));

    let mut second = command(&["--data-dir", data_arg]).spawn().unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = second.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > BOUND {
            let _ = second.kill();
            panic!("the second server is still running");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    second
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!status.success(), "{status}");
    assert!(stderr.contains(data_arg), "{stderr}");
    assert!(stderr.contains("in use"), "{stderr}");
    assert!(
        get_files(&first.addr).starts_with("HTTP/1.1 200"),
        "the first is unharmed"
    );

    // A kill -9 lets go of the lock: the next server starts.
    first.child.kill().unwrap();
    first.child.wait().unwrap();
    let third = spawn(&["--data-dir", data_arg]);
    assert!(get_files(&third.addr).starts_with("HTTP/1.1 200"));
}

/// Sends a chunked multipart body whose part headers never end, up to `total`
/// bytes or until the server stops reading; returns what the server answered.
fn send_endless_part_headers(addr: &str, total: usize) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_write_timeout(Some(BOUND)).unwrap();
    stream.set_read_timeout(Some(BOUND)).unwrap();
    let head = "POST /v1/files HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\n\
                Content-Type: multipart/form-data; boundary=X\r\n\
                Transfer-Encoding: chunked\r\n\r\n";
    stream.write_all(head.as_bytes()).unwrap();
    let chunk = vec![b'a'; 1 << 20];
    let mut first = b"--X\r\n".to_vec();
    first.extend_from_slice(&chunk[5..]);
    let mut sent = 0;
    while sent < total {
        let data = if sent == 0 { &first } else { &chunk };
        let framed = [format!("{:x}\r\n", data.len()).as_bytes(), data, b"\r\n"].concat();
        if stream.write_all(&framed).is_err() {
            break;
        }
        sent += data.len();
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn endless_part_headers_do_not_grow_memory() {
    let server = spawn(&[]);
    let pid = server.child.id();
    assert!(get_files(&server.addr).starts_with("HTTP/1.1 200"));
    let idle_kib = status_kib(pid, "VmRSS:");
    let answer = send_endless_part_headers(&server.addr, 400 << 20);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer:?}");
    let peak_kib = status_kib(pid, "VmHWM:");
    let grew_mib = peak_kib.saturating_sub(idle_kib) / 1024;
    assert!(
        grew_mib < 48,
        "resident memory grew by {grew_mib} MiB (idle {idle_kib} KiB, peak {peak_kib} KiB)"
    );
    assert!(
        get_files(&server.addr).starts_with("HTTP/1.1 200"),
        "still answering"
    );
}

#[test]
fn the_log_says_why_a_request_was_refused() {
    let mut server = spawn(&["--log"]);
    // No credential: a 401 whose message the log must carry.
    let mut stream = TcpStream::connect(&server.addr).unwrap();
    stream.set_read_timeout(Some(BOUND)).unwrap();
    write!(
        stream,
        "GET /v1/files HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    // Stop the server so that its stderr ends, then read it all.
    let _ = server.child.kill();
    let mut log = String::new();
    server
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    let refused = log
        .lines()
        .find(|line| line.contains("refused"))
        .unwrap_or_else(|| panic!("no refused line in {log:?}"));
    assert!(
        refused.contains("x-api-key header or a bearer token is required"),
        "{refused}"
    );
    assert!(refused.contains("path=/v1/files"), "{refused}");
}

/// Sends `request` on a new connection and reads the whole answer.
fn exchange(addr: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(BOUND)).unwrap();
    stream.write_all(request).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

fn upload_request(content: &str) -> Vec<u8> {
    let body = format!(
        "--b\r\ncontent-disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
         content-type: text/plain\r\n\r\n{content}\r\n--b--\r\n"
    );
    format!(
        "POST /v1/files HTTP/1.1\r\nhost: x\r\nx-api-key: k\r\nconnection: close\r\n\
         content-type: multipart/form-data; boundary=b\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[test]
fn a_full_disk_refuses_uploads_not_to_be_retried_says_so_on_stderr_and_deletes_still_work() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let id = {
        let server = spawn(&["--data-dir", data]);
        let answer = exchange(&server.addr, &upload_request("kept"));
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        let at = answer.find("\"id\":\"").unwrap() + 6;
        answer[at..at + 27].to_owned()
    };
    // A reserve larger than any disk: the disk is "full" for uploads.
    let mut server = spawn(&[
        "--data-dir",
        data,
        "--min-free-space",
        &u64::MAX.to_string(),
    ]);
    let refused = exchange(&server.addr, &upload_request("more"));
    assert!(refused.starts_with("HTTP/1.1 507"), "{refused}");
    assert!(refused.contains("x-should-retry: false"), "{refused}");
    assert!(refused.contains("disk is full"), "{refused}");
    let deleted = exchange(
        &server.addr,
        format!(
            "DELETE /v1/files/{id} HTTP/1.1\r\nhost: x\r\nx-api-key: k\r\nconnection: close\r\n\r\n"
        )
        .as_bytes(),
    );
    assert!(deleted.starts_with("HTTP/1.1 200"), "{deleted}");
    // No --log: the refusal still reaches stderr.
    let _ = server.child.kill();
    let mut log = String::new();
    server
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    assert!(log.contains("reserve"), "nothing on stderr: {log:?}");
}

#[test]
fn the_open_file_limit_is_raised_to_the_hard_one() {
    // prlimit (util-linux) starts the program with a low soft limit.
    let Ok(status) = Command::new("prlimit").arg("--version").output() else {
        eprintln!("no prlimit here: skipped");
        return;
    };
    assert!(status.status.success());
    let mut child = Command::new("prlimit")
        .args(["--nofile=256:4096", env!("CARGO_BIN_EXE_anthropic-files")])
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = send.send(line);
    });
    let line = receive.recv_timeout(BOUND).unwrap();
    assert!(line.starts_with("listening on"), "{line:?}");
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", child.id())).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let soft = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .and_then(|l| l.split_whitespace().nth(3))
        .unwrap();
    assert_eq!(soft, "4096", "{limits}");
}
