//! Small requests: metadata on a warm connection and with 64 concurrent tasks,
//! listing by auto-paging, concurrent 1 MB uploads, and cold starts.

use std::collections::BTreeMap;

use anyhow::Result;
use files_client::{FileUpload, ListParams};
use futures_util::{StreamExt, TryStreamExt};

use super::env::Env;
use super::fixtures::{accepted, write_file};
use super::measure::{Figure, Run, Timing, Unit, interleaved, measure, median, record, repeat};
use super::plan::Bench;

/// retrieve_metadata on a warm connection. curl runs the N requests in one
/// process on one connection: its wall time (a few ms of start-up over N calls)
/// is the honest figure, as its per-transfer time_total leaves out its own work
/// between transfers.
pub(super) fn metadata(bench: &mut Bench, env: &Env, small: &str) -> Result<()> {
    let n = bench.plan.metadata_calls;
    let calls = n.to_string();
    let config = bench.work.join("metadata.curl");
    write_url_config(&config, &format!("{}/v1/files/{small}", env.base), n)?;
    let runs: Vec<Run> = vec![
        (
            "ours (async)",
            env.ours("async", &["metadata", small, &calls]),
            Timing::Reported,
        ),
        (
            "ours (blocking)",
            env.ours("blocking", &["metadata", small, &calls]),
            Timing::Reported,
        ),
        (
            "curl",
            env.curl(&["--config", &config.display().to_string()]),
            Timing::Wall,
        ),
        (
            "Python SDK",
            env.python(&["metadata", small, &calls]),
            Timing::Reported,
        ),
    ];
    let samples = interleaved(bench.plan.runs, &runs, |_, cmd, timing| {
        measure(cmd, timing)
    })?;
    let mut figure = Figure::new(format!("retrieve_metadata × {n} (per call)"), Unit::Millis);
    for (peer, samples) in &samples {
        let per_call: Vec<f64> = samples
            .iter()
            .map(|s| s.seconds * 1000.0 / n as f64)
            .collect();
        figure.values.insert(peer, (median(per_call), f64::NAN));
        println!(
            "bench: {:<34} {:<20} {:>10.3} ms per call",
            figure.name, peer, figure.values[peer].0
        );
    }
    bench.figures.push(figure);
    Ok(())
}

/// retrieve_metadata N times in all, 64 requests in flight: ours (one client,
/// 64 tasks), curl (`--parallel --parallel-max 64` over N URLs), the Python SDK
/// (`AsyncAnthropic`, 64 at a time). Requests per second, with peak memory.
/// Ours and curl are timed as whole processes (a few ms of start-up each, the
/// connections included); the Python SDK as it reports, without its imports.
pub(super) fn metadata_concurrent(bench: &mut Bench, env: &Env, small: &str) -> Result<()> {
    let (n, c) = (bench.plan.rps_calls, bench.plan.rps_concurrency);
    let (calls, conc) = (n.to_string(), c.to_string());
    let config = bench.work.join("metadata-parallel.curl");
    write_url_config(&config, &format!("{}/v1/files/{small}", env.base), n)?;
    let mut curl = env.curl(&[]);
    curl.extend(
        [
            "--parallel",
            "--parallel-immediate",
            "--parallel-max",
            &conc,
            "--config",
            &config.display().to_string(),
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let runs: Vec<Run> = vec![
        (
            "ours (async)",
            env.ours("async", &["metadata-concurrent", small, &calls, &conc]),
            Timing::Wall,
        ),
        ("curl", curl, Timing::Wall),
        (
            "Python SDK (async)",
            env.python(&["metadata-concurrent", small, &calls, &conc]),
            Timing::Reported,
        ),
    ];
    let mut samples = interleaved(bench.plan.runs, &runs, |_, cmd, timing| {
        measure(cmd, timing)
    })?;
    for sample in samples.values_mut().flatten() {
        sample.seconds = n as f64 / sample.seconds;
    }
    let mut figure = Figure::new(
        format!("retrieve_metadata × {n}, {c} concurrent"),
        Unit::PerSecond,
    );
    super::measure::record_all(&mut figure, &samples, &bench.baselines);
    bench.figures.push(figure);
    Ok(())
}

/// A curl `--config` fetching `url` `n` times to /dev/null.
fn write_url_config(path: &std::path::Path, url: &str, n: u64) -> Result<()> {
    std::fs::write(
        path,
        (0..n)
            .map(|_| format!("url = \"{url}\"\noutput = \"/dev/null\"\n"))
            .collect::<String>(),
    )?;
    Ok(())
}

/// Listing by auto-paging.
pub(super) fn list(bench: &mut Bench, env: &Env, setup: &files_client::Files) -> Result<()> {
    let plan = &bench.plan;
    println!("bench: creating {} files for the listing", plan.list_files);
    let creations =
        (0..plan.list_files).map(|i| setup.upload(FileUpload::bytes(format!("l{i}.txt"), "l")));
    bench.runtime.block_on(
        futures_util::stream::iter(creations)
            .buffer_unordered(16)
            .try_collect::<Vec<_>>(),
    )?;
    let limit = plan.list_limit.to_string();
    let pages: Vec<_> = bench.runtime.block_on(
        setup
            .list_pages(ListParams::new().limit(plan.list_limit))
            .try_collect::<Vec<_>>(),
    )?;
    let mut urls = vec![format!("{}/v1/files?limit={}", env.base, plan.list_limit)];
    for page in &pages {
        if let Some(token) = &page.raw().next_page {
            urls.push(format!(
                "{}/v1/files?limit={}&page={token}",
                env.base, plan.list_limit
            ));
        }
    }
    let list_config = bench.work.join("list.curl");
    std::fs::write(
        &list_config,
        urls.iter()
            .map(|u| format!("url = \"{u}\"\noutput = \"/dev/null\"\n"))
            .collect::<String>(),
    )?;
    let mut figure = Figure::new(
        format!(
            "list {} files, limit {} (per page)",
            plan.list_files, plan.list_limit
        ),
        Unit::Millis,
    );
    let runs: Vec<Run> = vec![
        (
            "ours (async)",
            env.ours("async", &["list", &limit]),
            Timing::Reported,
        ),
        (
            "ours (blocking)",
            env.ours("blocking", &["list", &limit]),
            Timing::Reported,
        ),
        (
            "curl",
            env.curl(&["--config", &list_config.display().to_string()]),
            Timing::Wall,
        ),
        (
            "Python SDK",
            env.python(&["list", &limit]),
            Timing::Reported,
        ),
    ];
    let samples = interleaved(plan.runs, &runs, |_, cmd, timing| measure(cmd, timing))?;
    for (peer, samples) in &samples {
        let per_page: Vec<f64> = samples
            .iter()
            .map(|s| s.seconds * 1000.0 / s.pages.unwrap_or(urls.len() as u64) as f64)
            .collect();
        figure.values.insert(peer, (median(per_page), f64::NAN));
        println!(
            "bench: {:<34} {:<20} {:>10.3} ms per page",
            figure.name, peer, figure.values[peer].0
        );
    }
    bench.figures.push(figure);
    Ok(())
}

/// Concurrent 1 MB uploads through one client, and the connections they open.
pub(super) fn concurrent_uploads(bench: &mut Bench, env: &Env) -> Result<()> {
    let plan = &bench.plan;
    let one_mb = bench.work.join("files").join("concurrent.bin");
    write_file(&one_mb, plan.concurrent_size, 0)?;
    let c = one_mb.display().to_string();
    let n = plan.concurrent.to_string();
    let parallel_config = bench.work.join("parallel.curl");
    std::fs::write(
        &parallel_config,
        (0..plan.concurrent)
            .map(|_| env.curl_upload_block(&c))
            .collect::<Vec<_>>()
            .join("next\n"),
    )?;
    let mut figure = Figure::new(
        format!("{} concurrent 1 MB uploads (total)", plan.concurrent),
        Unit::Seconds,
    );
    let runs: Vec<Run> = vec![
        (
            "ours (async)",
            env.ours("async", &["concurrent", &c, &n]),
            Timing::Reported,
        ),
        (
            "ours (blocking)",
            env.ours("blocking", &["concurrent", &c, &n]),
            Timing::Reported,
        ),
        (
            "curl",
            env.curl_parallel(plan.concurrent, &parallel_config),
            Timing::Wall,
        ),
        (
            "Python SDK (async)",
            env.python(&["concurrent", &c, &n]),
            Timing::Reported,
        ),
    ];
    let mut opened: BTreeMap<&'static str, Vec<f64>> = BTreeMap::new();
    let samples = interleaved(plan.runs, &runs, |peer, cmd, timing| {
        let before = accepted(&env.base)?;
        let sample = measure(cmd, timing)?;
        // The stats request itself opens one connection.
        opened
            .entry(peer)
            .or_default()
            .push(accepted(&env.base)?.saturating_sub(before + 1) as f64);
        Ok(sample)
    })?;
    for (peer, samples) in &samples {
        record(
            &mut figure,
            peer,
            samples,
            bench.baselines.get(peer).copied().unwrap_or(0),
        );
        let connections = median(opened.remove(peer).unwrap_or_default()) as u64;
        bench.connections.insert(peer, connections);
        println!(
            "bench: {:<34} {:<20} {:>10.3} s, {connections} connections",
            figure.name, peer, figure.values[peer].0
        );
    }
    bench.figures.push(figure);
    Ok(())
}

/// Cold starts: the CLI's `--version` and one whole `retrieve-metadata` process,
/// ours against curl and the Python SDK.
pub(super) fn cold_starts(bench: &mut Bench, env: &Env, small: &str) -> Result<()> {
    let runs = bench.plan.cold_runs;
    let wall_ms = |cmd: &[String], runs: usize| -> Result<f64> {
        Ok(median(repeat(runs, || {
            Ok(measure(cmd, Timing::Wall)?.seconds * 1000.0)
        })?))
    };
    if let Some(version) = env.cli(&["--version"]) {
        let version: Vec<String> = vec![version[0].clone(), "--version".into()];
        let ms = wall_ms(&version, runs)?;
        bench
            .cold
            .push(("`anthropic-files --version`", "ours (CLI)", ms));
        if let Some(retrieve) = env.cli(&["retrieve-metadata", small, "--format", "json"]) {
            let ms = wall_ms(&retrieve, runs)?;
            bench
                .cold
                .push(("one `retrieve-metadata`, cold process", "ours (CLI)", ms));
        }
    }
    let curl_one = env.curl(&["-o", "/dev/null", &format!("{}/v1/files/{small}", env.base)]);
    let ms = wall_ms(&curl_one, runs)?;
    bench
        .cold
        .push(("one `retrieve-metadata`, cold process", "curl", ms));
    let python_one = env.python(&["metadata", small, "0"]);
    let ms = wall_ms(&python_one, runs.min(3))?;
    bench
        .cold
        .push(("one `retrieve-metadata`, cold process", "Python SDK", ms));
    for (figure, peer, ms) in &bench.cold {
        println!("bench: cold start {figure:<40} {peer:<14} {ms:>8.1} ms");
    }
    Ok(())
}
