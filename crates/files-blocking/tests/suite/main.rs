//! The files-blocking test suite, one binary: a module per feature under test;
//! the files-server peer is a helper in `support`, and the misbehaving raw
//! peer is files-server's `test_util`.

// Test helpers outside #[test] fns may unwrap too: a failure fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

#[cfg(unix)]
mod download_mode;
mod loopback;
mod save_downloads;
mod uncooperative;
