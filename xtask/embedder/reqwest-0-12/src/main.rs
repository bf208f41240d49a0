//! Upload, list and delete through files-client over the host's own
//! reqwest 0.12 `reqwest::Client`, against the files-server at `FILES_BASE_URL`.

use files_client::{Client, FileUpload, ListParams};
use files_transport::Reqwest012Transport;
use futures_util::TryStreamExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::var("FILES_BASE_URL")?;
    let host_client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let files = Client::builder()
        .api_key("sk-embedder")
        .base_url(base_url)
        .transport(Reqwest012Transport::new(host_client))
        .build()?
        .files();
    let file = files
        .upload(FileUpload::bytes("embedded.txt", "from another SDK"))
        .await?;
    let listed: Vec<_> = files.list_items(ListParams::new()).try_collect().await?;
    if !listed.iter().any(|f| f.id == file.id) {
        return Err("the uploaded file is not listed".into());
    }
    files.delete(&file.id).await?;
    if files.retrieve_metadata(&file.id).await.is_ok() {
        return Err("the file is still there after delete".into());
    }
    println!(
        "embedder reqwest 0.12: upload, list and delete over the host's reqwest::Client: ok ({})",
        file.id
    );
    Ok(())
}
