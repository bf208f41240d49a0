//! The input of the `cursors_and_queries` target: what its `arbitrary`
//! bytes decode to.
//! A module of its own so that `cargo xtask fuzz-seeds` can make seeds of
//! exactly these types (docs/FUZZING.md).

use arbitrary::Arbitrary;

#[derive(Arbitrary, Debug, Clone, PartialEq, Eq)]
pub enum Cursor {
    After(String),
    Before(String),
    Page(String),
}

#[derive(Arbitrary, Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub seq: u64,
    pub salt: u64,
    pub prefix: u8,
    pub raw: String,
    pub limit: Option<u32>,
    pub cursor: Option<Cursor>,
    pub ids: Vec<String>,
    pub scope_id: Option<String>,
    pub page: Vec<u8>,
    /// Indexes into a small pool of cursors: the listing's pages in order.
    pub walk: Vec<u8>,
    pub pool: Vec<String>,
}
