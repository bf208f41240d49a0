//! [`Client`] and its send loop: every request goes through
//! [`Client::execute`], which sends attempts through the transport (which
//! enforces each attempt's no-progress limit), classifies failures, and
//! retries by the official policy while the body can be replayed and the
//! operation deadline allows.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use files_transport::{
    NoProgressTimeout, RequestBody, ResponseBody, SharedTransport, TimeoutPhase, TransportError,
};
use files_types::ApiGeneration;
use http::{HeaderMap, HeaderValue, Method, Response};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::config::{Config, redacted_headers};
use crate::error::{NotRetried, read_error_body, snippet};
use crate::local_failure::LocalFailure;
use crate::rate::RateControl;
use crate::retry::{retry_delay, server_delay, should_retry};
use crate::{ApiError, Error, ResponseMeta, ResponseSlot};

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
    rate: Arc<RateControl>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .field("transport", &self.transport)
            .field("rate", &self.rate)
            .finish()
    }
}

/// A request ready for the send loop: everything but the per-attempt header.
pub(crate) struct Outgoing {
    pub method: Method,
    /// The path, for errors and traces (never the query).
    pub path: String,
    pub url: String,
    pub headers: HeaderMap,
    /// The template each attempt's body is cloned from.
    pub body: RequestBody,
    /// Where the body's producer records a failure of its own.
    pub local_failure: LocalFailure,
    /// Where the successful answer's metadata goes, if the caller asked.
    pub response_into: Option<ResponseSlot>,
}

/// How the send loop treats one call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SendPolicy {
    pub max_retries: u32,
    /// The no-progress limit of each attempt, whatever its phase.
    pub no_progress: NoProgressTimeout,
    /// The whole call, retries included.
    pub operation_timeout: Option<Duration>,
}

/// A failed attempt: the error, whether the policy retries it, and the
/// answer's headers (for `retry-after`).
struct Failed {
    error: Error,
    retry: bool,
    headers: Option<HeaderMap>,
}

impl Client {
    pub(crate) fn from_parts(
        config: Arc<Config>,
        transport: SharedTransport,
        rate: RateControl,
    ) -> Self {
        Self {
            config,
            transport,
            rate: Arc::new(rate),
        }
    }

    pub(crate) fn config(&self) -> &Config {
        &self.config
    }

    /// The API generation this client speaks.
    pub fn generation(&self) -> ApiGeneration {
        self.config.generation
    }

    /// The base URL, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// The rate, in requests per second, this client and its clones pace
    /// themselves at since the server first throttled them; `None` until it
    /// does. See [`ClientBuilder::throttle_budget`](crate::ClientBuilder::throttle_budget).
    ///
    /// ```
    /// let client = files_client::Client::builder().api_key("sk-ant-...").build()?;
    /// assert_eq!(client.send_rate(), None);
    /// # Ok::<(), files_client::Error>(())
    /// ```
    pub fn send_rate(&self) -> Option<f64> {
        self.rate.rate()
    }

    /// Sends `outgoing` and returns the success answer with its body still streaming.
    pub(crate) async fn send_streaming(
        &self,
        outgoing: Outgoing,
        policy: SendPolicy,
    ) -> Result<Response<ResponseBody>, Error> {
        let (response, _meta) = self
            .execute(outgoing, policy, |response| async move { Ok(response) })
            .await?;
        Ok(response)
    }

    /// Sends `outgoing` and decodes its JSON answer (the body is read inside
    /// the loop, so a connection that breaks mid-answer is retried too).
    pub(crate) async fn send_json<T: DeserializeOwned>(
        &self,
        outgoing: Outgoing,
        policy: SendPolicy,
    ) -> Result<(T, ResponseMeta), Error> {
        let (body, meta) = self
            .execute(outgoing, policy, |response| async move {
                response.into_body().collect_capped(MAX_JSON_BYTES).await
            })
            .await?;
        let value = serde_json::from_slice(&body).map_err(|err| Error::Decode {
            status: meta.status(),
            request_id: meta.request_id().map(str::to_owned),
            message: err.to_string(),
            snippet: snippet(&body),
        })?;
        Ok((value, meta))
    }

    /// The send loop, under the operation deadline when there is one.
    async fn execute<T, F, Fut>(
        &self,
        outgoing: Outgoing,
        policy: SendPolicy,
        finish: F,
    ) -> Result<(T, ResponseMeta), Error>
    where
        F: Fn(Response<ResponseBody>) -> Fut,
        Fut: Future<Output = Result<T, TransportError>>,
    {
        let span =
            tracing::debug_span!("files_request", method = %outgoing.method, path = %outgoing.path);
        let method = outgoing.method.clone();
        let path = outgoing.path.clone();
        let attempts = self.attempts(outgoing, policy, finish).instrument(span);
        match policy.operation_timeout {
            None => attempts.await,
            Some(limit) => tokio::time::timeout(limit, attempts)
                .await
                .unwrap_or_else(|_elapsed| {
                    Err(Error::Timeout {
                        method: method.to_string(),
                        path,
                        phase: Some(TimeoutPhase::Operation),
                        after: Some(limit),
                        not_retried: None,
                        source: None,
                    })
                }),
        }
    }

    async fn attempts<T, F, Fut>(
        &self,
        outgoing: Outgoing,
        policy: SendPolicy,
        finish: F,
    ) -> Result<(T, ResponseMeta), Error>
    where
        F: Fn(Response<ResponseBody>) -> Fut,
        Fut: Future<Output = Result<T, TransportError>>,
    {
        let mut attempt: u32 = 0;
        // Every send, throttled ones included, for `x-stainless-retry-count`.
        let mut sends: u32 = 0;
        // When this request was first throttled: a 429 is not a failed
        // attempt, but throttling has its own budget of time.
        let mut throttled_since: Option<tokio::time::Instant> = None;
        loop {
            // The one replay question: a fresh body for this attempt, or none.
            let Some(body) = outgoing.body.try_clone() else {
                return Err(Error::misuse(
                    "the request body was already consumed before the first attempt",
                ));
            };
            // Every task of the client waits here while a 429 pause runs, for
            // its slot of the adaptive rate, and for the requests-per-minute cap.
            let sent_at = self.rate.admit().await;
            let request = self.attempt_request(&outgoing, body, sends, policy.no_progress)?;
            sends = sends.saturating_add(1);
            tracing::debug!(attempt, "sending");
            let failed = match self
                .attempt(request, &outgoing.method, &outgoing.path, &finish)
                .await
            {
                Ok((value, meta)) => {
                    tracing::debug!(
                        attempt,
                        status = meta.status().as_u16(),
                        request_id = meta.request_id().unwrap_or(""),
                        "succeeded"
                    );
                    self.rate.succeeded();
                    if let Some(slot) = &outgoing.response_into {
                        slot.set(&meta);
                    }
                    return Ok((value, meta));
                }
                Err(failed) => failed,
            };
            let rate_limited = failed.error.is_rate_limited();
            if rate_limited || failed.error.is_overloaded() {
                let delay = failed
                    .headers
                    .as_ref()
                    .and_then(|h| server_delay(h, std::time::SystemTime::now()));
                self.rate.throttled(sent_at, delay, rate_limited);
            }
            // A failure of our own body is reported as what it is, never retried.
            if let Some(local) = outgoing.local_failure.take() {
                return Err(local);
            }
            if !failed.retry {
                return Err(failed.error);
            }
            if outgoing.body.try_clone().is_none() {
                tracing::warn!(attempt, error = %failed.error, "not retrying: the one-shot body already started sending");
                return Err(failed
                    .error
                    .not_retried_because(NotRetried::OneShotBodySent));
            }
            if rate_limited {
                let since = *throttled_since.get_or_insert_with(tokio::time::Instant::now);
                if since.elapsed() < self.config.throttle_budget {
                    // The gate holds it for the server's pause, the adaptive
                    // bucket for its slot: no attempt is spent.
                    tracing::info!(attempt, error = %failed.error, "throttled: sending again at the client's pace");
                    continue;
                }
                return Err(failed
                    .error
                    .not_retried_because(NotRetried::ThrottleBudgetSpent));
            }
            if attempt >= policy.max_retries {
                return Err(failed.error);
            }
            let delay = retry_delay(failed.headers.as_ref(), attempt);
            tracing::info!(attempt, delay_ms = delay.as_millis() as u64, error = %failed.error, "retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    async fn attempt<T, F, Fut>(
        &self,
        request: http::Request<RequestBody>,
        method: &Method,
        path: &str,
        finish: &F,
    ) -> Result<(T, ResponseMeta), Failed>
    where
        F: Fn(Response<ResponseBody>) -> Fut,
        Fut: Future<Output = Result<T, TransportError>>,
    {
        let transport_failure = |err: TransportError| Failed {
            retry: err.is_retryable(),
            error: Error::from_transport(method, path, err),
            headers: None,
        };
        let response = self
            .transport
            .send(request)
            .await
            .map_err(transport_failure)?;
        if response.status().is_success() {
            let meta = ResponseMeta::new(response.status(), response.headers().clone());
            let value = finish(response).await.map_err(transport_failure)?;
            return Ok((value, meta));
        }
        let (parts, body) = response.into_parts();
        // The status is what matters; a broken error body still has one. The
        // transport's read limit bounds this read, and its size is capped.
        let (bytes, cut) = read_error_body(body).await;
        let api = ApiError::from_cut_parts(parts.status, &parts.headers, &bytes, cut);
        let retry = should_retry(parts.status, &parts.headers);
        tracing::info!(
            status = parts.status.as_u16(),
            request_id = api.request_id.as_deref().unwrap_or(""),
            retry,
            "error answer"
        );
        Err(Failed {
            error: Error::from(api),
            retry,
            headers: Some(parts.headers),
        })
    }

    /// The attempt's request: the template's headers plus
    /// `x-stainless-retry-count` (the sends before this one), a fresh body and
    /// the no-progress limit.
    fn attempt_request(
        &self,
        outgoing: &Outgoing,
        body: RequestBody,
        retries: u32,
        no_progress: NoProgressTimeout,
    ) -> Result<http::Request<RequestBody>, Error> {
        let mut request = http::Request::builder()
            .method(outgoing.method.clone())
            .uri(&outgoing.url)
            .body(body)
            .map_err(|err| {
                Error::config(format!(
                    "cannot build a request to {}: {err}",
                    outgoing.path
                ))
            })?;
        let headers = request.headers_mut();
        headers.clone_from(&outgoing.headers);
        headers.insert("x-stainless-retry-count", HeaderValue::from(retries));
        request.extensions_mut().insert(no_progress);
        tracing::trace!(headers = ?redacted_headers(request.headers()), "request headers");
        Ok(request)
    }
}
