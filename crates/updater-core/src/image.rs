//! Image references (spec §5.1): the distribution grammar with the legacy fallback, aliases,
//! Docker Hub normalisation and the renderings the original uses.

use std::fmt;

/// Why a string is not an image reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageRefError {
    /// Nothing to parse.
    #[error("image reference is empty")]
    Empty,
    /// `alias=` with nothing after the `=`.
    #[error("image reference `{input}` has an alias but no image")]
    MissingImage {
        /// The rejected text.
        input: String,
    },
}

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// The alias before the first `=`, if any (trimmed; may be empty in `=img`).
    pub alias: Option<String>,
    /// The registry host, `""` for implicit Docker Hub.
    pub registry: String,
    /// The repository path (Docker Hub `library/` stripped as the original does).
    pub name: String,
    /// The tag, or the constraint for semver / tracked tag for digest.
    pub tag: Option<String>,
    /// The digest, e.g. `sha256:…`.
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses like the original's `NewFromIdentifier`.
    pub fn parse(input: &str) -> Result<Self, ImageRefError> {
        todo!("{input}")
    }
    /// `[registry/]name`.
    pub fn full_name_without_tag(&self) -> String {
        todo!()
    }
    /// `[registry/]name[:tag][@digest]`.
    pub fn full_name_with_tag(&self) -> String {
        todo!()
    }
    /// `tag`, `tag@digest`, or `latest@digest`; `None` when neither is set.
    pub fn tag_with_digest(&self) -> Option<String> {
        todo!()
    }
}

impl fmt::Display for ImageRef {
    /// `[alias=]` + the full name with tag.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("{f:p}")
    }
}
