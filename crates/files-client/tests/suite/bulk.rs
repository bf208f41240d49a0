//! Bulk operations on an in-process transport that counts what happens:
//! bounded concurrency, one failure never stopping the others, a 429 pausing
//! every task, cancellation on drop, and batch progress from the real bodies.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use files_client::{BulkProgress, Client, FileUpload};
use files_transport::{RequestBody, ResponseBody, Transport, TransportError};
use futures_util::StreamExt;
use http_body_util::BodyExt;
use tokio::time::Instant;

/// Answers uploads after `delay`, counting requests in flight; a file named
/// `bad*` gets a 400, and the first request can be answered with a 429.
#[derive(Debug, Default)]
struct Counting {
    delay: Duration,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    started: AtomicUsize,
    finished: AtomicUsize,
    first_is_429: bool,
    /// The first this many requests are answered 503.
    fail_first: usize,
    arrivals: Mutex<Vec<Instant>>,
}

struct Finished<'a>(&'a Counting);

impl Drop for Finished<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.0.finished.fetch_add(1, Ordering::SeqCst);
    }
}

#[async_trait]
impl Transport for Counting {
    async fn send(
        &self,
        request: http::Request<RequestBody>,
    ) -> Result<http::Response<ResponseBody>, TransportError> {
        let number = self.started.fetch_add(1, Ordering::SeqCst);
        self.arrivals.lock().unwrap().push(Instant::now());
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let _finished = Finished(self);
        let body = request.into_body().collect().await?.to_bytes();
        if number == 0 && self.first_is_429 {
            let mut response = http::Response::new(ResponseBody::from_bytes(
                r#"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}"#,
            ));
            *response.status_mut() = http::StatusCode::TOO_MANY_REQUESTS;
            response
                .headers_mut()
                .insert("retry-after-ms", "500".parse().unwrap());
            return Ok(response);
        }
        if number < self.fail_first {
            let mut response = http::Response::new(ResponseBody::from_bytes(
                r#"{"type":"error","error":{"type":"api_error","message":"flaky"}}"#,
            ));
            *response.status_mut() = http::StatusCode::SERVICE_UNAVAILABLE;
            return Ok(response);
        }
        tokio::time::sleep(self.delay).await;
        let text = String::from_utf8_lossy(&body);
        let name = text
            .split("filename=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or("x")
            .to_owned();
        if name.starts_with("bad") {
            let mut response = http::Response::new(ResponseBody::from_bytes(
                r#"{"type":"error","error":{"type":"invalid_request_error","message":"no"}}"#,
            ));
            *response.status_mut() = http::StatusCode::BAD_REQUEST;
            return Ok(response);
        }
        let json = format!(
            r#"{{"id":"file_{number}","type":"file","filename":"{name}","mime_type":"text/plain","size_bytes":1,"created_at":"2026-01-01T00:00:00Z"}}"#
        );
        Ok(http::Response::new(ResponseBody::from_bytes(Bytes::from(
            json,
        ))))
    }
}

fn client(transport: Arc<Counting>) -> Client {
    Client::builder()
        .api_key("k")
        .base_url("https://files.test")
        .transport(transport)
        .build()
        .unwrap()
}

fn uploads(n: usize) -> impl Iterator<Item = FileUpload> + Send + 'static {
    (0..n).map(|i| FileUpload::bytes(format!("f{i}.txt"), vec![b'x'; 1000]))
}

#[tokio::test(start_paused = true)]
async fn concurrency_is_bounded_and_every_item_is_reported_once() {
    let transport = Arc::new(Counting {
        delay: Duration::from_millis(50),
        ..Counting::default()
    });
    let results: Vec<_> = client(Arc::clone(&transport))
        .files()
        .upload_many(uploads(40))
        .concurrency(3)
        .collect()
        .await;
    assert_eq!(transport.max_in_flight.load(Ordering::SeqCst), 3);
    let mut indices: Vec<_> = results.iter().map(|item| item.index).collect();
    indices.sort_unstable();
    assert_eq!(indices, (0..40).collect::<Vec<_>>());
    for item in &results {
        assert_eq!(
            item.result.as_ref().unwrap().filename,
            format!("f{}.txt", item.index)
        );
    }
}

#[tokio::test(start_paused = true)]
async fn one_failure_never_stops_the_others() {
    let transport = Arc::new(Counting::default());
    let uploads = (0..9).map(|i| {
        let name = if i == 4 {
            "bad.txt".to_owned()
        } else {
            format!("f{i}.txt")
        };
        FileUpload::bytes(name, "x")
    });
    let results: Vec<_> = client(Arc::clone(&transport))
        .files()
        .upload_many(uploads)
        .collect()
        .await;
    assert_eq!(results.len(), 9);
    for item in results {
        assert_eq!(item.result.is_err(), item.index == 4, "{item:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_429_pauses_every_task_of_the_client() {
    let transport = Arc::new(Counting {
        delay: Duration::from_millis(100),
        first_is_429: true,
        ..Counting::default()
    });
    let started = Instant::now();
    let results: Vec<_> = client(Arc::clone(&transport))
        .files()
        .upload_many(uploads(12))
        .concurrency(4)
        .collect()
        .await;
    assert!(results.iter().all(|item| item.result.is_ok()));
    let arrivals = transport.arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 13, "12 items and one retry");
    // The first four went out together; everything after them waited for the
    // 500 ms pause, although the other three finished at 100 ms.
    for arrival in &arrivals[4..] {
        assert!(
            *arrival - started >= Duration::from_millis(500),
            "{:?}",
            *arrival - started
        );
    }
    // The pause released them one by one at the adaptive pace, not at once.
    for pair in arrivals[4..].windows(2) {
        assert!(pair[1] > pair[0], "{:?}", arrivals);
    }
}

#[tokio::test(start_paused = true)]
async fn an_item_that_failed_transiently_is_tried_once_more_at_the_end() {
    for requeue in [true, false] {
        // Item 0's three attempts (1 + 2 retries) all get 503.
        let transport = Arc::new(Counting {
            fail_first: 3,
            ..Counting::default()
        });
        let progress = Arc::new(Mutex::new(BulkProgress::default()));
        let seen = Arc::clone(&progress);
        let results: Vec<_> = client(Arc::clone(&transport))
            .files()
            .upload_many(uploads(5))
            .concurrency(1)
            .requeue(requeue)
            .on_progress(move |p| *seen.lock().unwrap() = p)
            .collect()
            .await;
        let order: Vec<_> = results.iter().map(|item| item.index).collect();
        let last = progress.lock().unwrap().to_owned();
        if requeue {
            assert_eq!(order, [1, 2, 3, 4, 0], "re-queued to the end");
            assert!(results.iter().all(|item| item.result.is_ok()));
            assert!(results[4].requeued && !results[0].requeued);
            assert_eq!((last.done, last.failed, last.requeued), (5, 0, 1));
        } else {
            assert_eq!(order, [0, 1, 2, 3, 4]);
            assert!(results[0].result.as_ref().unwrap_err().is_internal_server());
            assert_eq!((last.done, last.failed, last.requeued), (4, 1, 0));
        }
    }
}

#[tokio::test(start_paused = true)]
async fn an_item_refused_for_good_is_not_requeued() {
    let transport = Arc::new(Counting::default());
    let results: Vec<_> = client(Arc::clone(&transport))
        .files()
        .upload_many([FileUpload::bytes("bad.txt", "x")])
        .collect()
        .await;
    assert!(results[0].result.is_err() && !results[0].requeued);
    assert_eq!(transport.started.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn dropping_the_stream_cancels_and_starts_nothing_new() {
    let transport = Arc::new(Counting {
        delay: Duration::from_secs(1),
        ..Counting::default()
    });
    let mut stream = client(Arc::clone(&transport))
        .files()
        .upload_many(uploads(100))
        .concurrency(4);
    let first = stream.next().await.unwrap();
    assert!(first.result.is_ok());
    drop(stream);
    let started = transport.started.load(Ordering::SeqCst);
    assert!(started <= 5, "{started} started");
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(
        transport.started.load(Ordering::SeqCst),
        started,
        "nothing new"
    );
    assert_eq!(
        transport.in_flight.load(Ordering::SeqCst),
        0,
        "in-flight requests were cancelled"
    );
}

#[tokio::test(start_paused = true)]
async fn batch_progress_counts_files_and_bytes() {
    let transport = Arc::new(Counting::default());
    let seen = Arc::new(Mutex::new(Vec::<BulkProgress>::new()));
    let record = Arc::clone(&seen);
    let uploads = (0..5).map(|i| {
        let name = if i == 2 {
            "bad.txt".to_owned()
        } else {
            format!("f{i}.txt")
        };
        FileUpload::bytes(name, vec![b'x'; 1000])
    });
    let _: Vec<_> = client(transport)
        .files()
        .upload_many(uploads)
        .on_progress(move |progress| record.lock().unwrap().push(progress))
        .collect()
        .await;
    let last = *seen.lock().unwrap().last().unwrap();
    assert_eq!((last.started, last.done, last.failed), (5, 4, 1));
    assert_eq!(last.bytes, 5000, "every body was sent in full");
    assert_eq!(last.bytes_total, 5000);
}

#[tokio::test(start_paused = true)]
async fn delete_many_reports_each_id() {
    let transport = Arc::new(Counting::default());
    let results: Vec<_> = client(Arc::clone(&transport))
        .files()
        .delete_many(["file_a", "file_b", "../bad"])
        .collect()
        .await;
    assert_eq!(results.len(), 3);
    let bad = results.iter().find(|item| item.index == 2).unwrap();
    assert!(bad.result.as_ref().unwrap_err().is_invalid_input());
    assert_eq!(
        transport.started.load(Ordering::SeqCst),
        2,
        "the invalid id was never sent"
    );
}
