//! Authentication: which workspace a request's credential belongs to.

use std::collections::HashMap;
use std::fmt;

use files_types::ErrorType;
use http::HeaderMap;
use http::StatusCode;

use crate::wire::ApiError;

/// The workspace every key shares in development mode.
pub const DEFAULT_WORKSPACE: &str = "default";

/// Which keys the server accepts and the workspace each belongs to.
///
/// ```
/// use files_server::{Auth, KeyTable};
///
/// let dev = Auth::Development; // any non-empty key, one shared workspace
/// let mut keys = KeyTable::new();
/// keys.insert("sk-team-a", "team-a");
/// keys.insert("sk-team-b", "team-b");
/// let strict = Auth::Keys(keys);
/// assert!(format!("{strict:?}").contains("2 keys"));
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum Auth {
    /// Any non-empty key is accepted; every key shares the workspace `default`.
    #[default]
    Development,
    /// Only the keys of the table; each sees only its own workspace's files.
    Keys(KeyTable),
}

/// A table of keys, each with the workspaces it may use (the first is its default;
/// `anthropic-workspace-id` selects another). `Debug` never shows a key.
#[derive(Clone, Default)]
pub struct KeyTable {
    keys: HashMap<String, Vec<String>>,
}

impl fmt::Debug for KeyTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyTable({} keys)", self.keys.len())
    }
}

/// A line of a key file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("key file line {line}: {problem}")]
#[non_exhaustive]
pub struct KeyFileError {
    /// The line number, from 1.
    pub line: usize,
    /// What is wrong.
    pub problem: &'static str,
}

impl KeyTable {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Lets `key` use `workspace` (in addition to any workspace it already has).
    pub fn insert(&mut self, key: impl Into<String>, workspace: impl Into<String>) {
        let workspaces = self.keys.entry(key.into()).or_default();
        let workspace = workspace.into();
        if !workspaces.contains(&workspace) {
            workspaces.push(workspace);
        }
    }

    /// How many keys the table holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Reads `KEY=WORKSPACE[,WORKSPACE...]` entries: one a line in a key file
    /// (blank lines and `#` comments are skipped), or one a `--key` flag.
    ///
    /// ```
    /// use files_server::KeyTable;
    ///
    /// let table = KeyTable::parse("# team keys\nsk-a=team-a\nsk-ops=team-a,team-b\n")?;
    /// assert_eq!(table.len(), 2);
    /// assert!(KeyTable::parse("no-equals-sign").is_err());
    /// # Ok::<(), files_server::KeyFileError>(())
    /// ```
    ///
    /// # Errors
    /// The first line that is not `KEY=WORKSPACE[,...]`.
    pub fn parse(text: &str) -> Result<Self, KeyFileError> {
        let mut table = Self::new();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            table.add_entry(line).map_err(|problem| KeyFileError {
                line: index + 1,
                problem,
            })?;
        }
        Ok(table)
    }

    /// Adds one `KEY=WORKSPACE[,WORKSPACE...]` entry.
    ///
    /// # Errors
    /// What is wrong with the entry.
    pub fn add_entry(&mut self, entry: &str) -> Result<(), &'static str> {
        let (key, workspaces) = entry
            .split_once('=')
            .ok_or("expected KEY=WORKSPACE[,WORKSPACE...]")?;
        let key = key.trim();
        if key.is_empty() {
            return Err("the key is empty");
        }
        let mut any = false;
        for workspace in workspaces
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
        {
            self.insert(key, workspace);
            any = true;
        }
        if any {
            Ok(())
        } else {
            Err("no workspace is named")
        }
    }
}

/// The credential of a request: `x-api-key`, else `authorization: Bearer`.
fn credential(headers: &HeaderMap) -> Option<&str> {
    if let Some(key) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        return Some(key.trim());
    }
    let auth = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = auth.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl Auth {
    /// The workspace of a request, or the 401/403 answer.
    pub(crate) fn workspace(&self, headers: &HeaderMap) -> Result<String, ApiError> {
        let key = match credential(headers) {
            Some(key) if !key.is_empty() => key,
            _ => {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    ErrorType::AuthenticationError,
                    "x-api-key header or a bearer token is required",
                ));
            }
        };
        match self {
            Self::Development => Ok(DEFAULT_WORKSPACE.to_owned()),
            Self::Keys(table) => {
                let workspaces = table.keys.get(key).ok_or_else(|| {
                    ApiError::new(
                        StatusCode::UNAUTHORIZED,
                        ErrorType::AuthenticationError,
                        "invalid x-api-key",
                    )
                })?;
                let wanted = headers
                    .get("anthropic-workspace-id")
                    .and_then(|v| v.to_str().ok())
                    .map(str::trim)
                    .filter(|w| !w.is_empty());
                match wanted {
                    None => workspaces.first().cloned().ok_or_else(|| {
                        ApiError::new(
                            StatusCode::FORBIDDEN,
                            ErrorType::PermissionError,
                            "this key has no workspace",
                        )
                    }),
                    Some(wanted) if workspaces.iter().any(|w| w == wanted) => Ok(wanted.to_owned()),
                    Some(_) => Err(ApiError::new(
                        StatusCode::FORBIDDEN,
                        ErrorType::PermissionError,
                        "this key cannot use the workspace named in anthropic-workspace-id",
                    )),
                }
            }
        }
    }
}
