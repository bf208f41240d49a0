//! [`ReqwestTransport`] over reqwest **0.12** (feature `reqwest-0-12`), for a
//! host application whose `reqwest::Client` is a 0.12 one. It is the code of
//! [`crate::reqwest_transport`] (reqwest 0.13) compiled against reqwest 0.12,
//! so it behaves the same: streaming both ways, the same phase timeouts,
//! error kinds and messages, and no URL in an error. What that module says
//! about timeouts and about what the host's client decides holds here too.
//!
//! The crate root re-exports this type as
//! [`Reqwest012Transport`](crate::Reqwest012Transport). This crate enables no
//! reqwest 0.12 feature: with `default-features = false` on the host's side,
//! nothing of a TLS backend is compiled in unless the host asks for one.
//!
//! # Example
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # // This crate's tests build reqwest 0.12 with `rustls-tls-no-provider`.
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
//! use files_transport::{Reqwest012Transport, RequestBody, Timeouts, Transport};
//! // This crate's tests name reqwest 0.12 `reqwest012`; a host on 0.12
//! // writes `reqwest::Client`.
//! use reqwest012 as reqwest;
//!
//! // The host's settings; the transport turns redirects off.
//! let builder = reqwest::Client::builder().connect_timeout(Duration::from_secs(5));
//! let transport = Reqwest012Transport::from_builder(builder)?
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
use reqwest012 as reqwest;

/// The reqwest version this module's transport is compiled against.
const REQWEST_VERSION: &str = "0.12";

// Compiled once per reqwest version, on purpose.
#[allow(clippy::duplicate_mod)]
#[path = "reqwest_shared/transport.rs"]
mod shared;

pub use shared::ReqwestTransport;
