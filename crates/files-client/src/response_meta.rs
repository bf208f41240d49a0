//! What a successful answer said besides its body: [`ResponseMeta`] (status,
//! headers, request id), and [`ResponseSlot`], the request option that
//! receives it.
//!
//! One way for every call, async and blocking, without a second copy of any
//! method:
//!
//! * a call that returns an API model (upload, retrieve, delete, and each
//!   page a listing fetches) writes its answer's metadata into the
//!   [`ResponseSlot`] given with
//!   [`RequestOptions::response_into`](crate::RequestOptions::response_into),
//!   as Go's `option.WithResponseInto` does;
//! * the types the client owns carry it too: each
//!   [`FilePage::response`](crate::FilePage::response) and
//!   [`Download::response`](crate::Download::response).
//!
//! A failed call's status and request id are on its [`Error`](crate::Error)
//! instead ([`Error::request_id`](crate::Error::request_id)); the slot then
//! keeps what it held before.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use http::{HeaderMap, StatusCode};

/// The status and headers of a successful answer, and its request id.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let server = files_server::FilesServer::start(Default::default()).await?;
/// use files_client::{Client, FileUpload, RequestOptions, ResponseSlot};
///
/// let client = Client::builder().api_key("sk-ant-...").base_url(server.base_url()).build()?;
/// let answer = ResponseSlot::new();
/// let files = client.files().with_options(RequestOptions::new().response_into(&answer));
/// let file = files.upload(FileUpload::bytes("a.txt", "hello")).await?;
///
/// let meta = answer.get().expect("a successful call fills the slot");
/// assert_eq!(meta.status(), http::StatusCode::OK);
/// println!("uploaded {} (request id {:?})", file.id, meta.request_id());
/// # assert!(meta.request_id().is_some());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    status: StatusCode,
    headers: HeaderMap,
}

impl ResponseMeta {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap) -> Self {
        Self { status, headers }
    }

    /// The HTTP status (a 2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Every header of the answer, as the server sent them.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `request-id` header: what Anthropic support asks for.
    pub fn request_id(&self) -> Option<&str> {
        self.headers.get("request-id").and_then(|v| v.to_str().ok())
    }
}

impl fmt::Debug for ResponseMeta {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseMeta")
            .field("status", &self.status)
            .field("request_id", &self.request_id())
            .field("headers", &crate::config::redacted_headers(&self.headers))
            .finish()
    }
}

/// Where a call puts its answer's [`ResponseMeta`]: give it to
/// [`RequestOptions::response_into`](crate::RequestOptions::response_into).
///
/// Cheap to clone; clones share the slot. Each successful call made with the
/// option replaces what the slot holds (a listing: the page fetched last), so
/// give each concurrent call a slot of its own. See [`ResponseMeta`] for an
/// example.
#[derive(Clone, Default)]
pub struct ResponseSlot(Arc<Mutex<Option<ResponseMeta>>>);

impl ResponseSlot {
    /// An empty slot.
    pub fn new() -> Self {
        Self::default()
    }

    /// What the last successful call put here, if any.
    pub fn get(&self) -> Option<ResponseMeta> {
        self.lock().clone()
    }

    /// Takes it out, leaving the slot empty.
    pub fn take(&self) -> Option<ResponseMeta> {
        self.lock().take()
    }

    pub(crate) fn set(&self, meta: &ResponseMeta) {
        *self.lock() = Some(meta.clone());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<ResponseMeta>> {
        // A panic while holding the lock left a whole value: use it.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for ResponseSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ResponseSlot").field(&*self.lock()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_id_is_read_from_the_headers_and_debug_redacts_secrets() {
        let mut headers = HeaderMap::new();
        headers.insert("request-id", "req_1".parse().unwrap());
        headers.insert("x-api-key", "sk-echoed".parse().unwrap());
        let meta = ResponseMeta::new(StatusCode::OK, headers);
        assert_eq!(meta.request_id(), Some("req_1"));
        let slot = ResponseSlot::new();
        slot.clone().set(&meta);
        assert_eq!(slot.get().unwrap().status(), StatusCode::OK);
        let debug = format!("{slot:?}");
        assert!(
            debug.contains("req_1") && !debug.contains("sk-echoed"),
            "{debug}"
        );
        assert!(slot.take().is_some() && slot.get().is_none());
    }
}
