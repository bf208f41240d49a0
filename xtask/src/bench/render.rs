//! The Markdown between the markers of docs/BENCHMARKS.md.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail};

use super::measure::{Figure, PEERS, Unit};
use super::plan::{BEGIN, END, PYTHON_SDK};

/// What one run of the bench found.
pub(super) struct Report<'a> {
    pub quick: bool,
    pub runs: usize,
    pub cold_runs: usize,
    pub figures: &'a [Figure],
    pub connections: &'a BTreeMap<&'static str, u64>,
    pub cold: &'a [(&'static str, &'static str, f64)],
    pub baselines: &'a BTreeMap<&'static str, u64>,
    pub seconds: f64,
}

pub(super) fn render(report: &Report<'_>) -> Result<String> {
    let mut md = String::new();
    let date = command_output("date", &["-u", "+%Y-%m-%d %H:%M UTC"]);
    writeln!(
        md,
        "Run `cargo xtask bench{}` on {date}, in {:.0} s.",
        if report.quick { " --quick" } else { "" },
        report.seconds
    )?;
    writeln!(md, "\nMachine: {}.", machine())?;
    writeln!(
        md,
        "Peers: curl; the official Python SDK `anthropic=={PYTHON_SDK}` (`client.files`: its default upload reads the whole file, its default download holds the whole body; `with_streaming_response` and open file objects are its streaming variants; `AsyncAnthropic` for the concurrent figures); ours built with `--release`."
    )?;
    writeln!(
        md,
        "Every run is a separate process against one release `anthropic-files serve` on 127.0.0.1 (data on local disk, fsync on every upload; the HTTPS figures against a second one serving TLS with a test CA), after a `sync`, with the peers interleaved run by run and the first peer of each round rotated; figures are medians of {} runs; memory is the process's peak RSS (GNU time `%M`) above that peer's idle baseline (the same program doing nothing), in MiB; cpu is the client process's user + system time (GNU time `%U + %S`). Ratios compare times (for req/s, the inverse of the rates): above 1 means the first is slower.\n",
        report.runs
    )?;
    figure_table(&mut md, report.figures)?;
    throughput_table(&mut md, report.figures)?;
    many_files_goals(&mut md, report.figures)?;
    writeln!(
        md,
        "\nConnections opened by the concurrent uploads: {}.",
        report
            .connections
            .iter()
            .map(|(p, n)| format!("{p} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    writeln!(
        md,
        "\nCold starts (median of {} runs, wall time of the whole process):\n",
        report.cold_runs
    )?;
    writeln!(md, "| figure | peer | ms |\n|---|---|---|")?;
    for (figure, peer, ms) in report.cold {
        writeln!(md, "| {figure} | {peer} | {ms:.1} |")?;
    }
    writeln!(
        md,
        "\nIdle baselines (peak RSS of the program doing nothing): {}.",
        report
            .baselines
            .iter()
            .map(|(p, k)| format!("{p} {:.1} MiB", *k as f64 / 1024.0))
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    writeln!(
        md,
        "\nCommands: ours = `bench-client [--cacert CA] BASE async|blocking OP …` and `anthropic-files --base-url BASE --ga …`; curl = `curl -F file=@PATH` / `-o OUT` / one `--config` of N URLs on one connection / `--parallel --parallel-max N` over a `--config`; Python = `xtask/bench/bench_python.py`. Times: Python as reported by the script (its work, without the interpreter's start-up and imports); ours as reported by bench-client, except in the concurrent-metadata and many-files figures, where ours is timed as a whole process like curl; curl's `%{{time_total}}` for single transfers; wall time of the process for curl's configs and the CLI. The HTTPS cells name the HTTP version each peer negotiated, as the server logged it."
    )?;
    Ok(md)
}

fn present(figures: &[Figure]) -> Vec<&'static str> {
    PEERS
        .iter()
        .copied()
        .filter(|p| figures.iter().any(|f| f.values.contains_key(p)))
        .collect()
}

fn figure_table(md: &mut String, figures: &[Figure]) -> Result<()> {
    let present = present(figures);
    writeln!(
        md,
        "| figure | {} | ours (async) ÷ curl | Python SDK ÷ ours (async) |",
        present.join(" | ")
    )?;
    writeln!(md, "|---|{}---|---|", "---|".repeat(present.len()))?;
    for figure in figures {
        let unit = match figure.unit {
            Unit::Seconds => "s",
            Unit::Millis => "ms",
            Unit::PerSecond => "req/s",
        };
        let mut row = format!("| {} ({unit}) |", figure.name);
        for peer in &present {
            let Some((value, mib)) = figure.values.get(peer) else {
                row.push_str(" — |");
                continue;
            };
            write!(row, " {}", fmt_value(*value, figure.unit))?;
            if mib.is_finite() {
                let cpu = figure.cpu.get(peer).copied().unwrap_or(f64::NAN);
                write!(row, " · {mib:.1} MiB · {cpu:.2} s cpu")?;
            }
            if let Some(note) = figure.notes.get(peer) {
                write!(row, " · {note}")?;
            }
            row.push_str(" |");
        }
        let python = if figure.values.contains_key("Python SDK") {
            "Python SDK"
        } else {
            "Python SDK (async)"
        };
        write!(
            row,
            " {} | {} |",
            fmt_ratio(figure.time_ratio("ours (async)", "curl")),
            fmt_ratio(figure.time_ratio(python, "ours (async)"))
        )?;
        writeln!(md, "{row}")?;
    }
    Ok(())
}

fn throughput_table(md: &mut String, figures: &[Figure]) -> Result<()> {
    let transfers: Vec<&Figure> = figures.iter().filter(|f| f.bytes.is_some()).collect();
    let present = present(figures);
    writeln!(
        md,
        "\nThroughput (MB/s, 10^6 bytes) of the transfers above:\n"
    )?;
    writeln!(md, "| transfer | {} |", present.join(" | "))?;
    writeln!(md, "|---|{}", "---|".repeat(present.len()))?;
    for figure in transfers {
        let mb = figure.bytes.unwrap_or(0) as f64 / 1e6;
        let mut row = format!("| {} |", figure.name);
        for peer in &present {
            match figure.values.get(peer) {
                Some((s, _)) => write!(row, " {:.0} |", mb / s)?,
                None => row.push_str(" — |"),
            }
        }
        writeln!(md, "{row}")?;
    }
    Ok(())
}

/// Issue 12's goals for the many-files figures: within 1.5× curl's time and at
/// least 2× faster than the Python SDK, for the library and the CLI.
fn many_files_goals(md: &mut String, figures: &[Figure]) -> Result<()> {
    let many: Vec<&Figure> = figures
        .iter()
        .filter(|f| f.name.starts_with("many files"))
        .collect();
    if many.is_empty() {
        return Ok(());
    }
    writeln!(
        md,
        "\nMany files against the goals (time ≤ 1.5× curl's, ≥ 2× faster than the Python SDK):\n"
    )?;
    writeln!(
        md,
        "| figure | ours | ÷ curl | Python SDK (async) ÷ ours | goals met? |\n|---|---|---|---|---|"
    )?;
    for figure in many {
        for (peer, label) in [
            ("ours (async)", "library (`upload_many`)"),
            ("ours (CLI)", "CLI (`upload -R`)"),
        ] {
            let curl = figure.time_ratio(peer, "curl");
            let python = figure.time_ratio("Python SDK (async)", peer);
            let met = match (curl, python) {
                (Some(c), Some(p)) => match (c <= 1.5, p >= 2.0) {
                    (true, true) => "yes",
                    (false, true) => "**no** (curl)",
                    (true, false) => "**no** (Python)",
                    (false, false) => "**no** (both)",
                },
                _ => "— (not measured)",
            };
            writeln!(
                md,
                "| {} | {label} | {} | {} | {met} |",
                figure.name,
                fmt_ratio(curl),
                fmt_ratio(python)
            )?;
        }
    }
    Ok(())
}

fn fmt_ratio(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "—".into(), |r| format!("{r:.2}×"))
}

fn fmt_value(value: f64, unit: Unit) -> String {
    match unit {
        Unit::Millis => format!("{value:.3} ms"),
        Unit::Seconds => format!("{value:.3} s"),
        Unit::PerSecond => format!("{value:.0} req/s"),
    }
}

/// Replaces what lies between the markers; creates the file if it is missing.
pub(super) fn write_markdown(path: &Path, table: &str) -> Result<()> {
    let current = std::fs::read_to_string(path)
        .unwrap_or_else(|_| format!("# Benchmarks\n\n{BEGIN}\n{END}\n"));
    let (Some(start), Some(end)) = (current.find(BEGIN), current.find(END)) else {
        bail!("{} lacks the bench markers", path.display());
    };
    let updated = format!("{}{BEGIN}\n{table}{}", &current[..start], &current[end..]);
    std::fs::write(path, updated)?;
    Ok(())
}

fn command_output(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned()
        })
        .unwrap_or_default()
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or_default().trim().to_owned())
        })
        .unwrap_or_default();
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines().next().map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse::<u64>()
                    .unwrap_or(0)
            })
        })
        .map_or(0, |kib| kib / 1024 / 1024);
    format!(
        "{} cores ({cpu}), {memory} GiB, {}; {}; {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        command_output("uname", &["-sr"]),
        command_output("rustc", &["--version"]),
        command_output("curl", &["--version"]),
    )
}
