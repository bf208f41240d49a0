//! Fixtures for the tests of programs that talk to a Files API server
//! (feature `test-util`): the workspace's own suites use them, and so can an
//! embedder's.
//!
//! - [`TestPki`]: a test certificate authority and a server certificate it
//!   signed for `127.0.0.1` and `localhost`, made fresh at run time;
//!   [`SelfSignedCert`]: a self-signed certificate that is its own CA.
//! - [`BackgroundServer`]: a [`FilesServer`](crate::FilesServer) on a Tokio
//!   runtime of its own, for a test whose thread stays outside any runtime
//!   (a blocking client, a child process).
//! - [`MisbehavingPeer`]: a raw TCP peer on 127.0.0.1 that misbehaves on
//!   purpose in ways a server's faults cannot (reading a body slowly, not
//!   reading it, never answering, redirecting).
//!
//! Every fixture binds 127.0.0.1 only, and every failure to set one up is an
//! [`std::io::Error`].
//!
//! ```
//! use files_server::ServerConfig;
//! use files_server::test_util::{BackgroundServer, TestPki};
//!
//! let pki = TestPki::generate("my test CA")?;
//! let server = BackgroundServer::start(ServerConfig::new().tls(pki.tls_config()))?;
//! assert!(server.base_url().starts_with("https://127.0.0.1:"));
//! // A client of the server trusts `pki.ca_pem()`.
//! assert!(pki.ca_pem().starts_with("-----BEGIN CERTIFICATE-----"));
//! # Ok::<(), std::io::Error>(())
//! ```

mod background;
mod misbehaving;
mod pki;

pub use background::BackgroundServer;
pub use misbehaving::{MisbehavingPeer, Misbehaviour};
pub use pki::{SelfSignedCert, TestPki};
