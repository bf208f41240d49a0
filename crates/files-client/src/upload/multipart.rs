//! The `multipart/form-data` framing around a file's bytes: a head (the
//! optional `expires_in_seconds` field and the file part's headers) and a
//! tail (the closing boundary), so the body's length is known in advance.

use bytes::Bytes;
use files_transport::BodyStream;
use futures_util::StreamExt;
use http::HeaderValue;

use crate::Error;

/// The framing of one upload.
#[derive(Clone)]
pub(crate) struct Framing {
    boundary: String,
    head: Bytes,
    tail: Bytes,
}

impl Framing {
    /// The framing for a file part named `filename` of `mime_type`. Both were
    /// validated: no `"`, `\` or control character can break out of the
    /// quoted string or the header line.
    pub(crate) fn new(filename: &str, mime_type: &str, expires_in_seconds: Option<u64>) -> Self {
        let boundary = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        let mut head = String::new();
        if let Some(seconds) = expires_in_seconds {
            head.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"expires_in_seconds\"\r\n\r\n{seconds}\r\n"
            ));
        }
        head.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: {mime_type}\r\n\r\n"
        ));
        let tail = format!("\r\n--{boundary}--\r\n");
        Self {
            boundary,
            head: Bytes::from(head),
            tail: Bytes::from(tail),
        }
    }

    /// The body's length for `content` bytes of file.
    pub(super) fn length(&self, content: u64) -> u64 {
        self.head.len() as u64 + content + self.tail.len() as u64
    }

    /// The file's chunks between the head and the tail.
    pub(super) fn wrap(&self, content: BodyStream) -> BodyStream {
        futures_util::stream::iter([Ok(self.head.clone())])
            .chain(content)
            .chain(futures_util::stream::iter([Ok(self.tail.clone())]))
            .boxed()
    }

    /// The bytes before and after the file's content.
    #[cfg(fuzzing)]
    pub(crate) fn parts(&self) -> (Bytes, Bytes) {
        (self.head.clone(), self.tail.clone())
    }

    /// `multipart/form-data; boundary=…`.
    pub(crate) fn content_type(&self) -> Result<HeaderValue, Error> {
        HeaderValue::from_str(&format!("multipart/form-data; boundary={}", self.boundary))
            .map_err(|_| Error::config("invalid multipart boundary"))
    }
}

#[cfg(test)]
mod tests {
    use futures_util::TryStreamExt;

    use super::*;

    #[tokio::test]
    async fn the_declared_length_is_the_length_sent() {
        let framing = Framing::new("a.txt", "text/plain", Some(3600));
        let content = futures_util::stream::iter([Ok(Bytes::from_static(b"hello"))]).boxed();
        let sent: Vec<Bytes> = framing.wrap(content).try_collect().await.unwrap();
        let total: usize = sent.iter().map(Bytes::len).sum();
        assert_eq!(total as u64, framing.length(5));
        let text = String::from_utf8(sent.concat()).unwrap();
        assert!(text.contains("name=\"expires_in_seconds\"\r\n\r\n3600\r\n"));
        assert!(text.contains("filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n"));
        assert!(
            framing
                .content_type()
                .unwrap()
                .to_str()
                .unwrap()
                .ends_with(&framing.boundary)
        );
    }
}
