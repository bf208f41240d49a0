//! [`ReqwestTransport`] over reqwest **0.13** (feature `reqwest`): sends
//! through the host application's own `reqwest::Client`, with its pool,
//! proxies, TLS roots and settings. A host on reqwest 0.12 uses
//! [`crate::reqwest_0_12`] (feature `reqwest-0-12`): the same code, compiled
//! against reqwest 0.12, with the same behaviour; what this page says holds
//! for both.
//!
//! # Timeouts over reqwest
//!
//! | phase | over reqwest |
//! | --- | --- |
//! | [`Pool`](crate::TimeoutPhase::Pool), [`Write`](crate::TimeoutPhase::Write), [`Read`](crate::TimeoutPhase::Read) | exactly as over hyper: [`send_with_timeouts`](crate::send_with_timeouts) watches the request body being pulled and the response body being read, from a [`Timeouts`](crate::Timeouts) extension per request, else [`ReqwestTransport::with_timeouts`] |
//! | [`Connect`](crate::TimeoutPhase::Connect) | the host's `reqwest::ClientBuilder::connect_timeout` (it bounds TCP connect and TLS handshake). reqwest does not say its value: the error has [`timeout_phase`](crate::TransportError::timeout_phase) `Connect` and [`timeout_after`](crate::TransportError::timeout_after) `None`. Without a connect timeout on the client, only the pool limit (which runs until the body is first pulled) ends a hanging connect, reported as `Pool` |
//!
//! reqwest's own whole-request `timeout` and `read_timeout`, if the host set
//! them, still apply on top: passing one fails with kind
//! [`Timeout`](crate::TransportErrorKind::Timeout) and no phase, since reqwest does
//! not say which phase it was in. A whole-request `timeout` also ends steady
//! long transfers: leave it unset on a client used for large files.
//!
//! # What the host's client decides
//!
//! * TLS backend and roots, HTTP/2, proxies, DNS, default headers: whatever
//!   the `reqwest::Client` was built with. This crate enables no reqwest
//!   feature. TLS failures are recognised as [`Tls`](crate::TransportErrorKind::Tls)
//!   with reqwest's rustls backends; with native-tls, a failed handshake is a
//!   [`Connect`](crate::TransportErrorKind::Connect) error with the TLS error as its
//!   source.
//! * Redirects: reqwest follows up to 10 by default, and on a redirect to
//!   another host it drops `Authorization` and cookies but *not* `x-api-key`.
//!   The Files API does not redirect. [`ReqwestTransport::from_builder`] and
//!   [`ReqwestTransport::client_builder`] build the client with
//!   `redirect::Policy::none()`: a redirect then reaches the SDK client as an
//!   answer, which it reports as an error naming where it pointed, and no
//!   request goes there. The policy of a client that is already built cannot
//!   be read or changed: given one that follows redirects
//!   ([`ReqwestTransport::new`] with `reqwest::Client::new()`), a redirect
//!   still sends the request with its `x-api-key` where it points, *before*
//!   this transport sees the answer. The transport then fails with
//!   [`Redirected`](crate::TransportErrorKind::Redirected) naming that origin
//!   (loud, but after the fact).
//! * Decompression (reqwest's `gzip`, `brotli`, ... features) changes what a
//!   response body holds; downloads are meant to be byte-exact, so leave
//!   those features off or send no `Accept-Encoding`.
//!
//! Request bodies are handed to reqwest as streams, so reqwest never replays
//! one on its own: the client rebuilds the body per attempt
//! ([`RequestBody::try_clone`](crate::RequestBody::try_clone)) and the transport sends what it is given.
//!
//! # Example
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # // This crate's tests build reqwest with `rustls-no-provider`.
//! # let _ = rustls::crypto::ring::default_provider().install_default();
//! # use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
//! # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! # let base = format!("http://{}", listener.local_addr()?);
//! # tokio::spawn(async move {
//! #     let (mut socket, _) = listener.accept().await.unwrap();
//! #     let mut buf = [0u8; 1024];
//! #     let _ = socket.read(&mut buf).await;
//! #     let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n[]").await;
//! # });
//! use std::time::Duration;
//! use files_transport::{ReqwestTransport, RequestBody, Timeouts, Transport};
//!
//! // The host application's client settings; the transport turns redirects off.
//! let builder = reqwest::Client::builder().connect_timeout(Duration::from_secs(5));
//! // Default pool, write and read limits; a `Timeouts` extension on a
//! // request wins over them, phase by phase.
//! let transport = ReqwestTransport::from_builder(builder)?
//!     .with_default_timeouts(Timeouts::uniform(Duration::from_secs(600)));
//!
//! let request = http::Request::get(format!("{base}/v1/files"))
//!     .body(RequestBody::empty())?;
//! let response = transport.send(request).await?;
//! assert_eq!(response.status(), http::StatusCode::OK);
//! assert_eq!(response.into_body().collect_capped(1024).await?, "[]");
//! # Ok(())
//! # }
//! ```

// The shared code names the reqwest crate as `super::reqwest`.
#[allow(clippy::single_component_path_imports)]
use ::reqwest;

/// The reqwest version this module's transport is compiled against.
const REQWEST_VERSION: &str = "0.13";

// Compiled once per reqwest version, on purpose.
#[allow(clippy::duplicate_mod)]
#[path = "reqwest_shared/transport.rs"]
mod shared;

pub use shared::ReqwestTransport;
