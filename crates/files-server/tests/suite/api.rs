//! The server over real loopback HTTP: the lifecycle in both generations, listing,
//! every contract error, workspaces, expiry and request ids.

use std::time::Duration;

use crate::peer::*;
use bytes::Bytes;
use files_server::{Auth, GeneratedFile, KeyTable, ServerConfig};
use http::Method;

#[tokio::test]
async fn beta_lifecycle() {
    let server = start(ServerConfig::new()).await;
    let peer = Peer::new(&server, Gen::Beta);

    let up = peer
        .upload("report.pdf", Some("application/pdf"), b"%PDF-1.7 tiny")
        .await;
    assert_eq!(up.status, 200);
    let file = up.json();
    let id = file["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("file_"));
    assert_eq!(file["type"], "file");
    assert_eq!(file["filename"], "report.pdf");
    assert_eq!(file["mime_type"], "application/pdf");
    assert_eq!(file["size_bytes"], 13);
    assert_eq!(file["downloadable"], false);
    assert!(file.get("expires_at").is_none(), "beta has no expires_at");
    assert!(file["created_at"].as_str().unwrap().ends_with('Z'));

    let got = peer.get(&format!("/v1/files/{id}?beta=true")).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.json(), file);

    let page = peer.get("/v1/files?beta=true").await.json();
    assert_eq!(ids(&page), vec![id.clone()]);
    assert_eq!(page["first_id"], id.as_str());
    assert_eq!(page["last_id"], id.as_str());
    assert_eq!(page["has_more"], false);

    let refused = peer.get(&format!("/v1/files/{id}/content")).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.error_type(), "invalid_request_error");
    assert_eq!(refused.error_code(), None, "beta errors carry no details");

    let deleted = peer.delete(&format!("/v1/files/{id}")).await;
    assert_eq!(deleted.status, 200);
    assert_eq!(
        deleted.json(),
        serde_json::json!({"id": id, "type": "file_deleted"})
    );
    let gone = peer.get(&format!("/v1/files/{id}")).await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.error_type(), "not_found_error");
    assert_eq!(peer.delete(&format!("/v1/files/{id}")).await.status, 404);
    assert_eq!(server.file_count().await.unwrap(), 0);
}

#[tokio::test]
async fn ga_lifecycle_with_generated_file_and_expiry() {
    let server = start(ServerConfig::new()).await;
    let peer = Peer::new(&server, Gen::Ga);

    let up = peer
        .upload_with(
            "dir/sub/notes.txt",
            Some("text/plain"),
            b"hello",
            &[("expires_in_seconds", "3600")],
        )
        .await;
    assert_eq!(up.status, 200, "{:?}", up.body);
    let file = up.json();
    assert_eq!(
        file["filename"], "notes.txt",
        "GA keeps the last path component"
    );
    assert!(file["expires_at"].is_string());
    let id = file["id"].as_str().unwrap().to_owned();

    let refused = peer.get(&format!("/v1/files/{id}/content")).await;
    assert_eq!(refused.status, 400);
    assert_eq!(
        refused.error_code().as_deref(),
        Some("file_not_downloadable")
    );

    let content = b"col\n1\n2\n".to_vec();
    let generated = server
        .create_generated_file(GeneratedFile::new("out.csv", content.clone()))
        .await
        .unwrap();
    assert!(generated.downloadable);
    let download = peer
        .get(&format!("/v1/files/{}/content", generated.id))
        .await;
    assert_eq!(download.status, 200);
    assert_eq!(download.body.as_ref(), content.as_slice());
    assert_eq!(
        download.headers["content-length"],
        content.len().to_string().as_str()
    );
    assert_eq!(download.headers["content-type"], "text/csv");
    assert_eq!(
        download.headers["content-disposition"],
        "attachment; filename=\"out.csv\"; filename*=UTF-8''out.csv"
    );

    let page = peer.get("/v1/files").await.json();
    assert_eq!(ids(&page), [generated.id.clone(), id.clone()]);
    assert!(page["next_page"].is_null());
    assert!(page.get("has_more").is_none());

    server.advance_clock(Duration::from_secs(3601));
    let expired = peer.get(&format!("/v1/files/{id}")).await;
    assert_eq!(expired.status, 404);
    assert_eq!(expired.error_code().as_deref(), Some("file_expired"));
    let beta_view = Peer::new(&server, Gen::Beta)
        .get(&format!("/v1/files/{id}"))
        .await;
    assert_eq!(beta_view.status, 404);
    assert_eq!(beta_view.error_code(), None);
    assert_eq!(
        ids(&peer.get("/v1/files").await.json()),
        vec![generated.id.clone()],
        "expired files are not listed"
    );
}

#[tokio::test]
async fn ga_filename_rules() {
    let server = start(ServerConfig::new()).await;
    let peer = Peer::new(&server, Gen::Ga);
    let unnamed = peer.upload("", Some("application/pdf"), b"x").await;
    assert_eq!(unnamed.status, 200);
    assert_eq!(unnamed.json()["filename"], "unnamed.pdf");
    let trailing = peer.upload("a/b/", Some("application/pdf"), b"x").await;
    assert_eq!(trailing.json()["filename"], "unnamed.pdf");
    // Each MIME type's customary extension, not the alphabetically first one.
    for (mime, name) in [
        ("text/plain", "unnamed.txt"),
        ("application/octet-stream", "unnamed.bin"),
        ("image/jpeg", "unnamed.jpg"),
        ("text/markdown", "unnamed.md"),
        ("application/xml", "unnamed.xml"),
    ] {
        let answer = peer.upload("", Some(mime), b"x").await;
        assert_eq!(answer.json()["filename"], name, "{mime}");
    }
    assert_eq!(peer.upload("a|b.txt", None, b"x").await.status, 400);
    let guessed = peer.upload("photo.png", None, b"x").await;
    assert_eq!(
        guessed.json()["mime_type"],
        "image/png",
        "no part Content-Type: guessed from the name"
    );
}

#[tokio::test]
async fn beta_paging_both_ways_and_scope() {
    let server = start(ServerConfig::new()).await;
    let peer = Peer::new(&server, Gen::Beta);
    let mut uploaded = Vec::new();
    for i in 0..25 {
        uploaded.push(peer.put(&format!("f{i}.txt"), b"x").await);
    }
    let newest_first: Vec<String> = uploaded.iter().rev().cloned().collect();

    // Forwards: after_id = last_id.
    let mut seen = Vec::new();
    let mut query = "limit=10".to_owned();
    let mut pages = 0;
    loop {
        let page = peer.get(&format!("/v1/files?{query}")).await.json();
        pages += 1;
        seen.extend(ids(&page));
        if page["has_more"] != true {
            break;
        }
        query = format!("limit=10&after_id={}", page["last_id"].as_str().unwrap());
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, newest_first);

    // Backwards from the oldest: before_id = first_id.
    let mut back = Vec::new();
    let mut query = format!("limit=7&before_id={}", uploaded[0]);
    loop {
        let page = peer.get(&format!("/v1/files?{query}")).await.json();
        let mut page_ids = ids(&page);
        page_ids.reverse();
        back.extend(page_ids);
        if page["has_more"] != true {
            break;
        }
        query = format!("limit=7&before_id={}", page["first_id"].as_str().unwrap());
    }
    assert_eq!(
        back,
        uploaded[1..].to_vec(),
        "walking backwards visits every newer file once"
    );

    // A cursor whose file was deleted keeps its place.
    assert_eq!(
        peer.delete(&format!("/v1/files/{}", uploaded[10]))
            .await
            .status,
        200
    );
    let after_deleted = peer
        .get(&format!("/v1/files?limit=2&after_id={}", uploaded[10]))
        .await
        .json();
    assert_eq!(
        ids(&after_deleted),
        [uploaded[9].clone(), uploaded[8].clone()]
    );

    // Parameter checks.
    for bad in [
        "limit=0",
        "limit=1001",
        "limit=x",
        "after_id=nope",
        "page=page_x",
        "ids=file_a",
    ] {
        let answer = peer.get(&format!("/v1/files?{bad}")).await;
        assert_eq!(answer.status, 400, "{bad}");
        assert_eq!(answer.error_type(), "invalid_request_error");
    }
    assert_eq!(peer.get("/v1/files?limit=1000").await.status, 200);

    // scope_id filters.
    server
        .create_generated_file(GeneratedFile::new("s.txt", "s").scope_id("sesn_1"))
        .await
        .unwrap();
    let scoped = peer.get("/v1/files?scope_id=sesn_1").await.json();
    assert_eq!(scoped["data"].as_array().unwrap().len(), 1);
    assert_eq!(
        scoped["data"][0]["scope"],
        serde_json::json!({"id": "sesn_1", "type": "session"})
    );
}

#[tokio::test]
async fn ga_paging_and_ids() {
    let server = start(ServerConfig::new()).await;
    let peer = Peer::new(&server, Gen::Ga);
    let mut uploaded = Vec::new();
    for i in 0..12 {
        uploaded.push(peer.put(&format!("g{i}.txt"), b"x").await);
    }
    let mut seen = Vec::new();
    let mut path = "/v1/files?limit=5".to_owned();
    loop {
        let page = peer.get(&path).await.json();
        seen.extend(ids(&page));
        match page["next_page"].as_str() {
            Some(token) => {
                assert!(token.starts_with("page_"));
                path = format!("/v1/files?limit=5&page={token}");
            }
            None => break,
        }
    }
    assert_eq!(seen, uploaded.iter().rev().cloned().collect::<Vec<_>>());

    let deleted = uploaded[3].clone();
    assert_eq!(
        peer.delete(&format!("/v1/files/{deleted}")).await.status,
        200
    );
    let by_ids = peer
        .get(&format!(
            "/v1/files?ids={},{},file_unknown,{deleted}",
            uploaded[1], uploaded[5]
        ))
        .await
        .json();
    assert_eq!(
        ids(&by_ids),
        [uploaded[5].clone(), uploaded[1].clone()],
        "unknown and deleted ids are left out"
    );
    let repeated = peer
        .get(&format!(
            "/v1/files?ids={}&ids={}",
            uploaded[1], uploaded[2]
        ))
        .await
        .json();
    assert_eq!(ids(&repeated).len(), 2, "repeated ids parameters work too");

    assert_eq!(
        peer.get(&format!("/v1/files?ids={}&limit=2", uploaded[1]))
            .await
            .status,
        400
    );
    assert_eq!(
        peer.get(&format!("/v1/files?ids={}&page=page_x", uploaded[1]))
            .await
            .status,
        400
    );
    let too_many: Vec<String> = (0..101).map(|i| format!("file_{i}")).collect();
    assert_eq!(
        peer.get(&format!("/v1/files?ids={}", too_many.join(",")))
            .await
            .status,
        400
    );
    assert_eq!(
        peer.get(&format!("/v1/files?after_id={}", uploaded[1]))
            .await
            .status,
        400,
        "beta cursors are not GA"
    );
}

#[tokio::test]
async fn upload_errors_store_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(
        ServerConfig::new()
            .data_dir(dir.path())
            .max_file_size(1000)
            .storage_quota(1500),
    )
    .await;
    let beta = Peer::new(&server, Gen::Beta);
    let ga = Peer::new(&server, Gen::Ga);

    // A '"' cannot reach the server inside a quoted multipart filename (clients
    // send it as %22); the rule itself is tested in files-types.
    for name in [
        "",
        "a<b",
        "a>b",
        "a:b",
        "a|b",
        "a?b",
        "a*b",
        "a\\b",
        "a/b",
        "tab\tname",
        &"n".repeat(256),
    ] {
        let answer = beta.upload(name, Some("text/plain"), b"x").await;
        assert_eq!(answer.status, 400, "{name:?}");
        assert_eq!(answer.error_type(), "invalid_request_error");
    }
    assert_eq!(
        beta.upload(&"n".repeat(255), Some("text/plain"), b"x")
            .await
            .status,
        200
    );

    let too_big = beta.upload("big.bin", None, &[7u8; 1001]).await;
    assert_eq!(too_big.status, 413);
    assert_eq!(too_big.error_type(), "request_too_large");
    let at_limit = beta.upload("limit.bin", None, &[7u8; 1000]).await;
    assert_eq!(at_limit.status, 200);

    // 1 + 1000 bytes used of 1500: 600 more is over the quota.
    let beta_quota = beta.upload("q.bin", None, &[1u8; 600]).await;
    assert_eq!(beta_quota.status, 403);
    assert_eq!(beta_quota.error_type(), "permission_error");
    let ga_quota = ga.upload("q.bin", None, &[1u8; 600]).await;
    assert_eq!(ga_quota.status, 400);
    assert_eq!(
        ga_quota.error_code().as_deref(),
        Some("storage_quota_exceeded")
    );

    let no_file = beta
        .send(
            Method::POST,
            "/v1/files",
            Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
            Bytes::from(format!("--{BOUNDARY}--\r\n")),
        )
        .await;
    assert_eq!(no_file.status, 400);
    let not_multipart = beta
        .send(
            Method::POST,
            "/v1/files",
            Some("application/json"),
            Bytes::from("{}"),
        )
        .await;
    assert_eq!(not_multipart.status, 400);
    let beta_expiry = beta
        .upload_with("e.txt", None, b"x", &[("expires_in_seconds", "3600")])
        .await;
    assert_eq!(beta_expiry.status, 400, "expires_in_seconds is GA only");
    let short_expiry = ga
        .upload_with("e.txt", None, b"x", &[("expires_in_seconds", "3599")])
        .await;
    let endless = "9".repeat(100_000);
    let roomy = start(ServerConfig::new()).await;
    let huge_field = Peer::new(&roomy, Gen::Ga)
        .upload_with("e.txt", None, b"x", &[("expires_in_seconds", &endless)])
        .await;
    assert_eq!(
        huge_field.status, 400,
        "a non-file field is read under a small limit"
    );
    assert!(
        huge_field.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("limit"),
        "{:?}",
        huge_field.json()
    );
    assert_eq!(short_expiry.status, 400);

    assert_eq!(server.file_count().await.unwrap(), 2);
    assert_eq!(
        std::fs::read_dir(dir.path().join("blobs")).unwrap().count(),
        2,
        "refused uploads leave no bytes"
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("tmp")).unwrap().count(),
        0
    );
}

#[tokio::test]
async fn auth_and_workspace_isolation() {
    let mut keys = KeyTable::new();
    keys.insert("sk-a", "team-a");
    keys.insert("sk-a2", "team-a");
    keys.insert("sk-b", "team-b");
    let server = start(ServerConfig::new().auth(Auth::Keys(keys))).await;
    let a = Peer::new(&server, Gen::Beta).with_key(Some("sk-a"));
    let a2 = Peer::new(&server, Gen::Ga).with_key(Some("sk-a2"));
    let b = Peer::new(&server, Gen::Beta).with_key(Some("sk-b"));

    let id = a.put("a.txt", b"a").await;
    assert_eq!(
        a2.get(&format!("/v1/files/{id}")).await.status,
        200,
        "keys of a workspace share its files"
    );
    let hidden = b.get(&format!("/v1/files/{id}")).await;
    assert_eq!(hidden.status, 404);
    assert_eq!(b.delete(&format!("/v1/files/{id}")).await.status, 404);
    assert_eq!(b.get(&format!("/v1/files/{id}/content")).await.status, 404);
    assert!(ids(&b.get("/v1/files").await.json()).is_empty());

    let missing = Peer::new(&server, Gen::Beta)
        .with_key(None)
        .get("/v1/files")
        .await;
    assert_eq!(missing.status, 401);
    assert_eq!(missing.error_type(), "authentication_error");
    let unknown = Peer::new(&server, Gen::Beta)
        .with_key(Some("sk-nope"))
        .get("/v1/files")
        .await;
    assert_eq!(unknown.status, 401);

    // Bearer tokens are accepted too.
    let bearer = reqwest_like_bearer(&server, "sk-b").await;
    assert_eq!(bearer, 200);
}

async fn reqwest_like_bearer(server: &files_server::FilesServer, token: &str) -> u16 {
    use http_body_util::{BodyExt, Empty};
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Empty<Bytes>>();
    let request = http::Request::get(format!("{}/v1/files", server.base_url()))
        .header("authorization", format!("Bearer {token}"))
        .body(Empty::new())
        .unwrap();
    let response = client.request(request).await.unwrap();
    let status = response.status().as_u16();
    let _ = response.into_body().collect().await;
    status
}

#[tokio::test]
async fn every_answer_carries_its_request_id() {
    let server = start(ServerConfig::new()).await;
    let peer = Peer::new(&server, Gen::Beta);
    let ok = peer.get("/v1/files").await;
    assert!(ok.request_id().starts_with("req_"));
    let err = peer.get("/v1/files/file_missing").await;
    assert_eq!(err.json()["request_id"], err.request_id().as_str());
    let other = peer.get("/v1/files/file_missing").await;
    assert_ne!(other.request_id(), err.request_id());
    assert_eq!(peer.get("/v2/other").await.status, 404);
    assert_eq!(
        peer.send(Method::PUT, "/v1/files", None, Bytes::new())
            .await
            .status,
        405
    );
    assert_eq!(
        peer.get("/_admin/v1/faults").await.status,
        404,
        "admin routes are off by default"
    );
}

/// Uploads one file part whose Content-Disposition is exactly `disposition`.
async fn upload_disposed(peer: &Peer, disposition: &str) -> Answer {
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\nContent-Type: text/plain\r\n\r\nhi\r\n--{BOUNDARY}--\r\n"
    );
    peer.send(
        Method::POST,
        "/v1/files",
        Some(&format!("multipart/form-data; boundary={BOUNDARY}")),
        Bytes::from(body),
    )
    .await
}

#[tokio::test]
async fn content_disposition_is_read_as_rfc_7578_says() {
    let server = start(ServerConfig::new()).await;
    let peer = Peer::new(&server, Gen::Beta);
    for (disposition, filename) in [
        (
            r#"form-data; name="file"; filename*=UTF-8''%E2%82%AC%20rates.txt; filename="rates.txt""#,
            "€ rates.txt",
        ),
        (
            r#"Form-Data; NAME="file"; FILENAME="upper.txt""#,
            "upper.txt",
        ),
        (
            r#"form-data; filename="x; name=y.txt"; name="file""#,
            "x; name=y.txt",
        ),
    ] {
        let answer = upload_disposed(&peer, disposition).await;
        assert_eq!(answer.status, 200, "{disposition}: {:?}", answer.body);
        assert_eq!(answer.json()["filename"], filename, "{disposition}");
    }
    // A part named "file" only inside a quoted filename is not the file part.
    let answer =
        upload_disposed(&peer, r#"form-data; filename="a; name=file"; name="other""#).await;
    assert_eq!(answer.status, 400);
    assert!(
        answer.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("file: Field required")
    );
}

#[tokio::test]
async fn created_at_never_increases_down_a_listing_of_concurrent_uploads() {
    let server = start(ServerConfig::new()).await;
    let mut uploaders = Vec::new();
    for u in 0..8 {
        let peer = Peer::new(&server, Gen::Beta);
        uploaders.push(tokio::spawn(async move {
            for i in 0..30 {
                peer.put(&format!("{u}-{i}.txt"), b"x").await;
            }
        }));
    }
    for uploader in uploaders {
        uploader.await.unwrap();
    }
    let peer = Peer::new(&server, Gen::Beta);
    let page = peer.get("/v1/files?limit=1000").await.json();
    let created: Vec<String> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["created_at"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(created.len(), 240);
    // RFC 3339 in UTC with a fixed width: text order is time order.
    let inversions = created.windows(2).filter(|w| w[0] < w[1]).count();
    assert_eq!(
        inversions, 0,
        "newest first by id, yet {inversions} times older first"
    );
}

/// A beta cursor id carrying `seq` (22 base62 digits of `seq << 64 | salt`).
fn cursor_id(seq: u64) -> String {
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut n = u128::from(seq) << 64 | 7;
    let mut digits = [b'0'; 22];
    for slot in digits.iter_mut().rev() {
        *slot = ALPHABET[(n % 62) as usize];
        n /= 62;
    }
    format!("file_{}", String::from_utf8(digits.to_vec()).unwrap())
}

#[tokio::test]
async fn a_cursor_past_every_sequence_number_gives_an_empty_before_page() {
    let server = start(ServerConfig::new()).await;
    let peer = Peer::new(&server, Gen::Beta);
    let newest = {
        peer.put("a.txt", b"a").await;
        peer.put("b.txt", b"b").await
    };
    for seq in [1 << 63, u64::MAX] {
        let before = peer
            .get(&format!("/v1/files?before_id={}", cursor_id(seq)))
            .await;
        assert_eq!(before.status, 200);
        assert_eq!(
            ids(&before.json()),
            Vec::<String>::new(),
            "nothing is newer than {seq}"
        );
        let after = peer
            .get(&format!("/v1/files?after_id={}&limit=1", cursor_id(seq)))
            .await;
        assert_eq!(
            ids(&after.json()),
            std::slice::from_ref(&newest),
            "everything is older than {seq}"
        );
    }
}

#[tokio::test]
async fn a_listing_answer_declares_its_length() {
    // Clients that read answers by Content-Length (soak's, curl's progress)
    // need it on listings too, which are held against the answer budget.
    let server = start(ServerConfig::new()).await;
    let peer = Peer::new(&server, Gen::Beta);
    peer.put("a.txt", b"a").await;
    let page = peer.get("/v1/files").await;
    assert_eq!(page.status, 200);
    let declared: usize = page.headers["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(declared, page.body.len());
    assert!(page.headers.get("transfer-encoding").is_none());
}
