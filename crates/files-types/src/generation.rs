//! The two generations of the Files API and the header values each one uses.

use std::fmt;

/// The `anthropic-beta` value that selects the beta generation of the Files API.
///
/// ```
/// assert_eq!(files_types::FILES_API_BETA, "files-api-2025-04-14");
/// ```
pub const FILES_API_BETA: &str = "files-api-2025-04-14";

/// Which generation of the Files API a request speaks.
///
/// The beta generation is the default: it sends `anthropic-version: 2023-06-01` and
/// always includes [`FILES_API_BETA`] in `anthropic-beta`. The GA generation sends
/// `anthropic-version: 2026-10-21`, no files beta, pages with an opaque `page`
/// token, and reports finer error codes.
///
/// ```
/// use files_types::ApiGeneration;
///
/// assert_eq!(ApiGeneration::default(), ApiGeneration::Beta);
/// assert_eq!(ApiGeneration::Beta.anthropic_version(), "2023-06-01");
/// assert_eq!(ApiGeneration::Ga.files_beta(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ApiGeneration {
    /// The beta generation (`files-api-2025-04-14`), the default.
    #[default]
    Beta,
    /// The generally available generation.
    Ga,
}

impl ApiGeneration {
    /// The `anthropic-version` header value of this generation.
    ///
    /// ```
    /// assert_eq!(files_types::ApiGeneration::Ga.anthropic_version(), "2026-10-21");
    /// ```
    pub const fn anthropic_version(self) -> &'static str {
        match self {
            Self::Beta => "2023-06-01",
            Self::Ga => "2026-10-21",
        }
    }

    /// The beta that must always be in `anthropic-beta` for this generation, if any.
    ///
    /// ```
    /// use files_types::{ApiGeneration, FILES_API_BETA};
    /// assert_eq!(ApiGeneration::Beta.files_beta(), Some(FILES_API_BETA));
    /// ```
    pub const fn files_beta(self) -> Option<&'static str> {
        match self {
            Self::Beta => Some(FILES_API_BETA),
            Self::Ga => None,
        }
    }

    /// A short lowercase name: `beta` or `ga`.
    ///
    /// ```
    /// assert_eq!(files_types::ApiGeneration::Ga.as_str(), "ga");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Beta => "beta",
            Self::Ga => "ga",
        }
    }
}

impl fmt::Display for ApiGeneration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
