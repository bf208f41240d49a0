//! One upload and one download of a file of a given size, every peer, over
//! plain HTTP or over HTTPS.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Result, bail};
use files_client::{FileUpload, Files};

use super::env::Env;
use super::fixtures::{delete_newest, versions_since, write_file};
use super::measure::{Figure, Run, Sample, Timing, Unit, interleaved, record_all};
use super::plan::Bench;

/// A server to measure against.
pub(super) struct Target<'a> {
    pub env: &'a Env,
    /// A client of that server, for setting up and cleaning up.
    pub setup: &'a Files,
    /// The server's request log, when it keeps one: each run's HTTP version
    /// is read from it and shown in the peer's cell.
    pub log: Option<&'a Path>,
    /// All peers (plain HTTP), or ours (async) and curl only (HTTPS).
    pub all_peers: bool,
    /// Prefixes the figures' names.
    pub prefix: &'static str,
}

/// Measures the upload and the download of a `size`-byte file.
pub(super) fn transfers(
    bench: &mut Bench,
    target: &Target<'_>,
    label: &str,
    size: u64,
) -> Result<()> {
    let env = target.env;
    let path = bench.work.join("files").join(format!("{size}.bin"));
    write_file(&path, size, 0)?;
    let p = path.display().to_string();
    let url = format!("{}/v1/files", env.base);
    let form = format!("file=@{p}");
    let runs: Vec<Run> = [
        (
            "ours (async)",
            Some(env.ours("async", &["upload", &p])),
            Timing::Reported,
        ),
        (
            "ours (blocking)",
            Some(env.ours("blocking", &["upload", &p])),
            Timing::Reported,
        ),
        (
            "ours (reqwest)",
            Some(env.ours("reqwest", &["upload", &p])),
            Timing::Reported,
        ),
        (
            "ours (CLI)",
            env.cli(&["upload", &p, "--format", "json"]),
            Timing::Wall,
        ),
        (
            "curl",
            Some(env.curl(&[
                "-o",
                "/dev/null",
                "-w",
                "%{time_total}\n",
                "-F",
                &form,
                &url,
            ])),
            Timing::CurlSum,
        ),
        (
            "Python SDK",
            Some(env.python(&["upload", &p])),
            Timing::Reported,
        ),
        (
            "Python SDK (stream)",
            Some(env.python(&["upload-stream", &p])),
            Timing::Reported,
        ),
    ]
    .into_iter()
    .filter(|(peer, _, _)| target.all_peers || matches!(*peer, "ours (async)" | "curl"))
    .filter_map(|(peer, cmd, timing)| Some((peer, cmd?, timing)))
    .collect();
    let upload = Figure::new(
        format!("{}upload {label} from a path", target.prefix),
        Unit::Seconds,
    );
    let mut versions = Versions::new(target.log);
    let samples = interleaved(bench.plan.runs, &runs, |peer, cmd, timing| {
        let sample = measure_noting(&mut versions, peer, cmd, timing)?;
        delete_newest(&bench.runtime, target.setup)?;
        Ok(sample)
    })?;
    finish(bench, target, upload, "upload", size, &samples, versions);

    let id = bench
        .runtime
        .block_on(target.setup.upload(FileUpload::path(&path)))?
        .id;
    let out = bench.work.join("out").join("download.bin");
    let o = out.display().to_string();
    let content = format!("{}/v1/files/{id}/content", env.base);
    let runs: Vec<Run> = [
        (
            "ours (async)",
            Some(env.ours("async", &["download", &id, &o])),
            Timing::Reported,
        ),
        (
            "ours (blocking)",
            Some(env.ours("blocking", &["download", &id, &o])),
            Timing::Reported,
        ),
        (
            "ours (reqwest)",
            Some(env.ours("reqwest", &["download", &id, &o])),
            Timing::Reported,
        ),
        (
            "ours (CLI)",
            env.cli(&["download", &id, "-o", &o]),
            Timing::Wall,
        ),
        (
            "curl",
            Some(env.curl(&["-o", &o, "-w", "%{time_total}\n", &content])),
            Timing::CurlSum,
        ),
        (
            "curl + fsync",
            Some(env.curl_then_fsync(&id, &o)),
            Timing::CurlSum,
        ),
        (
            "Python SDK",
            Some(env.python(&["download", &id, &o])),
            Timing::Reported,
        ),
        (
            "Python SDK (stream)",
            Some(env.python(&["download-stream", &id, &o])),
            Timing::Reported,
        ),
    ]
    .into_iter()
    .filter(|(peer, _, _)| {
        target.all_peers || matches!(*peer, "ours (async)" | "curl" | "curl + fsync")
    })
    .filter_map(|(peer, cmd, timing)| Some((peer, cmd?, timing)))
    .collect();
    let download = Figure::new(
        format!("{}download {label} to a file", target.prefix),
        Unit::Seconds,
    );
    let mut versions = Versions::new(target.log);
    let samples = interleaved(bench.plan.runs, &runs, |peer, cmd, timing| {
        let sample = measure_noting(&mut versions, peer, cmd, timing)?;
        let got = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        if got != size {
            bail!("{peer} downloaded {got} of {size} bytes");
        }
        std::fs::remove_file(&out)?;
        Ok(sample)
    })?;
    finish(
        bench, target, download, "download", size, &samples, versions,
    );
    bench.runtime.block_on(target.setup.delete(&id))?;
    std::fs::remove_file(&path)?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
/// Records the figure, its protocol notes and (plain HTTP only) its chart points.
fn finish(
    bench: &mut Bench,
    target: &Target<'_>,
    mut figure: Figure,
    op: &'static str,
    size: u64,
    samples: &BTreeMap<&'static str, Vec<Sample>>,
    versions: Versions,
) {
    figure.bytes = Some(size);
    record_all(&mut figure, samples, &bench.baselines);
    for (peer, seen) in versions.seen {
        figure
            .notes
            .insert(peer, seen.into_iter().collect::<Vec<_>>().join(", "));
    }
    if target.all_peers {
        let mb = size as f64 / 1e6;
        for (peer, (seconds, mib)) in &figure.values {
            bench.points.push((op.into(), peer, mb, mb / seconds, *mib));
        }
    }
    bench.figures.push(figure);
}

/// The HTTP versions each peer's runs used, from the server's log.
pub(super) struct Versions<'a> {
    log: Option<&'a Path>,
    offset: u64,
    pub seen: BTreeMap<&'static str, BTreeSet<String>>,
}

impl<'a> Versions<'a> {
    pub fn new(log: Option<&'a Path>) -> Self {
        let offset = log
            .and_then(|l| std::fs::metadata(l).ok())
            .map_or(0, |m| m.len());
        Self {
            log,
            offset,
            seen: BTreeMap::new(),
        }
    }
}

/// Measures one run and notes the HTTP versions the server logged for it.
pub(super) fn measure_noting(
    versions: &mut Versions<'_>,
    peer: &'static str,
    cmd: &[String],
    timing: Timing,
) -> Result<Sample> {
    if let Some(log) = versions.log {
        versions.offset = std::fs::metadata(log).map_or(versions.offset, |m| m.len());
    }
    let sample = super::measure::measure(cmd, timing)?;
    if let Some(log) = versions.log {
        let seen = versions_since(log, &mut versions.offset)?;
        versions.seen.entry(peer).or_default().extend(seen);
    }
    Ok(sample)
}
