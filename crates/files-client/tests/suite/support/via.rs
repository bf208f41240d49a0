//! The transport a loopback test runs over: hyper (the default), with the
//! `reqwest` feature `ReqwestTransport` over a plain reqwest 0.13 client, and
//! with `reqwest-0-12` `Reqwest012Transport` over a reqwest 0.12 one.

#[cfg(any(feature = "reqwest", feature = "reqwest-0-12"))]
use std::time::Duration;

use files_client::Client;

/// The transport a test runs over.
#[derive(Debug, Clone, Copy)]
pub enum Via {
    Hyper,
    #[cfg(feature = "reqwest")]
    Reqwest,
    #[cfg(feature = "reqwest-0-12")]
    Reqwest012,
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
        #[cfg(feature = "reqwest-0-12")]
        Via::Reqwest012 => {
            // Plain HTTP only: this reqwest 0.12 has no TLS backend.
            let http = reqwest012::Client::builder()
                .connect_timeout(Duration::from_secs(5))
                .redirect(reqwest012::redirect::Policy::none())
                .build()
                .unwrap();
            Client::builder().transport(files_transport::Reqwest012Transport::new(http))
        }
    }
}
