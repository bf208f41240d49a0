//! Peers and fixtures the suite's modules share.

pub mod fake_client;
pub mod memory;
pub mod peer;
pub mod pki;
pub mod server;
pub mod via;
