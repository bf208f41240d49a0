//! `server_requests`: whole sequences of requests.

use self::server_requests::{Body, Disposition, Id, Key, Method, Part, Path, Request, Step};
use super::encode::Encoder;

/// The target's own input types, compiled here too.
#[path = "../../../fuzz/fuzz_targets/inputs/server_requests.rs"]
#[allow(dead_code)]
pub(super) mod server_requests;

fn request(method: Method, path: Path, beta: bool, body: Body) -> Request {
    Request {
        method,
        path,
        query: Vec::new(),
        key: Key::Good,
        beta,
        headers: Vec::new(),
        content_type: None,
        body,
    }
}

fn file_part(name: &str, mime: &str, data: &[u8]) -> Part {
    Part {
        disposition: Disposition::File(Some(name.to_owned())),
        content_type: Some(mime.to_owned()),
        extra_headers: Vec::new(),
        data: data.to_vec(),
    }
}

fn upload(beta: bool, parts: Vec<Part>) -> Step {
    let body = Body::Multipart { parts, close: true };
    Step::Send(request(Method::Post, Path::Files, beta, body))
}

fn send(method: Method, path: Path, beta: bool) -> Step {
    Step::Send(request(method, path, beta, Body::Empty))
}

/// An upload, a listing, the metadata, the content, the deletion and
/// the metadata again (404), in one generation.
fn round(beta: bool, expires: bool) -> Vec<Step> {
    let mut parts = vec![file_part("notes.txt", "text/plain", b"hello, files\n")];
    if expires {
        parts.push(Part {
            disposition: Disposition::Expires,
            content_type: None,
            extra_headers: Vec::new(),
            data: b"3600".to_vec(),
        });
    }
    let mut list = request(Method::Get, Path::Files, beta, Body::Empty);
    list.query = vec![("limit".to_owned(), "10".to_owned())];
    vec![
        upload(beta, parts),
        Step::Send(list),
        send(Method::Get, Path::File(Id::Stored(0)), beta),
        send(Method::Get, Path::Content(Id::Stored(0)), beta),
        send(Method::Delete, Path::File(Id::Stored(0)), beta),
        send(Method::Get, Path::File(Id::Stored(0)), beta),
    ]
}

pub fn seeds() -> Vec<(&'static str, Vec<Step>)> {
    let mut paging = vec![
        upload(
            true,
            vec![file_part("a.pdf", "application/pdf", b"%PDF-1.4\n")],
        ),
        upload(true, vec![file_part("b.csv", "text/csv", b"a,b\n1,2\n")]),
    ];
    let mut page = request(Method::Get, Path::Files, true, Body::Empty);
    page.query = vec![("limit".to_owned(), "1".to_owned())];
    page.key = Key::Bearer;
    paging.push(Step::Send(page));
    paging.push(send(Method::Delete, Path::File(Id::Stored(1)), true));

    let mut refused = Vec::new();
    let mut no_key = request(Method::Get, Path::Files, true, Body::Empty);
    no_key.key = Key::Missing;
    refused.push(Step::Send(no_key));
    refused.push(send(Method::Put, Path::Files, true));
    refused.push(upload(
        true,
        vec![Part {
            disposition: Disposition::Raw("form-data; name=\"other\"".to_owned()),
            content_type: None,
            extra_headers: vec![("X-Note".to_owned(), "1".to_owned())],
            data: b"not a file".to_vec(),
        }],
    ));
    refused.push(send(
        Method::Get,
        Path::Content(Id::Raw("file_nope".to_owned())),
        true,
    ));

    let faults = vec![
        Step::Fault {
            route: 0,
            status: 129,
        },
        upload(true, vec![file_part("x.txt", "text/plain", b"x")]),
        Step::Drop { route: 1 },
        send(Method::Get, Path::Files, true),
        upload(true, vec![file_part("y.txt", "text/plain", b"y")]),
    ];
    vec![
        (
            "beta-upload-list-retrieve-download-delete",
            round(true, false),
        ),
        (
            "ga-upload-expiring-list-retrieve-download-delete",
            round(false, true),
        ),
        ("beta-two-uploads-paged-listing-delete", paging),
        ("refusals", refused),
        ("scripted-faults", faults),
    ]
}

pub fn encode(steps: &[Step]) -> Vec<u8> {
    let mut e = Encoder::default();
    // The target's `Vec<Step>` is read with `arbitrary_take_rest`: items
    // until the data ends.
    for s in steps {
        e.bool(true);
        step(&mut e, s);
    }
    e.finish()
}

fn step(e: &mut Encoder, s: &Step) {
    match s {
        Step::Send(r) => {
            e.variant(0, 3);
            request_fields(e, r);
        }
        Step::Fault { route, status } => {
            e.variant(1, 3);
            e.u8(*route);
            e.u16(*status);
        }
        Step::Drop { route } => {
            e.variant(2, 3);
            e.u8(*route);
        }
    }
}

fn request_fields(e: &mut Encoder, r: &Request) {
    match &r.method {
        Method::Get => e.variant(0, 6),
        Method::Post => e.variant(1, 6),
        Method::Delete => e.variant(2, 6),
        Method::Put => e.variant(3, 6),
        Method::Head => e.variant(4, 6),
        Method::Other(m) => {
            e.variant(5, 6);
            e.string(m);
        }
    }
    let id = |e: &mut Encoder, id: &Id| match id {
        Id::Stored(n) => {
            e.variant(0, 2);
            e.u8(*n);
        }
        Id::Raw(raw) => {
            e.variant(1, 2);
            e.string(raw);
        }
    };
    match &r.path {
        Path::Files => e.variant(0, 4),
        Path::File(i) => {
            e.variant(1, 4);
            id(e, i);
        }
        Path::Content(i) => {
            e.variant(2, 4);
            id(e, i);
        }
        Path::Raw(raw) => {
            e.variant(3, 4);
            e.string(raw);
        }
    }
    e.vec(&r.query, pair);
    match r.key {
        Key::Good => e.variant(0, 4),
        Key::Bearer => e.variant(1, 4),
        Key::Missing => e.variant(2, 4),
        Key::Empty => e.variant(3, 4),
    }
    e.bool(r.beta);
    e.vec(&r.headers, pair);
    e.option(r.content_type.as_ref(), |e, s| e.string(s));
    match &r.body {
        Body::Empty => e.variant(0, 3),
        Body::Raw(bytes) => {
            e.variant(1, 3);
            e.bytes(bytes);
        }
        Body::Multipart { parts, close } => {
            e.variant(2, 3);
            e.vec(parts, part);
            e.bool(*close);
        }
    }
}

fn pair(e: &mut Encoder, (name, value): &(String, String)) {
    e.string(name);
    e.string(value);
}

fn part(e: &mut Encoder, p: &Part) {
    match &p.disposition {
        Disposition::File(name) => {
            e.variant(0, 3);
            e.option(name.as_ref(), |e, s| e.string(s));
        }
        Disposition::Expires => e.variant(1, 3),
        Disposition::Raw(raw) => {
            e.variant(2, 3);
            e.string(raw);
        }
    }
    e.option(p.content_type.as_ref(), |e, s| e.string(s));
    e.vec(&p.extra_headers, pair);
    e.bytes(&p.data);
}
