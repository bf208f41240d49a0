//! The blocking client against peers that do not cooperate: a slow but steady
//! reader, one that stops reading, and a pager whose cursor never advances.

use std::time::Duration;

use files_blocking::{ApiGeneration, Client, Error, FileUpload, ListParams, TimeoutPhase};
use files_server::test_util::{MisbehavingPeer, Misbehaviour};
use files_transport::{FakeResponse, FakeTransport};

fn client(base_url: &str, timeout: Duration, retries: u32) -> Client {
    Client::builder()
        .api_key("sk-peer")
        .base_url(base_url)
        .timeout(timeout)
        .max_retries(retries)
        .build()
        .unwrap()
}

#[test]
fn a_slow_but_steady_peer_takes_an_upload_longer_than_the_timeout() {
    let peer = MisbehavingPeer::start(Misbehaviour::SlowReader {
        bytes_per_second: 4 << 20,
    })
    .unwrap();
    let client = client(peer.base_url(), Duration::from_millis(2500), 2);
    let started = std::time::Instant::now();
    let file = client
        .files()
        .upload(FileUpload::bytes("slow.bin", vec![b'x'; 16 << 20]))
        .unwrap();
    assert_eq!(file.id, "file_slow");
    assert!(started.elapsed() > Duration::from_millis(2500));
    assert_eq!(peer.accepted(), 1);
}

#[test]
fn a_peer_that_stops_reading_fails_in_the_write_phase() {
    let peer = MisbehavingPeer::start(Misbehaviour::StopsReadingAfter { bytes: 1 << 20 }).unwrap();
    let client = client(peer.base_url(), Duration::from_millis(800), 0);
    let err = client
        .files()
        .upload(FileUpload::bytes("stall.bin", vec![b'x'; 48 << 20]))
        .unwrap_err();
    assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Write), "{err}");
    assert_eq!(peer.accepted(), 1);
}

#[test]
fn a_peer_that_never_answers_fails_in_the_read_phase() {
    let peer = MisbehavingPeer::start(Misbehaviour::NeverAnswers).unwrap();
    let client = client(peer.base_url(), Duration::from_millis(500), 0);
    let err = client.files().retrieve_metadata("file_1").unwrap_err();
    assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Read), "{err}");
}

const META: &str = r#"{"id":"file_1","type":"file","filename":"a.txt","mime_type":"text/plain","size_bytes":1,"created_at":"2026-01-01T00:00:00Z"}"#;

#[test]
fn the_blocking_pager_stops_on_a_repeated_cursor() {
    let beta = || {
        FakeResponse::json(format!(
            r#"{{"data":[{META}],"first_id":"file_1","last_id":"file_1","has_more":true}}"#
        ))
    };
    let ga = || FakeResponse::json(format!(r#"{{"data":[{META}],"next_page":"page_same"}}"#));
    for (generation, page) in [
        (ApiGeneration::Beta, &beta as &dyn Fn() -> FakeResponse),
        (ApiGeneration::Ga, &ga),
    ] {
        let fake = FakeTransport::new();
        for _ in 0..10 {
            fake.push_response(page());
        }
        let client = Client::builder()
            .api_key("k")
            .base_url("https://files.test")
            .generation(generation)
            .transport(fake.clone())
            .build()
            .unwrap();
        let results: Vec<_> = client.files().list_items(ListParams::new()).collect();
        assert_eq!(results.len(), 3, "two files, then the error, then the end");
        assert!(matches!(results[2], Err(Error::PagingStalled { .. })));
        assert_eq!(fake.request_count(), 2);
    }
}
