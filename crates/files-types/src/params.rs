//! Request parameters: listing and upload, with their checks and paging rules.

use std::path::Path;

use crate::validate::{
    require_generation, validate_expires_in_seconds, validate_filename, validate_id_field,
    validate_ids, validate_limit, validate_mime_type,
};
use crate::{ApiGeneration, FileList, ValidationError, guess_mime_type};

fn require_non_empty(parameter: &'static str, value: &str) -> Result<(), ValidationError> {
    if value.is_empty() {
        return Err(ValidationError::EmptyParameter { parameter });
    }
    Ok(())
}

/// Where a listing starts: exactly one cursor at a time.
///
/// ```
/// use files_types::ListCursor;
///
/// let cursor = ListCursor::AfterId("file_a".into());
/// assert_eq!(cursor.query_pair(), ("after_id", "file_a"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ListCursor {
    /// Beta: the page of files listed right after this id (older files).
    AfterId(String),
    /// Beta: the page of files listed right before this id (newer files).
    BeforeId(String),
    /// GA: an opaque `next_page` token (prefixed `page_`).
    Page(String),
}

impl ListCursor {
    /// The query parameter this cursor is sent as, and its value.
    pub fn query_pair(&self) -> (&'static str, &str) {
        match self {
            Self::AfterId(id) => ("after_id", id),
            Self::BeforeId(id) => ("before_id", id),
            Self::Page(token) => ("page", token),
        }
    }

    /// The generation whose page shape this cursor comes from. Either kind may be
    /// sent with either generation (see [`ListParams::next_page`]).
    ///
    /// ```
    /// use files_types::{ApiGeneration, ListCursor};
    /// assert_eq!(ListCursor::Page("page_x".into()).generation(), ApiGeneration::Ga);
    /// ```
    pub fn generation(&self) -> ApiGeneration {
        match self {
            Self::AfterId(_) | Self::BeforeId(_) => ApiGeneration::Beta,
            Self::Page(_) => ApiGeneration::Ga,
        }
    }
}

/// Parameters of `GET /v1/files`, for either generation.
///
/// Both generations take `limit`, a cursor (`after_id`, `before_id` or `page`:
/// whichever the server's last answer carried) and `scope_id`; GA also takes
/// `ids` (at most 100, never with `page` or `limit`).
///
/// ```
/// use files_types::{ApiGeneration, ListParams};
///
/// let params = ListParams::new().limit(100).before_id("file_b");
/// params.validate(ApiGeneration::Beta)?;
/// assert_eq!(
///     params.to_query(),
///     vec![("limit", "100".to_owned()), ("before_id", "file_b".to_owned())]
/// );
/// assert!(ListParams::new().ids(["file_a"]).validate(ApiGeneration::Beta).is_err());
/// # Ok::<(), files_types::ValidationError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListParams {
    /// Files per page, 1 to 1000; the server's default (20) when `None`.
    pub(crate) limit: Option<u32>,
    /// Where the page starts.
    pub(crate) cursor: Option<ListCursor>,
    /// GA: list exactly these files (unknown ids are left out); empty for none.
    pub(crate) ids: Vec<String>,
    /// Only files of this scope (e.g. a session id).
    pub(crate) scope_id: Option<String>,
}

impl ListParams {
    /// No parameter: the first page with the server's default size.
    pub fn new() -> Self {
        Self::default()
    }

    /// Files per page; `None`: the server's default (20).
    pub fn get_limit(&self) -> Option<u32> {
        self.limit
    }

    /// Where the page starts; `None`: the newest file.
    pub fn get_cursor(&self) -> Option<&ListCursor> {
        self.cursor.as_ref()
    }

    /// GA: the files to list; empty for none.
    pub fn get_ids(&self) -> &[String] {
        &self.ids
    }

    /// Only files of this scope.
    pub fn get_scope_id(&self) -> Option<&str> {
        self.scope_id.as_deref()
    }

    /// Sets the page size (1 to 1000).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Beta: starts right after this id, replacing any other cursor.
    pub fn after_id(mut self, id: impl Into<String>) -> Self {
        self.cursor = Some(ListCursor::AfterId(id.into()));
        self
    }

    /// Beta: starts right before this id (walks backwards), replacing any other cursor.
    pub fn before_id(mut self, id: impl Into<String>) -> Self {
        self.cursor = Some(ListCursor::BeforeId(id.into()));
        self
    }

    /// GA: the page named by a `next_page` token, replacing any other cursor.
    pub fn page(mut self, token: impl Into<String>) -> Self {
        self.cursor = Some(ListCursor::Page(token.into()));
        self
    }

    /// GA: lists exactly these ids (at most 100; a single page).
    pub fn ids<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.ids = ids.into_iter().map(Into::into).collect();
        self
    }

    /// Only files of this scope.
    pub fn scope_id(mut self, scope_id: impl Into<String>) -> Self {
        self.scope_id = Some(scope_id.into());
        self
    }

    /// Checks every parameter against its rule and against `generation`.
    ///
    /// ```
    /// use files_types::{ApiGeneration, ListParams, ValidationError};
    ///
    /// let err = ListParams::new().ids(["file_a"]).limit(5).validate(ApiGeneration::Ga);
    /// assert_eq!(err, Err(ValidationError::IdsExclusive { other: "limit" }));
    /// ```
    ///
    /// # Errors
    /// The first rule broken.
    pub fn validate(&self, generation: ApiGeneration) -> Result<(), ValidationError> {
        if let Some(limit) = self.limit {
            validate_limit(limit)?;
        }
        // A cursor of either shape may be sent with either generation: servers
        // have been seen answering a beta request with GA cursors, and the
        // client sends back whichever cursor the answer carried.
        if let Some(cursor) = &self.cursor {
            let (name, value) = cursor.query_pair();
            match cursor {
                // An opaque token travels in the query string, where the client
                // encodes it: only emptiness is an error.
                ListCursor::Page(_) => require_non_empty(name, value)?,
                ListCursor::AfterId(_) | ListCursor::BeforeId(_) => {
                    validate_id_field(name, value)?;
                }
            }
        }
        if !self.ids.is_empty() {
            require_generation("ids", ApiGeneration::Ga, generation)?;
            validate_ids(&self.ids)?;
            if matches!(self.cursor, Some(ListCursor::Page(_))) {
                return Err(ValidationError::IdsExclusive { other: "page" });
            }
            if self.limit.is_some() {
                return Err(ValidationError::IdsExclusive { other: "limit" });
            }
        }
        if let Some(scope_id) = &self.scope_id {
            require_non_empty("scope_id", scope_id)?;
        }
        Ok(())
    }

    /// The query string pairs, in a stable order: `limit`, the cursor, `ids` (one
    /// `ids[]` pair per id, the official SDKs' bracket format), `scope_id`.
    ///
    /// ```
    /// use files_types::ListParams;
    ///
    /// let query = ListParams::new().ids(["file_a", "file_b"]).scope_id("sess_1").to_query();
    /// assert_eq!(
    ///     query,
    ///     vec![
    ///         ("ids[]", "file_a".to_owned()),
    ///         ("ids[]", "file_b".to_owned()),
    ///         ("scope_id", "sess_1".to_owned()),
    ///     ]
    /// );
    /// ```
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut query = Vec::new();
        if let Some(limit) = self.limit {
            query.push(("limit", limit.to_string()));
        }
        if let Some(cursor) = &self.cursor {
            let (name, value) = cursor.query_pair();
            query.push((name, value.to_owned()));
        }
        for id in &self.ids {
            query.push(("ids[]", id.clone()));
        }
        if let Some(scope_id) = &self.scope_id {
            query.push(("scope_id", scope_id.clone()));
        }
        query
    }

    /// The parameters of the page after `page`, by the cursor `page` carries,
    /// whichever generation was asked for, or `None` when `page` is the last.
    ///
    /// - A listing by `ids` is always one page.
    /// - A non-empty `next_page` is sent back as `page` (GA shapes, which the
    ///   live API has been seen sending to beta requests too).
    /// - Else, by the beta rules: stop when `has_more` is false (or missing),
    ///   `data` is empty or the id to follow is missing or empty; a listing
    ///   that walks backwards (`before_id`) continues with `before_id =
    ///   first_id`, any other with `after_id = last_id`.
    ///
    /// Every other parameter (`limit`, `scope_id`) is kept. The cursor is the
    /// server's own text: it is sent back as it came, never checked as input.
    ///
    /// ```
    /// use files_types::{FileList, FileMetadata, ListParams};
    ///
    /// let mut page = FileList::new(vec![FileMetadata::new("file_b", "b.txt", "text/plain", 1, "2026-01-01T00:00:00Z")]);
    /// page.first_id = Some("file_b".into());
    /// page.last_id = Some("file_b".into());
    /// page.has_more = Some(true);
    ///
    /// let next = ListParams::new().limit(1).next_page(&page).unwrap();
    /// assert_eq!(next, ListParams::new().limit(1).after_id("file_b"));
    ///
    /// let back = ListParams::new().before_id("file_c").next_page(&page).unwrap();
    /// assert_eq!(back, ListParams::new().before_id("file_b"));
    ///
    /// // A GA token wins, whatever the request was.
    /// page.next_page = Some("page_2".into());
    /// let ga = ListParams::new().before_id("file_c").next_page(&page).unwrap();
    /// assert_eq!(ga, ListParams::new().page("page_2"));
    /// ```
    pub fn next_page(&self, page: &FileList) -> Option<ListParams> {
        if !self.ids.is_empty() {
            return None;
        }
        let non_empty = |value: &Option<String>| value.clone().filter(|v| !v.is_empty());
        if let Some(token) = non_empty(&page.next_page) {
            return Some(self.clone().page(token));
        }
        if page.has_more != Some(true) || page.data.is_empty() {
            return None;
        }
        match self.cursor {
            Some(ListCursor::BeforeId(_)) => {
                Some(self.clone().before_id(non_empty(&page.first_id)?))
            }
            _ => Some(self.clone().after_id(non_empty(&page.last_id)?)),
        }
    }
}

/// A hint of what an upload is for. It is never sent on the wire; it only selects
/// the client-side checks of the content.
///
/// ```
/// use files_types::Purpose;
/// assert_eq!(Purpose::Batch.as_str(), "batch");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Purpose {
    /// Files for use in messages; no content check.
    UserData,
    /// Batch requests: the content must be JSONL of batch requests.
    Batch,
}

impl Purpose {
    /// The hint's name: `user_data` or `batch`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::UserData => "user_data",
            Self::Batch => "batch",
        }
    }
}

/// Parameters of `POST /v1/files` beyond the content itself.
///
/// ```
/// use files_types::{ApiGeneration, Purpose, UploadParams};
///
/// let params = UploadParams::new().filename("requests.jsonl").purpose(Purpose::Batch);
/// params.validate(ApiGeneration::Beta)?;
/// assert_eq!(params.resolve_mime_type("requests.jsonl"), "application/octet-stream");
///
/// let ga = UploadParams::new().expires_in_seconds(86_400);
/// assert!(ga.validate(ApiGeneration::Ga).is_ok());
/// assert!(ga.validate(ApiGeneration::Beta).is_err());
/// # Ok::<(), files_types::ValidationError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct UploadParams {
    /// The filename to send; else the last component of the uploaded path.
    pub(crate) filename: Option<String>,
    /// The part's MIME type; else guessed from the filename's extension, else
    /// `application/octet-stream`.
    pub(crate) mime_type: Option<String>,
    /// GA: the file expires this many seconds after upload (3600 to 7776000).
    pub(crate) expires_in_seconds: Option<u64>,
    /// What the file is for; selects client-side content checks. Never sent.
    pub(crate) purpose: Option<Purpose>,
}

impl UploadParams {
    /// The filename to send; `None`: the source's own name.
    pub fn get_filename(&self) -> Option<&str> {
        self.filename.as_deref()
    }

    /// The MIME type to send; `None`: guessed from the filename.
    pub fn get_mime_type(&self) -> Option<&str> {
        self.mime_type.as_deref()
    }

    /// GA: seconds from upload to expiry.
    pub fn get_expires_in_seconds(&self) -> Option<u64> {
        self.expires_in_seconds
    }

    /// What the file is for.
    pub fn get_purpose(&self) -> Option<Purpose> {
        self.purpose
    }

    /// No parameter: name and MIME type come from the path.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the filename sent with the content.
    pub fn filename(mut self, filename: impl Into<String>) -> Self {
        self.filename = Some(filename.into());
        self
    }

    /// Sets the MIME type of the part.
    pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.mime_type = Some(mime_type.into());
        self
    }

    /// GA: sets the expiry.
    pub fn expires_in_seconds(mut self, seconds: u64) -> Self {
        self.expires_in_seconds = Some(seconds);
        self
    }

    /// Sets the purpose hint.
    pub fn purpose(mut self, purpose: Purpose) -> Self {
        self.purpose = Some(purpose);
        self
    }

    /// Checks the parameters given (the filename, when set; the MIME type; the
    /// expiry and its generation). The content is checked separately.
    ///
    /// # Errors
    /// The first rule broken.
    pub fn validate(&self, generation: ApiGeneration) -> Result<(), ValidationError> {
        if let Some(filename) = &self.filename {
            validate_filename(filename)?;
        }
        if let Some(mime_type) = &self.mime_type {
            validate_mime_type(mime_type)?;
        }
        if let Some(seconds) = self.expires_in_seconds {
            require_generation("expires_in_seconds", ApiGeneration::Ga, generation)?;
            validate_expires_in_seconds(seconds)?;
        }
        Ok(())
    }

    /// The filename to send for content read from `path`: the explicit one, else
    /// the path's last component (`None` when the path has none, e.g. `/`).
    ///
    /// ```
    /// use files_types::UploadParams;
    /// use std::path::Path;
    ///
    /// assert_eq!(UploadParams::new().resolve_filename(Path::new("/tmp/a.pdf")).as_deref(), Some("a.pdf"));
    /// assert_eq!(UploadParams::new().filename("b.pdf").resolve_filename(Path::new("/tmp/a.pdf")).as_deref(), Some("b.pdf"));
    /// ```
    pub fn resolve_filename(&self, path: &Path) -> Option<String> {
        self.filename.clone().or_else(|| {
            path.file_name()
                .map(|name| name.to_string_lossy().into_owned())
        })
    }

    /// The MIME type to send for a file named `filename`: the explicit one, else a
    /// guess from its extension, else `application/octet-stream`.
    pub fn resolve_mime_type(&self, filename: &str) -> String {
        self.mime_type
            .clone()
            .unwrap_or_else(|| guess_mime_type(filename))
    }
}
