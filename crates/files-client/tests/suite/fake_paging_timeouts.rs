//! On the fake transport: paging follows whichever cursor the answer carries,
//! in either generation; a pager whose cursors repeat ends with a clear error
//! (never an endless loop); and every request carries the no-progress limit
//! the transport enforces, per client and per call.

use crate::support::fake_client;

use std::time::Duration;

use fake_client::META;
use files_client::{ApiGeneration, Client, Error, ListParams, RequestOptions, TimeoutPhase};
use files_transport::{FakeResponse, FakeTransport, NoProgressTimeout};
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

/// A page of one file `id`, with the given cursor fields (raw JSON members).
fn page_of(id: &str, cursor_fields: &str) -> FakeResponse {
    let meta = META.replace("file_1", id);
    FakeResponse::json(format!(r#"{{"data":[{meta}]{cursor_fields}}}"#))
}

/// Lists every item with a client of `generation` over pages answered in turn.
async fn list_all(
    generation: ApiGeneration,
    params: ListParams,
    pages: Vec<FakeResponse>,
) -> (Result<Vec<String>, Error>, Vec<String>) {
    let fake = FakeTransport::new();
    for page in pages {
        fake.push_response(page);
    }
    let items: Result<Vec<_>, Error> = client(&fake, generation)
        .files()
        .list_items(params)
        .map_ok(|file| file.id)
        .try_collect()
        .await;
    let queries = fake
        .requests()
        .iter()
        .map(|r| r.uri.query().unwrap_or("").to_owned())
        .collect();
    (items, queries)
}

#[tokio::test]
async fn each_cursor_shape_is_followed_whichever_generation_asked() {
    for generation in [ApiGeneration::Beta, ApiGeneration::Ga] {
        // GA shapes: next_page is sent back as page, whatever was asked.
        let (items, queries) = list_all(
            generation,
            ListParams::new().limit(1),
            vec![
                page_of("file_a", r#","next_page":"page_2""#),
                page_of("file_b", r#","next_page":null"#),
            ],
        )
        .await;
        assert_eq!(items.unwrap(), ["file_a", "file_b"], "{generation}");
        assert_eq!(queries, ["limit=1", "limit=1&page=page_2"], "{generation}");

        // Beta shapes: last_id as after_id, and first_id as before_id backwards.
        let beta_more = r#","first_id":"file_a","last_id":"file_a","has_more":true"#;
        let beta_end = r#","first_id":"file_b","last_id":"file_b","has_more":false"#;
        let (items, queries) = list_all(
            generation,
            ListParams::new(),
            vec![page_of("file_a", beta_more), page_of("file_b", beta_end)],
        )
        .await;
        assert_eq!(items.unwrap(), ["file_a", "file_b"], "{generation}");
        assert_eq!(queries, ["", "after_id=file_a"], "{generation}");
        let (_, queries) = list_all(
            generation,
            ListParams::new().before_id("file_z"),
            vec![page_of("file_a", beta_more), page_of("file_b", beta_end)],
        )
        .await;
        assert_eq!(
            queries,
            ["before_id=file_z", "before_id=file_a"],
            "{generation}"
        );
    }
}

#[tokio::test]
async fn a_page_of_mixed_shapes_follows_its_token_then_its_ids() {
    let (items, queries) = list_all(
        ApiGeneration::Beta,
        ListParams::new(),
        vec![
            // Both shapes: the token wins.
            page_of(
                "file_a",
                r#","next_page":"page_2","last_id":"file_a","has_more":true"#,
            ),
            // An empty token and beta fields: the beta fields are followed.
            page_of(
                "file_b",
                r#","next_page":"","last_id":"file_b","has_more":true"#,
            ),
            page_of("file_c", r#","has_more":false"#),
        ],
    )
    .await;
    assert_eq!(items.unwrap(), ["file_a", "file_b", "file_c"]);
    assert_eq!(queries, ["", "page=page_2", "after_id=file_b"]);
}

#[tokio::test]
async fn a_server_cursor_is_sent_back_as_it_came_never_checked_as_input() {
    // An id that the client would refuse from a user ("a/b?c") is the server's
    // own text here: it goes back encoded, and nothing calls it invalid input.
    let (items, queries) = list_all(
        ApiGeneration::Beta,
        ListParams::new(),
        vec![
            page_of("file_a", r#","last_id":"a/b?c","has_more":true"#),
            page_of("file_b", r#","has_more":false"#),
        ],
    )
    .await;
    assert_eq!(items.unwrap(), ["file_a", "file_b"]);
    assert_eq!(queries[1], "after_id=a%2Fb%3Fc");
}

#[tokio::test]
async fn cursor_cycles_of_two_and_three_end_the_listing() {
    let beta =
        |id: &str, next: &str| page_of(id, &format!(r#","last_id":"{next}","has_more":true"#));
    let ga = |id: &str, next: &str| page_of(id, &format!(r#","next_page":"{next}""#));
    let cases: [(&str, Vec<FakeResponse>); 4] = [
        (
            "beta, 2",
            vec![
                beta("file_a", "x_b"),
                beta("file_b", "x_a"),
                beta("file_c", "x_b"),
            ],
        ),
        (
            "ga, 2",
            vec![
                ga("file_a", "p_b"),
                ga("file_b", "p_a"),
                ga("file_c", "p_b"),
            ],
        ),
        (
            "beta, 3",
            vec![
                beta("file_a", "x_b"),
                beta("file_b", "x_c"),
                beta("file_c", "x_a"),
                beta("file_d", "x_b"),
            ],
        ),
        (
            "ga, 3",
            vec![
                ga("file_a", "p_b"),
                ga("file_b", "p_c"),
                ga("file_c", "p_a"),
                ga("file_d", "p_b"),
            ],
        ),
    ];
    for (what, pages) in cases {
        let cycle_pages = pages.len();
        let extra = if what.starts_with("beta") {
            beta("file_x", "x_z")
        } else {
            ga("file_x", "p_z")
        };
        let mut pages = pages;
        pages.push(extra);
        let fake = FakeTransport::new();
        for page in pages {
            fake.push_response(page);
        }
        let mut items = client(&fake, ApiGeneration::Beta)
            .files()
            .list_items(ListParams::new());
        let mut seen = 0;
        let err = loop {
            match items.try_next().await {
                Ok(Some(_)) => seen += 1,
                Ok(None) => panic!("{what}: the listing ended without an error"),
                Err(err) => break err,
            }
        };
        assert!(matches!(err, Error::PagingStalled { .. }), "{what}: {err}");
        assert_eq!(
            seen, cycle_pages,
            "{what}: every page before the repeat is yielded"
        );
        assert_eq!(
            fake.request_count(),
            cycle_pages,
            "{what}: no request repeats a cursor"
        );
    }
}

#[tokio::test]
async fn a_cycle_is_caught_through_next_page_and_fetching_twice_is_not_one() {
    let fake = FakeTransport::new();
    let beta =
        |id: &str, next: &str| page_of(id, &format!(r#","last_id":"{next}","has_more":true"#));
    for page in [
        beta("file_a", "x_b"),
        beta("file_b", "x_c"),
        beta("file_b", "x_c"),
        beta("file_c", "x_b"),
    ] {
        fake.push_response(page);
    }
    let files = client(&fake, ApiGeneration::Beta).files();
    let first = files.list(ListParams::new()).await.unwrap();
    let second = first.next_page().await.unwrap().unwrap();
    // The same step again is allowed.
    let again = first.next_page().await.unwrap().unwrap();
    assert_eq!(again.data()[0].id, second.data()[0].id);
    let third = second.next_page().await.unwrap().unwrap();
    assert!(matches!(
        third.next_page().await,
        Err(Error::PagingStalled { .. })
    ));
    assert_eq!(fake.request_count(), 4);
}

#[tokio::test]
async fn a_cursor_over_the_limit_ends_the_listing_before_it_is_sent() {
    let long = "x".repeat(files_client::MAX_CURSOR_BYTES + 1);
    let (items, queries) = list_all(
        ApiGeneration::Ga,
        ListParams::new(),
        vec![page_of("file_a", &format!(r#","next_page":"{long}""#))],
    )
    .await;
    assert!(
        matches!(items, Err(Error::CursorTooLong { .. })),
        "{items:?}"
    );
    assert_eq!(queries.len(), 1);
}

#[tokio::test]
async fn each_request_carries_its_no_progress_limit() {
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
        requests[0].no_progress_timeout,
        Some(NoProgressTimeout::new(Duration::from_secs(42)))
    );
    assert_eq!(
        requests[1].no_progress_timeout,
        Some(NoProgressTimeout::new(Duration::from_secs(7)))
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
