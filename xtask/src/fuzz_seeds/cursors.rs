//! `cursors_and_queries`: ids, queries, a page and a walk of cursors.

use self::cursors_and_queries::{Cursor, Input};
use super::encode::Encoder;

/// The target's own input types, compiled here too.
#[path = "../../../fuzz/fuzz_targets/inputs/cursors_and_queries.rs"]
#[allow(dead_code)]
pub(super) mod cursors_and_queries;

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
