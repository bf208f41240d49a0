//! Admin routes behind a token with bounded inputs, faults taken only by
//! authenticated requests, the per-workspace rate limit, expiry purge and quota.

use std::time::Duration;

use crate::peer::{Gen, Peer, start};
use bytes::Bytes;
use files_server::{Auth, Fault, FaultRoute, KeyTable, ServerConfig};
use http::Method;

async fn post(peer: &Peer, path: &str, body: &str) -> crate::peer::Answer {
    peer.send(
        Method::POST,
        path,
        Some("application/json"),
        Bytes::from(body.to_owned()),
    )
    .await
}

#[tokio::test]
async fn admin_routes_need_the_token_and_bound_their_inputs() {
    let off = start(ServerConfig::new()).await;
    let peer = Peer::new(&off, Gen::Ga).with_admin_token("anything");
    assert_eq!(
        peer.get("/_admin/v1/stats").await.status,
        404,
        "no token configured: no routes"
    );

    let server = start(ServerConfig::new().admin_token("s3cret")).await;
    let anyone = Peer::new(&server, Gen::Ga);
    let answer = anyone.get("/_admin/v1/stats").await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.error_type(), "authentication_error");
    let wrong = Peer::new(&server, Gen::Ga).with_admin_token("s3cres");
    assert_eq!(wrong.get("/_admin/v1/stats").await.status, 401);
    let longer = Peer::new(&server, Gen::Ga).with_admin_token("s3cret-and-more");
    assert_eq!(longer.get("/_admin/v1/stats").await.status, 401);
    assert_eq!(
        post(
            &wrong,
            "/_admin/v1/faults",
            r#"{"route":"any","fault":{"kind":"drop_connection"}}"#
        )
        .await
        .status,
        401
    );
    assert!(
        server.faults().is_empty(),
        "a refused admin call scripts nothing"
    );

    let admin = Peer::new(&server, Gen::Ga).with_admin_token("s3cret");
    assert_eq!(admin.get("/_admin/v1/stats").await.status, 200);
    let fault = |times: u64| {
        format!(r#"{{"route":"list","fault":{{"kind":"status","status":503}},"times":{times}}}"#)
    };
    assert_eq!(
        post(&admin, "/_admin/v1/faults", &fault(1001)).await.status,
        400
    );
    assert_eq!(
        post(&admin, "/_admin/v1/faults", &fault(0)).await.status,
        400
    );
    assert_eq!(
        post(
            &admin,
            "/_admin/v1/faults",
            r#"{"route":"list","fault":{"kind":"slow_body","delay_ms":3600000}}"#
        )
        .await
        .status,
        400
    );
    let huge = format!(
        r#"{{"route":"list","fault":{{"kind":"short_body"}},"pad":"{}"}}"#,
        "x".repeat(100_000)
    );
    assert_eq!(post(&admin, "/_admin/v1/faults", &huge).await.status, 400);
    assert!(server.faults().is_empty());

    // The clock moves at most about 100 years; no date can make a listing panic.
    let far = admin
        .send(
            Method::POST,
            "/_admin/v1/clock/advance?seconds=300000000000",
            None,
            Bytes::new(),
        )
        .await;
    assert_eq!(far.status, 400);
    let near = admin
        .send(
            Method::POST,
            "/_admin/v1/clock/advance?seconds=3000000000",
            None,
            Bytes::new(),
        )
        .await;
    assert_eq!(near.status, 200, "95 years is fine");
    let peer = Peer::new(&server, Gen::Ga);
    peer.put("late.txt", b"x").await;
    let page = peer.get("/v1/files").await;
    assert_eq!(page.status, 200);
    assert!(
        page.json()["data"][0]["created_at"]
            .as_str()
            .unwrap()
            .starts_with("21")
    );
}

#[tokio::test]
async fn faults_are_taken_only_by_authenticated_requests_and_drop_after_commit_stores() {
    let server = start(ServerConfig::new()).await;
    server.faults().push(FaultRoute::Any, Fault::status(503));
    let nobody = Peer::new(&server, Gen::Ga).with_key(None);
    assert_eq!(nobody.get("/v1/files").await.status, 401);
    assert_eq!(
        server.faults().len(),
        1,
        "an unauthenticated request takes no fault"
    );
    let peer = Peer::new(&server, Gen::Ga);
    assert_eq!(peer.get("/v1/files").await.status, 503);

    server
        .faults()
        .push(FaultRoute::Upload, Fault::DropAfterCommit);
    let (content_type, body) = crate::peer::multipart("kept.txt", Some("text/plain"), b"kept", &[]);
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<http_body_util::Full<Bytes>>();
    let request = http::Request::post(format!("{}/v1/files", server.base_url()))
        .header("x-api-key", "k")
        .header("content-type", content_type)
        .body(http_body_util::Full::new(body))
        .unwrap();
    let outcome = tokio::time::timeout(Duration::from_secs(10), client.request(request))
        .await
        .unwrap();
    assert!(outcome.is_err(), "the answer is lost: {outcome:?}");
    let page = peer.get("/v1/files").await;
    assert_eq!(
        page.json()["data"][0]["filename"],
        "kept.txt",
        "the upload was stored"
    );
}

#[tokio::test]
async fn the_rate_limit_is_per_workspace_in_each_generations_shape() {
    let mut keys = KeyTable::new();
    keys.insert("sk-a", "ws-a");
    keys.insert("sk-b", "ws-b");
    let server = start(ServerConfig::new().auth(Auth::Keys(keys)).rate_limit(3)).await;
    let a_beta = Peer::new(&server, Gen::Beta).with_key(Some("sk-a"));
    let a_ga = Peer::new(&server, Gen::Ga).with_key(Some("sk-a"));
    for _ in 0..3 {
        assert_eq!(a_beta.get("/v1/files").await.status, 200);
    }
    for peer in [&a_beta, &a_ga] {
        let limited = peer.get("/v1/files").await;
        assert_eq!(limited.status, 429);
        assert_eq!(limited.error_type(), "rate_limit_error");
        assert_eq!(limited.json()["type"], "error");
        let seconds: u64 = limited.headers["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        let ms: u64 = limited.headers["retry-after-ms"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=20).contains(&seconds) && ms <= 20_000 && ms.div_ceil(1000) == seconds);
        assert!(limited.headers.contains_key("request-id"));
    }
    let b = Peer::new(&server, Gen::Ga).with_key(Some("sk-b"));
    assert_eq!(
        b.get("/v1/files").await.status,
        200,
        "another workspace has its own bucket"
    );
    let nobody = Peer::new(&server, Gen::Ga).with_key(Some("sk-unknown"));
    assert_eq!(
        nobody.get("/v1/files").await.status,
        401,
        "unknown keys are not counted"
    );
}

#[tokio::test]
async fn expired_files_free_the_quota_and_are_purged() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(
        ServerConfig::new()
            .data_dir(dir.path())
            .storage_quota(10)
            .purge_interval(Duration::from_secs(3600)),
    )
    .await;
    let peer = Peer::new(&server, Gen::Ga);
    let expiring = peer
        .upload_with(
            "e.txt",
            Some("text/plain"),
            b"12345678",
            &[("expires_in_seconds", "3600")],
        )
        .await;
    let expiring = expiring.json()["id"].as_str().unwrap().to_owned();
    let full = peer.upload("f.txt", Some("text/plain"), b"12345678").await;
    assert_eq!(full.status, 400);
    assert_eq!(full.error_code().as_deref(), Some("storage_quota_exceeded"));

    server.advance_clock(Duration::from_secs(3601));
    let answer = peer.get(&format!("/v1/files/{expiring}/content")).await;
    assert_eq!(
        (answer.status.as_u16(), answer.error_code().as_deref()),
        (404, Some("file_expired"))
    );
    assert!(
        crate::peer::ids(&peer.get("/v1/files").await.json()).is_empty(),
        "not listed"
    );
    let kept = peer.put("g.txt", b"12345678").await;
    assert_eq!(server.file_count().await.unwrap(), 2, "not purged yet");
    assert!(dir.path().join("blobs").join(&expiring).exists());

    assert_eq!(server.purge_expired().await.unwrap(), 1);
    assert!(
        !dir.path().join("blobs").join(&expiring).exists(),
        "the blob went too"
    );
    let gone = peer.get(&format!("/v1/files/{expiring}")).await;
    assert_eq!((gone.status.as_u16(), gone.error_code()), (404, None));
    assert_eq!(
        crate::peer::ids(&peer.get("/v1/files").await.json()),
        [kept]
    );
    server.shutdown().await;

    // Periodically too.
    let server = start(
        ServerConfig::new()
            .data_dir(dir.path())
            .purge_interval(Duration::from_millis(20)),
    )
    .await;
    let peer = Peer::new(&server, Gen::Ga);
    peer.upload_with(
        "h.txt",
        Some("text/plain"),
        b"h",
        &[("expires_in_seconds", "3600")],
    )
    .await;
    assert_eq!(server.file_count().await.unwrap(), 2);
    server.advance_clock(Duration::from_secs(3601));
    for _ in 0..500 {
        if server.file_count().await.unwrap() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        server.file_count().await.unwrap(),
        1,
        "purged by the periodic task"
    );
}
