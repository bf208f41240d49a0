//! Every wire detail of the client, on the fake transport: headers of both
//! generations, beta merging, the retry policy, one-shot bodies, paging, errors,
//! request ids, decoding, the upload wire shape and the atomic download.

use crate::support::fake_client;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use fake_client::META;
use files_client::{ApiGeneration, Client, Error, FileUpload, ListParams, Purpose, RequestOptions};
use files_transport::{FakeResponse, FakeTransport, TransportError, TransportErrorKind};
use futures_util::{StreamExt, TryStreamExt};
use http::StatusCode;

fn client(fake: &FakeTransport, generation: ApiGeneration) -> Client {
    fake_client::builder(generation)
        .beta("client-beta-1")
        .transport(Arc::new(fake.clone()))
        .build()
        .unwrap()
}

fn meta() -> FakeResponse {
    FakeResponse::json(META).header("request-id", "req_ok")
}

fn error(status: u16, kind: &str) -> FakeResponse {
    FakeResponse::json(format!(
        r#"{{"type":"error","error":{{"type":"{kind}","message":"scripted {status}"}},"request_id":"req_body"}}"#
    ))
    .status(StatusCode::from_u16(status).unwrap())
    .header("request-id", format!("req_{status}"))
}

#[tokio::test]
async fn beta_headers_and_beta_merging() {
    let fake = FakeTransport::new();
    fake.push_response(meta()).push_response(meta());
    let files = client(&fake, ApiGeneration::Beta).files();
    files.retrieve_metadata("file_1").await.unwrap();
    files
        .clone()
        .with_options(
            RequestOptions::new()
                .beta("client-beta-1")
                .beta("request-beta-2,files-api-2025-04-14")
                .header("x-extra", "1"),
        )
        .retrieve_metadata("file_1")
        .await
        .unwrap();
    let requests = fake.requests();
    let first = &requests[0];
    assert_eq!(first.method, http::Method::GET);
    assert_eq!(first.uri.to_string(), "https://files.test/v1/files/file_1");
    assert_eq!(first.header("x-api-key"), Some("sk-secret-key"));
    assert_eq!(first.header("authorization"), None);
    assert_eq!(first.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(
        first.header("anthropic-beta"),
        Some("files-api-2025-04-14,client-beta-1")
    );
    assert_eq!(first.header("accept"), Some("application/json"));
    assert_eq!(first.header("x-stainless-retry-count"), Some("0"));
    assert!(
        first
            .header("user-agent")
            .unwrap()
            .starts_with("anthropic-files-rust/")
    );
    assert_eq!(
        requests[1].header("anthropic-beta"),
        Some("files-api-2025-04-14,client-beta-1,request-beta-2"),
        "merged, comma-joined, without duplicates"
    );
    assert_eq!(requests[1].header("x-extra"), Some("1"));
}

#[tokio::test]
async fn ga_headers() {
    let fake = FakeTransport::new();
    fake.push_response(meta()).push_response(meta());
    client(&fake, ApiGeneration::Ga)
        .files()
        .retrieve_metadata("file_1")
        .await
        .unwrap();
    let plain = Client::builder()
        .auth_token("oauth-token")
        .base_url("https://files.test")
        .generation(ApiGeneration::Ga)
        .workspace_id("wrkspc_1")
        .transport(Arc::new(fake.clone()))
        .build()
        .unwrap();
    plain.files().retrieve_metadata("file_1").await.unwrap();
    let requests = fake.requests();
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer sk-secret-key")
    );
    assert_eq!(requests[0].header("x-api-key"), None);
    assert_eq!(requests[0].header("anthropic-version"), Some("2026-10-21"));
    assert_eq!(
        requests[0].header("anthropic-beta"),
        Some("client-beta-1"),
        "only caller betas"
    );
    assert_eq!(requests[1].header("anthropic-beta"), None);
    assert_eq!(
        requests[1].header("authorization"),
        Some("Bearer oauth-token")
    );
    assert_eq!(
        requests[1].header("anthropic-workspace-id"),
        Some("wrkspc_1")
    );
}

#[tokio::test]
async fn a_bearer_token_in_beta_uses_authorization() {
    let fake = FakeTransport::new();
    fake.push_response(meta());
    let token = Client::builder()
        .auth_token("tok")
        .base_url("https://files.test")
        .transport(Arc::new(fake.clone()))
        .build()
        .unwrap();
    token.files().retrieve_metadata("file_1").await.unwrap();
    let request = fake.last_request().unwrap();
    assert_eq!(request.header("authorization"), Some("Bearer tok"));
    assert_eq!(request.header("x-api-key"), None);
    assert_eq!(
        request.header("anthropic-beta"),
        Some("files-api-2025-04-14")
    );
}

#[test]
fn secrets_never_show_in_debug() {
    let fake = FakeTransport::new();
    let client = Client::builder()
        .api_key("sk-secret-key")
        .default_header("authorization", "Bearer other-secret")
        .transport(Arc::new(fake))
        .build()
        .unwrap();
    let per_request = RequestOptions::new().header("x-api-key", "per-request-secret");
    let shown = format!(
        "{client:?} {:?} {:?}",
        client.files(),
        client.files().with_options(per_request)
    );
    assert!(
        !shown.contains("sk-secret-key")
            && !shown.contains("other-secret")
            && !shown.contains("per-request-secret"),
        "{shown}"
    );
    assert!(shown.contains("<redacted>"));
}

#[tokio::test]
async fn a_request_header_that_cannot_be_sent_fails_the_call_before_sending() {
    let fake = FakeTransport::new();
    let files = client(&fake, ApiGeneration::Beta).files();
    for options in [
        RequestOptions::new().header("bad name", "1"),
        RequestOptions::new().header("x-trace", "line\nbreak"),
    ] {
        let err = files
            .clone()
            .with_options(options)
            .retrieve_metadata("file_1")
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        assert!(!format!("{err}").contains("break"), "{err}");
    }
    assert!(fake.requests().is_empty(), "nothing was sent");
}

#[tokio::test(start_paused = true)]
async fn retried_statuses_and_the_retry_count_header() {
    for status in [408u16, 409, 429, 500, 502, 503, 504, 529] {
        let fake = FakeTransport::new();
        fake.push_response(error(status, "api_error"))
            .push_response(error(status, "api_error"))
            .push_response(meta());
        let got = client(&fake, ApiGeneration::Beta)
            .files()
            .retrieve_metadata("file_1")
            .await;
        assert!(got.is_ok(), "{status}: {got:?}");
        let counts: Vec<_> = fake
            .requests()
            .iter()
            .map(|r| r.header("x-stainless-retry-count").unwrap().to_owned())
            .collect();
        assert_eq!(counts, ["0", "1", "2"], "{status}");
    }
    for status in [400u16, 401, 403, 404, 413, 422] {
        let fake = FakeTransport::new();
        fake.push_response(error(status, "invalid_request_error"))
            .push_response(meta());
        let got = client(&fake, ApiGeneration::Beta)
            .files()
            .retrieve_metadata("file_1")
            .await;
        assert_eq!(got.unwrap_err().status().unwrap().as_u16(), status);
        assert_eq!(fake.request_count(), 1, "{status} is not retried");
    }
}

#[tokio::test(start_paused = true)]
async fn max_retries_and_x_should_retry() {
    let fake = FakeTransport::new();
    for _ in 0..4 {
        fake.push_response(error(503, "api_error"));
    }
    let err = client(&fake, ApiGeneration::Beta)
        .files()
        .retrieve_metadata("file_1")
        .await
        .unwrap_err();
    assert!(err.is_internal_server());
    assert_eq!(fake.request_count(), 3, "1 attempt + 2 retries by default");

    let fake = FakeTransport::new();
    fake.push_response(error(500, "api_error").header("x-should-retry", "false"));
    let err = client(&fake, ApiGeneration::Beta)
        .files()
        .retrieve_metadata("file_1")
        .await
        .unwrap_err();
    assert!(err.is_internal_server());
    assert_eq!(
        fake.request_count(),
        1,
        "x-should-retry: false wins over 5xx"
    );

    let fake = FakeTransport::new();
    fake.push_response(error(400, "invalid_request_error").header("x-should-retry", "true"))
        .push_response(meta());
    client(&fake, ApiGeneration::Beta)
        .files()
        .retrieve_metadata("file_1")
        .await
        .unwrap();
    assert_eq!(
        fake.request_count(),
        2,
        "x-should-retry: true wins over 400"
    );

    let fake = FakeTransport::new();
    for _ in 0..6 {
        fake.push_response(error(502, "api_error"));
    }
    let files = client(&fake, ApiGeneration::Beta)
        .files()
        .with_options(RequestOptions::new().max_retries(4));
    assert!(
        files
            .retrieve_metadata("file_1")
            .await
            .unwrap_err()
            .is_internal_server()
    );
    assert_eq!(fake.request_count(), 5, "per-request max_retries");
}

#[tokio::test(start_paused = true)]
async fn a_throttled_request_spends_no_retry_and_waits_as_told() {
    let fake = FakeTransport::new();
    for _ in 0..6 {
        fake.push_response(error(429, "rate_limit_error").header("retry-after", "2"));
    }
    fake.push_response(meta());
    let client = client(&fake, ApiGeneration::Beta);
    let files = client
        .files()
        .with_options(RequestOptions::new().max_retries(0));
    let started = tokio::time::Instant::now();
    files.retrieve_metadata("file_1").await.unwrap();
    assert_eq!(fake.request_count(), 7, "six 429s, then the success");
    assert!(
        started.elapsed() >= Duration::from_secs(12),
        "each waited as told: {:?}",
        started.elapsed()
    );
    let counts: Vec<_> = fake
        .requests()
        .iter()
        .map(|r| r.header("x-stainless-retry-count").unwrap().to_owned())
        .collect();
    assert_eq!(counts, ["0", "1", "2", "3", "4", "5", "6"]);
    assert!(
        client.send_rate().is_some_and(|rps| rps <= 0.5 + 1e-9),
        "{:?}",
        client.send_rate()
    );
}

#[tokio::test(start_paused = true)]
async fn throttling_past_its_budget_fails_and_says_so() {
    let fake = FakeTransport::new();
    for _ in 0..100 {
        fake.push_response(error(429, "rate_limit_error").header("retry-after", "10"));
    }
    let client = fake_client::builder(ApiGeneration::Beta)
        .transport(fake.clone())
        .throttle_budget(Duration::from_secs(60))
        .build()
        .unwrap();
    let err = client
        .files()
        .retrieve_metadata("file_1")
        .await
        .unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert!(err.to_string().contains("throttle budget"), "{err}");
    // Waited 10 s each: the 60 s budget allows seven sends, not a hundred.
    assert_eq!(fake.request_count(), 7);
}

async fn elapsed_before_success(first: FakeResponse) -> Duration {
    let fake = FakeTransport::new();
    fake.push_response(first).push_response(meta());
    let started = tokio::time::Instant::now();
    client(&fake, ApiGeneration::Beta)
        .files()
        .retrieve_metadata("file_1")
        .await
        .unwrap();
    started.elapsed()
}

#[tokio::test(start_paused = true)]
async fn retry_delays_follow_the_server_then_the_backoff() {
    assert_eq!(
        elapsed_before_success(error(429, "rate_limit_error").header("retry-after-ms", "1500"))
            .await,
        Duration::from_millis(1500)
    );
    assert_eq!(
        elapsed_before_success(error(429, "rate_limit_error").header("retry-after", "3")).await,
        Duration::from_secs(3)
    );
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(30));
    let waited = elapsed_before_success(error(503, "api_error").header("retry-after", date)).await;
    assert!(
        waited > Duration::from_secs(28) && waited <= Duration::from_secs(30),
        "{waited:?}"
    );
    let backoff = elapsed_before_success(error(503, "api_error")).await;
    assert!(
        backoff >= Duration::from_millis(375) && backoff <= Duration::from_millis(500),
        "{backoff:?}"
    );
    let too_long =
        elapsed_before_success(error(503, "api_error").header("retry-after", "120")).await;
    assert!(
        too_long <= Duration::from_millis(500),
        "a delay over 60 s falls back to the backoff: {too_long:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn connection_errors_and_timeouts_are_retried() {
    let fake = FakeTransport::new();
    fake.push_error(TransportError::new(TransportErrorKind::Connect, "refused"))
        .push_error(TransportError::new(TransportErrorKind::Timeout, "slow"))
        .push_response(meta());
    client(&fake, ApiGeneration::Beta)
        .files()
        .retrieve_metadata("file_1")
        .await
        .unwrap();
    assert_eq!(fake.request_count(), 3);

    let fake = FakeTransport::new();
    for _ in 0..3 {
        fake.push_error(TransportError::new(TransportErrorKind::Timeout, "slow"));
    }
    let err = client(&fake, ApiGeneration::Beta)
        .files()
        .retrieve_metadata("file_1")
        .await
        .unwrap_err();
    assert!(err.is_timeout() && err.is_connection(), "{err}");

    let fake = FakeTransport::new();
    fake.push_error(TransportError::new(
        TransportErrorKind::Tls,
        "bad certificate",
    ));
    let err = client(&fake, ApiGeneration::Beta)
        .files()
        .retrieve_metadata("file_1")
        .await
        .unwrap_err();
    assert!(err.is_connection() && !err.is_timeout());
    assert_eq!(fake.request_count(), 1, "TLS failures are not retried");
}

#[tokio::test(start_paused = true)]
async fn a_one_shot_body_is_never_sent_twice() {
    let fake = FakeTransport::new();
    fake.push_response(error(503, "overloaded_error"))
        .push_response(meta());
    let stream = futures_util::stream::iter([Ok(Bytes::from_static(b"streamed once"))]);
    let err = client(&fake, ApiGeneration::Beta)
        .files()
        .upload(FileUpload::stream("s.txt", stream, Some(13)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Api(_)),
        "still the API's answer: {err:?}"
    );
    assert!(err.is_internal_server(), "{err:?}");
    assert_eq!(
        err.not_retried(),
        Some(files_client::NotRetried::OneShotBodySent),
        "{err:?}"
    );
    assert!(err.is_internal_server(), "the cause is kept");
    assert!(err.to_string().contains("one-shot"), "{err}");
    assert_eq!(fake.request_count(), 1);

    // A replayable body is re-sent whole.
    let fake = FakeTransport::new();
    fake.push_response(error(503, "overloaded_error"))
        .push_response(meta());
    client(&fake, ApiGeneration::Beta)
        .files()
        .upload(FileUpload::bytes("b.txt", "replayable"))
        .await
        .unwrap();
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].body, requests[1].body);
    assert!(requests[1].body_text().contains("replayable"));
}

#[tokio::test]
async fn upload_wire_shape() {
    let fake = FakeTransport::new();
    fake.push_response(meta());
    client(&fake, ApiGeneration::Ga)
        .files()
        .upload(FileUpload::bytes("report 1.pdf", "%PDF").expires_in_seconds(7200))
        .await
        .unwrap();
    let request = fake.last_request().unwrap();
    assert_eq!(request.method, http::Method::POST);
    assert_eq!(request.uri.path(), "/v1/files");
    let content_type = request.header("content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    assert_eq!(boundary.len(), 32);
    assert!(boundary.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(
        request.header("content-length").unwrap(),
        request.body.len().to_string()
    );
    assert_eq!(
        request.body_text(),
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"expires_in_seconds\"\r\n\r\n7200\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"report 1.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\n%PDF\r\n--{boundary}--\r\n"
        )
    );
}

#[tokio::test]
async fn invalid_input_is_refused_before_anything_is_sent() {
    let fake = FakeTransport::new();
    let beta = client(&fake, ApiGeneration::Beta).files();
    let ga = client(&fake, ApiGeneration::Ga).files();
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.bin");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(500 * 1024 * 1024 + 1)
        .unwrap();
    let bad_batch = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad_batch,
        "{\"custom_id\":\"a\",\"params\":{}}\n{\"custom_id\":\"a\",\"params\":{}}\n",
    )
    .unwrap();

    let refusals: Vec<(&str, Error)> = vec![
        (
            "filename",
            beta.upload(FileUpload::bytes("a:b", "x"))
                .await
                .unwrap_err(),
        ),
        (
            "empty filename",
            beta.upload(FileUpload::bytes("", "x")).await.unwrap_err(),
        ),
        (
            "mime type",
            beta.upload(FileUpload::bytes("a", "x").mime_type("text/plain\r\nx: y"))
                .await
                .unwrap_err(),
        ),
        (
            "too large",
            beta.upload(FileUpload::path(&big)).await.unwrap_err(),
        ),
        (
            "batch",
            beta.upload(FileUpload::path(&bad_batch).purpose(Purpose::Batch))
                .await
                .unwrap_err(),
        ),
        (
            "batch bytes",
            beta.upload(FileUpload::bytes("b.jsonl", "nope").purpose(Purpose::Batch))
                .await
                .unwrap_err(),
        ),
        (
            "expiry in beta",
            beta.upload(FileUpload::bytes("a", "x").expires_in_seconds(3600))
                .await
                .unwrap_err(),
        ),
        (
            "expiry range",
            ga.upload(FileUpload::bytes("a", "x").expires_in_seconds(60))
                .await
                .unwrap_err(),
        ),
        ("file id", beta.retrieve_metadata("").await.unwrap_err()),
        ("file id path", beta.delete("a/b").await.unwrap_err()),
        ("download id", beta.download("a?b").await.unwrap_err()),
        (
            "limit",
            beta.list(ListParams::new().limit(0)).await.unwrap_err(),
        ),
        (
            "ids in beta",
            beta.list(ListParams::new().ids(["file_a"]))
                .await
                .unwrap_err(),
        ),
        (
            "ids with limit",
            ga.list(ListParams::new().ids(["f"]).limit(2))
                .await
                .unwrap_err(),
        ),
    ];
    for (what, err) in &refusals {
        assert!(err.is_invalid_input(), "{what}: {err:?}");
    }
    assert!(
        refusals[4].1.to_string().contains("line 2"),
        "{}",
        refusals[4].1
    );
    let missing = beta
        .upload(FileUpload::path(dir.path().join("missing.txt")))
        .await
        .unwrap_err();
    assert!(
        matches!(missing, Error::Io { .. }) && missing.to_string().contains("missing.txt"),
        "{missing}"
    );
    assert_eq!(fake.request_count(), 0, "nothing was sent");
}

#[tokio::test]
async fn api_errors_carry_status_type_message_and_request_id() {
    let fake = FakeTransport::new();
    fake.push_response(error(404, "not_found_error"))
        .push_response(FakeResponse::json("not json").status(StatusCode::BAD_GATEWAY))
        .push_response(FakeResponse::json("{\"id\": 5}").header("request-id", "req_decode"));
    let files = client(&fake, ApiGeneration::Beta)
        .files()
        .with_options(RequestOptions::new().max_retries(0));
    let err = files.retrieve_metadata("file_1").await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.request_id(), Some("req_404"), "the header wins");
    assert_eq!(err.error_type().unwrap().as_str(), "not_found_error");
    assert_eq!(
        err.to_string(),
        "404 Not Found not_found_error: scripted 404 (request id req_404)"
    );

    let gateway = files.retrieve_metadata("file_1").await.unwrap_err();
    assert_eq!(gateway.status(), Some(StatusCode::BAD_GATEWAY));
    assert_eq!(gateway.api().unwrap().message, "not json");

    let decode = files.retrieve_metadata("file_1").await.unwrap_err();
    match &decode {
        Error::Decode {
            status,
            request_id,
            snippet,
            ..
        } => {
            assert_eq!(*status, StatusCode::OK);
            assert_eq!(request_id.as_deref(), Some("req_decode"));
            assert_eq!(snippet, "{\"id\": 5}");
        }
        other => panic!("{other:?}"),
    }
}

fn page(ids: &[&str], has_more: bool) -> FakeResponse {
    let data: Vec<String> = ids.iter().map(|id| META.replace("file_1", id)).collect();
    FakeResponse::json(format!(
        r#"{{"data":[{}],"first_id":{},"last_id":{},"has_more":{has_more}}}"#,
        data.join(","),
        ids.first().map_or("null".into(), |i| format!("\"{i}\"")),
        ids.last().map_or("null".into(), |i| format!("\"{i}\"")),
    ))
}

#[tokio::test]
async fn beta_paging_forwards_backwards_and_capped() {
    let fake = FakeTransport::new();
    fake.push_response(page(&["f5", "f4"], true))
        .push_response(page(&["f3", "f2"], true))
        .push_response(page(&["f1"], false));
    let files = client(&fake, ApiGeneration::Beta).files();
    let all: Vec<String> = files
        .list_items(ListParams::new().limit(2).scope_id("s"))
        .map_ok(|f| f.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all, ["f5", "f4", "f3", "f2", "f1"]);
    let queries: Vec<String> = fake
        .requests()
        .iter()
        .map(|r| r.uri.query().unwrap_or("").to_owned())
        .collect();
    assert_eq!(
        queries,
        [
            "limit=2&scope_id=s",
            "limit=2&after_id=f4&scope_id=s",
            "limit=2&after_id=f2&scope_id=s"
        ]
    );

    let fake = FakeTransport::new();
    fake.push_response(page(&["f9", "f8"], true))
        .push_response(page(&["f11", "f10"], false));
    let files = client(&fake, ApiGeneration::Beta).files();
    let pages: Vec<_> = files
        .list_pages(ListParams::new().before_id("f7").limit(2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert!(pages[0].has_next_page() && !pages[1].has_next_page());
    let queries: Vec<String> = fake
        .requests()
        .iter()
        .map(|r| r.uri.query().unwrap().to_owned())
        .collect();
    assert_eq!(
        queries,
        ["limit=2&before_id=f7", "limit=2&before_id=f9"],
        "backwards from first_id"
    );

    let fake = FakeTransport::new();
    fake.push_response(page(&["a", "b"], true))
        .push_response(page(&["c", "d"], true))
        .push_response(page(&["e"], false));
    let files = client(&fake, ApiGeneration::Beta).files();
    let capped: Vec<_> = files
        .list_items(ListParams::new().limit(2))
        .take(3)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(capped.len(), 3);
    assert_eq!(fake.request_count(), 2, "the third page is never fetched");
}

#[tokio::test]
async fn ga_paging_follows_next_page() {
    let fake = FakeTransport::new();
    let ga_page = |ids: &[&str], next: Option<&str>| {
        let data: Vec<String> = ids.iter().map(|id| META.replace("file_1", id)).collect();
        FakeResponse::json(format!(
            r#"{{"data":[{}],"next_page":{}}}"#,
            data.join(","),
            next.map_or("null".into(), |n| format!("\"{n}\""))
        ))
    };
    fake.push_response(ga_page(&["g3", "g2"], Some("page_abc")))
        .push_response(ga_page(&["g1"], None));
    let files = client(&fake, ApiGeneration::Ga).files();
    let first = files.list(ListParams::new().limit(2)).await.unwrap();
    assert!(first.has_next_page());
    let second = first.next_page().await.unwrap().unwrap();
    assert_eq!(second.data()[0].id, "g1");
    assert!(!second.has_next_page());
    assert!(second.next_page().await.unwrap().is_none());
    assert_eq!(
        fake.requests()[1].uri.query(),
        Some("limit=2&page=page_abc")
    );
}

#[tokio::test]
async fn download_metadata_and_atomic_write() {
    let fake = FakeTransport::new();
    let content = Bytes::from(vec![7u8; 100_000]);
    fake.push_response(
        FakeResponse::ok()
            .header("content-type", "text/csv")
            .header("content-length", "100000")
            .header(
                "content-disposition",
                "attachment; filename=\"../evil/out.csv\"",
            )
            .header("request-id", "req_dl")
            .body(content.clone())
            .chunk_size(8192),
    );
    let files = client(&fake, ApiGeneration::Beta).files();
    let download = files.download("file_1").await.unwrap();
    assert_eq!(download.content_length(), Some(100_000));
    assert_eq!(download.mime_type(), Some("text/csv"));
    assert_eq!(download.filename(), Some("out.csv"));
    assert_eq!(download.request_id(), Some("req_dl"));
    let request = fake.last_request().unwrap();
    assert_eq!(request.uri.path(), "/v1/files/file_1/content");
    assert_eq!(request.header("accept"), Some("application/binary"));

    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.csv");
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    let written = download
        .on_progress(move |p| record.lock().unwrap().push(p.bytes))
        .write_to(&target)
        .await
        .unwrap();
    assert_eq!(written, 100_000);
    assert_eq!(std::fs::read(&target).unwrap(), content);
    assert_eq!(seen.lock().unwrap().last(), Some(&100_000));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file is left"
    );
}

#[tokio::test]
async fn a_truncated_download_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.bin");
    std::fs::write(&target, b"previous").unwrap();

    // The body ends cleanly but short of Content-Length.
    let fake = FakeTransport::new();
    fake.push_response(
        FakeResponse::ok()
            .header("content-length", "1000")
            .body(vec![1u8; 600]),
    );
    // The connection breaks mid-body.
    fake.push_response(
        FakeResponse::ok()
            .header("content-length", "1000")
            .body(vec![1u8; 1000])
            .chunk_size(100)
            .fail_after(500, TransportError::new(TransportErrorKind::Io, "reset")),
    );
    let files = client(&fake, ApiGeneration::Beta).files();
    let short = match files.download("file_1").await {
        Ok(download) => download.write_to(&target).await.unwrap_err(),
        Err(err) => err,
    };
    assert!(
        matches!(
            short,
            Error::IncompleteBody {
                expected: 1000,
                received: 600
            }
        ),
        "{short:?}"
    );
    let broken = match files.download("file_1").await {
        Ok(download) => download.write_to(&target).await.unwrap_err(),
        Err(err) => err,
    };
    assert!(broken.is_connection(), "{broken:?}");
    assert_eq!(
        std::fs::read(&target).unwrap(),
        b"previous",
        "the destination is untouched"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no partial file is left"
    );

    let fake = FakeTransport::new();
    fake.push_response(
        FakeResponse::ok()
            .header("content-length", "10")
            .body(vec![0u8; 10]),
    );
    let files = client(&fake, ApiGeneration::Beta).files();
    let capped = files
        .download("file_1")
        .await
        .unwrap()
        .bytes(5)
        .await
        .unwrap_err();
    assert!(matches!(capped, Error::BodyTooLarge { max_bytes: 5 }));
}

#[tokio::test]
async fn the_client_side_upload_limit_can_be_configured() {
    let fake = FakeTransport::new();
    fake.push_response(meta());
    let small = Client::builder()
        .api_key("k")
        .max_upload_bytes(10)
        .transport(Arc::new(fake.clone()))
        .build()
        .unwrap();
    let refused = small
        .files()
        .upload(FileUpload::bytes("a", vec![0u8; 11]))
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            Error::InvalidInput(files_client::ValidationError::FileTooLarge {
                size_bytes: 11,
                max_bytes: 10
            })
        ),
        "{refused:?}"
    );
    let stream = futures_util::stream::iter([Ok(Bytes::from(vec![0u8; 11]))]);
    assert!(
        small
            .files()
            .upload(FileUpload::stream("s", stream, None))
            .await
            .unwrap_err()
            .is_invalid_input(),
        "a stream is cut once it passes the limit, and the error says why"
    );
    assert_eq!(
        fake.request_count(),
        1,
        "only the stream's attempt went out, and it was aborted"
    );
    // The scripted answer is still queued: the refused stream never reached it.
    small
        .files()
        .upload(FileUpload::bytes("a", vec![0u8; 10]))
        .await
        .unwrap();
    assert_eq!(fake.request_count(), 2);
}

#[tokio::test]
async fn a_rule_broken_while_streaming_is_invalid_input_and_not_retried() {
    let fake = FakeTransport::new();
    fake.push_response(meta()).push_response(meta());
    let jsonl = "{\"custom_id\":\"a\",\"params\":{}}\nnot json\n";
    let stream = futures_util::stream::iter([Ok(Bytes::from(jsonl))]);
    let err = client(&fake, ApiGeneration::Beta)
        .files()
        .upload(FileUpload::stream("b.jsonl", stream, None).purpose(Purpose::Batch))
        .await
        .unwrap_err();
    assert!(err.is_invalid_input() && !err.is_connection(), "{err:?}");
    assert!(err.to_string().contains("line 2"), "{err}");
    assert!(fake.request_count() <= 1, "never retried");
}

/// Found by the `content_disposition_part` fuzz target: a filename with DEL
/// passes the API's rule, but the multipart part header it is framed in cannot
/// carry it, and files-server refused the whole body. The client refuses it
/// before sending anything.
#[tokio::test]
async fn a_filename_with_del_is_refused_before_anything_is_sent() {
    let fake = FakeTransport::new();
    let client = client(&fake, ApiGeneration::Beta);
    let refused = client
        .files()
        .upload(FileUpload::bytes("a\u{7f}b.txt", b"x".to_vec()))
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            Error::InvalidInput(files_client::ValidationError::FilenameUnsendable {
                code_point: 0x7f,
                position: 1
            })
        ),
        "{refused:?}"
    );
    assert_eq!(fake.request_count(), 0);
}
