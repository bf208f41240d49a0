//! Python tools for xtask's checks: a virtual environment per pinned package
//! (under `target/`), and a child process run under a time limit. Used by
//! `conformance` (the official SDK), `schemathesis` and `bench`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

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
