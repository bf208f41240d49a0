//! `cargo xtask fuzz-seeds`: writes the chosen seeds of the structure-aware
//! fuzz targets (`server_requests`, `multipart_part_headers`,
//! `cursors_and_queries`) into `fuzz/corpus/<target>/`.
//!
//! Their input is what `arbitrary` decodes from libFuzzer's bytes, so a seed
//! is the bytes that decode to a chosen value of the target's own input types
//! (`fuzz/fuzz_targets/inputs/`, compiled here too): [`encode`] lays them out,
//! and each seed is decoded back with `arbitrary` and compared with the value
//! before it is written.

mod encode;

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use arbitrary::{Arbitrary, Unstructured};

use encode::Encoder;

#[path = "../../fuzz/fuzz_targets/inputs/server_requests.rs"]
#[allow(dead_code)]
mod server_requests;

#[path = "../../fuzz/fuzz_targets/inputs/multipart_part_headers.rs"]
#[allow(dead_code)]
mod multipart_part_headers;

#[path = "../../fuzz/fuzz_targets/inputs/cursors_and_queries.rs"]
#[allow(dead_code)]
mod cursors_and_queries;

/// Writes every seed; fails if one does not decode to its value.
pub fn run(root: &Path) -> Result<()> {
    let corpus = root.join("fuzz/corpus");
    for (name, steps) in requests::seeds() {
        let bytes = requests::encode(&steps);
        let decoded = Vec::<server_requests::Step>::arbitrary_take_rest(Unstructured::new(&bytes));
        check(name, decoded.ok().as_ref(), &steps)?;
        write(&corpus, "server_requests", name, &bytes)?;
    }
    for (name, input) in parts::seeds() {
        let bytes = parts::encode(&input);
        let decoded = multipart_part_headers::Input::arbitrary_take_rest(Unstructured::new(&bytes));
        check(name, decoded.ok().as_ref(), &input)?;
        write(&corpus, "multipart_part_headers", name, &bytes)?;
    }
    for (name, input) in cursors::seeds() {
        let bytes = cursors::encode(&input);
        let decoded = cursors_and_queries::Input::arbitrary_take_rest(Unstructured::new(&bytes));
        check(name, decoded.ok().as_ref(), &input)?;
        write(&corpus, "cursors_and_queries", name, &bytes)?;
    }
    Ok(())
}

fn check<T: PartialEq + std::fmt::Debug>(name: &str, decoded: Option<&T>, meant: &T) -> Result<()> {
    if decoded != Some(meant) {
        bail!("seed {name} decodes to {decoded:?}, not {meant:?}");
    }
    Ok(())
}

fn write(corpus: &Path, target: &str, name: &str, bytes: &[u8]) -> Result<()> {
    let dir = corpus.join(target);
    fs::create_dir_all(&dir)?;
    let path = dir.join(name);
    fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    println!("fuzz-seeds: {} ({} bytes)", path.display(), bytes.len());
    Ok(())
}

/// `server_requests`: whole sequences of requests.
mod requests {
    use super::Encoder;
    use super::server_requests::{Body, Disposition, Id, Key, Method, Part, Path, Request, Step};

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
}

/// `multipart_part_headers`: bodies cut into chunks, under a header limit.
mod parts {
    use super::Encoder;
    use super::multipart_part_headers::{Input, Part};

    fn part(lines: &[&str], data: &[u8]) -> Part {
        Part {
            header_lines: lines.iter().map(|l| l.as_bytes().to_vec()).collect(),
            data: data.to_vec(),
        }
    }

    pub fn seeds() -> Vec<(&'static str, Input)> {
        let upload = vec![
            part(
                &[
                    "Content-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"",
                    "Content-Type: text/plain",
                ],
                b"hello, files\n",
            ),
            part(
                &["Content-Disposition: form-data; name=\"expires_in_seconds\""],
                b"3600",
            ),
        ];
        let long_name = format!(
            "Content-Disposition: form-data; name=\"file\"; filename=\"{}.txt\"",
            "n".repeat(200)
        );
        vec![
            (
                "upload-two-parts-small-chunks",
                Input {
                    parts: upload.clone(),
                    chunk_sizes: vec![1, 7, 3, 64],
                    limit: 1024,
                },
            ),
            (
                "upload-whole",
                Input {
                    parts: upload,
                    chunk_sizes: Vec::new(),
                    limit: 4000,
                },
            ),
            (
                "headers-over-the-limit",
                Input {
                    parts: vec![part(&[&long_name, "Content-Type: text/plain"], b"x")],
                    chunk_sizes: vec![16],
                    limit: 100,
                },
            ),
        ]
    }

    pub fn encode(input: &Input) -> Vec<u8> {
        let mut e = Encoder::default();
        e.vec(&input.parts, |e, p| {
            e.vec(&p.header_lines, |e, l| e.bytes(l));
            e.bytes(&p.data);
        });
        e.bytes(&input.chunk_sizes);
        e.u16(input.limit);
        e.finish()
    }
}

/// `cursors_and_queries`: ids, queries, a page and a walk of cursors.
mod cursors {
    use super::Encoder;
    use super::cursors_and_queries::{Cursor, Input};

    pub fn seeds() -> Vec<(&'static str, Input)> {
        let page = r#"{"data":[{"type":"file","id":"file_011CNha8iCJcU1wXNR6q4V8w","filename":"a.txt","mime_type":"text/plain","size_bytes":3,"created_at":"2025-04-01T00:00:00Z","downloadable":false}],"has_more":true,"first_id":"file_011CNha8iCJcU1wXNR6q4V8w","last_id":"file_011CNha8iCJcU1wXNR6q4V8w"}"#;
        let pool = |names: &[&str]| names.iter().map(|s| (*s).to_owned()).collect();
        vec![
            (
                "after-id-next-page-walk",
                Input {
                    seq: 42,
                    salt: 7,
                    prefix: 0,
                    raw: "limit=20&after_id=file_011CNha8iCJcU1wXNR6q4V8w&ids[]=file_a".to_owned(),
                    limit: Some(20),
                    cursor: Some(Cursor::After("file_011CNha8iCJcU1wXNR6q4V8w".to_owned())),
                    ids: Vec::new(),
                    scope_id: Some("sess_1".to_owned()),
                    page: page.as_bytes().to_vec(),
                    walk: vec![0, 1, 2],
                    pool: pool(&["file_a", "file_b", "file_c"]),
                },
            ),
            (
                "ids-and-a-repeated-cursor",
                Input {
                    seq: u64::MAX,
                    salt: 0,
                    prefix: 1,
                    raw: "page=page_x&limit=&scope_id=s%20p".to_owned(),
                    limit: None,
                    cursor: Some(Cursor::Page("page_x".to_owned())),
                    ids: vec!["file_a".to_owned(), "file_b".to_owned()],
                    scope_id: None,
                    page: Vec::new(),
                    walk: vec![0, 1, 0],
                    pool: pool(&["page_1", "page_2"]),
                },
            ),
        ]
    }

    pub fn encode(input: &Input) -> Vec<u8> {
        let mut e = Encoder::default();
        e.u64(input.seq);
        e.u64(input.salt);
        e.u8(input.prefix);
        e.string(&input.raw);
        e.option(input.limit.as_ref(), |e, n| e.u32(*n));
        e.option(input.cursor.as_ref(), |e, c| match c {
            Cursor::After(s) => {
                e.variant(0, 3);
                e.string(s);
            }
            Cursor::Before(s) => {
                e.variant(1, 3);
                e.string(s);
            }
            Cursor::Page(s) => {
                e.variant(2, 3);
                e.string(s);
            }
        });
        e.vec(&input.ids, |e, s| e.string(s));
        e.option(input.scope_id.as_ref(), |e, s| e.string(s));
        e.bytes(&input.page);
        e.bytes(&input.walk);
        e.vec(&input.pool, |e, s| e.string(s));
        e.finish()
    }
}
