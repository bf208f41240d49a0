//! files-server's integration tests, in one binary: the server over real
//! loopback HTTP, one module per feature under test, and one home for the
//! shared fixtures ([`peer`]: starting a server and talking to it).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod peer;

mod api;
mod availability;
mod durability;
mod faults;
mod hostile;
mod policy;
mod tls;
