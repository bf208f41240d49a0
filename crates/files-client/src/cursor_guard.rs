//! The paging guard: a listing never sends a cursor it has already used, and
//! never sends one longer than [`MAX_CURSOR_BYTES`].
//!
//! The guard remembers a 64-bit keyed fingerprint of each cursor with the depth
//! (page number) it was used at, for the first [`EXACT_CURSORS`] cursors of a
//! listing: a cursor seen again at another depth is a cycle, caught the first
//! time it comes back. Past that many pages, Brent's cycle detection (one saved
//! fingerprint, moved at every power of two) still ends any cycle within two of
//! its lengths, so memory stays bounded however long a server keeps answering.
//!
//! Depths make it safe to fetch the next page of one page twice
//! ([`crate::FilePage::next_page`] takes `&self`): the same cursor at the same
//! depth is the same step, not a cycle.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Arc, Mutex};

use files_types::ListCursor;

use crate::Error;

/// The longest cursor a listing sends back, in bytes. A server's cursor above it
/// ends the listing with [`Error::CursorTooLong`].
pub const MAX_CURSOR_BYTES: usize = 8 * 1024;

/// Cursors remembered exactly (about 16 bytes each); cycles longer than this
/// are caught by Brent's method.
const EXACT_CURSORS: usize = 65_536;

#[derive(Debug)]
struct Seen {
    hasher: RandomState,
    /// Fingerprint → the depth it was used at.
    depths: HashMap<u64, u64>,
    /// Brent's saved fingerprint and its depth.
    saved: Option<(u64, u64)>,
}

/// The shared guard of one listing: the pages of a listing and their clones
/// share one.
#[derive(Debug, Clone)]
pub(crate) struct CursorGuard(Arc<Mutex<Seen>>);

impl CursorGuard {
    pub(crate) fn new() -> Self {
        Self(Arc::new(Mutex::new(Seen {
            hasher: RandomState::new(),
            depths: HashMap::new(),
            saved: None,
        })))
    }

    /// Admits `cursor` as the cursor of the page at `depth`. The first page is
    /// depth 0: its cursor is the caller's own, remembered but not measured.
    pub(crate) fn admit(&self, cursor: &ListCursor, depth: u64) -> Result<(), Error> {
        let (_, value) = cursor.query_pair();
        if depth > 0 && value.len() > MAX_CURSOR_BYTES {
            return Err(Error::CursorTooLong {
                bytes: value.len(),
                max_bytes: MAX_CURSOR_BYTES,
            });
        }
        let mut seen = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let fingerprint = seen.hasher.hash_one(cursor);
        let stalled = || Error::PagingStalled {
            cursor: value.to_owned(),
        };
        match seen.depths.get(&fingerprint) {
            Some(&used_at) if used_at != depth => return Err(stalled()),
            Some(_) => return Ok(()),
            None => {}
        }
        if let Some((saved, saved_at)) = seen.saved
            && saved == fingerprint
            && depth > saved_at
        {
            return Err(stalled());
        }
        if seen.depths.len() < EXACT_CURSORS {
            seen.depths.insert(fingerprint, depth);
        }
        // Brent: save the cursor at every power-of-two depth.
        if depth.is_power_of_two() && seen.saved.is_none_or(|(_, at)| depth > at) {
            seen.saved = Some((fingerprint, depth));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(id: &str) -> ListCursor {
        ListCursor::AfterId(id.to_owned())
    }

    fn walk(guard: &CursorGuard, cursors: &[ListCursor]) -> Result<(), (u64, Error)> {
        for (depth, cursor) in (1..).zip(cursors) {
            guard.admit(cursor, depth).map_err(|err| (depth, err))?;
        }
        Ok(())
    }

    #[test]
    fn a_cycle_of_two_ends_when_the_first_cursor_comes_back() {
        let cursors = [after("a"), after("b"), after("a")];
        let (depth, err) = walk(&CursorGuard::new(), &cursors).unwrap_err();
        assert_eq!(depth, 3);
        assert!(matches!(err, Error::PagingStalled { cursor } if cursor == "a"));
    }

    #[test]
    fn a_cycle_of_three_ga_tokens_ends_when_the_first_comes_back() {
        let page = |t: &str| ListCursor::Page(t.to_owned());
        let cursors = [
            page("page_a"),
            page("page_b"),
            page("page_c"),
            page("page_a"),
        ];
        let (depth, _) = walk(&CursorGuard::new(), &cursors).unwrap_err();
        assert_eq!(depth, 4);
    }

    #[test]
    fn the_same_id_as_another_kind_of_cursor_is_not_a_repeat() {
        let cursors = [after("a"), ListCursor::BeforeId("a".into())];
        walk(&CursorGuard::new(), &cursors).unwrap();
    }

    #[test]
    fn fetching_the_same_next_page_twice_is_not_a_cycle() {
        let guard = CursorGuard::new();
        guard.admit(&after("a"), 1).unwrap();
        guard.admit(&after("a"), 1).unwrap();
        guard.admit(&after("b"), 2).unwrap();
        guard.admit(&after("b"), 2).unwrap();
    }

    #[test]
    fn a_cycle_past_the_exact_memory_still_ends() {
        let guard = CursorGuard::new();
        let exact = EXACT_CURSORS as u64;
        let cursor = |depth: u64| match depth {
            d if d <= exact => after(&format!("p{d}")),
            d => after(&format!("c{}", d % 3)),
        };
        let stopped_at = (1..=4 * exact)
            .find(|&depth| guard.admit(&cursor(depth), depth).is_err())
            .expect("the cycle was never caught");
        assert!(
            stopped_at > exact + 3 && stopped_at <= 2 * exact + 6,
            "{stopped_at}"
        );
        assert!(guard.0.lock().unwrap().depths.len() <= EXACT_CURSORS);
    }

    #[test]
    fn a_cursor_over_the_limit_is_refused_before_it_is_sent() {
        let long = after(&"x".repeat(MAX_CURSOR_BYTES + 1));
        let err = CursorGuard::new().admit(&long, 1).unwrap_err();
        assert!(matches!(err, Error::CursorTooLong { bytes, .. } if bytes == MAX_CURSOR_BYTES + 1));
        CursorGuard::new()
            .admit(&after(&"x".repeat(MAX_CURSOR_BYTES)), 1)
            .unwrap();
    }
}
