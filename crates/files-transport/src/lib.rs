//! A pluggable async HTTP transport for the Anthropic Files SDK.
//!
//! Every request of the SDK goes through one small, dyn-compatible trait,
//! [`Transport`]: send an [`http::Request`] with a [`RequestBody`], get an
//! [`http::Response`] with a streamed [`ResponseBody`], or a
//! [`TransportError`]. That trait is the seam that lets an application bring
//! its own HTTP stack and lets tests script the network.
//!
//! # Sending a request
//!
//! The crate works alone, without the SDK client above it. Over the
//! built-in `HyperTransport` (feature `hyper`, default):
//!
//! ```
//! # #[cfg(feature = "hyper")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
//! # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! # let base = format!("http://{}", listener.local_addr()?);
//! # tokio::spawn(async move {
//! #     let (mut socket, _) = listener.accept().await.unwrap();
//! #     let mut buf = [0u8; 1024];
//! #     let _ = socket.read(&mut buf).await;
//! #     let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}").await;
//! # });
//! use std::time::Duration;
//! use files_transport::{HyperTransport, RequestBody, Timeouts, Transport};
//!
//! let transport = HyperTransport::new()?;
//! let mut request = http::Request::get(format!("{base}/v1/files/file_011"))
//!     .header("anthropic-version", "2023-06-01")
//!     .body(RequestBody::empty())?;
//! // Per-request phase limits: pool, write and read.
//! request.extensions_mut().insert(Timeouts::uniform(Duration::from_secs(30)));
//! let response = transport.send(request).await?;
//! assert_eq!(response.status(), http::StatusCode::OK);
//! assert_eq!(response.into_body().collect_capped(1 << 20).await?, "{}");
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "hyper"))]
//! # fn main() {}
//! ```
//!
//! Over the host application's own `reqwest::Client` (feature `reqwest`):
//!
//! ```
//! # #[cfg(feature = "reqwest")]
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
//! #     let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}").await;
//! # });
//! use std::time::Duration;
//! use files_transport::{ReqwestTransport, RequestBody, Timeouts, Transport};
//!
//! let client = reqwest::Client::builder()
//!     .connect_timeout(Duration::from_secs(5))
//!     .build()?;
//! let transport =
//!     ReqwestTransport::with_timeouts(client, Timeouts::uniform(Duration::from_secs(600)));
//! let request = http::Request::get(format!("{base}/v1/files/file_011"))
//!     .body(RequestBody::empty())?;
//! let response = transport.send(request).await?;
//! assert_eq!(response.into_body().collect_capped(1 << 20).await?, "{}");
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "reqwest"))]
//! # fn main() {}
//! ```
//!
//! # What is inside
//!
//! * [`RequestBody`] is empty, bytes, or a stream; a stream is either
//!   *replayable* (a factory yields a fresh stream per attempt) or
//!   *one-shot*. The body itself says whether it can be sent again.
//! * [`ResponseBody`] streams chunk by chunk, with
//!   [`collect_capped`](ResponseBody::collect_capped) to read it whole under a
//!   size cap.
//! * [`TransportError`] carries a [`TransportErrorKind`] that alone decides
//!   whether retrying is safe ([`TransportError::is_retryable`]). Non-2xx
//!   statuses are responses, not errors.
//! * [`Timeouts`] (a request extension) sets the pool, write and read limits
//!   per request; [`send_with_timeouts`] enforces them around any HTTP stack,
//!   so a steady transfer of any length succeeds and a stalled peer fails
//!   with a [`TimeoutPhase`] that says where it stalled.
//! * `HyperTransport` (feature `hyper`, on by default) is the production
//!   transport: hyper 1, hyper-util's connection pool, rustls with the *ring*
//!   provider passed explicitly, HTTP/1.1 and HTTP/2 by ALPN.
//! * `ReqwestTransport` (feature `reqwest`) sends through the host's own
//!   `reqwest::Client` (reqwest 0.13), with the same error kinds and phase
//!   timeouts; the connect timeout is the client's own (see
//!   `reqwest_transport`). `Reqwest012Transport` (feature `reqwest-0-12`) is
//!   the same code over a reqwest 0.12 client.
//! * `fake::FakeTransport` (feature `test-util`) captures requests and answers
//!   from a script.
//!
//! # Features
//!
//! | feature | default | what it adds |
//! | --- | --- | --- |
//! | `hyper` | yes | `HyperTransport` and its builder (hyper, hyper-util, hyper-rustls, rustls/ring, tokio) |
//! | `webpki-roots` | yes | trust the Mozilla roots bundled by `webpki-roots` (implies `hyper`) |
//! | `native-roots` | no | also trust the operating system's roots via `rustls-native-certs` (implies `hyper`) |
//! | `reqwest` | no | `ReqwestTransport` over the host's `reqwest::Client` (reqwest 0.13, no reqwest feature forced: the host chooses TLS, HTTP/2, proxies); compiles nothing of the hyper transport |
//! | `reqwest-0-12` | no | `Reqwest012Transport` (module `reqwest_0_12`): the same over a reqwest 0.12 client; the two features can be on together |
//! | `tower` | no | the `tower` module: `TransportService` (any transport as a `tower::Service`) and `TowerTransport` (a tower service as a transport), for host middleware |
//! | `test-util` | no | the `fake` module: `FakeTransport`, `FakeResponse`, `CapturedRequest` |
//!
//! With `default-features = false` the crate is only the trait and its types,
//! for embedders that bring their own client; add `features = ["reqwest"]`
//! to send through a `reqwest::Client` the application already has.
//!
//! # Bringing your own transport
//!
//! Implement [`Transport`] for a type and hand it to the client as an
//! `Arc<dyn Transport>` ([`SharedTransport`]). This one answers every request
//! with the request's own body:
//!
//! ```
//! use std::sync::Arc;
//!
//! use async_trait::async_trait;
//! use files_transport::{
//!     RequestBody, ResponseBody, SharedTransport, Transport, TransportError,
//! };
//! use http_body_util::BodyExt as _;
//!
//! #[derive(Debug)]
//! struct Echo;
//!
//! #[async_trait]
//! impl Transport for Echo {
//!     async fn send(
//!         &self,
//!         request: http::Request<RequestBody>,
//!     ) -> Result<http::Response<ResponseBody>, TransportError> {
//!         // A real transport streams the body to the network chunk by chunk.
//!         let body = request.into_body().collect().await?.to_bytes();
//!         Ok(http::Response::new(ResponseBody::from_bytes(body)))
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let transport: SharedTransport = Arc::new(Echo);
//! let request = http::Request::post("https://api.example.com/v1/files")
//!     .body(RequestBody::from_bytes("hello"))?;
//! let response = transport.send(request).await?;
//! assert_eq!(response.status(), http::StatusCode::OK);
//! assert_eq!(response.into_body().collect_capped(1024).await?, "hello");
//! # Ok(())
//! # }
//! ```
//!
//! # Testing with the fake transport
//!
//! With the `test-util` feature, `FakeTransport` records every request in
//! full and answers from a queue:
//!
//! ```
//! # #[cfg(feature = "test-util")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use files_transport::fake::{FakeResponse, FakeTransport};
//! use files_transport::{RequestBody, Transport};
//!
//! let fake = FakeTransport::new();
//! fake.push_response(FakeResponse::new(http::StatusCode::NOT_FOUND).body("missing"));
//!
//! let request = http::Request::delete("https://api.example.com/v1/files/file_1")
//!     .body(RequestBody::empty())?;
//! let response = fake.send(request).await?;
//! // Non-2xx statuses are responses, not transport errors.
//! assert_eq!(response.status(), http::StatusCode::NOT_FOUND);
//! assert_eq!(fake.requests()[0].uri.path(), "/v1/files/file_1");
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "test-util"))]
//! # fn main() {}
//! ```
//!
//! # The default transport
//!
//! ```no_run
//! # #[cfg(feature = "hyper")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use files_transport::{HyperTransport, RequestBody, Timeouts, Transport};
//!
//! let transport = HyperTransport::builder()
//!     .connect_timeout(Duration::from_secs(5))
//!     .timeouts(Timeouts::uniform(Duration::from_secs(600)))
//!     .build()?;
//! let mut request = http::Request::get("https://api.example.com/v1/files")
//!     .body(RequestBody::empty())?;
//! request.extensions_mut().insert(Timeouts::uniform(Duration::from_secs(30)));
//! let response = transport.send(request).await?;
//! println!("{}", response.status());
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "hyper"))]
//! # fn main() {}
//! ```

#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(feature = "hyper", feature = "reqwest", feature = "reqwest-0-12"))]
mod cause;
#[cfg(any(feature = "hyper", feature = "reqwest", feature = "reqwest-0-12"))]
mod classify;
pub mod error;
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub mod fake;
mod fused_body;
#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub mod hyper_transport;
pub mod request_body;
#[cfg(feature = "reqwest-0-12")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest-0-12")))]
pub mod reqwest_0_12;
#[cfg(any(feature = "reqwest", feature = "reqwest-0-12"))]
mod reqwest_body;
#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub mod reqwest_transport;
pub mod response_body;
mod send_progress;
pub mod timeout;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;
pub mod transport;

pub use error::{BoxError, TimeoutPhase, TransportError, TransportErrorKind};
#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub use hyper_transport::{HyperTransport, HyperTransportBuilder};
pub use request_body::{BodyStream, RequestBody};
/// [`reqwest_0_12::ReqwestTransport`]: the transport over a reqwest 0.12
/// `reqwest::Client`.
#[cfg(feature = "reqwest-0-12")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest-0-12")))]
pub use reqwest_0_12::ReqwestTransport as Reqwest012Transport;
#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub use reqwest_transport::ReqwestTransport;
pub use response_body::ResponseBody;
/// The rustls version used by `HyperTransport`, for building a custom
/// [`rustls::ClientConfig`] or certificates with the same types.
#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub use rustls;
pub use timeout::{DEFAULT_CONNECT_TIMEOUT, Timeouts, send_with_timeouts};
pub use transport::{SharedTransport, Transport};
