//! On the fake transport: a pager whose cursor never advances ends with a
//! clear error in both generations (never an endless loop), and every request
//! carries the phase limits the transport enforces, per client and per call.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/fake_client.rs"]
mod fake_client;

use std::time::Duration;

use fake_client::META;
use files_client::{ApiGeneration, Client, Error, ListParams, RequestOptions, TimeoutPhase};
use files_transport::Timeouts;
use files_transport::fake::{FakeResponse, FakeTransport};
use futures_util::TryStreamExt;

fn client(fake: &FakeTransport, generation: ApiGeneration) -> Client {
    fake_client::builder(generation)
        .transport(fake.clone())
        .build()
        .unwrap()
}

/// A beta page that always says "more after file_1".
fn stuck_beta_page() -> FakeResponse {
    FakeResponse::json(format!(
        r#"{{"data":[{META}],"first_id":"file_1","last_id":"file_1","has_more":true}}"#
    ))
}

/// A GA page that always names the same next page.
fn stuck_ga_page() -> FakeResponse {
    FakeResponse::json(format!(r#"{{"data":[{META}],"next_page":"page_same"}}"#))
}

fn script(fake: &FakeTransport, page: fn() -> FakeResponse) {
    for _ in 0..10 {
        fake.push_response(page());
    }
}

async fn a_stuck_cursor_ends_the_listing(generation: ApiGeneration, page: fn() -> FakeResponse) {
    let fake = FakeTransport::new();
    script(&fake, page);
    let items: Result<Vec<_>, Error> = client(&fake, generation)
        .files()
        .list_items(ListParams::new())
        .try_collect()
        .await;
    let err = items.unwrap_err();
    assert!(matches!(err, Error::PagingStalled { .. }), "{err}");
    assert!(err.to_string().contains("endless loop"), "{err}");
    assert_eq!(
        fake.request_count(),
        2,
        "the first page, then the one that repeated"
    );

    // The same through `FilePage::next_page`.
    let fake = FakeTransport::new();
    script(&fake, page);
    let files = client(&fake, generation).files();
    let first = files.list(ListParams::new()).await.unwrap();
    let second = first.next_page().await.unwrap().unwrap();
    assert!(matches!(
        second.next_page().await,
        Err(Error::PagingStalled { .. })
    ));
    assert_eq!(fake.request_count(), 2);
}

#[tokio::test]
async fn a_beta_cursor_that_repeats_ends_the_listing() {
    a_stuck_cursor_ends_the_listing(ApiGeneration::Beta, stuck_beta_page).await;
}

#[tokio::test]
async fn a_ga_cursor_that_repeats_ends_the_listing() {
    a_stuck_cursor_ends_the_listing(ApiGeneration::Ga, stuck_ga_page).await;
}

#[tokio::test]
async fn each_request_carries_the_phase_limits() {
    let fake = FakeTransport::new();
    fake.push_response(FakeResponse::json(META))
        .push_response(FakeResponse::json(META));
    let client = Client::builder()
        .api_key("k")
        .base_url("https://files.test")
        .timeout(Duration::from_secs(42))
        .transport(fake.clone())
        .build()
        .unwrap();
    client.files().retrieve_metadata("file_1").await.unwrap();
    client
        .files()
        .with_options(RequestOptions::new().timeout(Duration::from_secs(7)))
        .retrieve_metadata("file_1")
        .await
        .unwrap();
    let requests = fake.requests();
    assert_eq!(
        requests[0].timeouts,
        Some(Timeouts::uniform(Duration::from_secs(42)))
    );
    assert_eq!(
        requests[1].timeouts,
        Some(Timeouts::uniform(Duration::from_secs(7)))
    );
}

#[tokio::test(start_paused = true)]
async fn a_slow_answer_times_out_in_the_read_phase_and_is_retried() {
    let fake = FakeTransport::new();
    fake.push_response(FakeResponse::json(META).delay(Duration::from_secs(30)))
        .push_response(FakeResponse::json(META));
    let client = Client::builder()
        .api_key("k")
        .base_url("https://files.test")
        .timeout(Duration::from_secs(10))
        .transport(fake.clone())
        .build()
        .unwrap();
    let file = client.files().retrieve_metadata("file_1").await.unwrap();
    assert_eq!(file.id, "file_1");
    assert_eq!(fake.request_count(), 2);

    fake.push_response(FakeResponse::json(META).delay(Duration::from_secs(30)));
    let err = client
        .files()
        .with_options(RequestOptions::new().max_retries(0))
        .retrieve_metadata("file_1")
        .await
        .unwrap_err();
    assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Read));
}
