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
            let http = reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(5))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            Client::builder().transport(files_transport::ReqwestTransport::new(http))
        }
    }
}
