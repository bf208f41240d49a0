//! A multipart body read as the upload handler reads it: through the part
//! header meter ([`HeaderBudget`], [`Metered`]) and multer's framing, each
//! part's `Content-Disposition` by the server's own parser ([`Disposition`]).

use std::sync::Arc;

use bytes::Bytes;

use crate::routes::disposition::Disposition;
use crate::routes::part_headers::{HeaderBudget, Metered};

/// A part the reader got past.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartSeen {
    /// The part's `name`, as the upload handler reads it.
    pub name: Option<String>,
    /// The part's `filename`, as the upload handler reads it.
    pub filename: Option<String>,
    /// The bytes of its content.
    pub data_len: u64,
}

/// How reading a multipart body ended.
#[derive(Debug, Clone, Default)]
pub struct PartsOutcome {
    /// The parts read, in order.
    pub parts: Vec<PartSeen>,
    /// The meter refused a part's headers.
    pub exceeded: bool,
    /// The error that ended the reading, if one did.
    pub error: Option<String>,
}

/// Reads the multipart body delivered as `chunks`, with `content_type`, its
/// part headers metered at `limit` bytes, as the upload handler does.
pub fn read_parts(content_type: &str, chunks: Vec<Bytes>, limit: u64) -> PartsOutcome {
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return PartsOutcome {
            error: Some("no boundary".to_owned()),
            ..PartsOutcome::default()
        };
    };
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().build() else {
        return PartsOutcome::default();
    };
    runtime.block_on(async move {
        let budget = Arc::new(HeaderBudget::default());
        let body = futures_util::stream::iter(chunks.into_iter().map(Ok::<_, std::io::Error>));
        let body = Metered::new(body, Arc::clone(&budget), limit);
        let mut multipart = multer::Multipart::new(body, boundary);
        let mut outcome = PartsOutcome::default();
        loop {
            budget.arm();
            let next = multipart.next_field().await;
            budget.disarm();
            let mut field = match next {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(err) => {
                    outcome.exceeded = budget.exceeded();
                    outcome.error = Some(err.to_string());
                    break;
                }
            };
            let disposition = Disposition::of(field.headers());
            let mut part = PartSeen {
                name: disposition.name,
                filename: disposition.filename,
                data_len: 0,
            };
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => part.data_len += chunk.len() as u64,
                    Ok(None) => break,
                    Err(err) => {
                        outcome.error = Some(err.to_string());
                        outcome.parts.push(part);
                        return outcome;
                    }
                }
            }
            outcome.parts.push(part);
        }
        outcome
    })
}

/// The `(name, filename)` the upload handler reads from a one-part body whose
/// part has the `Content-Disposition` `value`.
pub(super) fn disposition(value: &[u8]) -> Option<(Option<String>, Option<String>)> {
    let boundary = "fuzzBoundary7578";
    let mut body = format!("--{boundary}\r\nContent-Disposition: ").into_bytes();
    body.extend_from_slice(value);
    body.extend_from_slice(format!("\r\n\r\ndata\r\n--{boundary}--\r\n").as_bytes());
    let outcome = read_parts(
        &format!("multipart/form-data; boundary={boundary}"),
        vec![Bytes::from(body)],
        u64::MAX,
    );
    if outcome.error.is_some() {
        return None;
    }
    let part = outcome.parts.into_iter().next()?;
    Some((part.name, part.filename))
}
