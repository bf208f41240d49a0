//! `cargo xtask bench [--quick]`: our async client, blocking client and CLI side by
//! side with curl and the official Python SDK, in one run, against one release
//! build of files-server on 127.0.0.1 (and a second one serving HTTPS). Each
//! measured run is a process of its own, under GNU time for its peak RSS;
//! figures are medians.
//!
//! Writes the table between the markers of `docs/BENCHMARKS.md` (the text around
//! them is kept) and draws `docs/bench-chart.png`.
//!
//! - [`plan`]: what a run measures and what its figures share.
//! - [`measure`]: one run under GNU time, peers interleaved, medians.
//! - [`env`](mod@env): the peers' command lines.
//! - [`fixtures`]: input files, cleaning up between runs, the server's counters.
//! - [`transfers`], [`requests`], [`many_files`], [`tls`]: the figures.
//! - [`render`], `chart`: docs/BENCHMARKS.md and docs/bench-chart.png. The
//!   chart (plotters, about 20 crates) is built only with xtask's `chart`
//!   feature, which `cargo xtask bench` turns on by running itself again, so
//!   `cargo test --workspace` never builds it.

#[cfg(feature = "chart")]
mod chart;
mod env;
mod fixtures;
mod many_files;
mod measure;
mod plan;
pub mod rate;
mod render;
mod requests;
mod tls;
mod transfers;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Result, bail};
use files_client::{ApiGeneration, FileUpload, Files};

use crate::python::venv;
use crate::server::Server;
use env::Env;
use plan::{Bench, KEY, PYTHON_SDK, Plan};
use transfers::Target;

pub fn run(root: &Path, quick: bool) -> Result<()> {
    if !cfg!(feature = "chart") {
        return run_with_chart(root, quick);
    }
    let plan = Plan::new(quick);
    let started = Instant::now();
    if !Path::new("/usr/bin/time").exists() {
        bail!("GNU time is needed for peak RSS: apt-get install time");
    }
    let release = build(root)?;
    let target_dir = release
        .parent()
        .map_or_else(|| root.join("target"), Path::to_path_buf);
    let python = venv(
        &target_dir
            .join("conformance")
            .join(format!("venv-{PYTHON_SDK}")),
        PYTHON_SDK,
    )?;

    let work = target_dir.join("bench");
    if work.exists() {
        std::fs::remove_dir_all(&work)?;
    }
    for dir in ["data", "files", "out"] {
        std::fs::create_dir_all(work.join(dir))?;
    }
    let largest = plan.sizes.iter().map(|s| s.1).max().unwrap_or(0);
    let mut server = start_server(&release, &work, largest)?;
    let env = Env {
        bench_client: release.join("bench-client"),
        cli: Some(release.join("anthropic-files")),
        python,
        python_script: root.join("xtask/bench/bench_python.py"),
        base: server.url.clone(),
        cacert: None,
    };
    println!("bench: files-server at {}", env.base);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let setup = files_client::Client::builder()
        .api_key(KEY)
        .base_url(&env.base)
        .generation(ApiGeneration::Ga)
        .max_upload_bytes(largest * 2)
        .build()?
        .files();
    let baselines = measure::baselines(&env.peers(), plan.runs.min(3))?;
    let mut bench = Bench {
        plan,
        work,
        runtime,
        baselines,
        figures: Vec::new(),
        points: Vec::new(),
        connections: BTreeMap::new(),
        cold: Vec::new(),
    };

    all_figures(&mut bench, &env, &setup, &release.join("anthropic-files"))?;
    server.stop();
    let elapsed = started.elapsed();
    let table = render::render(&render::Report {
        quick,
        runs: bench.plan.runs,
        cold_runs: bench.plan.cold_runs,
        figures: &bench.figures,
        connections: &bench.connections,
        cold: &bench.cold,
        baselines: &bench.baselines,
        seconds: elapsed.as_secs_f64(),
    })?;
    render::write_markdown(&root.join("docs/BENCHMARKS.md"), &table)?;
    #[cfg(feature = "chart")]
    chart::chart(&root.join("docs/bench-chart.png"), &bench.points)?;
    println!(
        "bench: wrote docs/BENCHMARKS.md and docs/bench-chart.png in {:.0} s",
        elapsed.as_secs_f64()
    );
    Ok(())
}

/// `cargo xtask bench` again, built with the `chart` feature.
fn run_with_chart(root: &Path, quick: bool) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(root).args([
        "run",
        "--quiet",
        "--package",
        "xtask",
        "--features",
        "chart",
        "--",
        "bench",
    ]);
    if quick {
        command.arg("--quick");
    }
    let status = command.status()?;
    if !status.success() {
        bail!("bench: {status}");
    }
    Ok(())
}

/// Every figure, in order, against the plain server (and the HTTPS one).
fn all_figures(bench: &mut Bench, env: &Env, setup: &Files, server_bin: &Path) -> Result<()> {
    let plain = Target {
        env,
        setup,
        log: None,
        all_peers: true,
        prefix: "",
    };
    for (label, size) in bench.plan.sizes.clone() {
        transfers::transfers(bench, &plain, label, size)?;
    }
    let https = bench.plan.https;
    tls::https(bench, server_bin, env, https)?;
    let small = bench
        .runtime
        .block_on(setup.upload(FileUpload::bytes("small.txt", "metadata")))?
        .id;
    requests::metadata(bench, env, &small)?;
    requests::metadata_concurrent(bench, env, &small)?;
    for many in bench.plan.many.clone() {
        many_files::many_files(bench, env, setup, many)?;
    }
    requests::list(bench, env, setup)?;
    requests::concurrent_uploads(bench, env)?;
    requests::cold_starts(bench, env, &small)?;

    Ok(())
}

/// The plain-HTTP release server (`anthropic-files serve`) most figures run against.
fn start_server(release: &Path, work: &Path, largest: u64) -> Result<Server> {
    Server::start_with(
        &release.join("anthropic-files"),
        &[
            "--listen",
            "127.0.0.1:0",
            "--uploads-downloadable",
            "--admin-token",
            crate::conformance::ADMIN_TOKEN,
            "--max-file-size",
            &(largest * 2).to_string(),
            "--storage-quota",
            &(u64::MAX / 2).to_string(),
            "--data-dir",
            &work.join("data").display().to_string(),
        ],
    )
}

/// Builds the release binaries under test; returns their directory.
fn build(root: &Path) -> Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    println!("bench: building release binaries");
    let mut build = Command::new(&cargo);
    build.current_dir(root).args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "files-cli",
        "-p",
        "xtask",
        "--bin",
        "bench-client",
        "--bin",
        "anthropic-files",
    ]);
    // `cargo run` hands this process variables like CARGO_PKG_NAME=xtask; build
    // scripts that watch them would rebuild (ring, in release) on every switch
    // between this build and the same one typed in a shell.
    for (name, _) in std::env::vars_os() {
        if let Some(name) = name.to_str()
            && (name.starts_with("CARGO_PKG_")
                || matches!(
                    name,
                    "CARGO_MANIFEST_DIR"
                        | "CARGO_MANIFEST_PATH"
                        | "CARGO_CRATE_NAME"
                        | "CARGO_BIN_NAME"
                        | "CARGO_PRIMARY_PACKAGE"
                ))
        {
            build.env_remove(name);
        }
    }
    if !build.status()?.success() {
        bail!("the release build failed");
    }
    Ok(crate::server::target_dir(root).join("release"))
}
