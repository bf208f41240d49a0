//! The transport a loopback test runs over: hyper (the default) or, with the
//! `reqwest` feature, `ReqwestTransport` over a plain `reqwest::Client`.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

#[cfg(feature = "reqwest")]
use std::time::Duration;

use files_client::Client;

/// The transport a test runs over.
#[derive(Debug, Clone, Copy)]
pub enum Via {
    Hyper,
    #[cfg(feature = "reqwest")]
    Reqwest,
}

/// A builder whose requests go over `via`.
pub fn builder(via: Via) -> files_client::ClientBuilder {
    match via {
        Via::Hyper => Client::builder(),
        #[cfg(feature = "reqwest")]
        Via::Reqwest => {
            // Building the whole workspace's tests unifies reqwest's features,
            // which may compile in rustls without a provider: give it ring
            // (a second install is a no-op).
            let _ = files_transport::rustls::crypto::ring::default_provider().install_default();
            let http = reqwest::Client::builder().connect_timeout(Duration::from_secs(5));
            Client::builder()
                .transport(files_transport::ReqwestTransport::from_builder(http).unwrap())
        }
    }
}
