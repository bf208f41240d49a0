//! [`FakeTransport`]: a scriptable transport that captures every request, so
//! everything above the transport is unit-testable without a network.
//!
//! Enabled by the `test-util` feature.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use async_trait::async_trait;
use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode, Uri, Version};
use http_body_util::BodyExt;

use crate::error::{TransportError, TransportErrorKind};
use crate::request_body::RequestBody;
use crate::response_body::ResponseBody;
use crate::timeout::{NoProgressTimeout, send_with_timeout};
use crate::transport::Transport;

/// A request as the fake transport received it, body drained in full.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CapturedRequest {
    /// The request method.
    pub method: Method,
    /// The full request URI.
    pub uri: Uri,
    /// The HTTP version the request asked for.
    pub version: Version,
    /// The request headers.
    pub headers: HeaderMap,
    /// The whole body (up to the failure, if the body stream failed).
    pub body: Bytes,
    /// The request's [`NoProgressTimeout`] extension, if it carried one.
    pub no_progress_timeout: Option<NoProgressTimeout>,
}

impl CapturedRequest {
    /// The value of header `name` if present and valid UTF-8.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as text, with invalid UTF-8 replaced.
    #[must_use]
    pub fn body_text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

/// A scripted response of a [`FakeTransport`]: status, headers and a body
/// that can be split into chunks and can end with an error after some bytes
/// (to test truncated downloads).
///
/// ```
/// use files_transport::FakeResponse;
/// use files_transport::{TransportError, TransportErrorKind};
/// use http::StatusCode;
///
/// let truncated = FakeResponse::new(StatusCode::OK)
///     .header("content-type", "application/octet-stream")
///     .body(vec![0u8; 1000])
///     .chunk_size(100)
///     .fail_after(250, TransportError::new(TransportErrorKind::Io, "connection reset"));
/// # let _ = truncated;
/// ```
#[non_exhaustive]
pub struct FakeResponse {
    status: StatusCode,
    version: Version,
    headers: HeaderMap,
    body: Bytes,
    chunk_size: Option<usize>,
    fail_after: Option<(usize, TransportError)>,
    invalid_header: Option<String>,
    delay: Option<std::time::Duration>,
}

impl FakeResponse {
    /// A response with `status`, no headers and an empty body.
    #[must_use]
    pub fn new(status: StatusCode) -> Self {
        Self {
            status,
            version: Version::HTTP_11,
            headers: HeaderMap::new(),
            body: Bytes::new(),
            chunk_size: None,
            fail_after: None,
            invalid_header: None,
            delay: None,
        }
    }

    /// A `200 OK` response with an empty body.
    #[must_use]
    pub fn ok() -> Self {
        Self::new(StatusCode::OK)
    }

    /// A `200 OK` response with a JSON body and `content-type: application/json`.
    #[must_use]
    pub fn json(body: impl Into<Bytes>) -> Self {
        Self::ok()
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(body)
    }

    /// Sets the status.
    #[must_use]
    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Sets the HTTP version reported by the response.
    #[must_use]
    pub fn version(mut self, version: Version) -> Self {
        self.version = version;
        self
    }

    /// Appends a header. An invalid name or value makes the send that uses
    /// this response fail with an [`Other`](TransportErrorKind::Other) error
    /// naming the header.
    #[must_use]
    pub fn header<K, V>(mut self, name: K, value: V) -> Self
    where
        K: TryInto<HeaderName>,
        V: TryInto<HeaderValue>,
    {
        match (name.try_into(), value.try_into()) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            (Ok(name), Err(_)) => {
                self.invalid_header = Some(format!("invalid value for header {name}"));
            }
            (Err(_), _) => self.invalid_header = Some("invalid header name".to_owned()),
        }
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Streams the body in chunks of at most `size` bytes (default: one
    /// chunk). A size of 0 is treated as 1.
    #[must_use]
    pub fn chunk_size(mut self, size: usize) -> Self {
        self.chunk_size = Some(size.max(1));
        self
    }

    /// Answers only after `delay` (on tokio's clock, so a paused test clock
    /// skips it), like a slow server; the request's [`NoProgressTimeout`]
    /// applies.
    #[must_use]
    pub fn delay(mut self, delay: std::time::Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Ends the body with `error` after its first `bytes` bytes (the rest of
    /// the body is never sent), like a connection dropped mid-download.
    #[must_use]
    pub fn fail_after(mut self, bytes: usize, error: TransportError) -> Self {
        self.fail_after = Some((bytes, error));
        self
    }

    fn into_response(self) -> Result<http::Response<ResponseBody>, TransportError> {
        if let Some(problem) = self.invalid_header {
            return Err(TransportError::new(
                TransportErrorKind::Other,
                format!("scripted FakeResponse has an {problem}"),
            ));
        }
        let (mut body, failure) = match self.fail_after {
            Some((limit, error)) => (self.body.slice(..limit.min(self.body.len())), Some(error)),
            None => (self.body, None),
        };
        let step = self.chunk_size.unwrap_or(body.len()).max(1);
        let mut items: VecDeque<Result<Bytes, TransportError>> = VecDeque::new();
        while !body.is_empty() {
            items.push_back(Ok(body.split_to(step.min(body.len()))));
        }
        if let Some(error) = failure {
            items.push_back(Err(error));
        }
        let mut response = http::Response::new(ResponseBody::from_stream(ChunkStream { items }));
        *response.status_mut() = self.status;
        *response.version_mut() = self.version;
        *response.headers_mut() = self.headers;
        Ok(response)
    }
}

impl fmt::Debug for FakeResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .field("chunk_size", &self.chunk_size)
            .field("fail_after", &self.fail_after.as_ref().map(|(n, _)| n))
            .finish_non_exhaustive()
    }
}

impl From<http::Response<Bytes>> for FakeResponse {
    fn from(response: http::Response<Bytes>) -> Self {
        let (parts, body) = response.into_parts();
        let mut fake = Self::new(parts.status).version(parts.version).body(body);
        fake.headers = parts.headers;
        fake
    }
}

impl From<StatusCode> for FakeResponse {
    fn from(status: StatusCode) -> Self {
        Self::new(status)
    }
}

/// Yields scripted chunks.
struct ChunkStream {
    items: VecDeque<Result<Bytes, TransportError>>,
}

impl Stream for ChunkStream {
    type Item = Result<Bytes, TransportError>;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.get_mut().items.pop_front())
    }
}

enum Scripted {
    Response(FakeResponse),
    Error(TransportError),
}

#[derive(Default)]
struct State {
    script: VecDeque<Scripted>,
    requests: Vec<CapturedRequest>,
}

/// A [`Transport`] that records every request (method, URI, headers, the
/// whole body) and answers from a queue of scripted responses and errors, in
/// order.
///
/// Clones share the same script and record, so a test can keep one clone
/// and hand another to the code under test.
///
/// * The request body is drained fully before answering, so anything that
///   observes the body being read (progress callbacks) runs. If the body
///   fails, the request is recorded with the bytes read so far, the body's
///   error is returned, and the script is left untouched.
/// * When the script is empty, `send` fails with an
///   [`Other`](TransportErrorKind::Other) error saying so.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use files_transport::{
///     FakeResponse, FakeTransport, RequestBody, Transport, TransportError, TransportErrorKind,
/// };
/// use http::StatusCode;
///
/// let fake = FakeTransport::new();
/// fake.push_response(FakeResponse::json(r#"{"id":"file_1"}"#))
///     .push_error(TransportError::new(TransportErrorKind::Connect, "scripted"));
///
/// let request = http::Request::post("https://api.example.com/v1/files")
///     .header("x-api-key", "test")
///     .body(RequestBody::from_bytes("payload"))?;
/// let response = fake.send(request).await?;
/// assert_eq!(response.status(), StatusCode::OK);
/// assert_eq!(response.into_body().collect_capped(1024).await?, r#"{"id":"file_1"}"#);
///
/// let second = http::Request::get("https://api.example.com/v1/files")
///     .body(RequestBody::empty())?;
/// assert_eq!(fake.send(second).await.unwrap_err().kind(), TransportErrorKind::Connect);
///
/// let captured = fake.requests();
/// assert_eq!(captured.len(), 2);
/// assert_eq!(captured[0].method, http::Method::POST);
/// assert_eq!(captured[0].header("x-api-key"), Some("test"));
/// assert_eq!(captured[0].body, "payload");
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct FakeTransport {
    state: Arc<Mutex<State>>,
}

impl FakeTransport {
    /// A fake with an empty script.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends a response to the script.
    pub fn push_response(&self, response: impl Into<FakeResponse>) -> &Self {
        self.state()
            .script
            .push_back(Scripted::Response(response.into()));
        self
    }

    /// Appends an error to the script: the matching `send` returns it.
    pub fn push_error(&self, error: TransportError) -> &Self {
        self.state().script.push_back(Scripted::Error(error));
        self
    }

    /// Every request received so far, in order.
    #[must_use]
    pub fn requests(&self) -> Vec<CapturedRequest> {
        self.state().requests.clone()
    }

    /// The most recent request received, if any.
    #[must_use]
    pub fn last_request(&self) -> Option<CapturedRequest> {
        self.state().requests.last().cloned()
    }

    /// How many requests were received so far.
    #[must_use]
    pub fn request_count(&self) -> usize {
        self.state().requests.len()
    }

    /// How many scripted responses and errors are left.
    #[must_use]
    pub fn remaining(&self) -> usize {
        self.state().script.len()
    }
}

impl fmt::Debug for FakeTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state();
        f.debug_struct("FakeTransport")
            .field("requests", &state.requests.len())
            .field("remaining", &state.script.len())
            .finish()
    }
}

#[async_trait]
impl Transport for FakeTransport {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ResponseBody>, TransportError> {
        send_with_timeout(request, |request| self.answer(request)).await
    }
}

impl FakeTransport {
    async fn answer(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ResponseBody>, TransportError> {
        let (parts, mut body) = request.into_parts();
        let mut received = BytesMut::new();
        let mut body_error = None;
        while let Some(frame) = body.frame().await {
            match frame {
                Ok(frame) => {
                    if let Ok(data) = frame.into_data() {
                        received.extend_from_slice(&data);
                    }
                }
                Err(err) => {
                    body_error = Some(err);
                    break;
                }
            }
        }
        let captured = CapturedRequest {
            method: parts.method,
            uri: parts.uri,
            version: parts.version,
            headers: parts.headers,
            body: received.freeze(),
            no_progress_timeout: parts.extensions.get::<NoProgressTimeout>().copied(),
        };
        let method = captured.method.clone();
        let uri = captured.uri.clone();
        let scripted = {
            let mut state = self.state();
            state.requests.push(captured);
            if let Some(err) = body_error {
                return Err(err);
            }
            let number = state.requests.len();
            match state.script.pop_front() {
                Some(next) => next,
                None => {
                    return Err(TransportError::new(
                        TransportErrorKind::Other,
                        format!(
                            "FakeTransport has no scripted response left for request #{number} ({method})"
                        ),
                    )
                    .with_host_of(&uri));
                }
            }
        };
        match scripted {
            Scripted::Response(response) => {
                if let Some(delay) = response.delay {
                    tokio::time::sleep(delay).await;
                }
                response.into_response()
            }
            Scripted::Error(err) => Err(err),
        }
    }
}
