//! The files-blocking test suite, one binary: a module per feature under test;
//! the peers (files-server, raw sockets) are helpers in `support`.

// Test helpers outside #[test] fns may unwrap too: a failure fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

#[cfg(unix)]
mod download_mode;
mod loopback;
mod save_downloads;
mod uncooperative;
