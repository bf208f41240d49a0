//! Upload cost at a million files: the median upload into an empty store and
//! into one whose workspace holds `files` rows (inserted straight into SQLite
//! while the server is stopped), sampled in turn so that the machine's load
//! weighs on both alike; then the median 10-file listing in another workspace
//! while 4 uploaders run.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::h2_stall::upload_http1;
use super::probe::{addr, ms, timed_get};
use crate::server::Server;

const SAMPLES: usize = 200;

fn start(bin: &Path, dir: &Path) -> Result<Server> {
    Server::start_with(
        bin,
        &[
            "--listen",
            "127.0.0.1:0",
            "--data-dir",
            dir.to_str().context("path")?,
            "--key",
            "ka=wa",
            "--key",
            "kb=wb",
        ],
    )
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The median upload into each of `addrs`, taken in turn.
async fn upload_medians(addrs: [&str; 2]) -> Result<[Duration; 2]> {
    let mut samples = [Vec::with_capacity(SAMPLES), Vec::with_capacity(SAMPLES)];
    for i in 0..SAMPLES {
        for (addr, samples) in addrs.iter().zip(samples.iter_mut()) {
            let started = Instant::now();
            upload_http1(addr, "ka", &format!("u{i}.txt"), 100).await?;
            samples.push(started.elapsed());
        }
    }
    let [a, b] = samples;
    Ok([median(a), median(b)])
}

/// Inserts `count` rows into workspace `wa` of the (stopped) store in `dir`.
fn fill(dir: &Path, count: i64) -> Result<()> {
    let mut conn = rusqlite::Connection::open(dir.join("files.sqlite3"))?;
    let tx = conn.transaction()?;
    tx.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
         INSERT INTO files (seq, id, workspace, filename, mime_type, size_bytes, created_ms, downloadable)
         SELECT i + 1000000, 'file_bulk' || i, 'wa', 'bulk.txt', 'text/plain', 100, 1000, 0 FROM n",
        [count],
    )?;
    tx.execute(
        "INSERT INTO usage (workspace, bytes) VALUES ('wa', ?1)
         ON CONFLICT(workspace) DO UPDATE SET bytes = bytes + excluded.bytes",
        [count * 100],
    )?;
    tx.execute(
        "UPDATE counters SET value = ?1 WHERE name = 'next_seq'",
        [count + 1_000_001],
    )?;
    tx.commit()?;
    Ok(())
}

pub(super) async fn run(bin: &Path, files: i64) -> Result<Vec<(String, String)>> {
    let big_dir = tempfile::tempdir()?;
    drop(start(bin, big_dir.path())?); // creates the schema
    let built = Instant::now();
    fill(big_dir.path(), files)?;
    let build_time = built.elapsed();
    let server = start(bin, big_dir.path())?;
    let addr = addr(&server);
    let empty_dir = tempfile::tempdir()?;
    let empty_server = start(bin, empty_dir.path())?;
    let [empty, big] = upload_medians([&super::probe::addr(&empty_server), &addr]).await?;
    drop(empty_server);

    let idle_list = {
        let mut samples = Vec::new();
        for _ in 0..SAMPLES {
            samples.push(timed_get(&addr, "/v1/files?limit=10", "kb").await?);
        }
        median(samples)
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut uploaders = Vec::new();
    for u in 0..4 {
        let addr = addr.clone();
        let stopped = stopped.clone();
        uploaders.push(tokio::spawn(async move {
            let mut n = 0;
            while !*stopped.borrow() && n < 10_000 {
                let _ = upload_http1(&addr, "ka", &format!("w{u}-{n}.txt"), 100).await;
                n += 1;
            }
            n
        }));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut samples = Vec::new();
    for _ in 0..SAMPLES {
        samples.push(timed_get(&addr, "/v1/files?limit=10", "kb").await?);
    }
    let busy_list = median(samples);
    let _ = stop.send(true);
    let mut uploaded = 0;
    for task in uploaders {
        uploaded += task.await.unwrap_or(0);
    }
    Ok(vec![
        ("median upload (100 bytes), empty store".into(), ms(empty)),
        (
            format!(
                "median upload (100 bytes), {files} files in the workspace (built in {:.0} s)",
                build_time.as_secs_f64()
            ),
            ms(big),
        ),
        (
            "median 10-file listing in another workspace, idle".into(),
            ms(idle_list),
        ),
        (
            format!(
                "median 10-file listing in another workspace while 4 uploaders run ({uploaded} uploads meanwhile)"
            ),
            ms(busy_list),
        ),
    ])
}
