//! Local input that changes under the CLI: a file that grows, shrinks or
//! becomes a FIFO between two attempts of an upload. The peer is a raw HTTP
//! server on 127.0.0.1 that reads the first attempt whole, changes the file,
//! then answers 500 (retryable), so the retry meets the changed file.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::support::{KEY, bare_cmd, text};

/// Reads one request (head and `content-length` body); false if it broke off.
fn read_request(stream: &mut TcpStream) -> bool {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) if head.len() < 64 * 1024 => head.push(byte[0]),
            _ => return false,
        }
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length: u64 = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    std::io::copy(&mut stream.take(length), &mut std::io::sink()).is_ok()
}

/// Serves up to three connections (until `stop`, or 30 s): each request is
/// read whole and answered 500; after the first, `change` runs on the file.
fn changing_server(
    file: PathBuf,
    change: fn(&Path),
    stop: Arc<AtomicBool>,
) -> (String, std::thread::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let thread = std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut served = 0;
        while served < 3 && Instant::now() < deadline && !stop.load(Ordering::SeqCst) {
            let Ok((mut stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            stream.set_nonblocking(false).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let complete = read_request(&mut stream);
            if served == 0 {
                change(&file);
            }
            served += 1;
            if complete {
                let body = r#"{"type":"error","error":{"type":"api_error","message":"try again"}}"#;
                let _ = write!(
                    stream,
                    "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        }
        served
    });
    (base_url, thread)
}

/// `upload FILE` against the changing server; the exit code and stderr.
fn upload(change: fn(&Path)) -> (Option<i32>, String, usize) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data.bin");
    std::fs::write(&file, vec![b'x'; 100_000]).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let (base_url, server) = changing_server(file.clone(), change, Arc::clone(&stop));
    let out = bare_cmd(dir.path())
        .args([
            "--base-url",
            &base_url,
            "--api-key",
            KEY,
            "--max-retries",
            "2",
        ])
        .arg("upload")
        .arg(&file)
        // Bounded whatever happens: a hung process is killed and fails the test.
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    stop.store(true, Ordering::SeqCst);
    let served = server.join().unwrap();
    (out.status.code(), text(&out.stderr), served)
}

#[test]
fn a_file_that_grows_between_attempts_is_a_local_error_saying_it_changed() {
    let (code, stderr, served) = upload(|file| {
        let mut f = std::fs::OpenOptions::new().append(true).open(file).unwrap();
        f.write_all(b"more").unwrap();
    });
    assert_eq!(code, Some(4), "{stderr}");
    assert!(
        stderr.contains("the file changed while it was being uploaded"),
        "{stderr}"
    );
    assert!(
        stderr.contains("100000 bytes when the upload started"),
        "{stderr}"
    );
    assert!(
        served <= 2,
        "not retried once the change was seen: {served}"
    );
}

#[test]
fn a_file_that_shrinks_between_attempts_is_a_local_error_saying_it_changed() {
    let (code, stderr, _) = upload(|file| std::fs::write(file, b"short").unwrap());
    assert_eq!(code, Some(4), "{stderr}");
    assert!(stderr.contains("file changed"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_file_that_becomes_a_fifo_between_attempts_fails_and_the_process_exits() {
    let (code, stderr, _) = upload(|file| {
        std::fs::remove_file(file).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(file)
            .status()
            .unwrap();
        assert!(made.success());
    });
    assert_eq!(code, Some(4), "exited by itself: {stderr}");
    assert!(stderr.contains("a FIFO, not a regular file"), "{stderr}");
}

/// The peak resident memory of process `pid` so far, in KiB (`VmHWM`).
#[cfg(target_os = "linux")]
fn peak_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Serves `pages` pages of `per_page` files each on kept-alive connections,
/// then a last empty page; stops after 60 s whatever happens.
fn long_listing(pages: usize, per_page: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut page = 0;
        listener.set_nonblocking(true).unwrap();
        while Instant::now() < deadline && page <= pages {
            let Ok((mut stream, _)) = listener.accept() else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            stream.set_nonblocking(false).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            while page <= pages && read_request(&mut stream) {
                let more = page < pages;
                let items: Vec<String> = (0..if more { per_page } else { 0 })
                    .map(|i| {
                        format!(
                            r#"{{"type":"file","id":"file_{page}_{i}","filename":"f{i}.txt","mime_type":"text/plain","size_bytes":{i},"created_at":"2025-04-15T18:37:24.100435Z","downloadable":false}}"#
                        )
                    })
                    .collect();
                let body = format!(
                    r#"{{"data":[{}],"has_more":{more},"first_id":"file_{page}_0","last_id":"file_{page}_last"}}"#,
                    items.join(",")
                );
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                if stream.write_all(head.as_bytes()).is_err()
                    || stream.write_all(body.as_bytes()).is_err()
                {
                    break;
                }
                page += 1;
            }
        }
    });
    base_url
}

/// 60,000 files in `json`, `yaml` and `pretty`: written as they arrive, so
/// the CLI's peak memory stays far below what holding them would take
/// (about 3.4 KB a file, 200 MiB here).
#[cfg(target_os = "linux")]
#[test]
fn a_long_listing_is_written_as_it_arrives_in_bounded_memory() {
    for format in ["json", "yaml", "pretty"] {
        let store = tempfile::tempdir().unwrap();
        let base_url = long_listing(60, 1000);
        let mut child = crate::support::bare_std_cmd(store.path())
            .args([
                "--base-url",
                &base_url,
                "--api-key",
                KEY,
                "--format",
                format,
                "list",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let pid = child.id();
        let mut stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut lines = 0usize;
            let mut buffer = vec![0u8; 64 * 1024];
            loop {
                match stdout.read(&mut buffer) {
                    Ok(0) | Err(_) => return lines,
                    Ok(n) => lines += buffer[..n].iter().filter(|&&b| b == b'\n').count(),
                }
            }
        });
        let started = Instant::now();
        let mut peak = 0;
        let status = loop {
            peak = peak_kib(pid).unwrap_or(0).max(peak);
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if started.elapsed() > Duration::from_secs(120) {
                child.kill().unwrap();
                panic!("list --format {format} did not finish");
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let lines = reader.join().unwrap();
        assert!(status.success(), "{format}: {status:?}");
        assert!(lines > 60_000, "{format}: {lines} lines");
        assert!(peak < 64 * 1024, "{format}: peak {peak} KiB");
        eprintln!("{format}: {lines} lines, peak {peak} KiB");
    }
}

/// One 16 MiB page of small files (100,000 of them): held once by the
/// client while it is read, never again per item by the CLI.
#[cfg(target_os = "linux")]
#[test]
fn one_huge_page_is_written_in_bounded_memory() {
    let store = tempfile::tempdir().unwrap();
    let base_url = long_listing(1, 100_000);
    let mut child = crate::support::bare_std_cmd(store.path())
        .args([
            "--base-url",
            &base_url,
            "--api-key",
            KEY,
            "--format",
            "json",
            "list",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid = child.id();
    let started = Instant::now();
    let mut peak = 0;
    let status = loop {
        peak = peak_kib(pid).unwrap_or(0).max(peak);
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("list did not finish");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert!(status.success(), "{status:?}");
    eprintln!("one page of 100000: peak {peak} KiB");
    // About 70 MiB: the page's text and its parsed files; holding each file
    // as a document too took over 300 MiB.
    assert!(peak < 128 * 1024, "peak {peak} KiB");
}
