//! The server's multipart part-header meter (with multer behind it), on
//! bodies of well-framed parts cut into arbitrary chunks.
//!
//! Properties: the meter never refuses a part whose headers fit the limit
//! (less two chunks of slack), and never lets through one that does not fit
//! (plus two chunks); a body read to its end yields every part with every
//! byte of its content.
#![no_main]

#[path = "inputs/multipart_part_headers.rs"]
mod input;

use bytes::Bytes;
use files_server::__fuzz::read_parts;
use input::Input;
use libfuzzer_sys::fuzz_target;

const BOUNDARY: &str = "X7qZbound";

fuzz_target!(|input: Input| {
    let limit = 64 + u64::from(input.limit % 4096);
    let mut body = Vec::new();
    let mut header_blocks = Vec::new();
    for part in &input.parts {
        let holds_boundary = |bytes: &[u8]| {
            bytes
                .windows(BOUNDARY.len())
                .any(|w| w == BOUNDARY.as_bytes())
        };
        if holds_boundary(&part.data) || part.header_lines.iter().any(|l| holds_boundary(l)) {
            return;
        }
        // The delimiter (CRLF, except before the first part), the boundary
        // line, the header lines and the empty line: the meter's business.
        let start = body.len();
        if start > 0 {
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        // At least one header line: multer misreads a part with none (RFC 2046
        // allows it) as headers running on into the next part, a known
        // difference that the upload handler answers with 400 (docs/FUZZING.md).
        let mut lines_written = 0;
        for line in &part.header_lines {
            // No line breaks inside a line, and no empty line (it would end
            // the headers early).
            let line: Vec<u8> = line
                .iter()
                .copied()
                .filter(|b| *b != b'\r' && *b != b'\n')
                .collect();
            if !line.is_empty() {
                body.extend_from_slice(&line);
                body.extend_from_slice(b"\r\n");
                lines_written += 1;
            }
        }
        if lines_written == 0 {
            body.extend_from_slice(b"X-Part: 1\r\n");
        }
        body.extend_from_slice(b"\r\n");
        header_blocks.push((body.len() - start) as u64);
        body.extend_from_slice(&part.data);
    }
    if !body.is_empty() {
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());

    let mut chunks = Vec::new();
    let mut sizes = input.chunk_sizes.iter().cycle();
    let mut rest = Bytes::from(body);
    while !rest.is_empty() {
        let size = sizes.next().map_or(rest.len(), |&s| usize::from(s).max(1));
        chunks.push(rest.split_to(size.min(rest.len())));
    }
    let max_chunk = chunks.iter().map(Bytes::len).max().unwrap_or(0) as u64;
    let slack = 2 * max_chunk + 8;

    let outcome = read_parts(
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        chunks,
        limit,
    );
    let reached = outcome.parts.len();
    if outcome.exceeded {
        let block = header_blocks.get(reached).copied().unwrap_or(0);
        assert!(
            block + slack > limit,
            "part {reached}'s headers ({block} bytes) refused at a limit of {limit} (chunks up to {max_chunk})"
        );
    }
    for (index, &block) in header_blocks.iter().enumerate().take(reached) {
        assert!(
            block <= limit + slack,
            "part {index}'s headers ({block} bytes) let through at a limit of {limit}"
        );
    }
    if outcome.error.is_none() {
        assert_eq!(reached, input.parts.len(), "parts lost: {outcome:?}");
        for (seen, sent) in outcome.parts.iter().zip(&input.parts) {
            assert_eq!(seen.data_len, sent.data.len() as u64, "content lost");
        }
    }
});
