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
//! use files_transport::{HyperTransport, NoProgressTimeout, RequestBody, Transport};
//!
//! let transport = HyperTransport::new()?;
//! let mut request = http::Request::get(format!("{base}/v1/files/file_011"))
//!     .header("anthropic-version", "2023-06-01")
//!     .body(RequestBody::empty())?;
//! // Fail if the exchange makes no progress for 30 s, whatever its phase.
//! request
//!     .extensions_mut()
//!     .insert(NoProgressTimeout::new(Duration::from_secs(30)));
//! let response = transport.send(request).await?;
//! assert_eq!(response.status(), http::StatusCode::OK);
//! assert_eq!(response.into_body().collect_capped(1 << 20).await?, "{}");
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "hyper"))]
//! # fn main() {}
//! ```
//!
//! Over the host application's own `reqwest::Client` (feature `reqwest`),
//! `ReqwestTransport` is used the same way; its page has an example.
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
//! * [`NoProgressTimeout`] (a request extension) is the longest the
//!   exchange may go without progress; [`send_with_timeout`] enforces it
//!   around any HTTP stack, so a steady transfer of any length succeeds and a
//!   stalled peer fails with a [`TimeoutPhase`] that says where it stalled.
//! * `HyperTransport` (feature `hyper`, on by default) is the production
//!   transport: hyper 1, hyper-util's connection pool, rustls with the *ring*
//!   provider passed explicitly, HTTP/1.1 and HTTP/2 by ALPN.
//! * `ReqwestTransport` (feature `reqwest`) sends through the host's own
//!   `reqwest::Client` (reqwest 0.13), with the same error kinds and
//!   timeouts; the connect timeout is the client's own.
//!   `Reqwest012Transport` (feature `reqwest-0-12`) is the same code over a
//!   reqwest 0.12 client.
//! * `TransportService` and `TowerTransport` (feature `tower`) put tower on
//!   either side of the [`Transport`] seam.
//! * `FakeTransport` (feature `test-util`) captures requests and answers
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
//! | `reqwest-0-12` | no | `Reqwest012Transport`: the same over a reqwest 0.12 client; the two features can be on together |
//! | `tower` | no | `TransportService` (any transport as a `tower::Service`), `TowerTransport` (a tower service as a transport) and `TransportFuture`, for host middleware |
//! | `test-util` | no | `FakeTransport`, `FakeResponse`, `CapturedRequest` |
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
//! use files_transport::{FakeResponse, FakeTransport, RequestBody, Transport};
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

#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(feature = "hyper", feature = "reqwest", feature = "reqwest-0-12"))]
mod cause;
#[cfg(any(feature = "hyper", feature = "reqwest", feature = "reqwest-0-12"))]
mod classify;
mod error;
#[cfg(feature = "test-util")]
mod fake;
mod fused_body;
#[cfg(feature = "hyper")]
mod hyper_transport;
mod request_body;
#[cfg(feature = "reqwest-0-12")]
mod reqwest_0_12;
#[cfg(any(feature = "reqwest", feature = "reqwest-0-12"))]
mod reqwest_body;
#[cfg(feature = "reqwest")]
mod reqwest_transport;
mod response_body;
mod send_progress;
mod timeout;
#[cfg(feature = "tower")]
mod tower;
mod transport;

pub use error::{BoxError, TimeoutPhase, TransportError, TransportErrorKind};
#[cfg(feature = "test-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "test-util")))]
pub use fake::{CapturedRequest, FakeResponse, FakeTransport};
#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub use hyper_transport::{DEFAULT_POOL_IDLE_TIMEOUT, HyperTransport, HyperTransportBuilder};
pub use request_body::{BodyStream, MAX_SLICE, RequestBody};
/// A transport over a host's reqwest **0.12** `reqwest::Client` (feature
/// `reqwest-0-12`): `ReqwestTransport`'s code compiled against reqwest 0.12,
/// with the same behaviour. This crate enables no reqwest 0.12 feature: with
/// `default-features = false` on the host's side, nothing of a TLS backend is
/// compiled in unless the host asks for one.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # // This crate's tests build reqwest 0.12 with `rustls-tls-no-provider`.
/// # let _ = rustls::crypto::ring::default_provider().install_default();
/// # use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
/// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let base = format!("http://{}", listener.local_addr()?);
/// # tokio::spawn(async move {
/// #     let (mut socket, _) = listener.accept().await.unwrap();
/// #     let mut buf = [0u8; 1024];
/// #     let _ = socket.read(&mut buf).await;
/// #     let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n[]").await;
/// # });
/// use std::time::Duration;
/// use files_transport::{NoProgressTimeout, Reqwest012Transport, RequestBody, Transport};
/// // This crate's tests name reqwest 0.12 `reqwest012`; a host on 0.12
/// // writes `reqwest::Client`.
/// use reqwest012 as reqwest;
///
/// // The host's settings; the transport turns redirects off.
/// let builder = reqwest::Client::builder().connect_timeout(Duration::from_secs(5));
/// let transport = Reqwest012Transport::from_builder(builder)?;
///
/// let mut request = http::Request::get(format!("{base}/v1/files"))
///     .body(RequestBody::empty())?;
/// request
///     .extensions_mut()
///     .insert(NoProgressTimeout::new(Duration::from_secs(600)));
/// let response = transport.send(request).await?;
/// assert_eq!(response.status(), http::StatusCode::OK);
/// assert_eq!(response.into_body().collect_capped(1024).await?, "[]");
/// # Ok(())
/// # }
/// ```
///
#[cfg(feature = "reqwest-0-12")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest-0-12")))]
pub use reqwest_0_12::ReqwestTransport as Reqwest012Transport;
/// A transport over a host's reqwest **0.13**
/// `reqwest::Client` (feature `reqwest`). A host on reqwest 0.12 uses
/// `Reqwest012Transport` (feature `reqwest-0-12`), the same code.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # // This crate's tests build reqwest with `rustls-no-provider`.
/// # let _ = rustls::crypto::ring::default_provider().install_default();
/// # use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
/// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let base = format!("http://{}", listener.local_addr()?);
/// # tokio::spawn(async move {
/// #     let (mut socket, _) = listener.accept().await.unwrap();
/// #     let mut buf = [0u8; 1024];
/// #     let _ = socket.read(&mut buf).await;
/// #     let _ = socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n[]").await;
/// # });
/// use std::time::Duration;
/// use files_transport::{NoProgressTimeout, ReqwestTransport, RequestBody, Transport};
///
/// // The host application's client settings; the transport turns redirects off.
/// let builder = reqwest::Client::builder().connect_timeout(Duration::from_secs(5));
/// let transport = ReqwestTransport::from_builder(builder)?;
///
/// let mut request = http::Request::get(format!("{base}/v1/files"))
///     .body(RequestBody::empty())?;
/// request
///     .extensions_mut()
///     .insert(NoProgressTimeout::new(Duration::from_secs(600)));
/// let response = transport.send(request).await?;
/// assert_eq!(response.status(), http::StatusCode::OK);
/// assert_eq!(response.into_body().collect_capped(1024).await?, "[]");
/// # Ok(())
/// # }
/// ```
///
#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub use reqwest_transport::ReqwestTransport;
pub use response_body::ResponseBody;
/// The rustls version used by `HyperTransport`, for building a custom
/// [`rustls::ClientConfig`] or certificates with the same types.
#[cfg(feature = "hyper")]
#[cfg_attr(docsrs, doc(cfg(feature = "hyper")))]
pub use rustls;
pub use timeout::{DEFAULT_CONNECT_TIMEOUT, NoProgressTimeout, send_with_timeout};
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub use tower::{TowerTransport, TransportFuture, TransportService};
pub use transport::{SharedTransport, Transport};
