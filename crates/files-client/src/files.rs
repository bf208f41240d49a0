//! [`Files`]: the files resource.

use files_types::{DeletedFile, FileList, FileMetadata, ListParams, validate_file_id};
use http::Method;

use crate::paging::{FilePage, ItemStream, PageStream};
use crate::request::RequestSpec;
use crate::{Client, Download, Error, FileUpload, RequestOptions, ResponseMeta};

impl Client {
    /// The files resource.
    pub fn files(&self) -> Files {
        Files::new(self.clone())
    }
}

/// The files resource: `client.files()`. Cheap to clone.
///
/// Every method checks its input before sending anything, and fails with
/// [`Error::InvalidInput`] when a rule is broken.
#[derive(Debug, Clone)]
pub struct Files {
    client: Client,
    options: RequestOptions,
}

impl Files {
    pub(crate) fn new(client: Client) -> Self {
        Self {
            client,
            options: RequestOptions::default(),
        }
    }

    /// The client this resource sends through.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The per-request overrides of this handle.
    pub fn options(&self) -> &RequestOptions {
        &self.options
    }

    async fn send_json<T: serde::de::DeserializeOwned>(
        &self,
        spec: RequestSpec,
    ) -> Result<T, Error> {
        let (outgoing, policy) = spec.build(self.client.config(), &self.options)?;
        let (value, _meta) = self.client.send_json(outgoing, policy).await?;
        Ok(value)
    }

    /// The same resource with per-request overrides (timeout, retries, betas,
    /// headers) for every call made through it.
    pub fn with_options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// Uploads a file (`POST /v1/files`).
    ///
    /// # Errors
    /// Invalid input (before sending), a local I/O error, or an API or connection error.
    pub async fn upload(&self, upload: FileUpload) -> Result<FileMetadata, Error> {
        let config = self.client.config();
        let spec = upload
            .into_request(config.generation, config.max_upload_bytes)
            .await?;
        self.send_json(spec).await
    }

    /// A file's metadata (`GET /v1/files/{file_id}`).
    ///
    /// # Errors
    /// An invalid id (before sending), or an API or connection error.
    pub async fn retrieve_metadata(&self, file_id: &str) -> Result<FileMetadata, Error> {
        let path = file_path(file_id, "")?;
        self.send_json(RequestSpec::new(Method::GET, path)).await
    }

    /// Deletes a file (`DELETE /v1/files/{file_id}`).
    ///
    /// # Errors
    /// An invalid id (before sending), or an API or connection error.
    pub async fn delete(&self, file_id: &str) -> Result<DeletedFile, Error> {
        let path = file_path(file_id, "")?;
        self.send_json(RequestSpec::new(Method::DELETE, path)).await
    }

    /// One page of files, newest first (`GET /v1/files`).
    ///
    /// # Errors
    /// Parameters that break a rule (before sending), or an API or connection
    /// error.
    pub async fn list(&self, params: ListParams) -> Result<FilePage, Error> {
        params.validate(self.client.generation())?;
        let (list, meta) = self.fetch_page(&params).await?;
        FilePage::first(list, meta, params, self.clone())
    }

    /// `GET /v1/files` with `params` as they are: a later page's cursor came
    /// from the server and is sent back unchecked.
    pub(crate) async fn fetch_page(
        &self,
        params: &ListParams,
    ) -> Result<(FileList, ResponseMeta), Error> {
        let mut spec = RequestSpec::new(Method::GET, "/v1/files".into());
        spec.query = params.to_query();
        let (outgoing, policy) = spec.build(self.client.config(), &self.options)?;
        self.client.send_json(outgoing, policy).await
    }

    /// Every page from `params` on, fetched lazily.
    pub fn list_pages(&self, params: ListParams) -> PageStream {
        PageStream::new(self.clone(), params)
    }

    /// Every file from `params` on, across pages, fetched lazily; cap it with
    /// `StreamExt::take`: no page past the one holding the last file taken is
    /// fetched.
    pub fn list_items(&self, params: ListParams) -> ItemStream {
        ItemStream::new(self.list_pages(params))
    }

    /// Starts a download (`GET /v1/files/{file_id}/content`): the answer's headers
    /// have arrived, its body has not been read.
    ///
    /// # Errors
    /// An invalid id (before sending), or an API or connection error (a file that
    /// is not downloadable: [`Error::is_file_not_downloadable`]).
    pub async fn download(&self, file_id: &str) -> Result<Download, Error> {
        let path = file_path(file_id, "/content")?;
        let mut spec = RequestSpec::new(Method::GET, path.clone());
        spec.accept = "application/binary";
        let (outgoing, policy) = spec.build(self.client.config(), &self.options)?;
        let response = self.client.send_streaming(outgoing, policy).await?;
        Ok(Download::new(response, path))
    }
}

/// `/v1/files/{file_id}{suffix}` with the id checked and percent-encoded.
fn file_path(file_id: &str, suffix: &str) -> Result<String, Error> {
    validate_file_id(file_id)?;
    let mut encoded = String::with_capacity(file_id.len());
    for byte in file_id.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    Ok(format!("/v1/files/{encoded}{suffix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_checked_and_encoded() {
        assert_eq!(file_path("file_abc-1", "").unwrap(), "/v1/files/file_abc-1");
        assert_eq!(
            file_path("file_é", "/content").unwrap(),
            "/v1/files/file_%C3%A9/content"
        );
        assert!(file_path("", "").unwrap_err().is_invalid_input());
        assert!(file_path("../x", "").is_err());
    }
}
