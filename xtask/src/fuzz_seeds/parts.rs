//! `multipart_part_headers`: bodies cut into chunks, under a header limit.

use self::multipart_part_headers::{Input, Part};
use super::encode::Encoder;

/// The target's own input types, compiled here too.
#[path = "../../../fuzz/fuzz_targets/inputs/multipart_part_headers.rs"]
#[allow(dead_code)]
pub(super) mod multipart_part_headers;

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
