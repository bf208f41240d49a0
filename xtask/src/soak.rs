//! `cargo xtask soak [--long]`: many concurrent clients doing mixed operations
//! against files-server (the debug build for the short run, which CI has built
//! already; a release build for `--long`), a `kill -9` in the middle, a restart, then
//! verification against a ledger of what the clients were told:
//!
//! - every acknowledged upload is present with its exact bytes;
//! - every acknowledged delete is gone;
//! - nothing is present that was never sent (and whatever is present has the
//!   bytes that were sent under its name).
//!
//! The clients speak plain HTTP/1.1 over TCP (one request per connection), so
//! the soak depends on nothing but the server's wire contract. The short run (CI)
//! is one cycle of a few seconds; `--long` runs several longer cycles.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::server::{self, Server};

/// How a soak run is shaped.
struct Plan {
    clients: usize,
    cycles: usize,
    load: Duration,
    largest: usize,
}

const SHORT: Plan = Plan {
    clients: 24,
    cycles: 1,
    load: Duration::from_secs(4),
    largest: 256 * 1024,
};

const LONG: Plan = Plan {
    clients: 64,
    cycles: 4,
    load: Duration::from_secs(30),
    largest: 4 * 1024 * 1024,
};

/// How long the clients go on after the kill (their requests fail).
const AFTER_KILL: Duration = Duration::from_millis(500);

/// The longest one request may take.
const REQUEST_LIMIT: Duration = Duration::from_secs(60);

/// What the clients sent and what they were told.
#[derive(Default)]
struct Ledger {
    /// Every filename ever sent, with the seed of its bytes and its size.
    sent: HashMap<String, (u64, usize)>,
    /// Uploads the server acknowledged: id -> filename.
    acked: HashMap<String, String>,
    /// Deletes the server acknowledged.
    deleted: HashSet<String>,
    /// Deletes sent without an answer: the file may or may not be gone.
    maybe_deleted: HashSet<String>,
    operations: u64,
    failures: u64,
}

pub fn run(root: &Path, long: bool) -> Result<()> {
    let plan = if long { LONG } else { SHORT };
    let bin = server::build(root, long)?;
    let target = server::target_dir(root);
    let data = target.join("soak").join("data");
    if data.exists() {
        std::fs::remove_dir_all(&data)?;
    }
    std::fs::create_dir_all(&data)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    for cycle in 1..=plan.cycles {
        let mut server = start(&bin, &data)?;
        let addr = server_addr(&server)?;
        println!(
            "soak: cycle {cycle}/{}: {} clients for {:?} against {}, then kill -9",
            plan.cycles, plan.clients, plan.load, server.url
        );
        runtime.block_on(async {
            let clients = tokio::spawn(load(
                addr.clone(),
                plan.load + AFTER_KILL,
                plan.clients,
                plan.largest,
                cycle,
                Arc::clone(&ledger),
            ));
            tokio::time::sleep(plan.load).await;
            server.stop(); // SIGKILL, with clients mid-request
            let _ = clients.await;
        });
        let server = start(&bin, &data)?;
        let addr = server_addr(&server)?;
        let ledger = ledger
            .lock()
            .map_err(|_| anyhow::anyhow!("ledger poisoned"))?;
        runtime.block_on(verify(&addr, &ledger))?;
        println!(
            "soak: cycle {cycle}: verified after restart ({} operations, {} without an answer, {} acknowledged uploads, {} acknowledged deletes)",
            ledger.operations,
            ledger.failures,
            ledger.acked.len(),
            ledger.deleted.len()
        );
        drop(server);
    }
    println!("soak: passed");
    Ok(())
}

fn start(bin: &Path, data: &Path) -> Result<Server> {
    let data = data.display().to_string();
    Server::start_with(
        bin,
        &[
            "--listen",
            "127.0.0.1:0",
            "--uploads-downloadable",
            "--max-connections",
            "4096",
            "--data-dir",
            &data,
        ],
    )
}

fn server_addr(server: &Server) -> Result<String> {
    server
        .url
        .strip_prefix("http://")
        .map(str::to_owned)
        .context("the server's URL is not http://")
}

/// The bytes of a soak file: pseudo-random from its seed.
fn content(seed: u64, size: usize) -> Vec<u8> {
    let mut state = seed | 1;
    (0..size)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect()
}

/// Runs every client until the load time is over (the server is killed after).
async fn load(
    addr: String,
    duration: Duration,
    clients: usize,
    largest: usize,
    cycle: usize,
    ledger: Arc<Mutex<Ledger>>,
) {
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for client in 0..clients {
        let addr = addr.clone();
        let ledger = Arc::clone(&ledger);
        tasks.push(tokio::spawn(async move {
            let mut rng = fastrand_seed(cycle, client);
            let mut n = 0u64;
            let mut mine: Vec<String> = Vec::new();
            while Instant::now() < deadline {
                n += 1;
                let roll = next(&mut rng) % 100;
                if roll < 60 || mine.is_empty() {
                    let name = format!("soak-{cycle}-{client}-{n}.bin");
                    let seed = next(&mut rng);
                    let size = if roll.is_multiple_of(10) {
                        (seed as usize) % largest
                    } else {
                        (seed as usize) % 8192
                    };
                    lock(&ledger).sent.insert(name.clone(), (seed, size));
                    match upload(&addr, &name, &content(seed, size)).await {
                        Ok(id) => {
                            let mut ledger = lock(&ledger);
                            ledger.acked.insert(id.clone(), name);
                            ledger.operations += 1;
                            mine.push(id);
                        }
                        Err(_) => failed(&ledger).await,
                    }
                } else if roll < 80 {
                    let id = mine.swap_remove((next(&mut rng) as usize) % mine.len());
                    lock(&ledger).maybe_deleted.insert(id.clone());
                    match request(&addr, "DELETE", &format!("/v1/files/{id}"), None).await {
                        Ok((200, _)) => {
                            let mut ledger = lock(&ledger);
                            ledger.deleted.insert(id);
                            ledger.operations += 1;
                        }
                        _ => failed(&ledger).await,
                    }
                } else {
                    let path = if roll < 90 {
                        "/v1/files?limit=50".to_owned()
                    } else {
                        format!("/v1/files/{}", mine[(next(&mut rng) as usize) % mine.len()])
                    };
                    match request(&addr, "GET", &path, None).await {
                        Ok((200, _)) => lock(&ledger).operations += 1,
                        _ => failed(&ledger).await,
                    }
                }
            }
        }));
    }
    for task in tasks {
        let _ = task.await;
    }
}

/// Counts a request without an answer and pauses a moment (the server is down).
async fn failed(ledger: &Mutex<Ledger>) {
    lock(ledger).failures += 1;
    tokio::time::sleep(Duration::from_millis(20)).await;
}

fn lock(ledger: &Mutex<Ledger>) -> std::sync::MutexGuard<'_, Ledger> {
    ledger
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn fastrand_seed(cycle: usize, client: usize) -> u64 {
    0x9E37_79B9_7F4A_7C15
        ^ ((cycle as u64) << 32)
        ^ (client as u64).wrapping_mul(0x2545_F491_4F6C_DD1D)
}

fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// Checks the restarted server against the ledger.
async fn verify(addr: &str, ledger: &Ledger) -> Result<()> {
    let listed = list_all(addr).await?;
    let listed_ids: HashSet<&str> = listed.iter().map(|(id, _)| id.as_str()).collect();
    let mut problems = Vec::new();
    for (id, name) in &ledger.acked {
        if ledger.maybe_deleted.contains(id) {
            continue;
        }
        if !listed_ids.contains(id.as_str()) {
            problems.push(format!("acknowledged upload {id} ({name}) is missing"));
        }
    }
    for id in &ledger.deleted {
        if listed_ids.contains(id.as_str()) {
            problems.push(format!("acknowledged delete {id} is still listed"));
        }
        match request(addr, "GET", &format!("/v1/files/{id}"), None).await {
            Ok((404, _)) => {}
            other => problems.push(format!(
                "acknowledged delete {id}: retrieve gave {:?}",
                other.map(|r| r.0)
            )),
        }
    }
    for (id, name) in &listed {
        let Some(&(seed, size)) = ledger.sent.get(name) else {
            problems.push(format!("{id} ({name}) was never sent"));
            continue;
        };
        match request(addr, "GET", &format!("/v1/files/{id}/content"), None).await {
            Ok((200, body)) if body == content(seed, size) => {}
            Ok((status, body)) => problems.push(format!(
                "{id} ({name}): download gave {status} with {} bytes, expected {size} exact bytes",
                body.len()
            )),
            Err(err) => problems.push(format!("{id} ({name}): download failed: {err:#}")),
        }
    }
    if !problems.is_empty() {
        for problem in problems.iter().take(20) {
            eprintln!("soak: {problem}");
        }
        bail!("soak: {} problems after the restart", problems.len());
    }
    Ok(())
}

/// Every file, newest first, walking beta pages: (id, filename).
async fn list_all(addr: &str) -> Result<Vec<(String, String)>> {
    let mut files = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..100_000 {
        let path = match &after {
            Some(id) => format!("/v1/files?limit=1000&after_id={id}"),
            None => "/v1/files?limit=1000".to_owned(),
        };
        let (status, body) = request(addr, "GET", &path, None).await?;
        if status != 200 {
            bail!("listing gave {status}: {}", String::from_utf8_lossy(&body));
        }
        let page: serde_json::Value = serde_json::from_slice(&body)?;
        for file in page["data"].as_array().context("no data")? {
            files.push((
                file["id"].as_str().context("no id")?.to_owned(),
                file["filename"].as_str().context("no filename")?.to_owned(),
            ));
        }
        if page["has_more"].as_bool() != Some(true) {
            return Ok(files);
        }
        after = page["last_id"].as_str().map(str::to_owned);
    }
    bail!("the listing did not end")
}

/// Uploads `bytes` as `name` (beta); the new file's id.
async fn upload(addr: &str, name: &str, bytes: &[u8]) -> Result<String> {
    const BOUNDARY: &str = "soak0123456789abcdef0123456789ab";
    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let (status, answer) = request(addr, "POST", "/v1/files", Some((&content_type, &body))).await?;
    if status != 200 {
        bail!("upload gave {status}: {}", String::from_utf8_lossy(&answer));
    }
    let meta: serde_json::Value = serde_json::from_slice(&answer)?;
    Ok(meta["id"].as_str().context("no id")?.to_owned())
}

/// One HTTP/1.1 request on its own connection (beta headers, a development
/// key); the status and the body.
async fn request(
    addr: &str,
    method: &str,
    path: &str,
    body: Option<(&str, &[u8])>,
) -> Result<(u16, Vec<u8>)> {
    tokio::time::timeout(REQUEST_LIMIT, async {
        let mut stream = TcpStream::connect(addr).await?;
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nx-api-key: sk-soak\r\n\
             anthropic-version: 2023-06-01\r\nanthropic-beta: files-api-2025-04-14\r\n\
             Connection: close\r\n"
        );
        if let Some((content_type, bytes)) = body {
            head.push_str(&format!(
                "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
                bytes.len()
            ));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await?;
        if let Some((_, bytes)) = body {
            stream.write_all(bytes).await?;
        }
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await?;
        parse(&answer)
    })
    .await
    .context("the request timed out")?
}

/// The status and body of a complete HTTP/1.1 answer (Content-Length framed).
fn parse(answer: &[u8]) -> Result<(u16, Vec<u8>)> {
    let end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .context("the answer has no complete head")?;
    let head = std::str::from_utf8(&answer[..end])?;
    let status: u16 = head.split(' ').nth(1).context("no status")?.parse()?;
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())
                .flatten()
        })
        .with_context(|| format!("no content-length in {:?}", head.escape_debug().to_string()))?;
    let body = &answer[end + 4..];
    if body.len() != length {
        bail!("the body has {} of {length} bytes", body.len());
    }
    Ok((status, body.to_vec()))
}
