use bytes::Bytes;
use http_body::Body as _;
use http_body_util::BodyExt as _;

use super::*;
use crate::TransportErrorKind;

/// `request` with a no-progress limit of `limit`.
fn limited(mut request: http::Request<RequestBody>, limit: Duration) -> http::Request<RequestBody> {
    request
        .extensions_mut()
        .insert(NoProgressTimeout::new(limit));
    request
}

fn get(limit: Duration) -> http::Request<RequestBody> {
    let request = http::Request::get("http://127.0.0.1:9/x")
        .body(RequestBody::empty())
        .unwrap();
    limited(request, limit)
}

fn post(body: RequestBody, limit: Duration) -> http::Request<RequestBody> {
    let request = http::Request::post("http://127.0.0.1:9/x")
        .body(body)
        .unwrap();
    limited(request, limit)
}

#[tokio::test(start_paused = true)]
async fn a_silent_peer_fails_in_the_read_phase() {
    let started = Instant::now();
    let err = send_with_timeout(get(Duration::from_secs(7)), |_| std::future::pending())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), TransportErrorKind::Timeout);
    assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Read));
    assert_eq!(err.timeout_after(), Some(Duration::from_secs(7)));
    assert_eq!(err.host(), Some("127.0.0.1:9"));
    assert_eq!(started.elapsed(), Duration::from_secs(7));
}

#[tokio::test(start_paused = true)]
async fn a_body_never_pulled_fails_in_the_pool_phase() {
    let request = post(RequestBody::from_bytes("abc"), Duration::from_secs(2));
    let err = send_with_timeout(request, |_| std::future::pending())
        .await
        .unwrap_err();
    assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Pool));
    assert_eq!(err.timeout_after(), Some(Duration::from_secs(2)));
}

#[tokio::test(start_paused = true)]
async fn a_steady_body_never_times_out_and_a_stalled_one_does() {
    // The "HTTP stack" pulls one slice per second for 30 s, then stops.
    let body = RequestBody::replayable(
        || {
            futures_util::stream::iter(
                (0..40).map(|_| Ok::<_, std::io::Error>(Bytes::from_static(b"x"))),
            )
        },
        None,
    );
    let started = Instant::now();
    let err = send_with_timeout(post(body, Duration::from_secs(5)), |request| async move {
        let mut body = request.into_body();
        for _ in 0..30 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            body.frame().await.unwrap().unwrap();
        }
        std::future::pending().await
    })
    .await
    .unwrap_err();
    assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Write));
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(35),
        "30 s steady, then 5 s stalled"
    );
}

/// The body is pulled on another task (as hyper's connection task does)
/// while the send future waits for the answer: that progress counts, and
/// the stall after it fails on time, named by the phase it happened in.
#[tokio::test(start_paused = true)]
async fn progress_made_on_another_task_counts_and_its_stall_fails_on_time() {
    let body = RequestBody::replayable(
        || futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(b"x"))]),
        Some(2),
    );
    let started = Instant::now();
    let err = send_with_timeout(post(body, Duration::from_secs(2)), |request| {
        let mut body = request.into_body();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            // One byte of the declared two, then the peer stops reading.
            body.frame().await.unwrap().unwrap();
            std::future::pending::<()>().await;
        });
        std::future::pending()
    })
    .await
    .unwrap_err();
    assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Write));
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(3),
        "1 s waiting, then 2 s stalled"
    );
}

#[tokio::test(start_paused = true)]
async fn response_bodies_fail_after_an_idle_gap_not_a_slow_total() {
    let response = |_| async {
        let chunks = futures_util::stream::unfold(0, |n| async move {
            if n == 3 {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
            Some((Ok(Bytes::from_static(b"chunk")), n + 1))
        });
        Ok(http::Response::new(ResponseBody::from_stream(chunks)))
    };
    let response = send_with_timeout(get(Duration::from_secs(3)), response)
        .await
        .unwrap();
    let mut body = response.into_body();
    for _ in 0..3 {
        assert!(body.frame().await.unwrap().is_ok());
    }
    let err = body.frame().await.unwrap().unwrap_err();
    assert_eq!(err.timeout_phase(), Some(TimeoutPhase::Read));
    // Fused: the expired timer does not fail the body a second time.
    assert!(body.frame().await.is_none());
    assert!(body.is_end_stream());
    assert_eq!(body.size_hint().exact(), Some(0));
}

#[tokio::test(start_paused = true)]
async fn huge_limits_saturate_instead_of_overflowing() {
    let request = get(Duration::from_secs(u64::MAX));
    let response = send_with_timeout(request, |_| async {
        tokio::time::sleep(Duration::from_secs(3)).await;
        Ok(http::Response::new(ResponseBody::from_bytes("ok")))
    })
    .await
    .unwrap();
    let body = response.into_body().collect_capped(10).await.unwrap();
    assert_eq!(body, "ok");
}

/// Without the extension nothing is timed: a year of silence before the
/// headers and between chunks still ends in a whole body.
#[tokio::test(start_paused = true)]
async fn a_request_without_the_extension_has_no_limit() {
    const YEAR: Duration = Duration::from_secs(365 * 24 * 60 * 60);
    let request = http::Request::get("http://127.0.0.1:9/x")
        .body(RequestBody::empty())
        .unwrap();
    let response = send_with_timeout(request, |_| async {
        tokio::time::sleep(YEAR).await;
        let chunks = futures_util::stream::unfold(0, |n| async move {
            (n < 2).then_some(())?;
            tokio::time::sleep(YEAR).await;
            Some((Ok(Bytes::from_static(b"ok")), n + 1))
        });
        Ok(http::Response::new(ResponseBody::from_stream(chunks)))
    })
    .await
    .unwrap();
    let body = response.into_body().collect_capped(10).await.unwrap();
    assert_eq!(body, "okok");
}
