//! The local Files API server for the xtasks that run it as a child process:
//! `anthropic-files serve`, built by cargo, started on an ephemeral port,
//! killed on drop.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// The target directory: `CARGO_TARGET_DIR`, else `target` under `root`.
pub(crate) fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// Builds the `anthropic-files` binary (`release` or debug), whose `serve`
/// runs the server; returns its path.
pub(crate) fn build(root: &Path, release: bool) -> Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let profile = if release { "release" } else { "debug" };
    let mut build = Command::new(&cargo);
    build.current_dir(root).args([
        "build",
        "--quiet",
        "-p",
        "files-cli",
        "--bin",
        "anthropic-files",
    ]);
    if release {
        build.arg("--release");
    }
    let status = build.status().context("cannot start cargo build")?;
    if !status.success() {
        bail!("cannot build anthropic-files ({profile})");
    }
    Ok(target_dir(root).join(profile).join("anthropic-files"))
}

/// `anthropic-files serve` in a child process, on an ephemeral port, with a data
/// dir of its own.
pub(crate) struct Server {
    child: Child,
    pub(crate) url: String,
}

impl Server {
    /// Starts `bin serve` (`bin` is `anthropic-files`) with `args` and reads the
    /// `listening on` line.
    pub(crate) fn start_with(bin: &Path, args: &[&str]) -> Result<Self> {
        Self::start_with_stderr(bin, args, Stdio::null())
    }

    /// Like [`Server::start_with`], with the server's stderr (its `--log`) sent
    /// to `stderr`.
    pub(crate) fn start_with_stderr(bin: &Path, args: &[&str], stderr: Stdio) -> Result<Self> {
        let mut child = Command::new(bin)
            .arg("serve")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let stdout = child.stdout.take().context("no stdout")?;
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = send.send(line);
        });
        let line = receive
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_default();
        match line.trim().strip_prefix("listening on ") {
            Some(url) => Ok(Self {
                child,
                url: url.to_owned(),
            }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                bail!("anthropic-files serve did not say where it listens (got {line:?})")
            }
        }
    }

    /// The child's process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}
