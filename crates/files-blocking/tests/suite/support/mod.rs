//! Peers the suite's modules share.

pub mod peer;
pub mod server;
