//! The peers' command lines against one server: ours (bench-client, the CLI),
//! curl and the Python SDK script.

use std::path::PathBuf;

use super::measure::Peer;
use super::plan::KEY;

/// Where the programs are and which server they talk to.
#[derive(Clone)]
pub(super) struct Env {
    pub bench_client: PathBuf,
    pub cli: Option<PathBuf>,
    pub python: PathBuf,
    pub python_script: PathBuf,
    pub base: String,
    /// A CA certificate (PEM) to trust, for an HTTPS server.
    pub cacert: Option<PathBuf>,
}

impl Env {
    /// The same programs against another server.
    pub fn with_server(&self, base: &str, cacert: Option<PathBuf>) -> Self {
        Self {
            base: base.to_owned(),
            cacert,
            ..self.clone()
        }
    }

    pub fn ours(&self, mode: &str, op: &[&str]) -> Vec<String> {
        let mut cmd = vec![self.bench_client.display().to_string()];
        if let Some(ca) = &self.cacert {
            cmd.extend(["--cacert".into(), ca.display().to_string()]);
        }
        cmd.extend([self.base.clone(), mode.into()]);
        cmd.extend(op.iter().map(|s| s.to_string()));
        cmd
    }

    pub fn python(&self, op: &[&str]) -> Vec<String> {
        let mut cmd = vec![
            self.python.display().to_string(),
            self.python_script.display().to_string(),
            self.base.clone(),
        ];
        cmd.extend(op.iter().map(|s| s.to_string()));
        cmd
    }

    /// The CLI with its connection options and `--quiet`, then `op`.
    pub fn cli(&self, op: &[&str]) -> Option<Vec<String>> {
        let mut cmd = self.cli_bare(&[])?;
        cmd.push("--quiet".into());
        cmd.extend(op.iter().map(|s| s.to_string()));
        Some(cmd)
    }

    /// The CLI with its connection options only, then `op`.
    pub fn cli_bare(&self, op: &[&str]) -> Option<Vec<String>> {
        let cli = self.cli.as_ref()?;
        let mut cmd = vec![
            cli.display().to_string(),
            "--base-url".into(),
            self.base.clone(),
            "--api-key".into(),
            KEY.into(),
            "--ga".into(),
            "--max-upload-bytes".into(),
            (4u64 << 30).to_string(),
        ];
        if let Some(ca) = &self.cacert {
            cmd.extend(["--cacert".into(), ca.display().to_string()]);
        }
        cmd.extend(op.iter().map(|s| s.to_string()));
        Some(cmd)
    }

    pub fn curl(&self, extra: &[&str]) -> Vec<String> {
        let mut cmd: Vec<String> = [
            "curl",
            "-sS",
            "--fail",
            "-H",
            "x-api-key: sk-bench",
            "-H",
            "anthropic-version: 2026-10-21",
            "-H",
            "Expect:",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if let Some(ca) = &self.cacert {
            cmd.extend(["--cacert".into(), ca.display().to_string()]);
        }
        cmd.extend(extra.iter().map(|s| s.to_string()));
        cmd
    }

    /// curl running the transfers of a `--config` file, `max` at a time; its
    /// wall time is the figure.
    pub fn curl_parallel(&self, max: usize, config: &std::path::Path) -> Vec<String> {
        let max = max.to_string();
        let mut cmd: Vec<String> = [
            "curl",
            "-sS",
            "--no-progress-meter",
            "--parallel",
            "--parallel-immediate",
            "--parallel-max",
            &max,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        if let Some(ca) = &self.cacert {
            cmd.extend(["--cacert".into(), ca.display().to_string()]);
        }
        cmd.extend(["--config".into(), config.display().to_string()]);
        cmd
    }

    /// One `--config` block uploading `path` (`next` resets options: each block
    /// carries its own headers).
    pub fn curl_upload_block(&self, path: &str) -> String {
        format!(
            "url = \"{}/v1/files\"\nheader = \"x-api-key: {KEY}\"\nheader = \"anthropic-version: 2026-10-21\"\nheader = \"Expect:\"\nform = \"file=@{path}\"\noutput = \"/dev/null\"\nfail\n",
            self.base
        )
    }

    /// curl's download, then an fsync of the file, each timed: the same
    /// durability as our atomic `write_to` (which fsyncs before its rename).
    pub fn curl_then_fsync(&self, id: &str, out: &str) -> Vec<String> {
        let url = format!("{}/v1/files/{id}/content", self.base);
        let curl = self.curl(&["-o", out, "-w", "%{time_total}\\n", &url]);
        let quoted: Vec<String> = curl
            .iter()
            .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
            .collect();
        let fsync = format!(
            "python3 -c 'import os,sys,time; t=time.perf_counter(); fd=os.open(sys.argv[1], os.O_RDONLY); os.fsync(fd); print(time.perf_counter()-t)' '{out}'"
        );
        vec![
            "sh".into(),
            "-c".into(),
            format!("{} && {fsync}", quoted.join(" ")),
        ]
    }

    pub fn peers(&self) -> Vec<Peer> {
        let mut peers = vec![
            Peer {
                name: "ours (async)",
                baseline: self.ours("async", &["noop"]),
            },
            Peer {
                name: "ours (blocking)",
                baseline: self.ours("blocking", &["noop"]),
            },
            Peer {
                name: "ours (reqwest)",
                baseline: self.ours("reqwest", &["noop"]),
            },
            Peer {
                name: "curl",
                baseline: vec!["curl".into(), "--version".into()],
            },
            Peer {
                name: "curl + fsync",
                baseline: vec!["curl".into(), "--version".into()],
            },
            Peer {
                name: "Python SDK",
                baseline: self.python(&["noop"]),
            },
            Peer {
                name: "Python SDK (stream)",
                baseline: self.python(&["noop"]),
            },
            Peer {
                name: "Python SDK (async)",
                baseline: self.python(&["noop"]),
            },
        ];
        if let Some(cli) = &self.cli {
            peers.push(Peer {
                name: "ours (CLI)",
                baseline: vec![cli.display().to_string(), "--version".into()],
            });
        }
        peers
    }
}
