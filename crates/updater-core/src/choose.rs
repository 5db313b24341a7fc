//! Stage 4, "choose": the update strategies (spec §6). Given an image's policy, the tags of its
//! repository and the running version, decide which tag to move to and explain every rejection.

use std::fmt;

/// Why a strategy name was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown update strategy `{input}` (expected `semver`, `newest-build`, `alphabetical` or `digest`)"
)]
pub struct UnknownStrategy {
    /// The rejected name.
    pub input: String,
}

/// The four strategies of the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Highest version within the constraint.
    Semver,
    /// Most recently built image (config `created`).
    NewestBuild,
    /// Lexically greatest tag.
    Alphabetical,
    /// The newest digest of one tracked tag.
    Digest,
}

impl Strategy {
    /// Parses a strategy name, case-insensitively, accepting the deprecated `latest` and `name`.
    pub fn parse(input: &str) -> Result<Self, UnknownStrategy> {
        match input.trim().to_ascii_lowercase().as_str() {
            "semver" => Ok(Self::Semver),
            "newest-build" | "latest" => Ok(Self::NewestBuild),
            "alphabetical" | "name" => Ok(Self::Alphabetical),
            "digest" => Ok(Self::Digest),
            _ => Err(UnknownStrategy {
                input: input.to_owned(),
            }),
        }
    }

    /// The current name a deprecated alias stands for, if `input` is one.
    pub fn deprecated_alias(input: &str) -> Option<&'static str> {
        match input.trim().to_ascii_lowercase().as_str() {
            "latest" => Some("newest-build"),
            "name" => Some("alphabetical"),
            _ => None,
        }
    }

    /// The canonical name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Semver => "semver",
            Self::NewestBuild => "newest-build",
            Self::Alphabetical => "alphabetical",
            Self::Digest => "digest",
        }
    }

    /// True when the strategy needs manifest metadata (creation time, digest, platforms).
    pub fn needs_metadata(self) -> bool {
        matches!(self, Self::NewestBuild | Self::Digest)
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
