//! `HyperTransport` against local hyper servers on 127.0.0.1: the loopback
//! suite every transport passes (`cases`), plus what only hyper's builder
//! configures (pool size, connect timeout, HTTP/2 prior knowledge).

use crate::support;

use std::sync::Arc;
use std::time::Duration;

use files_transport::{
    HyperTransport, RequestBody, SharedTransport, TimeoutPhase, Transport, TransportErrorKind,
};
use support::{bounded, full, response};

fn make() -> SharedTransport {
    Arc::new(HyperTransport::new().unwrap())
}

mod over_hyper {
    crate::cases::loopback_suite!(super::make);
}

#[tokio::test]
async fn disabled_pool_opens_a_connection_per_request() {
    bounded(async {
        let server = support::serve(|_req| async { response(200, full("pong")) }).await;
        let transport = HyperTransport::builder()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap();
        for _ in 0..3 {
            let request = http::Request::get(server.url("/ping"))
                .body(RequestBody::empty())
                .unwrap();
            let response = transport.send(request).await.unwrap();
            response.into_body().collect_capped(64).await.unwrap();
        }
        assert_eq!(server.accepted(), 3);
    })
    .await;
}

/// Connect timeout, deterministically on loopback: the connect phase covers
/// the TLS handshake, and this server accepts TCP connections but never says
/// a byte, so the handshake can never finish.
#[tokio::test]
async fn connect_timeout_maps_to_timeout_kind() {
    bounded(async {
        let silent = support::silent_server().await;
        let transport = HyperTransport::builder()
            .connect_timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let request = http::Request::get(format!("https://{}/", silent.addr))
            .body(RequestBody::empty())
            .unwrap();
        let err = transport.send(request).await.unwrap_err();
        assert_eq!(err.kind(), TransportErrorKind::Timeout, "{err}");
        assert!(err.to_string().contains("connecting"), "{err}");
        assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Connect), "{err}");
        assert_eq!(err.timeout_after(), Some(Duration::from_millis(300)));
        assert!(err.is_retryable());
    })
    .await;
}

#[tokio::test]
async fn http2_prior_knowledge_over_plain_http() {
    bounded(async {
        let server = support::serve(|req| async move {
            let version = format!("{:?}", req.version());
            response(200, full(version))
        })
        .await;
        let transport = HyperTransport::builder().http2_only().build().unwrap();
        let request = http::Request::get(server.url("/"))
            .body(RequestBody::empty())
            .unwrap();
        let response = transport.send(request).await.unwrap();
        assert_eq!(response.version(), http::Version::HTTP_2);
        assert_eq!(
            response.into_body().collect_capped(64).await.unwrap(),
            "HTTP/2.0"
        );
    })
    .await;
}
