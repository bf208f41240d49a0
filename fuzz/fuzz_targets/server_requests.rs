//! The whole server request path, in-process with no socket: arbitrary
//! methods, paths, queries, headers and multipart bodies, as HTTP/1.1 bytes
//! through hyper and files-server's dispatch, with scripted faults between.
//!
//! Properties, after every request:
//! - no panic, and no 5xx or dropped connection except a scripted fault's;
//! - every error (4xx) is a well-formed error body: JSON of the error shape,
//!   a non-empty message, a type that fits the status, and the `request-id`
//!   header repeated in the body;
//! - every success has its documented shape, and says what the store holds:
//!   an upload's answer is the stored file (a name the client's validator
//!   accepts), a listing lists only stored files, a download is the stored
//!   size;
//! - the store stays consistent: usage is the sum of the sizes, every file's
//!   bytes are on disk at its size and no others are, no temporary file is
//!   left, and only an answered upload adds a file and only an answered delete
//!   removes one.
#![no_main]

use std::collections::BTreeSet;
use std::sync::OnceLock;

#[path = "inputs/server_requests.rs"]
mod input;

use files_server::__fuzz::{Answer, InProcess};
use files_server::{Fault, FaultRoute, ServerConfig};
use files_types::{
    DeletedFile, ErrorResponse, ErrorType, FILES_API_BETA, FileList, FileMetadata,
    validate_filename,
};
use input::{Body, Disposition, Id, Key, Method, Part, Path, Request, Step};
use libfuzzer_sys::fuzz_target;

const MAX_FILE_SIZE: u64 = 64 * 1024;
const QUOTA: u64 = 160 * 1024;
const BOUNDARY: &str = "fuzzBoundaryQ9";

fn server() -> &'static InProcess {
    static SERVER: OnceLock<InProcess> = OnceLock::new();
    SERVER.get_or_init(|| {
        let config = ServerConfig::new()
            .max_file_size(MAX_FILE_SIZE)
            .storage_quota(QUOTA)
            .uploads_downloadable(true);
        let shm = std::path::Path::new("/dev/shm");
        let parent = shm.is_dir().then_some(shm);
        InProcess::new(config, parent).expect("an in-process server")
    })
}

/// Percent-encodes what may not appear in a request target as it is.
fn encode(text: &str, keep: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric()
            || b"-._~".contains(&byte)
            || keep.as_bytes().contains(&byte)
        {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// A header line's text, or `None` when it cannot be one.
fn header_text(text: &str) -> Option<&str> {
    (!text.contains(['\r', '\n', '\0'])).then_some(text)
}

fn route(n: u8) -> FaultRoute {
    match n % 5 {
        0 => FaultRoute::Upload,
        1 => FaultRoute::List,
        2 => FaultRoute::Retrieve,
        3 => FaultRoute::Download,
        _ => FaultRoute::Delete,
    }
}

fn multipart(parts: &[Part], close: bool) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let disposition = match &part.disposition {
            Disposition::File(Some(name)) => {
                format!("form-data; name=\"file\"; filename=\"{name}\"")
            }
            Disposition::File(None) => "form-data; name=\"file\"".to_owned(),
            Disposition::Expires => "form-data; name=\"expires_in_seconds\"".to_owned(),
            Disposition::Raw(raw) => raw.clone(),
        };
        if let Some(value) = header_text(&disposition) {
            body.extend_from_slice(format!("Content-Disposition: {value}\r\n").as_bytes());
        }
        if let Some(value) = part.content_type.as_deref().and_then(header_text) {
            body.extend_from_slice(format!("Content-Type: {value}\r\n").as_bytes());
        }
        for (name, value) in &part.extra_headers {
            if let (Some(name), Some(value)) = (header_text(name), header_text(value))
                && !name.is_empty()
                && !name.contains(':')
            {
                body.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
            }
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&part.data);
        body.extend_from_slice(b"\r\n");
    }
    if close {
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    }
    body
}

/// The request's bytes on the wire.
fn wire(request: &Request, stored: &[String]) -> Vec<u8> {
    let method = match &request.method {
        Method::Get => "GET".to_owned(),
        Method::Post => "POST".to_owned(),
        Method::Delete => "DELETE".to_owned(),
        Method::Put => "PUT".to_owned(),
        Method::Head => "HEAD".to_owned(),
        Method::Other(m) => {
            let token: String = m
                .chars()
                .filter(char::is_ascii_alphabetic)
                .take(12)
                .collect();
            if token.is_empty() {
                "PATCH".to_owned()
            } else {
                token
            }
        }
    };
    let id = |id: &Id| match id {
        Id::Stored(n) if !stored.is_empty() => stored[usize::from(*n) % stored.len()].clone(),
        Id::Stored(_) => "file_0000000000000000000000".to_owned(),
        Id::Raw(raw) => encode(raw, ""),
    };
    let mut target = match &request.path {
        Path::Files => "/v1/files".to_owned(),
        Path::File(i) => format!("/v1/files/{}", id(i)),
        Path::Content(i) => format!("/v1/files/{}/content", id(i)),
        Path::Raw(raw) => format!("/{}", encode(raw, "/")),
    };
    if !request.query.is_empty() {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in &request.query {
            query.append_pair(name, value);
        }
        target.push('?');
        target.push_str(&query.finish());
    }
    let body = match &request.body {
        Body::Empty => Vec::new(),
        Body::Raw(bytes) => bytes.clone(),
        Body::Multipart { parts, close } => multipart(parts, *close),
    };
    let mut head = format!("{method} {target} HTTP/1.1\r\nhost: fuzz.invalid\r\n");
    match request.key {
        Key::Good => head.push_str("x-api-key: fuzz-key\r\n"),
        Key::Bearer => head.push_str("authorization: Bearer fuzz-key\r\n"),
        Key::Missing => {}
        Key::Empty => head.push_str("x-api-key: \r\n"),
    }
    if request.beta {
        head.push_str(&format!("anthropic-beta: {FILES_API_BETA}\r\n"));
    }
    let content_type = match (&request.content_type, &request.body) {
        (Some(ct), _) => header_text(ct).map(str::to_owned),
        (None, Body::Multipart { .. }) => Some(format!("multipart/form-data; boundary={BOUNDARY}")),
        (None, _) => None,
    };
    if let Some(ct) = content_type {
        head.push_str(&format!("content-type: {ct}\r\n"));
    }
    for (name, value) in &request.headers {
        let framing = [
            "content-length",
            "transfer-encoding",
            "connection",
            "expect",
            "host",
        ];
        if let (Some(name), Some(value)) = (header_text(name), header_text(value))
            && !name.is_empty()
            && !name.contains(':')
            && !framing.contains(&name.to_ascii_lowercase().as_str())
        {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    ));
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(&body);
    bytes
}

fn ids(audit: &files_server::__fuzz::Audit) -> BTreeSet<String> {
    audit.files.iter().map(|f| f.0.clone()).collect()
}

/// The checks of one answer the dispatch made.
fn check_answer(answer: &Answer, faults: &[u16], drops: bool, audit: &files_server::__fuzz::Audit) {
    let what = format!("{} {}", answer.method, answer.path);
    let Some(status) = answer.status else {
        assert!(drops, "{what}: connection dropped without a scripted drop");
        return;
    };
    let request_id = answer
        .headers
        .get("request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("{what}: {status} without request-id"));
    if status >= 500 {
        assert!(
            faults.contains(&status),
            "{what}: {status} {:?}",
            answer.body
        );
    }
    if status >= 400 {
        let error: ErrorResponse = serde_json::from_slice(&answer.body).unwrap_or_else(|e| {
            panic!(
                "{what}: {status} with a body that is not an error ({e}): {:?}",
                answer.body
            )
        });
        assert!(
            !error.error.message.is_empty(),
            "{what}: {status} with no message"
        );
        assert_eq!(error.request_id.as_deref(), Some(request_id), "{what}");
        // A scripted fault's type follows its status as the fault says.
        let fits = faults.contains(&status)
            || match status {
                400 | 405 | 413 | 415 | 422 => matches!(
                    error.error.error_type,
                    ErrorType::InvalidRequestError | ErrorType::RequestTooLarge
                ),
                401 => error.error.error_type == ErrorType::AuthenticationError,
                403 => error.error.error_type == ErrorType::PermissionError,
                404 => error.error.error_type == ErrorType::NotFoundError,
                _ => true,
            };
        assert!(
            fits,
            "{what}: {status} with type {:?}",
            error.error.error_type
        );
        return;
    }
    assert!((200..300).contains(&status), "{what}: {status}");
    let stored = |id: &str| audit.files.iter().find(|f| f.0 == id);
    // The route as the dispatch reads it: leading slashes do not count.
    let path = format!("/{}", answer.path.trim_start_matches('/'));
    match (
        answer.method.as_str(),
        path.ends_with("/content"),
        path == "/v1/files",
    ) {
        ("POST", _, true) => {
            let file: FileMetadata = serde_json::from_slice(&answer.body)
                .unwrap_or_else(|e| panic!("{what}: upload answer ({e}): {:?}", answer.body));
            let (_, name, mime, size) = stored(&file.id)
                .unwrap_or_else(|| panic!("{what}: answered {} but did not store it", file.id));
            assert_eq!(
                (&file.filename, &file.mime_type, file.size_bytes),
                (name, mime, *size)
            );
            assert!(
                validate_filename(&file.filename).is_ok(),
                "{what}: stored {:?}",
                file.filename
            );
            assert!(file.size_bytes <= MAX_FILE_SIZE);
        }
        ("GET", false, true) => {
            let list: FileList = serde_json::from_slice(&answer.body)
                .unwrap_or_else(|e| panic!("{what}: listing ({e}): {:?}", answer.body));
            for file in &list.data {
                assert!(
                    stored(&file.id).is_some(),
                    "{what}: listed {} not stored",
                    file.id
                );
            }
        }
        ("GET", true, false) => {
            let id = path
                .trim_start_matches("/v1/files/")
                .trim_end_matches("/content");
            if let Some((_, _, _, size)) = stored(id) {
                assert_eq!(answer.body.len() as u64, *size, "{what}: download size");
            }
        }
        ("GET", false, false) => {
            let file: FileMetadata = serde_json::from_slice(&answer.body)
                .unwrap_or_else(|e| panic!("{what}: metadata ({e}): {:?}", answer.body));
            assert!(stored(&file.id).is_some(), "{what}: {} not stored", file.id);
        }
        ("DELETE", _, _) => {
            let deleted: DeletedFile = serde_json::from_slice(&answer.body)
                .unwrap_or_else(|e| panic!("{what}: deletion ({e}): {:?}", answer.body));
            assert!(
                stored(&deleted.id).is_none(),
                "{what}: {} still stored",
                deleted.id
            );
        }
        _ => {}
    }
}

fuzz_target!(|steps: Vec<Step>| {
    let server = server();
    server.clear().expect("the store clears");
    let mut faults = Vec::new();
    let mut drops = false;
    let mut before = server.audit().expect("a consistent empty store");
    assert!(before.files.is_empty());
    for step in steps.iter().take(12) {
        let request = match step {
            Step::Fault { route: r, status } => {
                let status = 400 + status % 200;
                server.faults().push(route(*r), Fault::status(status));
                faults.push(status);
                continue;
            }
            Step::Drop { route: r } => {
                server.faults().push(route(*r), Fault::DropConnection);
                drops = true;
                continue;
            }
            Step::Send(request) => request,
        };
        let stored: Vec<String> = before.files.iter().map(|f| f.0.clone()).collect();
        let (answers, _wire) = server.exchange(wire(request, &stored));
        let after = server
            .audit()
            .unwrap_or_else(|e| panic!("the store is inconsistent after {request:?}: {e}"));
        let (old, new) = (ids(&before), ids(&after));
        let mut uploaded = BTreeSet::new();
        let mut deleted = BTreeSet::new();
        for answer in &answers {
            check_answer(answer, &faults, drops, &after);
            if answer.status == Some(200) {
                let body: serde_json::Value =
                    serde_json::from_slice(&answer.body).unwrap_or_default();
                if let Some(id) = body["id"].as_str() {
                    match answer.method.as_str() {
                        "POST" => uploaded.insert(id.to_owned()),
                        "DELETE" => deleted.insert(id.to_owned()),
                        _ => false,
                    };
                }
            }
        }
        let added: BTreeSet<String> = new.difference(&old).cloned().collect();
        let removed: BTreeSet<String> = old.difference(&new).cloned().collect();
        assert_eq!(added, uploaded, "files added without an answered upload");
        assert_eq!(removed, deleted, "files removed without an answered delete");
        before = after;
    }
});
