//! Builders for the content blocks that reference an uploaded file in a Messages
//! request. They serialize to exactly the documented JSON:
//!
//! - `{"type":"document","source":{"type":"file","file_id":"..."}, "title"?, "context"?, "citations"?: {"enabled":true}}`
//! - `{"type":"image","source":{"type":"file","file_id":"..."}}`
//! - `{"type":"container_upload","file_id":"..."}` (code execution takes the id directly)

use serde::{Deserialize, Serialize};

use crate::{ContentBlockKind, FileMetadata};

/// `{"type":"file","file_id":"..."}`: the source of a document or image block.
///
/// ```
/// let source = files_types::FileSource::new("file_a");
/// assert_eq!(serde_json::to_string(&source).unwrap(), r#"{"type":"file","file_id":"file_a"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename = "file")]
#[non_exhaustive]
pub struct FileSource {
    /// The file's id.
    pub file_id: String,
}

impl FileSource {
    /// A source naming `file_id`.
    pub fn new(file_id: impl Into<String>) -> Self {
        Self {
            file_id: file_id.into(),
        }
    }
}

/// `{"enabled": true}`: citations of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Citations {
    /// Whether the model may cite the document.
    pub enabled: bool,
}

/// A `document` block: a PDF or plain-text file.
///
/// ```
/// use files_types::DocumentBlock;
///
/// let block = DocumentBlock::new("file_a").title("Q3 report").context("draft").citations(true);
/// assert_eq!(
///     serde_json::to_value(files_types::FileContentBlock::from(block)).unwrap(),
///     serde_json::json!({
///         "type": "document",
///         "source": {"type": "file", "file_id": "file_a"},
///         "title": "Q3 report",
///         "context": "draft",
///         "citations": {"enabled": true}
///     })
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DocumentBlock {
    /// The file.
    pub source: FileSource,
    /// An optional title for the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Optional context about the document, for the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Whether citations are enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citations: Option<Citations>,
}

impl DocumentBlock {
    /// A document block for `file_id`, with no title, context or citations.
    pub fn new(file_id: impl Into<String>) -> Self {
        Self {
            source: FileSource::new(file_id),
            title: None,
            context: None,
            citations: None,
        }
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets the context.
    pub fn context(mut self, context: impl Into<String>) -> Self {
        self.context = Some(context.into());
        self
    }

    /// Enables or disables citations (`{"enabled": ...}`).
    pub fn citations(mut self, enabled: bool) -> Self {
        self.citations = Some(Citations { enabled });
        self
    }
}

/// An `image` block: a JPEG, PNG, GIF or WebP file.
///
/// ```
/// use files_types::{FileContentBlock, ImageBlock};
///
/// let json = serde_json::to_string(&FileContentBlock::from(ImageBlock::new("file_i"))).unwrap();
/// assert_eq!(json, r#"{"type":"image","source":{"type":"file","file_id":"file_i"}}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImageBlock {
    /// The file.
    pub source: FileSource,
}

impl ImageBlock {
    /// An image block for `file_id`.
    pub fn new(file_id: impl Into<String>) -> Self {
        Self {
            source: FileSource::new(file_id),
        }
    }
}

/// A `container_upload` block: a file made available to code execution.
///
/// ```
/// use files_types::{ContainerUploadBlock, FileContentBlock};
///
/// let json = serde_json::to_string(&FileContentBlock::from(ContainerUploadBlock::new("file_c"))).unwrap();
/// assert_eq!(json, r#"{"type":"container_upload","file_id":"file_c"}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ContainerUploadBlock {
    /// The file's id.
    pub file_id: String,
}

impl ContainerUploadBlock {
    /// A container upload block for `file_id`.
    pub fn new(file_id: impl Into<String>) -> Self {
        Self {
            file_id: file_id.into(),
        }
    }
}

/// A content block that references a file, tagged by `type`.
///
/// ```
/// use files_types::{ContentBlockKind, FileContentBlock, FileMetadata};
///
/// let pdf = FileMetadata::new("file_p", "a.pdf", "application/pdf", 10, "2026-01-01T00:00:00Z");
/// let block = FileContentBlock::for_file(&pdf);
/// assert_eq!(block.kind(), ContentBlockKind::Document);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FileContentBlock {
    /// A `document` block.
    Document(DocumentBlock),
    /// An `image` block.
    Image(ImageBlock),
    /// A `container_upload` block.
    ContainerUpload(ContainerUploadBlock),
}

impl FileContentBlock {
    /// The plain block of `kind` for `file_id`.
    ///
    /// ```
    /// use files_types::{ContentBlockKind, FileContentBlock, ImageBlock};
    /// assert_eq!(
    ///     FileContentBlock::new(ContentBlockKind::Image, "file_i"),
    ///     FileContentBlock::Image(ImageBlock::new("file_i"))
    /// );
    /// ```
    pub fn new(kind: ContentBlockKind, file_id: impl Into<String>) -> Self {
        match kind {
            ContentBlockKind::Document => Self::Document(DocumentBlock::new(file_id)),
            ContentBlockKind::Image => Self::Image(ImageBlock::new(file_id)),
            ContentBlockKind::ContainerUpload => {
                Self::ContainerUpload(ContainerUploadBlock::new(file_id))
            }
        }
    }

    /// The block a stored file goes in, chosen by its MIME type.
    pub fn for_file(file: &FileMetadata) -> Self {
        Self::new(file.content_block_kind(), file.id.clone())
    }

    /// The kind of this block.
    pub fn kind(&self) -> ContentBlockKind {
        match self {
            Self::Document(_) => ContentBlockKind::Document,
            Self::Image(_) => ContentBlockKind::Image,
            Self::ContainerUpload(_) => ContentBlockKind::ContainerUpload,
        }
    }

    /// The id of the file this block references.
    pub fn file_id(&self) -> &str {
        match self {
            Self::Document(block) => &block.source.file_id,
            Self::Image(block) => &block.source.file_id,
            Self::ContainerUpload(block) => &block.file_id,
        }
    }
}

impl From<DocumentBlock> for FileContentBlock {
    fn from(block: DocumentBlock) -> Self {
        Self::Document(block)
    }
}

impl From<ImageBlock> for FileContentBlock {
    fn from(block: ImageBlock) -> Self {
        Self::Image(block)
    }
}

impl From<ContainerUploadBlock> for FileContentBlock {
    fn from(block: ContainerUploadBlock) -> Self {
        Self::ContainerUpload(block)
    }
}
