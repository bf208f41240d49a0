//! Many files at once (issue 12): a directory of N files uploaded 16 at a time,
//! ours through the library (`upload_many`) and the CLI (`upload DIR -R`),
//! against `curl --parallel` and the Python SDK (`AsyncAnthropic`, a semaphore).

use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Result, bail};
use files_client::Files;

use super::env::Env;
use super::fixtures::{delete_newer_than, newest, write_file};
use super::measure::{Figure, Run, Timing, Unit, interleaved, measure, record_all};
use super::plan::Bench;

/// Uploads `count` files of `size` bytes, `concurrency` at a time, every peer.
/// Ours (library and CLI) and curl are timed as whole processes; the Python
/// SDK as it reports, without its imports (about 1.5 s).
pub(super) fn many_files(
    bench: &mut Bench,
    env: &Env,
    setup: &Files,
    (count, size, label): (usize, u64, &str),
) -> Result<()> {
    let concurrency = bench.plan.many_concurrency;
    let dir = bench
        .work
        .join("files")
        .join(format!("many-{count}x{size}"));
    std::fs::create_dir_all(&dir)?;
    for i in 0..count {
        write_file(&dir.join(format!("f{i:05}.bin")), size, i as u64 + 1)?;
    }
    let d = dir.display().to_string();
    let conc = concurrency.to_string();
    let config = bench.work.join(format!("many-{count}.curl"));
    let mut blocks = Vec::with_capacity(count);
    for entry in sorted_files(&dir)? {
        blocks.push(env.curl_upload_block(&entry.display().to_string()));
    }
    std::fs::write(&config, blocks.join("next\n"))?;

    let mark = newest(&bench.runtime, setup)?;
    let cli = cli_command(env, &d, &conc)
        .filter(|cmd| cli_supports_bulk(bench, setup, cmd, mark.as_deref()));
    let runs: Vec<Run> = [
        (
            "ours (async)",
            Some(env.ours("async", &["upload-many", &d, &conc])),
            Timing::Wall,
        ),
        ("ours (CLI)", cli, Timing::Wall),
        (
            "curl",
            Some(env.curl_parallel(concurrency, &config)),
            Timing::Wall,
        ),
        (
            "Python SDK (async)",
            Some(env.python(&["upload-many", &d, &conc])),
            Timing::Reported,
        ),
    ]
    .into_iter()
    .filter_map(|(peer, cmd, timing)| Some((peer, cmd?, timing)))
    .collect();
    let samples = interleaved(bench.plan.runs, &runs, |peer, cmd, timing| {
        let sample = measure(cmd, timing);
        // Whatever happened, the server goes back to where it was.
        let stored = delete_newer_than(&bench.runtime, setup, mark.as_deref())?;
        let sample = sample?;
        if stored != count {
            bail!("{peer} stored {stored} of {count} files");
        }
        Ok(sample)
    })?;
    let mut figure = Figure::new(
        format!("many files: {count} × {label}, {concurrency} at a time"),
        Unit::Seconds,
    );
    record_all(&mut figure, &samples, &bench.baselines);
    bench.figures.push(figure);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

/// The CLI's bulk upload of a directory, as issue 12 specifies it.
fn cli_command(env: &Env, dir: &str, concurrency: &str) -> Option<Vec<String>> {
    env.cli_bare(&[
        "upload",
        dir,
        "-R",
        "--concurrency",
        concurrency,
        "--format",
        "jsonl",
        "--quiet",
    ])
}

/// Whether this build of the CLI uploads a directory with those options: one
/// trial on two small files, cleaned up after. If not, its cells stay empty.
fn cli_supports_bulk(bench: &Bench, setup: &Files, cmd: &[String], mark: Option<&str>) -> bool {
    let probe = bench.work.join("files").join("cli-probe");
    let dir_arg = cmd.iter().position(|a| a == "upload").map(|i| i + 1);
    let tried = (|| -> Result<bool> {
        std::fs::create_dir_all(&probe)?;
        for i in 0..2 {
            write_file(&probe.join(format!("p{i}.bin")), 1000, 100 + i)?;
        }
        let mut cmd = cmd.to_vec();
        if let Some(i) = dir_arg {
            cmd[i] = probe.display().to_string();
        }
        let ok = Command::new(&cmd[0])
            .args(&cmd[1..])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?
            .success();
        let stored = delete_newer_than(&bench.runtime, setup, mark)?;
        Ok(ok && stored == 2)
    })();
    let _ = std::fs::remove_dir_all(&probe);
    match tried {
        Ok(true) => true,
        Ok(false) | Err(_) => {
            println!(
                "bench: this CLI has no `upload DIR -R --concurrency N --format jsonl`: its many-files cells stay empty"
            );
            false
        }
    }
}

fn sorted_files(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    files.sort();
    Ok(files)
}
