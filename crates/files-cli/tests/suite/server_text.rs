//! Text a server controls (error messages, filenames) never reaches a human's
//! terminal raw: control characters and bidi overrides are escaped in summaries,
//! notices, the pretty format and saved-file names, while JSON keeps the exact
//! values. The server here is a scripted one on 127.0.0.1 that answers with
//! escape sequences.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use crate::support::{KEY, bare_cmd, bare_std_cmd, error_json, json, text};

/// What a hostile server might put in a string: a screen clear, a window title,
/// a bell, a C1 CSI, DEL and a right-to-left override.
const NASTY: &str = "\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\u{7f}gift\u{202E}fdp.exe";

/// `NASTY` as JSON string contents (serde_json escapes C0 only).
fn nasty_json() -> String {
    let quoted = serde_json::to_string(NASTY).unwrap();
    quoted[1..quoted.len() - 1].to_owned()
}

/// True when `s` holds a character a terminal would act on.
fn has_raw_controls(s: &str) -> bool {
    s.chars().any(|c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

/// A status, headers and a body.
type Answer = (u16, Vec<(String, String)>, Vec<u8>);

/// The answer to a request, given its head.
type Script = fn(&str) -> Answer;

/// A scripted HTTP/1.1 server: each connection gets `answer(request head)`, then
/// is closed. It stops by itself after `connections` connections or 15 seconds.
struct Scripted {
    base_url: String,
    /// A local store that is never used (the base URL is set).
    store: tempfile::TempDir,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Scripted {
    fn start(connections: usize, answer: Script) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let thread = std::thread::spawn(move || {
            let deadline = Instant::now() + Duration::from_secs(15);
            let mut served = 0;
            while served < connections && Instant::now() < deadline {
                match listener.accept() {
                    Ok((stream, _)) => {
                        serve(stream, answer);
                        served += 1;
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        Self {
            base_url,
            store: tempfile::tempdir().unwrap(),
            thread: Some(thread),
        }
    }

    fn cmd(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.std_cmd(&[]))
    }

    /// `anthropic-files` pointed at this server, no retries, then `args`.
    fn std_cmd(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = bare_std_cmd(self.store.path());
        cmd.args([
            "--base-url",
            &self.base_url,
            "--api-key",
            KEY,
            "--max-retries",
            "0",
        ]);
        cmd.args(args);
        cmd
    }
}

impl Drop for Scripted {
    fn drop(&mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(mut stream: TcpStream, answer: Script) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let (status, headers, body) = answer(&String::from_utf8_lossy(&head));
    let mut out = format!(
        "HTTP/1.1 {status} X\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    let _ = stream.write_all(out.as_bytes());
    let _ = stream.write_all(&body);
}

fn json_answer(status: u16, body: String) -> Answer {
    let headers = vec![
        ("content-type".to_owned(), "application/json".to_owned()),
        ("request-id".to_owned(), "req_scripted".to_owned()),
    ];
    (status, headers, body.into_bytes())
}

fn not_found(_head: &str) -> Answer {
    json_answer(
        404,
        format!(
            r#"{{"type":"error","error":{{"type":"not_found_error","message":"{}"}}}}"#,
            nasty_json()
        ),
    )
}

fn a_listing(_head: &str) -> Answer {
    json_answer(
        200,
        format!(
            r#"{{"data":[{{"type":"file","id":"file_1","filename":"{}","mime_type":"text/plain","size_bytes":1,"created_at":"2025-04-15T18:37:24.100435Z","downloadable":true}}],"has_more":false,"first_id":"file_1","last_id":"file_1"}}"#,
            nasty_json()
        ),
    )
}

fn a_download(_head: &str) -> Answer {
    // C0 controls cannot travel in a header: RFC 5987 percent-encoding carries them.
    let disposition = "attachment; filename*=UTF-8''%1B%5B2J%C2%9Bgift%E2%80%AEfdp.exe".to_owned();
    let headers = vec![
        (
            "content-type".to_owned(),
            "application/octet-stream".to_owned(),
        ),
        ("content-disposition".to_owned(), disposition),
    ];
    (200, headers, b"payload".to_vec())
}

#[test]
fn error_messages_are_escaped_on_the_summary_line_and_exact_in_json() {
    let server = Scripted::start(2, not_found);
    let out = server
        .cmd()
        .args(["retrieve-metadata", "file_x"])
        .assert()
        .code(1);
    let stderr = text(&out.get_output().stderr);
    assert!(
        !has_raw_controls(&stderr),
        "raw controls on stderr: {stderr:?}"
    );
    let (summary, error) = error_json(&out.get_output().stderr);
    assert!(
        summary.contains(r"\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\u{7f}gift\u{202e}fdp.exe"),
        "{summary}"
    );
    assert_eq!(
        error["error"]["message"], NASTY,
        "the JSON keeps the exact message"
    );

    // --format-error pretty is for humans: escaped too.
    let out = server
        .cmd()
        .args(["retrieve-metadata", "file_x", "--format-error", "pretty"])
        .assert()
        .code(1);
    let stderr = text(&out.get_output().stderr);
    assert!(!has_raw_controls(&stderr), "{stderr:?}");
    assert!(stderr.contains(r"error.message: \u{1b}[2J"), "{stderr}");
}

#[test]
fn filenames_are_escaped_in_pretty_output_and_exact_in_json() {
    let server = Scripted::start(3, a_listing);
    let out = server
        .cmd()
        .args(["list", "--format", "pretty"])
        .assert()
        .success();
    let stdout = text(&out.get_output().stdout);
    assert!(!has_raw_controls(&stdout), "{stdout:?}");
    assert!(stdout.contains(r"\u{1b}[2J\u{1b}]0;pwned"), "{stdout}");

    for format in ["json", "jsonl"] {
        let out = server
            .cmd()
            .args(["list", "--format", format])
            .assert()
            .success();
        let stdout = text(&out.get_output().stdout);
        assert!(!has_raw_controls(&stdout), "{format}: {stdout:?}");
        let value = json(stdout.as_bytes());
        let name = if format == "json" {
            &value[0]["filename"]
        } else {
            &value["filename"]
        };
        assert_eq!(name, NASTY, "{format} keeps the exact filename");
    }
}

#[test]
fn a_server_chosen_download_name_is_saved_and_reported_safely() {
    let server = Scripted::start(1, a_download);
    let dir = tempfile::tempdir().unwrap();
    let out = server
        .cmd()
        .args(["download", "file_1", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    let stderr = text(&out.get_output().stderr);
    assert!(!has_raw_controls(&stderr), "{stderr:?}");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        names,
        ["[2Jgiftfdp.exe"],
        "no control character or override in the name"
    );
    assert_eq!(
        std::fs::read(dir.path().join(&names[0])).unwrap(),
        b"payload"
    );
}

/// True when `s` holds a piece of [`NASTY`] a terminal would act on. The
/// program's own progress bars and colours may use escape sequences on a
/// terminal; the server's never get there.
fn has_raw_nasty_piece(s: &str) -> bool {
    [
        "\u{1b}[2J",
        "\u{1b}]0;pwned",
        "\u{9b}",
        "\u{7f}",
        "\u{202E}",
    ]
    .iter()
    .any(|piece| s.contains(piece))
}

/// The program on a real terminal (a pty): `auto` picks the pretty format,
/// notices and progress go to the terminal, and the server's text is escaped
/// in each of them.
#[cfg(unix)]
#[test]
fn on_a_real_terminal_the_servers_text_is_shown_escaped() {
    use crate::support::pty::run_on_terminal;

    let server = Scripted::start(1, a_listing);
    let listing = run_on_terminal(server.std_cmd(&["list"]));
    assert!(listing.status.success(), "{}", listing.screen);
    assert!(
        !has_raw_nasty_piece(&listing.screen),
        "{:?}",
        listing.screen
    );
    assert!(
        listing.screen.contains(r"\u{1b}[2J\u{1b}]0;pwned"),
        "the pretty format, escaped: {}",
        listing.screen
    );

    let server = Scripted::start(1, not_found);
    let error = run_on_terminal(server.std_cmd(&["retrieve-metadata", "file_x"]));
    assert_eq!(error.status.code(), Some(1), "{}", error.screen);
    assert!(!has_raw_nasty_piece(&error.screen), "{:?}", error.screen);
    assert!(error.screen.contains(r"\u{1b}[2J"), "{}", error.screen);

    let server = Scripted::start(1, a_download);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let download = run_on_terminal(server.std_cmd(&["download", "file_1", "-o", out]));
    assert!(download.status.success(), "{}", download.screen);
    assert!(
        !has_raw_nasty_piece(&download.screen),
        "{:?}",
        download.screen
    );
    assert!(
        download.screen.contains("giftfdp.exe"),
        "{}",
        download.screen
    );
}

/// `download --all-downloadable`: a listing of three files, then each one's
/// content under a hostile name.
fn many_downloads(head: &str) -> Answer {
    let item = |id: &str| {
        format!(
            r#"{{"type":"file","id":"{id}","filename":"x","mime_type":"text/plain","size_bytes":7,"created_at":"2025-04-15T18:37:24.100435Z","downloadable":true}}"#
        )
    };
    if !head.contains("/content") {
        return json_answer(
            200,
            format!(
                r#"{{"data":[{},{},{}],"has_more":false,"first_id":"file_1","last_id":"file_3"}}"#,
                item("file_1"),
                item("file_2"),
                item("file_3")
            ),
        );
    }
    let name = if head.contains("file_1") {
        "%1B%5B2J%C2%9Bgift%E2%80%AEtxt.exe"
    } else if head.contains("file_2") {
        "C%3Ax.txt"
    } else {
        "NUL.txt.%20."
    };
    let headers = vec![(
        "content-disposition".to_owned(),
        format!("attachment; filename*=UTF-8''{name}"),
    )];
    (200, headers, b"payload".to_vec())
}

#[test]
fn download_all_saves_server_chosen_names_without_overrides_and_portable() {
    let server = Scripted::start(4, many_downloads);
    let dir = tempfile::tempdir().unwrap();
    let out = server
        .cmd()
        .args(["download", "--all-downloadable", "--concurrency", "1", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    let stderr = text(&out.get_output().stderr);
    assert!(!has_raw_controls(&stderr), "{stderr:?}");
    let stdout = text(&out.get_output().stdout);
    assert!(!has_raw_controls(&stdout), "{stdout:?}");
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["C_x.txt", "[2Jgifttxt.exe", "_NUL.txt"]);
}

fn server_error(_head: &str) -> Answer {
    json_answer(
        500,
        format!(
            r#"{{"type":"error","error":{{"type":"api_error","message":"{}"}}}}"#,
            nasty_json()
        ),
    )
}

/// `--debug`'s log lines ("retrying", "error answer", ...) carry the server's
/// message: escaped like every other line, whatever the log formatter does.
#[test]
fn debug_log_lines_escape_the_servers_text() {
    let server = Scripted::start(2, server_error);
    let out = bare_cmd(server.store.path())
        .args(["--base-url", &server.base_url, "--api-key", KEY])
        .args([
            "--max-retries",
            "1",
            "--debug",
            "retrieve-metadata",
            "file_x",
        ])
        .assert()
        .code(1);
    let stderr = text(&out.get_output().stderr);
    assert!(stderr.contains("retrying"), "{stderr}");
    assert!(
        !has_raw_controls(&stderr),
        "raw controls on stderr: {stderr:?}"
    );
    assert!(
        stderr.contains(r"\u{1b}]0;pwned\u{7}\u{9b}31m\u{7f}gift\u{202e}fdp.exe"),
        "{stderr}"
    );
}

/// YAML output and YAML errors: C0 and C1 were escaped by the emitter, bidi
/// overrides were not; all are now, and the values read back exactly.
#[test]
fn yaml_output_and_errors_escape_bidi_overrides_and_keep_exact_values() {
    let server = Scripted::start(1, a_listing);
    let out = server
        .cmd()
        .args(["list", "--format", "yaml"])
        .assert()
        .success();
    let stdout = text(&out.get_output().stdout);
    assert!(!has_raw_controls(&stdout), "{stdout:?}");
    let back: serde_json::Value = serde_norway::from_str(&stdout).unwrap();
    assert_eq!(back[0]["filename"], NASTY);

    let server = Scripted::start(1, not_found);
    let out = server
        .cmd()
        .args(["retrieve-metadata", "file_x", "--format-error", "yaml"])
        .assert()
        .code(1);
    let stderr = text(&out.get_output().stderr);
    assert!(!has_raw_controls(&stderr), "{stderr:?}");
    assert!(stderr.contains(r"\u202E"), "{stderr}");
}

/// A 404 whose message is 100 KiB: past a marker at 1000 characters, the
/// message is printed once (in the error JSON, cut at 4 KiB and saying so).
fn a_long_message(_head: &str) -> Answer {
    let message = format!("{}MARK{}", "a".repeat(1000), "x".repeat(100 * 1024));
    json_answer(
        404,
        format!(r#"{{"type":"error","error":{{"type":"not_found_error","message":"{message}"}}}}"#),
    )
}

/// A 404 of 15 MiB: read no further than 1 MiB, and said to be cut.
fn a_huge_message(_head: &str) -> Answer {
    let message = "x".repeat(15 * 1024 * 1024);
    json_answer(
        404,
        format!(r#"{{"type":"error","error":{{"type":"not_found_error","message":"{message}"}}}}"#),
    )
}

#[test]
fn long_error_messages_are_bounded_cut_visibly_and_printed_once() {
    let server = Scripted::start(1, a_long_message);
    let out = server
        .cmd()
        .args(["retrieve-metadata", "file_x"])
        .assert()
        .code(1);
    let stderr = text(&out.get_output().stderr);
    assert!(stderr.len() < 16 * 1024, "{} bytes", stderr.len());
    assert_eq!(stderr.matches("MARK").count(), 1, "{stderr}");
    assert!(
        stderr.contains("[cut: the message was 103404 bytes]"),
        "{stderr}"
    );
    assert!(
        stderr
            .lines()
            .next()
            .unwrap()
            .contains("the whole message is below")
    );

    let server = Scripted::start(1, a_huge_message);
    let out = server
        .cmd()
        .args(["retrieve-metadata", "file_x"])
        .assert()
        .code(1);
    let stderr = text(&out.get_output().stderr);
    assert!(stderr.len() < 16 * 1024, "{} bytes", stderr.len());
    assert!(stderr.contains("404"), "{stderr}");
    assert!(
        stderr.contains("[cut: the error body was over 1048576 bytes]"),
        "{stderr}"
    );
}
