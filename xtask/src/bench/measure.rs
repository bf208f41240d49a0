//! Measuring one run (a process under GNU time), interleaving peers run by run,
//! and reducing samples to a figure's medians.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// How a run's time is read.
#[derive(Clone, Copy)]
pub(super) enum Timing {
    /// The client prints `{"seconds": ...}` (ours, the Python SDK).
    Reported,
    /// curl prints `%{time_total}` for each transfer: the sum.
    CurlSum,
    /// The process's wall time, measured here.
    Wall,
}

#[derive(Clone, Debug)]
pub(super) struct Sample {
    pub seconds: f64,
    pub peak_kib: u64,
    /// CPU time of the client process (user + system), seconds.
    pub cpu: f64,
    pub pages: Option<u64>,
}

/// What a figure's value is.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Unit {
    /// Seconds (lower is better).
    #[default]
    Seconds,
    /// Milliseconds (lower is better).
    Millis,
    /// Requests per second (higher is better).
    PerSecond,
}

/// One figure's medians per peer.
#[derive(Default)]
pub(super) struct Figure {
    pub name: String,
    pub unit: Unit,
    /// (value, peak MiB above the peer's baseline; NaN when not measured).
    pub values: BTreeMap<&'static str, (f64, f64)>,
    /// Median CPU seconds (user + system) of the client process.
    pub cpu: BTreeMap<&'static str, f64>,
    /// A note per peer shown in its cell (the HTTP version it used).
    pub notes: BTreeMap<&'static str, String>,
    /// The bytes of one transfer, for the throughput table.
    pub bytes: Option<u64>,
}

impl Figure {
    pub fn new(name: impl Into<String>, unit: Unit) -> Self {
        Self {
            name: name.into(),
            unit,
            ..Default::default()
        }
    }

    /// `a`'s time over `b`'s (for a rate: `b`'s rate over `a`'s), so that
    /// above 1 always means `a` is slower.
    pub fn time_ratio(&self, a: &str, b: &str) -> Option<f64> {
        let (a, b) = (self.values.get(a)?.0, self.values.get(b)?.0);
        let ratio = match self.unit {
            Unit::PerSecond => b / a,
            Unit::Seconds | Unit::Millis => a / b,
        };
        (ratio.is_finite() && ratio > 0.0).then_some(ratio)
    }
}

/// The peers' order in the tables.
pub(super) const PEERS: [&str; 9] = [
    "ours (async)",
    "ours (blocking)",
    "ours (reqwest)",
    "ours (CLI)",
    "curl",
    "curl + fsync",
    "Python SDK",
    "Python SDK (stream)",
    "Python SDK (async)",
];

/// A command under test, with its idle baseline command.
pub(super) struct Peer {
    pub name: &'static str,
    pub baseline: Vec<String>,
}

/// A peer's name, its command, and how its time is read.
pub(super) type Run = (&'static str, Vec<String>, Timing);

/// Runs `cmd` under GNU time; returns its time and peak RSS.
pub(super) fn measure(cmd: &[String], timing: Timing) -> Result<Sample> {
    // Start every run with no writeback pending from the one before.
    let _ = Command::new("sync").status();
    let rss_file = tempfile::NamedTempFile::new()?;
    let started = Instant::now();
    let output = Command::new("/usr/bin/time")
        .args(["-f", "%M %U %S", "-o"])
        .arg(rss_file.path())
        .args(cmd)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot run {}", cmd[0]))?;
    let wall = started.elapsed().as_secs_f64();
    if !output.status.success() {
        bail!(
            "{} failed: {}",
            cmd.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let rusage = std::fs::read_to_string(rss_file.path())?;
    let fields: Vec<f64> = rusage
        .lines()
        .filter_map(|l| {
            let parts: Vec<f64> = l
                .split_whitespace()
                .filter_map(|f| f.parse().ok())
                .collect();
            (parts.len() == 3).then_some(parts)
        })
        .next_back()
        .context("GNU time printed no resource usage")?;
    let (peak_kib, cpu) = (fields[0] as u64, fields[1] + fields[2]);
    let (seconds, pages) = match timing {
        Timing::Wall => (wall, None),
        Timing::CurlSum => (
            stdout
                .lines()
                .filter_map(|l| l.trim().parse::<f64>().ok())
                .sum(),
            None,
        ),
        Timing::Reported => {
            let line = stdout
                .lines()
                .last()
                .context("the client printed nothing")?;
            let json: serde_json::Value =
                serde_json::from_str(line).with_context(|| format!("not JSON: {line}"))?;
            (
                json["seconds"].as_f64().context("no seconds")?,
                json["pages"].as_u64(),
            )
        }
    };
    Ok(Sample {
        seconds,
        peak_kib,
        cpu,
        pages,
    })
}

pub(super) fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// Each peer's idle peak RSS (KiB): the same process doing nothing.
pub(super) fn baselines(peers: &[Peer], runs: usize) -> Result<BTreeMap<&'static str, u64>> {
    let mut out = BTreeMap::new();
    let mut by_command: BTreeMap<&[String], u64> = BTreeMap::new();
    for peer in peers {
        if let Some(kib) = by_command.get(peer.baseline.as_slice()) {
            out.insert(peer.name, *kib);
            continue;
        }
        let samples = repeat(runs, || measure(&peer.baseline, Timing::Wall))?;
        let kib = median(samples.iter().map(|s| s.peak_kib as f64).collect()) as u64;
        by_command.insert(&peer.baseline, kib);
        out.insert(peer.name, kib);
    }
    Ok(out)
}

/// Runs every peer once per round, `runs` rounds, starting each round at the next
/// peer: whatever drifts during the run (page cache, writeback) and whatever goes
/// with a position in the round (the run right after another peer's 1 GiB file
/// was deleted is measurably slower) falls on every peer alike.
pub(super) fn interleaved(
    runs: usize,
    peers: &[Run],
    mut once: impl FnMut(&'static str, &[String], Timing) -> Result<Sample>,
) -> Result<BTreeMap<&'static str, Vec<Sample>>> {
    let mut samples: BTreeMap<&'static str, Vec<Sample>> = BTreeMap::new();
    for round in 0..runs {
        for i in 0..peers.len() {
            let (peer, cmd, timing) = &peers[(round + i) % peers.len()];
            samples
                .entry(*peer)
                .or_default()
                .push(once(peer, cmd, *timing)?);
        }
    }
    Ok(samples)
}

pub(super) fn repeat<T>(runs: usize, mut once: impl FnMut() -> Result<T>) -> Result<Vec<T>> {
    (0..runs).map(|_| once()).collect()
}

/// Records a peer's medians: value, peak memory above its baseline, CPU.
pub(super) fn record(
    figure: &mut Figure,
    peer: &'static str,
    samples: &[Sample],
    baseline_kib: u64,
) {
    let seconds = median(samples.iter().map(|s| s.seconds).collect());
    let peak = median(
        samples
            .iter()
            .map(|s| s.peak_kib.saturating_sub(baseline_kib) as f64 / 1024.0)
            .collect(),
    );
    figure.values.insert(peer, (seconds, peak));
    figure
        .cpu
        .insert(peer, median(samples.iter().map(|s| s.cpu).collect()));
}

/// Records every peer's samples with [`record`] and prints a progress line each.
pub(super) fn record_all(
    figure: &mut Figure,
    samples: &BTreeMap<&'static str, Vec<Sample>>,
    baselines: &BTreeMap<&'static str, u64>,
) {
    for (peer, samples) in samples {
        record(
            figure,
            peer,
            samples,
            baselines.get(peer).copied().unwrap_or(0),
        );
        let (value, mib) = figure.values[peer];
        println!(
            "bench: {:<34} {:<20} {:>10.3} {:<5} {:>8.1} MiB",
            figure.name,
            peer,
            value,
            match figure.unit {
                Unit::Seconds => "s",
                Unit::Millis => "ms",
                Unit::PerSecond => "req/s",
            },
            mib
        );
    }
}
