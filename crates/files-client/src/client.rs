//! [`Client`]: configuration plus transport, and the one loop every request goes
//! through (headers, timeouts, retries, error classification, tracing).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use files_transport::{ReadTimeout, RequestBody, RequestTimeout, ResponseBody, SharedTransport};
use files_types::ApiGeneration;
use http::{HeaderMap, HeaderValue, Method, Response};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::config::{Config, redacted_headers};
use crate::error::snippet;
use crate::headers::request_headers;
use crate::options::RequestOptions;
use crate::retry::{retry_delay, should_retry};
use crate::{ApiError, ClientBuilder, Error, Files};

/// The largest error or JSON answer the client reads.
const MAX_JSON_BYTES: usize = 16 * 1024 * 1024;

/// An Anthropic Files API client. Cheap to clone: clones share one connection pool.
///
/// ```
/// use files_client::Client;
///
/// let client = Client::builder().api_key("sk-ant-...").build()?;
/// assert_eq!(client.base_url(), "https://api.anthropic.com");
/// let files = client.files();
/// # let _ = files;
/// # Ok::<(), files_client::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    config: Arc<Config>,
    transport: SharedTransport,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .field("transport", &self.transport)
            .finish()
    }
}

/// A request, ready for the retry loop.
pub(crate) struct Prepared {
    pub method: Method,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub body: RequestBody,
    pub content_type: Option<HeaderValue>,
    pub accept: &'static str,
}

impl Prepared {
    pub(crate) fn new(method: Method, path: String) -> Self {
        Self {
            method,
            path,
            query: Vec::new(),
            body: RequestBody::empty(),
            content_type: None,
            accept: "application/json",
        }
    }
}

/// What one attempt produced (short-lived: its size does not matter).
#[allow(clippy::large_enum_variant)]
enum Attempt<T> {
    Done(T),
    Failed {
        error: Error,
        retry: bool,
        headers: Option<HeaderMap>,
    },
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from `ANTHROPIC_API_KEY` (or `ANTHROPIC_AUTH_TOKEN`) and
    /// `ANTHROPIC_BASE_URL`, with every other default.
    ///
    /// # Errors
    /// Neither variable holds a credential, or the base URL is invalid.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::new().from_env().build()
    }

    pub(crate) fn from_parts(config: Arc<Config>, transport: SharedTransport) -> Self {
        Self { config, transport }
    }

    /// The files resource.
    pub fn files(&self) -> Files {
        Files::new(self.clone())
    }

    /// The API generation this client speaks.
    pub fn generation(&self) -> ApiGeneration {
        self.config.generation
    }

    /// The client-side upload size limit.
    pub(crate) fn max_upload_bytes(&self) -> u64 {
        self.config.max_upload_bytes
    }

    /// The default time allowed per attempt.
    pub(crate) fn timeout(&self) -> Duration {
        self.config.timeout
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// Sends `request` and returns the success answer with its body still streaming.
    pub(crate) async fn send_streaming(
        &self,
        request: Prepared,
        options: &RequestOptions,
    ) -> Result<Response<ResponseBody>, Error> {
        self.run(request, options, |response| async move { Ok(response) })
            .await
    }

    /// Sends `request` and decodes its JSON answer (the body is read inside the
    /// retry loop, so a connection that breaks mid-answer is retried too).
    pub(crate) async fn send_json<T: DeserializeOwned>(
        &self,
        request: Prepared,
        options: &RequestOptions,
    ) -> Result<T, Error> {
        let (status, headers, body) = self
            .run(request, options, |response| async move {
                let (parts, body) = response.into_parts();
                let bytes = body.collect_capped(MAX_JSON_BYTES).await?;
                Ok((parts.status, parts.headers, bytes))
            })
            .await?;
        serde_json::from_slice(&body).map_err(|err| Error::Decode {
            status,
            request_id: request_id(&headers),
            message: err.to_string(),
            snippet: snippet(&body),
        })
    }

    async fn run<T, F, Fut>(
        &self,
        request: Prepared,
        options: &RequestOptions,
        finish: F,
    ) -> Result<T, Error>
    where
        F: Fn(Response<ResponseBody>) -> Fut,
        Fut: std::future::Future<Output = Result<T, files_transport::TransportError>>,
    {
        let max_retries = options.max_retries.unwrap_or(self.config.max_retries);
        let timeout = options.timeout.unwrap_or(self.config.timeout);
        let span =
            tracing::debug_span!("files_request", method = %request.method, path = %request.path);
        async move {
            let mut attempt = 0;
            loop {
                let http_request = self.build(&request, options, attempt, timeout)?;
                let outcome = self
                    .attempt(http_request, &request.path, attempt, timeout, &finish)
                    .await;
                let (error, retry, headers) = match outcome {
                    Attempt::Done(value) => return Ok(value),
                    Attempt::Failed { error, retry, headers } => (error, retry, headers),
                };
                if !retry || attempt >= max_retries {
                    return Err(error);
                }
                if !request.body.is_replayable() && request.body.first_byte_sent() {
                    tracing::warn!(attempt, error = %error, "not retrying: the one-shot body already started sending");
                    return Err(Error::NotRetried { source: Box::new(error) });
                }
                let delay = retry_delay(headers.as_ref(), attempt);
                tracing::info!(attempt, delay_ms = delay.as_millis() as u64, error = %error, "retrying");
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
        }
        .instrument(span)
        .await
    }

    async fn attempt<T, F, Fut>(
        &self,
        http_request: http::Request<RequestBody>,
        path: &str,
        attempt: u32,
        timeout: Duration,
        finish: &F,
    ) -> Attempt<T>
    where
        F: Fn(Response<ResponseBody>) -> Fut,
        Fut: std::future::Future<Output = Result<T, files_transport::TransportError>>,
    {
        let method = http_request.method().clone();
        tracing::debug!(attempt, "sending");
        let sent = tokio::time::timeout(timeout, async {
            let response = self.transport.send(http_request).await?;
            if response.status().is_success() {
                finish(response).await.map(Ok)
            } else {
                Ok(Err(response))
            }
        })
        .await;
        let transport_failure = |err: files_transport::TransportError| {
            // A failure of our own request body (a rule broken while a stream was
            // sent, the local file unreadable) is not the network's: report it as
            // what it is, and never retry it.
            if let Some(local) = local_body_failure(&err) {
                return Attempt::Failed {
                    error: local,
                    retry: false,
                    headers: None,
                };
            }
            let retry = err.is_retryable();
            Attempt::Failed {
                error: Error::from_transport(&method, path, err, timeout),
                retry,
                headers: None,
            }
        };
        match sent {
            Err(_elapsed) => Attempt::Failed {
                error: Error::Timeout {
                    method: method.to_string(),
                    path: path.to_owned(),
                    after: timeout,
                    source: None,
                },
                retry: true,
                headers: None,
            },
            Ok(Err(err)) => transport_failure(err),
            Ok(Ok(Ok(value))) => {
                tracing::debug!(attempt, "succeeded");
                Attempt::Done(value)
            }
            Ok(Ok(Err(response))) => {
                let (parts, body) = response.into_parts();
                let bytes = match tokio::time::timeout(timeout, body.collect_capped(MAX_JSON_BYTES))
                    .await
                {
                    Ok(Ok(bytes)) => bytes,
                    // The status is what matters; a broken error body still has one.
                    _ => Bytes::new(),
                };
                let api = ApiError::from_response(
                    parts.status,
                    request_id(&parts.headers).as_deref(),
                    &bytes,
                );
                let retry = should_retry(parts.status, &parts.headers);
                tracing::info!(
                    attempt,
                    status = parts.status.as_u16(),
                    request_id = api.request_id.as_deref().unwrap_or(""),
                    retry,
                    "error answer"
                );
                Attempt::Failed {
                    error: Error::from(api),
                    retry,
                    headers: Some(parts.headers),
                }
            }
        }
    }

    fn build(
        &self,
        request: &Prepared,
        options: &RequestOptions,
        attempt: u32,
        timeout: Duration,
    ) -> Result<http::Request<RequestBody>, Error> {
        let mut url = format!("{}{}", self.config.base_url, request.path);
        if !request.query.is_empty() {
            let mut query = form_urlencoded::Serializer::new(String::new());
            for (name, value) in &request.query {
                query.append_pair(name, value);
            }
            url.push('?');
            url.push_str(&query.finish());
        }
        let body = request.body.next_attempt();
        let mut headers = request_headers(&self.config, options, attempt, request.accept);
        if let Some(content_type) = &request.content_type {
            headers.insert(http::header::CONTENT_TYPE, content_type.clone());
        }
        if let Some(length) = body.content_length()
            && (length > 0 || request.method == Method::POST)
        {
            headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        let mut http_request = http::Request::builder()
            .method(request.method.clone())
            .uri(&url)
            .body(body)
            .map_err(|err| {
                Error::config(format!("cannot build a request to {}: {err}", request.path))
            })?;
        *http_request.headers_mut() = headers;
        http_request
            .extensions_mut()
            .insert(RequestTimeout::new(timeout));
        http_request
            .extensions_mut()
            .insert(ReadTimeout::new(timeout));
        tracing::trace!(headers = ?redacted_headers(http_request.headers()), "request headers");
        Ok(http_request)
    }
}

/// The `request-id` header.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The local cause of a transport failure, if the request body failed on our side:
/// a [`files_types::ValidationError`] found while streaming, or a local file error.
fn local_body_failure(err: &files_transport::TransportError) -> Option<Error> {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = cause {
        if let Some(local) = local_error(current) {
            return Some(local);
        }
        // io::Error's `source()` skips the error it wraps: look inside it too.
        if let Some(local) = current
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
            .and_then(|inner| local_error(inner))
        {
            return Some(local);
        }
        cause = current.source();
    }
    None
}

fn local_error(cause: &(dyn std::error::Error + 'static)) -> Option<Error> {
    if let Some(rule) = cause.downcast_ref::<files_types::ValidationError>() {
        return Some(Error::InvalidInput(rule.clone()));
    }
    let local = cause.downcast_ref::<crate::upload::LocalFileError>()?;
    let source = std::io::Error::new(local.source.kind(), local.source.to_string());
    Some(Error::io(local.operation, local.path.clone(), source))
}
