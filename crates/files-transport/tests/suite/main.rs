//! The files-transport test suite, one binary: a module per feature under test;
//! the peers (local servers, PKI) are helpers in `support`, and `cases` is the
//! loopback suite every transport passes.

// Test helpers outside #[test] fns may unwrap too: a failure fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[cfg(any(feature = "hyper", feature = "reqwest", feature = "reqwest-0-12"))]
mod cases;
#[cfg(any(feature = "hyper", feature = "reqwest", feature = "reqwest-0-12"))]
mod support;

#[cfg(feature = "test-util")]
mod fake;
#[cfg(feature = "hyper")]
mod hyper_loopback;
#[cfg(feature = "hyper")]
mod replay;
#[cfg(any(feature = "reqwest", feature = "reqwest-0-12"))]
mod reqwest_loopback;
#[cfg(feature = "hyper")]
mod tls;
