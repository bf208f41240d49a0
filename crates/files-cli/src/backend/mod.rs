//! [`Backend`]: the files resource a command talks to — the configured API, or
//! the local store served in-process (the embedded default).

pub mod local_store;

use std::time::Duration;

use files_client::{ApiGeneration, Client, Files};
use files_server::FilesServer;

use crate::cli::GlobalArgs;
use crate::failure::Failure;
use crate::ui::Ui;

/// The files resource, and the embedded server behind it when there is one.
#[derive(Debug)]
pub struct Backend {
    files: Files,
    local: Option<FilesServer>,
    origin: String,
}

/// A setting from a flag or its environment variable, ignoring empty values.
fn setting(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A non-empty credential, trimmed.
fn secret_setting(value: Option<&crate::cli::Secret>) -> Option<&str> {
    value.map(|s| s.expose().trim()).filter(|v| !v.is_empty())
}

impl Backend {
    /// Connects as the options say: with an API key, auth token or base URL, to
    /// that API; with none of them, to the local store (one notice on stderr).
    ///
    /// # Errors
    /// The configuration is unusable (exit 2), or the local store cannot start (exit 4).
    pub async fn connect(global: &GlobalArgs, ui: Ui) -> Result<Self, Failure> {
        let api_key = secret_setting(global.api_key.as_ref());
        let auth_token = secret_setting(global.auth_token.as_ref());
        let base_url = setting(&global.base_url);
        let mut builder = Client::builder();
        let mut local_dir = None;
        let local = if api_key.is_none() && auth_token.is_none() && base_url.is_none() {
            let dir = local_store::store_dir()?;
            local_dir = Some(dir.clone());
            let server = local_store::start(&dir, || {
                ui.notice("waiting for another anthropic-files command using the local store")
            })
            .await?;
            ui.notice(&format!(
                "no API key or base URL configured: using the local store in {} \
                 (set ANTHROPIC_API_KEY to use the Anthropic API)",
                dir.display()
            ));
            builder = builder
                .base_url(server.base_url())
                .api_key(local_store::LOCAL_API_KEY);
            Some(server)
        } else {
            match (api_key, auth_token) {
                (Some(key), _) => builder = builder.api_key(key),
                (None, Some(token)) => builder = builder.auth_token(token),
                (None, None) => {}
            }
            if let Some(url) = base_url {
                builder = builder.base_url(url);
            }
            None
        };
        if global.ga {
            builder = builder.generation(ApiGeneration::Ga);
        }
        for beta in &global.betas {
            builder = builder.beta(beta);
        }
        if let Some(id) = &global.workspace_id {
            builder = builder.workspace_id(id);
        }
        if let Some(seconds) = global.timeout {
            builder = builder.timeout(Duration::from_secs(seconds));
        }
        if let Some(path) = &global.cacert {
            match std::fs::read(path) {
                Ok(pem) => builder = builder.add_root_certificates_pem(pem),
                Err(err) => {
                    if let Some(server) = local {
                        server.shutdown().await;
                    }
                    return Err(Failure::io("cannot read", path.display().to_string(), err));
                }
            }
        }
        if let Some(bytes) = global.max_upload_bytes {
            builder = builder.max_upload_bytes(bytes);
        }
        if let Some(n) = global.max_requests_per_minute {
            builder = builder.max_requests_per_minute(n);
        }
        if let Some(retries) = global.max_retries {
            builder = builder.max_retries(retries);
        }
        let client = match builder.build() {
            Ok(client) => client,
            Err(err) => {
                if let Some(server) = local {
                    server.shutdown().await;
                }
                return Err(err.into());
            }
        };
        tracing::debug!(target: "files_cli::backend", ?client, local_store = local.is_some(), "configured");
        let origin = match local_dir {
            Some(dir) => format!("local-store:{}", dir.display()),
            None => client.base_url().to_owned(),
        };
        Ok(Self {
            files: client.files(),
            local,
            origin,
        })
    }

    /// The files resource.
    pub fn files(&self) -> &Files {
        &self.files
    }

    /// Where the files live: the API's base URL, or `local-store:DIR` for the
    /// local store (whose server's address changes with every command).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Closes the connections, then stops the embedded server gracefully and
    /// releases the store.
    pub async fn close(self) {
        let Self { files, local, .. } = self;
        drop(files);
        if let Some(server) = local {
            server.shutdown().await;
        }
    }
}
