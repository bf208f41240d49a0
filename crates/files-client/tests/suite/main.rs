//! The files-client test suite, one binary: a module per feature under test;
//! the peers (files-server, fake transports) are helpers in `support`, and
//! the test PKI and the misbehaving raw peer are files-server's `test_util`.

// Test helpers outside #[test] fns may unwrap too: a failure fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod bulk;
mod bulk_loopback;
#[cfg(unix)]
mod download_mode;
mod fake_paging_timeouts;
mod fake_transport;
mod loopback;
mod save_downloads;
mod streaming;
mod streaming_transports;
mod tls;
mod uncooperative;
