//! Cursors and query strings: the server's cursor ids, its query parsing, the
//! client's query building and next-page rule, and the client's paging guard.
//!
//! Properties: every id the server makes decodes to its sequence number, and
//! nothing it did not make in that shape decodes; a query the client builds
//! reaches the server as exactly the pairs the client meant (empty values
//! dropped, as the API treats them); the next page of any page the server
//! could send carries the page's own cursor and keeps the other parameters;
//! the paging guard stops any listing at the latest when a cursor comes back
//! at another depth, and never stops one whose cursors are all distinct and
//! short enough.
#![no_main]

#[path = "inputs/cursors_and_queries.rs"]
mod input;

use files_client::__fuzz::Cursors;
use files_server::__fuzz::{cursor_seq, encode_id, query_pairs};
use files_types::{FileList, ListCursor, ListParams};
use input::{Cursor, Input};
use libfuzzer_sys::fuzz_target;

const ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

fuzz_target!(|input: Input| {
    let prefix = ["file_", "page_", "req_", ""][usize::from(input.prefix % 4)];

    // Server ids and cursors.
    let id = encode_id(prefix, input.seq, input.salt);
    assert_eq!(id.len(), prefix.len() + 22);
    assert_eq!(cursor_seq(prefix, &id), Some(input.seq), "{id}");
    if cursor_seq(prefix, &input.raw).is_some() {
        let digits = &input.raw[prefix.len()..];
        assert_eq!(digits.len(), 22, "{:?}", input.raw);
        assert!(
            digits.chars().all(|c| ALPHABET.contains(c)),
            "{:?}",
            input.raw
        );
    }

    // The server's reading of any query.
    if let Some(pairs) = query_pairs(&format!("/v1/files?{}", input.raw)) {
        assert!(pairs.iter().all(|(_, v)| !v.is_empty()));
    }

    // The client's query, as the server reads it.
    let mut params = ListParams::new();
    if let Some(limit) = input.limit {
        params = params.limit(limit);
    }
    params = match &input.cursor {
        Some(Cursor::After(id)) => params.after_id(id.clone()),
        Some(Cursor::Before(id)) => params.before_id(id.clone()),
        Some(Cursor::Page(token)) => params.page(token.clone()),
        None => params,
    };
    params = params.ids(input.ids.iter().cloned());
    if let Some(scope) = &input.scope_id {
        params = params.scope_id(scope.clone());
    }
    let sent = params.to_query();
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in &sent {
        query.append_pair(name, value);
    }
    let target = format!("/v1/files?{}", query.finish());
    let read = query_pairs(&target).unwrap_or_else(|| panic!("not a URI: {target:?}"));
    let meant: Vec<(String, String)> = sent
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    assert_eq!(read, meant, "{target:?}");

    // The next page of any page.
    if let Ok(page) = serde_json::from_slice::<FileList>(&input.page)
        && let Some(next) = params.next_page(&page)
    {
        assert!(input.ids.is_empty(), "a listing by ids is one page");
        let next_query = next.to_query();
        let (name, value) = next_query
            .iter()
            .find(|(k, _)| ["after_id", "before_id", "page"].contains(k))
            .expect("a next page has a cursor");
        assert!(!value.is_empty());
        let from_page = match *name {
            "page" => page.next_page.as_deref(),
            "before_id" => page.first_id.as_deref(),
            _ => page.last_id.as_deref(),
        };
        assert_eq!(from_page, Some(value.as_str()), "{name}");
        let others = |q: &[(&str, String)]| -> Vec<(String, String)> {
            q.iter()
                .filter(|(k, _)| ["limit", "scope_id"].contains(k))
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect()
        };
        assert_eq!(others(&next_query), others(&sent));
    }

    // The paging guard over a walk through a pool of cursors.
    if input.pool.is_empty() {
        return;
    }
    let guard = Cursors::default();
    let mut used: Vec<&str> = Vec::new();
    for (depth, pick) in input.walk.iter().enumerate() {
        let cursor = &input.pool[usize::from(*pick) % input.pool.len()];
        let repeated = used.contains(&cursor.as_str());
        let too_long = depth > 0 && cursor.len() > files_client::MAX_CURSOR_BYTES;
        let admitted = guard.admit(&ListCursor::AfterId(cursor.clone()), depth as u64);
        if repeated || too_long {
            assert!(
                admitted.is_err(),
                "cursor {cursor:?} admitted again at depth {depth}"
            );
            return;
        }
        assert!(
            admitted.is_ok(),
            "fresh cursor refused at depth {depth}: {admitted:?}"
        );
        used.push(cursor);
    }
});
