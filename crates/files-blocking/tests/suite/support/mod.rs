//! Peers the suite's modules share (the misbehaving raw peer is files-server's
//! `test_util::MisbehavingPeer`).

pub mod server;
