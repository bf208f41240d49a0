use super::*;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// `count` sends spread evenly over `over`, starting at `start`; returns the end.
fn send_burst(rate: &mut AdaptiveRate, start: Instant, count: u32, over: Duration) -> Instant {
    for i in 0..count {
        let at = start + over.mul_f64(f64::from(i) / f64::from(count));
        assert_eq!(rate.reserve(at), Duration::ZERO, "the bucket is off");
        rate.succeeded(at);
    }
    start + over
}

#[test]
fn the_bucket_is_off_until_the_first_throttle() {
    let mut rate = AdaptiveRate::default();
    let start = Instant::now();
    send_burst(&mut rate, start, 1000, ms(1000));
    assert_eq!(rate.rate(), None);
}

#[test]
fn a_throttle_cuts_the_rate_to_the_servers_pace_and_leaves_no_burst() {
    let mut rate = AdaptiveRate::default();
    let start = Instant::now();
    let end = send_burst(&mut rate, start, 100, ms(1000));
    let cut = rate.throttled(end, end, Some(ms(600))).unwrap();
    assert!(
        cut.from > 50.0,
        "the first cut starts from the rate sent: {cut:?}"
    );
    assert!(
        (cut.to - 1.0 / 0.6).abs() < 1e-9,
        "never above retry-after's pace: {cut:?}"
    );
    assert_eq!(rate.rate(), Some(cut.to));

    // Requests released together (after the pause) are spaced at the pace.
    let released = end + ms(600);
    let waits: Vec<f64> = (0..5)
        .map(|_| rate.reserve(released).as_secs_f64())
        .collect();
    let gap = 1.0 / cut.to;
    for (i, pair) in waits.windows(2).enumerate() {
        assert!(
            (pair[1] - pair[0] - gap).abs() < 1e-6,
            "slot {i}: {waits:?}"
        );
    }
    assert!(waits[0] <= gap + 1e-6, "{waits:?}");
}

#[test]
fn each_throttle_of_a_new_send_cuts_the_rate_again() {
    let mut rate = AdaptiveRate::default();
    let start = Instant::now();
    let end = send_burst(&mut rate, start, 200, ms(1000));
    let first = rate.throttled(end, end, None).unwrap();
    assert!((first.to / first.from - BETA).abs() < 1e-9, "{first:?}");
    // A request sent after the cut is throttled too: cut again, lower.
    let later = end + ms(100);
    let second = rate.throttled(later + ms(5), later, None).unwrap();
    assert!(second.to < first.to, "{first:?} then {second:?}");
    // The rate never drops under the floor.
    let mut now = later;
    for _ in 0..100 {
        now += ms(10);
        rate.throttled(now, now, None);
    }
    assert!(rate.rate().unwrap() >= MIN_RATE);
}

#[test]
fn throttles_of_requests_sent_before_the_cut_cut_nothing_more() {
    let mut rate = AdaptiveRate::default();
    let start = Instant::now();
    let end = send_burst(&mut rate, start, 100, ms(1000));
    let cut = rate.throttled(end, end - ms(5), None).unwrap();
    for i in 1..8 {
        // In flight when the first answer came: the same congestion event.
        assert_eq!(rate.throttled(end + ms(i), end - ms(i), None), None);
    }
    assert_eq!(rate.rate(), Some(cut.to));
}

#[test]
fn the_rate_climbs_back_to_the_throttled_rate_then_probes_past_it() {
    let mut rate = AdaptiveRate::default();
    let start = Instant::now();
    // Paced near 10 requests a second when the throttle comes.
    let end = send_burst(&mut rate, start, 20, ms(2000));
    let cut = rate.throttled(end, end, None).unwrap();
    let mut now = end;
    let mut rates = Vec::new();
    while now < end + RECOVERY + RECOVERY / 2 {
        now += ms(100);
        rate.reserve(now);
        rate.succeeded(now);
        rates.push(rate.rate().unwrap());
    }
    assert!(
        rates.windows(2).all(|w| w[1] >= w[0] - 1e-9),
        "never falls while succeeding"
    );
    let at_recovery = rates[(RECOVERY.as_millis() / 100) as usize - 1];
    assert!(
        (at_recovery - cut.from).abs() < 0.05 * cut.from,
        "{at_recovery} vs {cut:?}"
    );
    assert!(
        *rates.last().unwrap() > cut.from,
        "probes past the old rate: {rates:?}"
    );
    assert!(rates[10] < cut.from, "slow near the cut: {rates:?}");
}
