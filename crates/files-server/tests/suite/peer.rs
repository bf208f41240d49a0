//! A small HTTP peer for the server's tests: a pooled hyper client and a multipart
//! body builder, so each test reads as the requests it makes.

use std::time::Duration;

use bytes::Bytes;
use files_server::{FilesServer, ServerConfig};
use http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

pub const BETA: &str = "files-api-2025-04-14";

pub async fn start(config: ServerConfig) -> FilesServer {
    FilesServer::start(config).await.unwrap()
}

/// Which generation a request speaks, and with which key.
#[derive(Clone, Copy, Debug)]
pub enum Gen {
    Beta,
    Ga,
}

pub struct Peer {
    client: Client<HttpConnector, Full<Bytes>>,
    pub base: String,
    pub key: Option<String>,
    pub admin_token: Option<String>,
    pub generation: Gen,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    pub fn error_type(&self) -> String {
        self.json()["error"]["type"].as_str().unwrap().to_owned()
    }

    pub fn error_code(&self) -> Option<String> {
        self.json()["error"]["details"]["error_code"]
            .as_str()
            .map(str::to_owned)
    }

    pub fn request_id(&self) -> String {
        self.headers["request-id"].to_str().unwrap().to_owned()
    }
}

impl Peer {
    pub fn new(server: &FilesServer, generation: Gen) -> Self {
        Self {
            client: Client::builder(TokioExecutor::new()).build_http(),
            base: server.base_url().to_owned(),
            key: Some("sk-test".into()),
            admin_token: None,
            generation,
        }
    }

    /// Sends `x-admin-token: token` with every request.
    pub fn with_admin_token(mut self, token: &str) -> Self {
        self.admin_token = Some(token.to_owned());
        self
    }

    pub fn with_key(mut self, key: Option<&str>) -> Self {
        self.key = key.map(str::to_owned);
        self
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Bytes,
    ) -> Answer {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        if let Some(key) = &self.key {
            request = request.header("x-api-key", key);
        }
        if let Some(token) = &self.admin_token {
            request = request.header("x-admin-token", token);
        }
        match self.generation {
            Gen::Beta => {
                request = request
                    .header("anthropic-beta", BETA)
                    .header("anthropic-version", "2023-06-01");
            }
            Gen::Ga => request = request.header("anthropic-version", "2026-10-21"),
        }
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let response = tokio::time::timeout(
            Duration::from_secs(30),
            self.client.request(request.body(Full::new(body)).unwrap()),
        )
        .await
        .expect("request timed out")
        .expect("request failed");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("body failed").to_bytes();
        Answer {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None, Bytes::new()).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None, Bytes::new()).await
    }

    pub async fn upload(&self, filename: &str, mime: Option<&str>, content: &[u8]) -> Answer {
        self.upload_with(filename, mime, content, &[]).await
    }

    pub async fn upload_with(
        &self,
        filename: &str,
        mime: Option<&str>,
        content: &[u8],
        fields: &[(&str, &str)],
    ) -> Answer {
        let (content_type, body) = multipart(filename, mime, content, fields);
        self.send(Method::POST, "/v1/files", Some(&content_type), body)
            .await
    }

    /// Uploads `content` and returns the new file's id.
    pub async fn put(&self, filename: &str, content: &[u8]) -> String {
        let answer = self.upload(filename, Some("text/plain"), content).await;
        assert_eq!(
            answer.status,
            200,
            "{:?}",
            String::from_utf8_lossy(&answer.body)
        );
        answer.json()["id"].as_str().unwrap().to_owned()
    }
}

pub const BOUNDARY: &str = "0123456789abcdef0123456789abcdef";

pub fn multipart(
    filename: &str,
    mime: Option<&str>,
    content: &[u8],
    fields: &[(&str, &str)],
) -> (String, Bytes) {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n").as_bytes(),
    );
    if let Some(mime) = mime {
        body.extend_from_slice(format!("Content-Type: {mime}\r\n").as_bytes());
    }
    body.extend_from_slice(b"\r\n");
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    (
        format!("multipart/form-data; boundary={BOUNDARY}"),
        Bytes::from(body),
    )
}

pub fn ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The longest any single wait in these tests may take.
pub const BOUND: Duration = Duration::from_secs(10);

/// Reads until the peer closes or `BOUND` passes; what was read.
pub async fn read_to_close(stream: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(BOUND, stream.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => return got,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => panic!("the server kept the connection open past {BOUND:?}"),
        }
    }
}

/// The status line of a raw answer.
pub fn status_line(answer: &[u8]) -> String {
    String::from_utf8_lossy(answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}
