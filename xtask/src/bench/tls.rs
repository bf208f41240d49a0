//! HTTPS (issue 10): a second release files-server serving TLS with a
//! certificate from a test CA made here, and the 100 MB upload and download,
//! ours against curl, each trusting that CA; the server's request log says
//! which HTTP version each peer negotiated.

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use anyhow::{Context, Result};
use files_client::ApiGeneration;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, SanType};

use super::env::Env;
use super::plan::{Bench, KEY};
use super::transfers::{Target, transfers};
use crate::server::Server;

/// The test CA's certificate, and the server's certificate and key, as PEM files.
struct Pki {
    ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

/// A CA, and a certificate for 127.0.0.1 and localhost that it signed.
fn pki(dir: &Path) -> Result<Pki> {
    std::fs::create_dir_all(dir)?;
    let ca_key = KeyPair::generate()?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "anthropic-files bench CA");
    let ca_cert = ca_params.self_signed(&ca_key)?;
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(vec!["localhost".to_owned()])?;
    params
        .subject_alt_names
        .push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
    let cert = params.signed_by(&key, &issuer)?;
    let pki = Pki {
        ca: dir.join("ca.pem"),
        cert: dir.join("cert.pem"),
        key: dir.join("key.pem"),
    };
    std::fs::write(&pki.ca, ca_cert.pem())?;
    std::fs::write(&pki.cert, cert.pem())?;
    std::fs::write(&pki.key, key.serialize_pem())?;
    Ok(pki)
}

/// The HTTPS upload and download of `size` bytes, ours (async) against curl.
pub(super) fn https(
    bench: &mut Bench,
    server_bin: &Path,
    env: &Env,
    (label, size): (&str, u64),
) -> Result<()> {
    let dir = bench.work.join("tls");
    let pki = pki(&dir)?;
    let data = bench.work.join("data-tls");
    std::fs::create_dir_all(&data)?;
    let log = dir.join("server.log");
    let log_file = std::fs::File::create(&log)?;
    let mut server = Server::start_with_stderr(
        server_bin,
        &[
            "--listen",
            "127.0.0.1:0",
            "--uploads-downloadable",
            "--max-file-size",
            &(size * 2).to_string(),
            "--storage-quota",
            &(u64::MAX / 2).to_string(),
            "--tls-cert",
            &pki.cert.display().to_string(),
            "--tls-key",
            &pki.key.display().to_string(),
            "--log",
            "--data-dir",
            &data.display().to_string(),
        ],
        Stdio::from(log_file),
    )?;
    println!("bench: HTTPS files-server at {}", server.url);
    let ca_pem = std::fs::read(&pki.ca)?;
    let setup = bench.runtime.block_on(async {
        files_client::Client::builder()
            .api_key(KEY)
            .base_url(&server.url)
            .generation(ApiGeneration::Ga)
            .max_upload_bytes(size * 2)
            .add_root_certificates_pem(ca_pem)
            .build()
    })?;
    let env = env.with_server(&server.url, Some(pki.ca.clone()));
    let files = setup.files();
    let target = Target {
        env: &env,
        setup: &files,
        log: Some(&log),
        all_peers: false,
        prefix: "HTTPS ",
    };
    let result = transfers(bench, &target, label, size).context("the HTTPS figures");
    server.stop();
    result
}
