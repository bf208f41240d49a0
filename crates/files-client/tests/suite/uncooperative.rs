//! Peers that do not cooperate, over real loopback TCP: a slow but steady
//! reader (the upload succeeds, on one connection), a reader that stops
//! mid-body and a server that never answers (both fail within the timeout,
//! naming the phase, after a bounded number of attempts), and the operation
//! limit over retries.

use std::time::Duration;

use bytes::Bytes;
use files_client::{Client, Error, FileUpload, TimeoutPhase};
use files_server::test_util::{MisbehavingPeer, Misbehaviour};

/// Every test is bounded, whatever happens.
async fn bounded<T>(test: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(90), test)
        .await
        .expect("the test finished in time")
}

fn client(base_url: &str, timeout: Duration, retries: u32) -> Client {
    Client::builder()
        .api_key("sk-peer")
        .base_url(base_url)
        .timeout(timeout)
        .max_retries(retries)
        .build()
        .unwrap()
}

fn body(megabytes: usize) -> Bytes {
    Bytes::from(vec![b'x'; megabytes * 1024 * 1024])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_but_steady_peer_takes_an_upload_longer_than_the_timeout() {
    bounded(async {
        // 16 MiB at 4 MiB/s: about 4 s in all, well past the 2.5 s limit, yet the
        // body never stalls for that long, so it goes through on one connection.
        let peer = MisbehavingPeer::start(Misbehaviour::SlowReader {
            bytes_per_second: 4 << 20,
        })
        .unwrap();
        let client = client(peer.base_url(), Duration::from_millis(2500), 2);
        let started = std::time::Instant::now();
        let file = client
            .files()
            .upload(FileUpload::bytes("slow.bin", body(16)))
            .await
            .unwrap();
        assert_eq!(file.id, "file_slow");
        assert!(
            started.elapsed() > Duration::from_millis(2500),
            "the exchange outlived the timeout: {:?}",
            started.elapsed()
        );
        assert_eq!(peer.accepted(), 1, "one connection, no retry");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_stops_reading_fails_in_the_write_phase() {
    bounded(async {
        let peer = MisbehavingPeer::start(Misbehaviour::StopsReadingAfter { bytes: 1 << 20 }).unwrap();
        let client = client(peer.base_url(), Duration::from_millis(800), 1);
        let err = client
            .files()
            .upload(FileUpload::bytes("stall.bin", body(48)))
            .await
            .unwrap_err();
        assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Write), "{err}");
        assert!(matches!(err, Error::Timeout { after: Some(after), .. } if after == Duration::from_millis(800)));
        assert_eq!(peer.accepted(), 2, "retried once (bytes are replayable), then gave up");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_peer_that_never_answers_fails_in_the_read_phase() {
    bounded(async {
        let peer = MisbehavingPeer::start(Misbehaviour::NeverAnswers).unwrap();
        let client = client(peer.base_url(), Duration::from_millis(500), 1);
        let err = client
            .files()
            .retrieve_metadata("file_1")
            .await
            .unwrap_err();
        assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Read), "{err}");
        assert!(err.to_string().contains("read phase"), "{err}");
        assert_eq!(peer.accepted(), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_shot_body_that_stalled_is_not_sent_again() {
    bounded(async {
        let peer =
            MisbehavingPeer::start(Misbehaviour::StopsReadingAfter { bytes: 1 << 20 }).unwrap();
        let client = client(peer.base_url(), Duration::from_millis(800), 2);
        let chunks =
            futures_util::stream::iter((0..48).map(|_| Ok(Bytes::from(vec![b'y'; 1 << 20]))));
        let err = client
            .files()
            .upload(FileUpload::stream("once.bin", chunks, Some(48 << 20)))
            .await
            .unwrap_err();
        assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Write), "{err}");
        assert_eq!(
            err.not_retried(),
            Some(files_client::NotRetried::OneShotBodySent)
        );
        assert_eq!(peer.accepted(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operation_timeout_bounds_every_attempt_together() {
    bounded(async {
        let peer = MisbehavingPeer::start(Misbehaviour::NeverAnswers).unwrap();
        let client = Client::builder()
            .api_key("sk-peer")
            .base_url(peer.base_url())
            .timeout(Duration::from_secs(30))
            .operation_timeout(Duration::from_millis(400))
            .build()
            .unwrap();
        let err = client
            .files()
            .retrieve_metadata("file_1")
            .await
            .unwrap_err();
        assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Operation), "{err}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_too_large_for_the_clock_means_no_limit() {
    bounded(async {
        let peer = MisbehavingPeer::start(Misbehaviour::SlowReader {
            bytes_per_second: 64 << 20,
        })
        .unwrap();
        let client = client(peer.base_url(), Duration::from_secs(u64::MAX), 0);
        let file = client
            .files()
            .upload(FileUpload::bytes("any.bin", "tiny"))
            .await
            .unwrap();
        assert_eq!(file.id, "file_slow");
    })
    .await;
}

/// A redirect to another origin is an error naming where it pointed (never
/// its query), and nothing connects there, over every transport we ship.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_another_origin_is_an_error_and_the_key_never_goes_there() {
    bounded(async {
        let elsewhere = MisbehavingPeer::start(Misbehaviour::NeverAnswers).unwrap();
        let port: u16 = elsewhere
            .base_url()
            .rsplit(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        for status in [301, 302, 303, 307, 308] {
            let peer = MisbehavingPeer::start(Misbehaviour::Redirects { status, port }).unwrap();
            let client = client(peer.base_url(), Duration::from_secs(10), 2);
            let err = client
                .files()
                .retrieve_metadata("file_1")
                .await
                .unwrap_err();
            let Error::Api(api) = &err else {
                panic!("{err:?}")
            };
            assert_eq!(api.status.as_u16(), status);
            let text = err.to_string();
            assert!(
                text.contains(&format!("redirected to http://127.0.0.1:{port}/elsewhere;")),
                "{text}"
            );
            assert!(!text.contains("token"), "{text}");
            assert_eq!(peer.accepted(), 1, "a redirect is not retried");
        }
        assert_eq!(elsewhere.accepted(), 0);
    })
    .await;
}
