//! `cargo xtask fuzz [--long] [--seconds N] [TARGET...]`: every fuzz target in
//! `fuzz/` (cargo-fuzz, libFuzzer with AddressSanitizer) for a fixed time each.
//!
//! - cargo-fuzz is installed from crates.io when it is missing;
//! - it runs on the stable toolchain with `RUSTC_BOOTSTRAP=1`;
//! - the targets are built once, with debug assertions: unoptimised for the
//!   short run (CI: a third of the build time, and a short run is about the
//!   shallow inputs anyway), optimised for `--long` and `--seconds N`;
//! - each runs for [`SHORT`] (CI), [`LONG`] (`--long`, by hand) or
//!   `--seconds N`, from its committed seeds (`fuzz/corpus/<target>`, which a
//!   run never changes) and a working corpus under `target/fuzz/corpus/<target>`
//!   that later runs start from; a long run forks one worker and goes on past
//!   a crash, so it always runs its whole time and saves every crash it finds;
//! - a crash is minimised (`cargo fuzz tmin`) and saved under
//!   `fuzz/artifacts/<target>/`, with the command that replays it;
//! - each target's executions, executions per second, coverage (edges and
//!   features) and peak memory are printed as it ends, and in a table at the end.
//!
//! The fuzzer's own output goes to `target/fuzz/logs/<target>.log`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};

/// Seconds per target in CI.
pub const SHORT: u64 = 10;
/// Seconds per target with `--long`.
pub const LONG: u64 = 600;

/// What one target's run came to.
#[derive(Debug, Default)]
struct Stats {
    target: String,
    seconds: u64,
    executions: u64,
    per_second: u64,
    edges: u64,
    features: u64,
    corpus: u64,
    peak_rss_mb: u64,
    /// Crash files this run saved.
    crashes: usize,
    /// The first crash, minimised when that worked.
    crash: Option<PathBuf>,
}

/// How a run is made.
#[derive(Debug, Clone, Copy)]
struct Mode {
    seconds: u64,
    /// An optimised build, one forked worker that goes on past crashes.
    long: bool,
}

impl Mode {
    /// cargo-fuzz's build flags: debug assertions always, optimised when long.
    fn build_flags(self) -> &'static [&'static str] {
        if self.long {
            &["--debug-assertions"]
        } else {
            &["--dev"]
        }
    }
}

/// Parses `cargo xtask fuzz`'s arguments and runs.
pub fn main(root: &Path, args: &[&str]) -> Result<()> {
    let mut mode = Mode {
        seconds: SHORT,
        long: false,
    };
    let mut targets = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--long" => {
                mode.seconds = LONG;
                mode.long = true;
            }
            "--seconds" => {
                mode.seconds = rest
                    .next()
                    .and_then(|s| s.parse().ok())
                    .context("--seconds needs a number")?;
                mode.long = true;
            }
            flag if flag.starts_with('-') => bail!("unknown flag {flag}"),
            target => targets.push(target.to_owned()),
        }
    }
    run(root, mode, &targets)
}

fn cargo(root: &Path) -> Command {
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .current_dir(root.join("fuzz"))
        .env("RUSTC_BOOTSTRAP", "1")
        // cargo-fuzz's own fuzz/target, not the workspace's.
        .env_remove("CARGO_TARGET_DIR");
    // What `cargo run` set for xtask itself: build scripts that read these
    // (ring's do) would see xtask's values, and every build from xtask would
    // redo what a build by hand did, and the other way round.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        let ours = [
            "CARGO_PKG_",
            "CARGO_MANIFEST_",
            "CARGO_CRATE_",
            "CARGO_BIN_",
        ]
        .iter()
        .any(|prefix| name.starts_with(prefix))
            || ["CARGO_PRIMARY_PACKAGE", "CARGO_RUSTC_CURRENT_DIR"].contains(&name.as_ref());
        if ours {
            cargo.env_remove(name.as_ref());
        }
    }
    cargo
}

/// Installs cargo-fuzz from crates.io unless it is already there.
fn ensure_cargo_fuzz(root: &Path) -> Result<()> {
    let present = cargo(root)
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if present {
        return Ok(());
    }
    println!("fuzz: installing cargo-fuzz from crates.io");
    let status = cargo(root)
        .args(["install", "cargo-fuzz", "--locked"])
        .status()
        .context("cannot run cargo install")?;
    if !status.success() {
        bail!("cargo install cargo-fuzz failed ({status})");
    }
    Ok(())
}

/// The targets `fuzz/` defines.
fn all_targets(root: &Path) -> Result<Vec<String>> {
    let output = cargo(root)
        .args(["fuzz", "list"])
        .output()
        .context("cannot run cargo fuzz list")?;
    if !output.status.success() {
        bail!(
            "cargo fuzz list failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

fn run(root: &Path, mode: Mode, wanted: &[String]) -> Result<()> {
    let seconds = mode.seconds;
    ensure_cargo_fuzz(root)?;
    let targets = all_targets(root)?;
    for target in wanted {
        if !targets.contains(target) {
            bail!("no fuzz target {target}; there are: {}", targets.join(", "));
        }
    }
    let targets = if wanted.is_empty() {
        targets
    } else {
        wanted.to_vec()
    };

    let started = Instant::now();
    println!(
        "fuzz: building {} targets ({}, debug assertions, AddressSanitizer)",
        targets.len(),
        if mode.long {
            "optimised"
        } else {
            "unoptimised"
        }
    );
    let status = cargo(root)
        .args(["fuzz", "build"])
        .args(mode.build_flags())
        .status()
        .context("cannot run cargo fuzz build")?;
    if !status.success() {
        bail!("cargo fuzz build failed ({status})");
    }
    println!("fuzz: built in {} s", started.elapsed().as_secs());

    let work = root.join("target/fuzz");
    let mut all = Vec::new();
    for target in &targets {
        let stats = run_target(root, &work, target, mode)?;
        println!(
            "fuzz: {:<30} {:>4} s {:>10} execs {:>7}/s  cov {:>5} ft {:>6}  corpus {:>5}  rss {:>4} MB{}",
            stats.target,
            stats.seconds,
            stats.executions,
            stats.per_second,
            stats.edges,
            stats.features,
            stats.corpus,
            stats.peak_rss_mb,
            if stats.crash.is_some() { "  CRASH" } else { "" }
        );
        all.push(stats);
    }

    println!(
        "\nfuzz: summary ({} s per target, {} s in all)",
        seconds,
        started.elapsed().as_secs()
    );
    println!(
        "| target | seconds | executions | execs/s | coverage (edges) | features | corpus | crashes |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for s in &all {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            s.target,
            s.seconds,
            s.executions,
            s.per_second,
            s.edges,
            s.features,
            s.corpus,
            s.crashes
        );
    }
    let crashed: Vec<&Stats> = all.iter().filter(|s| s.crash.is_some()).collect();
    if crashed.is_empty() {
        return Ok(());
    }
    for s in &crashed {
        if let Some(crash) = &s.crash {
            println!(
                "fuzz: {} crashed; replay with: (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run {} {} {})",
                s.target,
                mode.build_flags().join(" "),
                s.target,
                crash
                    .strip_prefix(root.join("fuzz"))
                    .unwrap_or(crash)
                    .display()
            );
        }
    }
    bail!("{} of {} fuzz targets crashed", crashed.len(), all.len())
}

fn run_target(root: &Path, work: &Path, target: &str, mode: Mode) -> Result<Stats> {
    let seconds = mode.seconds;
    let corpus = work.join("corpus").join(target);
    let logs = work.join("logs");
    fs::create_dir_all(&corpus).with_context(|| format!("cannot create {}", corpus.display()))?;
    fs::create_dir_all(&logs).with_context(|| format!("cannot create {}", logs.display()))?;
    let seeds = root.join("fuzz/corpus").join(target);
    fs::create_dir_all(&seeds).with_context(|| format!("cannot create {}", seeds.display()))?;
    let artifacts = root.join("fuzz/artifacts").join(target);
    fs::create_dir_all(&artifacts)?;
    let before = crash_files(&artifacts)?;

    let log_path = logs.join(format!("{target}.log"));
    let log = fs::File::create(&log_path)?;
    let mut command = cargo(root);
    command
        .args(["fuzz", "run"])
        .args(mode.build_flags())
        .arg(target)
        .arg(&corpus)
        .arg(&seeds)
        .arg("--");
    if mode.long {
        command.args([
            "-fork=1",
            "-ignore_crashes=1",
            "-ignore_timeouts=1",
            "-ignore_ooms=1",
        ]);
    }
    let status = command
        .arg(format!("-max_total_time={seconds}"))
        .arg("-print_final_stats=1")
        .arg("-timeout=10")
        .arg("-rss_limit_mb=2048")
        .arg("-max_len=65536")
        .arg(format!("-artifact_prefix={}/", artifacts.display()))
        .stdout(log.try_clone()?)
        .stderr(log)
        .status()
        .with_context(|| format!("cannot run cargo fuzz run {target}"))?;
    let text = fs::read_to_string(&log_path).unwrap_or_default();
    let mut stats = parse_stats(&text);
    stats.target = target.to_owned();
    stats.seconds = seconds;
    let new: Vec<PathBuf> = crash_files(&artifacts)?
        .into_iter()
        .filter(|p| !before.contains(p))
        .collect();
    stats.crashes = new.len();
    if !status.success() || !new.is_empty() {
        let Some(crash) = new.into_iter().next() else {
            let tail: Vec<&str> = text.lines().rev().take(40).collect();
            for line in tail.iter().rev() {
                println!("  {line}");
            }
            bail!(
                "fuzz target {target} failed ({status}) without a crash file; see {}",
                log_path.display()
            );
        };
        for line in text
            .lines()
            .skip_while(|l| !l.contains("panicked") && !l.contains("ERROR: "))
            .take(30)
        {
            println!("  {line}");
        }
        stats.crash = Some(minimise(root, mode, target, &crash, &artifacts).unwrap_or(crash));
    }
    Ok(stats)
}

/// The crash, leak, timeout and out-of-memory inputs libFuzzer saved.
fn crash_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if ["crash-", "leak-", "timeout-", "oom-"]
            .iter()
            .any(|p| name.starts_with(p))
        {
            files.push(path);
        }
    }
    Ok(files)
}

/// Minimises a crash with `cargo fuzz tmin`; the minimised input's path.
fn minimise(
    root: &Path,
    mode: Mode,
    target: &str,
    crash: &Path,
    artifacts: &Path,
) -> Option<PathBuf> {
    let name = crash.file_name()?.to_str()?.to_owned();
    let status = cargo(root)
        .args(["fuzz", "tmin"])
        .args(mode.build_flags())
        .args(["-r", "2000", target])
        .arg(crash)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()?;
    let minimised = artifacts.join(format!("minimized-from-{}", name.split('-').next_back()?));
    (status.success() && minimised.exists()).then_some(minimised)
}

/// libFuzzer's final stats and the last coverage line.
fn parse_stats(log: &str) -> Stats {
    let mut stats = Stats::default();
    let mut last_count = 0;
    let mut last_rate = 0;
    let number = |line: &str, key: &str| -> Option<u64> {
        let at = line.find(key)? + key.len();
        line[at..]
            .trim_start()
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    for line in log.lines() {
        if let Some(n) = number(line, "stat::number_of_executed_units:") {
            stats.executions = n;
        }
        if let Some(n) = number(line, "stat::average_exec_per_sec:") {
            stats.per_second = n;
        }
        if let Some(n) = number(line, "stat::peak_rss_mb:") {
            stats.peak_rss_mb = n;
        }
        if line.starts_with('#') && line.contains(" cov: ") {
            stats.edges = number(line, " cov:").unwrap_or(stats.edges);
            stats.features = number(line, " ft:").unwrap_or(stats.features);
            stats.corpus = number(line, " corp:").unwrap_or(stats.corpus);
            last_count = number(line, "#").unwrap_or(last_count);
            last_rate = number(line, "exec/s:").unwrap_or(last_rate);
        }
    }
    // A forked run prints no final stats: its last progress line says it.
    if stats.executions == 0 {
        stats.executions = last_count;
    }
    if stats.per_second == 0 {
        stats.per_second = last_rate;
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forked_runs_last_progress_line_gives_its_executions() {
        let log = "#1000: cov: 200 ft: 400 corp: 50 exec/s: 100 oom/timeout/crash: 0/0/0 time: 10s job: 1 dft_time: 0\n\
                   #61000: cov: 250 ft: 520 corp: 70 exec/s: 101 oom/timeout/crash: 0/0/1 time: 600s job: 30 dft_time: 0\n\
                   INFO: fuzzed for 600 seconds, wrapping up soon\n";
        let stats = parse_stats(log);
        assert_eq!(
            (
                stats.executions,
                stats.per_second,
                stats.edges,
                stats.features,
                stats.corpus
            ),
            (61000, 101, 250, 520, 70)
        );
    }

    #[test]
    fn final_stats_and_coverage_are_read_from_libfuzzers_log() {
        let log = "#2\tINITED cov: 10 ft: 11 corp: 1/1b exec/s: 0 rss: 30Mb\n\
                   #4096\tpulse  cov: 120 ft: 300 corp: 40/2Kb lim: 43 exec/s: 2048 rss: 40Mb\n\
                   #5000\tDONE   cov: 130 ft: 320 corp: 42/2Kb lim: 43 exec/s: 2500 rss: 41Mb\n\
                   Done 5000 runs in 2 second(s)\n\
                   stat::number_of_executed_units: 5000\n\
                   stat::average_exec_per_sec:     2500\n\
                   stat::new_units_added:          41\n\
                   stat::slowest_unit_time_sec:    0\n\
                   stat::peak_rss_mb:              41\n";
        let stats = parse_stats(log);
        assert_eq!(
            (
                stats.executions,
                stats.per_second,
                stats.edges,
                stats.features,
                stats.corpus,
                stats.peak_rss_mb
            ),
            (5000, 2500, 130, 320, 42, 41)
        );
    }
}
