//! The input of the `multipart_part_headers` target: what its `arbitrary`
//! bytes decode to.
//! A module of its own so that `cargo xtask fuzz-seeds` can make seeds of
//! exactly these types (docs/FUZZING.md).

use arbitrary::Arbitrary;

#[derive(Arbitrary, Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub header_lines: Vec<Vec<u8>>,
    pub data: Vec<u8>,
}

#[derive(Arbitrary, Debug, Clone, PartialEq, Eq)]
pub struct Input {
    pub parts: Vec<Part>,
    pub chunk_sizes: Vec<u8>,
    pub limit: u16,
}
