//! `cargo xtask conformance`: the official Python SDK as a second, independent client
//! of files-server. Each SDK version gets a virtual environment of its own (under
//! `target/conformance/`) and a fresh server; `xtask/conformance/conformance.py`
//! drives the whole lifecycle and asserts what the SDK sees. Schemathesis runs
//! after (see `schemathesis.rs`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::server::{self, Server};

/// The SDK versions and the generation each one drives.
const SDKS: [(&str, &str); 2] = [("1.0.0", "beta"), ("2.12.0", "ga")];

/// The server's per-file limit during the run (the script's oversize case needs it).
const MAX_FILE_SIZE: &str = "1048576";

/// The admin token the conformance servers are started with (a test secret).
pub(crate) const ADMIN_TOKEN: &str = "conformance-admin-token";

/// The longest one SDK's run may take.
const RUN_LIMIT: Duration = Duration::from_secs(300);

pub fn run(root: &Path) -> Result<()> {
    let server_bin = server::build(root, false)?;
    let target = server::target_dir(root);
    let script = root.join("xtask/conformance/conformance.py");

    let mut failures = Vec::new();
    for (version, generation) in SDKS {
        let python = venv(
            &target.join("conformance").join(format!("venv-{version}")),
            version,
        )?;
        let data = target.join("conformance").join(format!("data-{version}"));
        if data.exists() {
            std::fs::remove_dir_all(&data)?;
        }
        let mut server = start_server(&server_bin, &data)?;
        println!(
            "conformance: anthropic=={version} ({generation}) against {}",
            server.url
        );
        let outcome = run_limited(
            Command::new(&python).arg(&script).args([
                "--base-url",
                &server.url,
                "--generation",
                generation,
                "--admin-token",
                ADMIN_TOKEN,
            ]),
            RUN_LIMIT,
        );
        server.stop();
        match outcome {
            Ok(true) => println!("conformance: anthropic=={version} ({generation}) passed"),
            Ok(false) => failures.push(format!("anthropic=={version} ({generation})")),
            Err(err) => failures.push(format!("anthropic=={version} ({generation}): {err:#}")),
        }
    }
    if !failures.is_empty() {
        bail!("conformance failed for {}", failures.join(", "));
    }
    println!("conformance: every SDK passed");
    crate::schemathesis::run(root, &server_bin, &target)
}

/// A virtual environment with exactly `anthropic==version`; made once, reused after.
pub(crate) fn venv(dir: &Path, version: &str) -> Result<PathBuf> {
    venv_with(dir, "anthropic", version)
}

/// A virtual environment with exactly `package==version` (from PyPI); made once,
/// reused after.
pub(crate) fn venv_with(dir: &Path, package: &str, version: &str) -> Result<PathBuf> {
    let python = dir.join("bin").join("python");
    let installed = Command::new(&python)
        .args([
            "-c",
            &format!("import importlib.metadata as m; print(m.version({package:?}))"),
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if installed.as_deref() == Some(version) {
        return Ok(python);
    }
    println!(
        "conformance: installing {package}=={version} into {}",
        dir.display()
    );
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    let made = Command::new("python3")
        .arg("-m")
        .arg("venv")
        .arg(dir)
        .status()
        .context("cannot run python3 -m venv (is python3 installed?)")?;
    if !made.success() {
        bail!("python3 -m venv {} failed", dir.display());
    }
    let pip = Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--retries",
            "5",
            "--timeout",
            "60",
        ])
        .arg(format!("{package}=={version}"))
        .status()
        .context("cannot run pip")?;
    if !pip.success() {
        bail!("pip install {package}=={version} failed");
    }
    Ok(python)
}

/// files-server for one SDK: the admin token and the per-file limit the script
/// expects, data in `data`.
fn start_server(bin: &Path, data: &Path) -> Result<Server> {
    let data = data.display().to_string();
    Server::start_with(
        bin,
        &[
            "--listen",
            "127.0.0.1:0",
            "--admin-token",
            ADMIN_TOKEN,
            "--max-file-size",
            MAX_FILE_SIZE,
            "--data-dir",
            &data,
        ],
    )
}

/// Runs `command`, killing it after `limit`; true when it exited 0.
pub(crate) fn run_limited(command: &mut Command, limit: Duration) -> Result<bool> {
    let mut child = command.spawn().context("cannot start the SDK script")?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status.success());
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            bail!("timed out after {} s", limit.as_secs());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}
