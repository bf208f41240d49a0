//! Peers and fixtures the suite's modules share (the test PKI and the
//! misbehaving raw peer are files-server's `test_util`).

pub mod fake_client;
pub mod memory;
pub mod server;
pub mod via;
