//! The reqwest transports against local servers on 127.0.0.1, over reqwest
//! 0.13 (`over_reqwest::…`, feature `reqwest`) and reqwest 0.12
//! (`over_reqwest_0_12::…`, feature `reqwest-0-12`): the loopback suite
//! every transport passes (`cases`), plus what the host's own
//! `reqwest::Client` configures: its connect timeout, its TLS (rustls with
//! ring, passed explicitly through `rustls-no-provider`), its own timeouts.
//! Both versions run the same tests, written once in [`host_suite!`].

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use files_transport::{
    NoProgressTimeout, RequestBody, TimeoutPhase, Transport, TransportErrorKind,
};
use rustls::pki_types::CertificateDer;
use support::pki::{pki, provider};
use support::{bounded, full, response};

/// rustls with ring, trusting `roots` only.
fn tls_config(roots: &[CertificateDer<'static>]) -> rustls::ClientConfig {
    let mut store = rustls::RootCertStore::empty();
    for root in roots {
        store.add(root.clone()).unwrap();
    }
    let mut config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(store)
        .with_no_client_auth();
    // A preconfigured config is used as is: reqwest adds no ALPN to it.
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    config
}

fn get(url: String) -> http::Request<RequestBody> {
    http::Request::get(url).body(RequestBody::empty()).unwrap()
}

/// Every test of this file over one reqwest version: `$reqwest` is the
/// crate, `$transport` our transport over it, `$preconfigured_tls` the
/// builder method taking a rustls configuration (renamed in 0.13).
macro_rules! host_suite {
    ($reqwest:ident, $transport:ty, $preconfigured_tls:ident) => {
        use files_transport::SharedTransport;
        use $reqwest as reqwest;

        use super::*;

        type ReqwestTransport = $transport;

        /// A host application's client: its own TLS configuration, no redirects.
        fn host_client(roots: &[CertificateDer<'static>]) -> reqwest::ClientBuilder {
            reqwest::Client::builder()
                .$preconfigured_tls(tls_config(roots))
                .redirect(reqwest::redirect::Policy::none())
        }

        fn make() -> SharedTransport {
            let client = host_client(&[]).build().unwrap();
            Arc::new(ReqwestTransport::new(client))
        }

        crate::cases::loopback_suite!(make);

        /// The connect phase is the client's own `connect_timeout`, and it covers
        /// the TLS handshake: this server accepts TCP connections but never says a
        /// byte, so the handshake never finishes.
        #[tokio::test]
        async fn the_clients_connect_timeout_is_the_connect_phase() {
            bounded(async {
                let silent = support::silent_server().await;
                let client = host_client(&[])
                    .connect_timeout(Duration::from_millis(300))
                    .build()
                    .unwrap();
                let transport = ReqwestTransport::new(client);
                // The no-progress limit would end the attempt too, but much later.
                let mut request = get(format!("https://{}/v1/files?key=secret", silent.addr));
                request
                    .extensions_mut()
                    .insert(NoProgressTimeout::new(Duration::from_secs(60)));
                let err = transport.send(request).await.unwrap_err();
                assert_eq!(err.kind(), TransportErrorKind::Timeout, "{err:?}");
                assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Connect), "{err}");
                assert_eq!(err.timeout_after(), None, "reqwest does not say its limit");
                assert!(err.to_string().contains("connect_timeout"), "{err}");
                assert!(err.is_retryable());
                assert!(!format!("{err:?}").contains("secret"), "{err:?}");
            })
            .await;
        }

        #[tokio::test]
        async fn the_clients_own_timeout_is_a_timeout_without_phase() {
            bounded(async {
                let server = support::serve(|_req| async {
                    tokio::time::sleep(Duration::from_secs(600)).await;
                    response(200, full(""))
                })
                .await;
                let client = host_client(&[])
                    .timeout(Duration::from_millis(300))
                    .build()
                    .unwrap();
                let transport = ReqwestTransport::new(client);
                let err = transport.send(get(server.url("/slow"))).await.unwrap_err();
                assert_eq!(err.kind(), TransportErrorKind::Timeout, "{err:?}");
                assert_eq!(err.timeout_phase(), None, "{err}");
                assert!(err.is_retryable());
            })
            .await;
        }

        #[tokio::test]
        async fn trusted_ca_reaches_the_server_and_alpn_picks_http2() {
            bounded(async {
                let pki = pki();
                let server =
                    support::serve_tls(support::pki::acceptor(&pki, false), |req| async move {
                        response(200, full(format!("{:?}", req.version())))
                    })
                    .await;
                let client = host_client(std::slice::from_ref(&pki.ca)).build().unwrap();
                let transport = ReqwestTransport::new(client);
                let response = transport.send(get(server.https_url("/"))).await.unwrap();
                assert_eq!(response.version(), http::Version::HTTP_2);
                assert_eq!(
                    response.into_body().collect_capped(64).await.unwrap(),
                    "HTTP/2.0"
                );
            })
            .await;
        }

        #[tokio::test]
        async fn unknown_ca_is_refused_with_tls_kind() {
            bounded(async {
                let pki = pki();
                let server =
                    support::serve_tls(support::pki::acceptor(&pki, false), |_req| async {
                        response(200, full(""))
                    })
                    .await;
                let transport = ReqwestTransport::new(host_client(&[]).build().unwrap());
                let err = transport
                    .send(get(server.https_url("/v1/files?key=secret")))
                    .await
                    .unwrap_err();
                assert_eq!(err.kind(), TransportErrorKind::Tls, "{err:?}");
                assert!(!err.is_retryable());
                assert!(err.has_source_of_type::<rustls::Error>(), "{err:?}");
                assert!(!format!("{err:?}").contains("secret"), "{err:?}");
                // The message says why.
                assert!(err.to_string().contains("UnknownIssuer"), "{err}");
            })
            .await;
        }

        /// The host's client settings travel with every request: here its default
        /// headers.
        #[tokio::test]
        async fn the_hosts_client_settings_apply() {
            bounded(async {
                let server = support::serve(|req| async move {
                    let agent = req
                        .headers()
                        .get("user-agent")
                        .map(|v| v.to_str().unwrap().to_owned())
                        .unwrap_or_default();
                    response(200, full(agent))
                })
                .await;
                let client = host_client(&[]).user_agent("host-sdk/1.0").build().unwrap();
                let transport = ReqwestTransport::new(client);
                let response = transport.send(get(server.url("/"))).await.unwrap();
                assert_eq!(
                    response.into_body().collect_capped(64).await.unwrap(),
                    "host-sdk/1.0"
                );
            })
            .await;
        }

        /// The safe constructor: whatever redirect status, the answer comes back
        /// as it is and nothing reaches the other origin.
        #[tokio::test]
        async fn a_transport_from_a_builder_follows_no_redirect_and_the_key_stays_home() {
            bounded(async {
                let (elsewhere, keys) = key_collector().await;
                for status in [301, 302, 303, 307, 308] {
                    let origin = redirecting_to(status, elsewhere.url("/stolen?token=t")).await;
                    // The host's builder asks to follow redirects: the transport wins.
                    let builder = reqwest::Client::builder()
                        .$preconfigured_tls(tls_config(&[]))
                        .redirect(reqwest::redirect::Policy::limited(10));
                    let transport = ReqwestTransport::from_builder(builder).unwrap();
                    let answer = transport
                        .send(with_key(origin.url("/v1/files")))
                        .await
                        .unwrap();
                    assert_eq!(answer.status().as_u16(), status);
                    let built = ReqwestTransport::client_builder()
                        .$preconfigured_tls(tls_config(&[]))
                        .build()
                        .unwrap();
                    let answer = ReqwestTransport::new(built)
                        .send(with_key(origin.url("/v1/files")))
                        .await
                        .unwrap();
                    assert_eq!(answer.status().as_u16(), status);
                }
                assert_eq!(elsewhere.accepted(), 0);
                assert!(keys.lock().unwrap().is_empty());
            })
            .await;
        }

        /// What remains possible with a client built to follow redirects: the
        /// request goes, and the transport fails loudly, naming where it went.
        #[tokio::test]
        async fn a_client_that_follows_a_redirect_fails_loudly_naming_where_it_pointed() {
            bounded(async {
                let (elsewhere, _keys) = key_collector().await;
                let origin = redirecting_to(307, elsewhere.url("/stolen?token=t")).await;
                let client = reqwest::Client::builder()
                    .$preconfigured_tls(tls_config(&[]))
                    .build()
                    .unwrap();
                let err = ReqwestTransport::new(client)
                    .send(with_key(origin.url("/v1/files")))
                    .await
                    .unwrap_err();
                assert_eq!(err.kind(), TransportErrorKind::Redirected, "{err:?}");
                assert!(!err.is_retryable());
                let text = err.to_string();
                assert!(text.contains(&elsewhere.url("/stolen")), "{text}");
                assert!(!text.contains("token"), "{text}");
                assert!(text.contains("client_builder"), "{text}");
            })
            .await;
        }
    };
}

#[cfg(feature = "reqwest")]
mod over_reqwest {
    host_suite!(
        reqwest,
        files_transport::ReqwestTransport,
        tls_backend_preconfigured
    );
}

#[cfg(feature = "reqwest-0-12")]
mod over_reqwest_0_12 {
    host_suite!(
        reqwest012,
        files_transport::Reqwest012Transport,
        use_preconfigured_tls
    );
}

/// A server answering every request with a redirect to `to`.
async fn redirecting_to(status: u16, to: String) -> support::TestServer {
    support::serve(move |_req| {
        let to = to.clone();
        async move {
            let mut answer = response(status, full(""));
            answer
                .headers_mut()
                .insert(http::header::LOCATION, to.parse().unwrap());
            answer
        }
    })
    .await
}

/// A server recording the `x-api-key` of every request it gets.
async fn key_collector() -> (support::TestServer, Arc<std::sync::Mutex<Vec<String>>>) {
    let keys = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&keys);
    let server = support::serve(move |req| {
        let key = req
            .headers()
            .get("x-api-key")
            .map(|v| v.to_str().unwrap().to_owned());
        seen.lock().unwrap().extend(key);
        async { response(200, full("[]")) }
    })
    .await;
    (server, keys)
}

fn with_key(url: String) -> http::Request<RequestBody> {
    http::Request::get(url)
        .header("x-api-key", "sk-ant-secret")
        .body(RequestBody::empty())
        .unwrap()
}
